"""Inverted dropout."""

from __future__ import annotations

import numpy as np

from glassnet._validation import check_number
from glassnet.layers.base import Layer


class Dropout(Layer):
    """Zero each input with probability ``rate`` during training, scaling the rest by 1/(1 − rate).

    At inference (``training=False``) the layer is the identity, so no rescaling is needed there
    ("inverted" dropout). The random mask comes from ``self.rng``, which the model reseeds from
    ``(seed, epoch)`` at every epoch so that a resumed run draws the same masks.

    Parameters
    ----------
    rate : float
        Fraction of units to drop, in [0, 1).
    """

    def __init__(self, rate: float, name: str | None = None) -> None:
        super().__init__(name)
        self.rate = check_number(rate, "rate", low=0.0, high=1.0, high_inclusive=False)
        self.rng = np.random.default_rng()

    def build(self, input_shape, rng=None, dtype=np.float32):
        super().build(input_shape, rng, dtype)
        if rng is not None:
            self.rng = rng

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        self._ensure_built(x)
        if not training or self.rate == 0.0:
            self._cache = None
            return x
        keep = 1.0 - self.rate
        mask = (self.rng.random(x.shape, dtype=x.dtype) < keep).astype(x.dtype)
        mask *= 1.0 / keep                                  # (m, ...) of 0 or 1/keep
        self._cache = mask
        return x * mask

    def backward(self, grad: np.ndarray) -> np.ndarray:
        if self._cache is None:
            return grad
        return grad * self._cache

    def get_config(self):
        return {"rate": self.rate, "name": self.name}
