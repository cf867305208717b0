"""Flatten all axes but the first."""

from __future__ import annotations

import math

import numpy as np

from glassnet.layers.base import Layer


class Flatten(Layer):
    """Reshape ``(m, d1, d2, ...)`` to ``(m, d1·d2·...)`` (a view, no copy when contiguous)."""

    def __init__(self, name: str | None = None,
                 input_shape: tuple[int, ...] | None = None) -> None:
        super().__init__(name)
        self._declare_input_shape(input_shape)

    def compute_output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._ensure_built(x)
        self._cache = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        return grad.reshape(self._cache)
