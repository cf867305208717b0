"""Per-batch training metrics that ``fit`` and ``evaluate`` accumulate (sums, not means), and
``evaluate``'s pass over a data set."""

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


def evaluate(model, X: np.ndarray, y: np.ndarray, chunk: int) -> dict[str, float]:
    """Mean loss (plus the L1/L2 penalties) and the compiled metrics of ``model`` on the checked
    ``(X, y)``, forwarded ``chunk`` samples at a time (inference mode: no dropout)."""
    n = len(X)
    loss_sum, sums = 0.0, [0.0] * len(model.metrics)
    for i in range(0, n, chunk):
        xb, yb = X[i:i + chunk], y[i:i + chunk]
        a = model._forward(xb, training=False)
        if model.fused_head:
            loss = model.loss.value_from_logits(model.layers[-1].logits, yb, a)
        else:
            loss = model.loss.value(a, yb)
        loss_sum += loss * len(xb)
        sums = [s + v for s, v in zip(sums, batch_sums(model.metrics, a, yb), strict=True)]
    out = {"loss": loss_sum / n + model._penalty()}
    out.update({name: s / n for name, s in zip(model.metrics, sums, strict=True)})
    return out
