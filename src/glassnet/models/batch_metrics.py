"""Per-batch training metrics that ``fit`` and ``evaluate`` accumulate (sums, not means)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from glassnet._suggest import did_you_mean

_ALIASES = {"acc": "accuracy", "mean_squared_error": "mse", "mean_absolute_error": "mae"}
_VALID = ("accuracy", "mse", "mae")


def _accuracy_sum(a: np.ndarray, y: np.ndarray) -> float:
    """Number of correct predictions: threshold 0.5 for one output, argmax for several."""
    if a.shape[1] == 1:
        return float(np.count_nonzero((a > 0.5) == (y > 0.5)))
    pred = a.argmax(axis=1)
    truth = y if y.ndim == 1 else y.argmax(axis=1)
    return float(np.count_nonzero(pred == truth))


def _mse_sum(a, y):
    d = a - y
    return float(np.vdot(d, d)) / a.shape[1]


def _mae_sum(a, y):
    return float(np.abs(a - y).sum()) / a.shape[1]


_FUNCS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "accuracy": _accuracy_sum, "mse": _mse_sum, "mae": _mae_sum,
}


def resolve(metrics) -> list[str]:
    """Check a list of metric names and return their canonical names."""
    if metrics is None:
        return []
    if isinstance(metrics, str):
        metrics = [metrics]
    out = []
    for m in metrics:
        if not isinstance(m, str):
            raise TypeError(f"metrics must be names (str), got {type(m).__name__}")
        key = _ALIASES.get(m.lower(), m.lower())
        if key not in _FUNCS:
            raise ValueError(f"unknown metric {m!r}; valid names are: {', '.join(_VALID)}"
                             + did_you_mean(m, _VALID))
        out.append(key)
    return out


def batch_sums(names: list[str], a: np.ndarray, y: np.ndarray) -> list[float]:
    """Sum of each metric over the samples of one batch."""
    return [_FUNCS[n](a, y) for n in names]
