"""A layer that applies an activation function on its own."""

from __future__ import annotations

import numpy as np

from glassnet import activations
from glassnet.layers.base import Layer


class Activation(Layer):
    """Apply ``activation`` element-wise (softmax: per row). No parameters.

    Parameters
    ----------
    activation : str
        One of ``glassnet.activations.names()``.

    Shapes
    ------
    input ``(m, ...)`` → output of the same shape.
    """

    def __init__(self, activation: str, name: str | None = None) -> None:
        super().__init__(name)
        self.activation = activations.get(activation)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._ensure_built(x)
        if self.fused_head:
            self.logits = x
        a = self.activation.forward(x)
        self._cache = a
        return a

    def backward(self, grad: np.ndarray) -> np.ndarray:
        if self.fused_head:
            return grad
        return self.activation.backward(grad, self._cache)

    def get_config(self):
        return {"activation": self.activation.name, "name": self.name}
