"""L1/L2 weight penalties shared by the layers with a kernel (Dense, Conv2D).

Post 003 adds ``λ/2m · Σ W²`` to the cost; glassnet follows Keras and PyTorch's ``weight_decay``
and adds the penalty to the mean loss as is:

    penalty(W) = l1 · Σ|W| + l2 · Σ W²
    ∂penalty/∂W = l1 · sign(W) + 2 · l2 · W

Biases are never penalised.
"""

from __future__ import annotations

import numpy as np


def penalty(W: np.ndarray, l1: float, l2: float) -> float:
    """``l1·Σ|W| + l2·ΣW²`` (0.0 when both are 0)."""
    total = 0.0
    if l1:
        total += l1 * float(np.abs(W).sum())
    if l2:
        total += l2 * float(np.vdot(W, W))
    return total


def add_penalty_gradient(dW: np.ndarray, W: np.ndarray, l1: float, l2: float) -> None:
    """``dW += l1·sign(W) + 2·l2·W``, in place."""
    if l1:
        dW += l1 * np.sign(W)
    if l2:
        dW += (2.0 * l2) * W


class Penalized:
    """Mixin for layers with ``l1``, ``l2`` and a ``params["W"]``: the penalty of the loss."""

    l1: float = 0.0
    l2: float = 0.0

    def penalty(self) -> float:
        return penalty(self.params["W"], self.l1, self.l2)

    def _add_penalty_gradient(self) -> None:
        if self.l1 or self.l2:
            add_penalty_gradient(self.grads["W"], self.params["W"], self.l1, self.l2)
