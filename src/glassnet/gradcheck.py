"""Gradient check: backpropagation against central differences."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from glassnet._validation import check_int, check_number


def gradcheck(model, X: Any, y: Any, eps: float = 1e-6, max_entries: int | None = 200,
              seed: int = 0) -> float:
    """Largest relative error between backprop gradients and central differences.

    The check runs on a float64 copy of ``model`` as it is (``copy.deepcopy``: the same layer
    objects, custom ones included, the same weights and loss), in inference mode (dropout off),
    and leaves ``model`` untouched.

    Parameters
    ----------
    model : Sequential
        A compiled model (built, or buildable from ``X``).
    X, y : array-like
        A small batch of data.
    eps : float
        Step of the central difference ``(L(θ + ε) − L(θ − ε)) / 2ε``.
    max_entries : int or None
        Entries checked per parameter array (a random subset when larger; None = all).
    seed : int
        Seed that picks the subset.

    Returns
    -------
    float
        ``max over parameter arrays of ‖g_bp − g_num‖ / (‖g_bp‖ + ‖g_num‖)`` on the checked entries
        (0 when both are 0). Below ~1e-7 is a pass; ~1e-2 or more means a wrong backward pass.
    """
    eps = check_number(eps, "eps", low=0.0, low_inclusive=False)
    if max_entries is not None:
        max_entries = check_int(max_entries, "max_entries", low=1)
    model._require_compiled()
    X = model._check_X(X)
    if not model.built:
        model.build(X.shape[1:])
    m64 = _float64_copy(model)
    X64 = X.astype(np.float64)

    m64.compute_gradients(X64, y, training=False)
    # Copy now: the grads are views of one buffer that each finite difference overwrites.
    backprop = [{k: g.ravel().copy() for k, g in layer.grads.items()} for layer in m64.layers]
    rng = np.random.default_rng(seed)
    worst = 0.0
    for layer, layer_bp in zip(m64.layers, backprop, strict=True):
        for key, p in layer.params.items():
            g_bp = layer_bp[key]
            flat = p.reshape(-1)
            idx = np.arange(flat.size)
            if max_entries is not None and flat.size > max_entries:
                idx = rng.choice(flat.size, size=max_entries, replace=False)
            g_num = np.empty(len(idx))
            for j, i in enumerate(idx):
                old = flat[i]
                flat[i] = old + eps
                plus = m64.compute_gradients(X64, y, training=False)
                flat[i] = old - eps
                minus = m64.compute_gradients(X64, y, training=False)
                flat[i] = old
                g_num[j] = (plus - minus) / (2 * eps)
            g = g_bp[idx]
            denom = np.linalg.norm(g) + np.linalg.norm(g_num)
            if denom > 0:
                worst = max(worst, float(np.linalg.norm(g - g_num) / denom))
    return worst


def _float64_copy(model):
    """A deep copy of a built ``model`` computing in float64."""
    m64 = copy.deepcopy(model)
    if m64.dtype != np.float64:
        m64.dtype = np.dtype(np.float64)
        for layer in m64.layers:
            layer.dtype = m64.dtype
            layer.params = {k: v.astype(np.float64) for k, v in layer.params.items()}
            layer.grads = {k: np.zeros_like(v) for k, v in layer.params.items()}
        m64._pack_parameters()
    return m64
