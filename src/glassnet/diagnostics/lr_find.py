"""``gn.lr_find``: the learning-rate range test (L. N. Smith, 2015; fastai's ``lr_find``).

Train for ``steps`` mini-batches while the learning rate grows geometrically,

    lr_t = start · (end / start)^(t / (steps − 1)),

smooth the batch losses with a bias-corrected exponential moving average
(``s_t = β s_{t−1} + (1 − β) L_t``, shown as ``s_t / (1 − β^{t+1})``), stop once the smoothed
loss exceeds ``LR_FIND_DIVERGE`` × its minimum, and suggest one tenth of the learning rate at the
minimum (the loss still falls fast there, and far from the edge where it blows up).

The test runs on a copy of the model with a fresh copy of its optimizer, so the model's weights
and optimizer state (moments, step count, learning rate) are exactly as they were afterwards.
"""

from __future__ import annotations

import copy
import math
from typing import Any

import numpy as np

from glassnet import optimizers
from glassnet._validation import check_int, check_number
from glassnet.diagnostics import thresholds as T
from glassnet.errors import DivergenceError


def lr_schedule(start: float, end: float, steps: int) -> np.ndarray:
    """The learning rates of the test: ``steps`` values from ``start`` to ``end``, geometric."""
    return np.geomspace(start, end, steps)


def smoothed(losses: list[float], beta: float = T.LR_FIND_BETA) -> np.ndarray:
    """Bias-corrected exponential moving average of ``losses``."""
    out, avg = [], 0.0
    for t, value in enumerate(losses):
        avg = beta * avg + (1 - beta) * value
        out.append(avg / (1 - beta ** (t + 1)))
    return np.asarray(out)


def suggestion(lrs: np.ndarray, smooth: np.ndarray) -> float:
    """The suggested learning rate: ``lr at the smallest smoothed loss / LR_FIND_DIVISOR``.

    The first ``LR_FIND_SKIP`` points are left out (fastai's ``skip_start``: the average has
    seen too few batches there). Ties: the learning rate taken is the largest whose smoothed
    loss is within ``LR_FIND_TIE``
    of the drop (``base − min``, base: the median of the first quarter of the curve) above the
    minimum. A curve that never drops by ``LR_FIND_TIE`` of its base (a model already trained)
    has no meaningful minimum: then the learning rate where the loss first doubles (the edge of
    divergence) is divided instead.
    """
    skip = min(T.LR_FIND_SKIP, len(smooth) - 1)
    lrs, smooth = lrs[skip:], smooth[skip:]
    low = float(np.nanmin(smooth))
    base = float(np.median(smooth[:max(1, len(smooth) // 4)]))
    if base - low < T.LR_FIND_TIE * base:
        over = np.flatnonzero(smooth > 2 * base)
        edge = int(over[0]) if over.size else len(smooth) - 1
        return float(lrs[edge] / T.LR_FIND_DIVISOR)
    best = int(np.flatnonzero(smooth <= low + T.LR_FIND_TIE * (base - low)).max())
    return float(lrs[best] / T.LR_FIND_DIVISOR)


def range_test(model, X: np.ndarray, y: np.ndarray, start: float, end: float, steps: int,
               batch_size: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Run the test on a copy of ``model``; returns the learning rates tried and the losses."""
    twin = copy.deepcopy(model, memo={id(model.history): None})
    opt = model.optimizer
    fresh = optimizers.from_config(type(opt).__name__, opt.get_config())
    twin.compile(loss=twin.loss, optimizer=fresh, metrics=list(twin.metrics))
    rng = np.random.default_rng(seed)
    lrs, losses, order, pos = lr_schedule(start, end, steps), [], rng.permutation(len(X)), 0
    best = math.inf
    for t, lr in enumerate(lrs):
        if pos + batch_size > len(X):
            order, pos = rng.permutation(len(X)), 0
        idx = order[pos:pos + batch_size]
        pos += batch_size
        fresh.lr = float(lr)
        try:
            with np.errstate(all="ignore"):
                loss = float(twin.train_step(X[idx], y[idx]))
        except DivergenceError:
            break
        losses.append(loss)
        s = smoothed(losses)[-1]
        best = min(best, s)
        if not math.isfinite(s) or (t > 0 and s > T.LR_FIND_DIVERGE * best):
            break
    return lrs[:len(losses)], np.asarray(losses)


def lr_find(model, X: Any, y: Any, start_lr: float = T.LR_FIND_START,
            end_lr: float = T.LR_FIND_END, steps: int = T.LR_FIND_STEPS,
            batch_size: int | None = None, seed: int = 0, ax: Any = None):
    """Learning-rate range test: the loss against the learning rate, and a suggested one.

    Parameters
    ----------
    model : Sequential
        A compiled model (built from ``X`` if needed). It is left exactly as it was.
    X, y : array-like
        Training data.
    start_lr, end_lr : float
        The range of learning rates tried (geometric steps).
    steps : int
        Number of mini-batches.
    batch_size : int, optional
        Samples per step; default ``min(64, n)``.
    seed : int
        Seed of the batch order.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.

    Returns
    -------
    lr : float
        The suggestion: the learning rate of the lowest smoothed loss, divided by 10.
    fig : matplotlib Figure
        Smoothed loss against learning rate (log scale), the suggestion marked.
    """
    if model.loss is None or model.optimizer is None:
        raise ValueError("model must be compiled before lr_find: call model.compile(loss=..., "
                         "optimizer=...) first")
    start_lr = check_number(start_lr, "start_lr", low=0.0, low_inclusive=False)
    end_lr = check_number(end_lr, "end_lr", low=0.0, low_inclusive=False)
    if end_lr <= start_lr:
        raise ValueError(f"end_lr must be greater than start_lr, got start_lr={start_lr:g}, "
                         f"end_lr={end_lr:g}")
    steps = check_int(steps, "steps", low=5)
    seed = check_int(seed, "seed", low=0)
    Xc, yc = model._check_Xy(X, y)
    batch_size = min(64, len(Xc)) if batch_size is None else check_int(
        batch_size, "batch_size", low=1, high=len(Xc))
    model._build_for(Xc, "run lr_find")
    lrs, losses = range_test(model, Xc, yc, start_lr, end_lr, steps, batch_size, seed)
    if len(losses) < 2:
        raise ValueError(f"the loss diverged at the first learning rates tried "
                         f"({start_lr:g}): lower start_lr")
    smooth = smoothed(list(losses))
    lr = suggestion(lrs, smooth)
    fig = _draw(lrs, smooth, losses, lr, ax)
    return lr, fig


def _draw(lrs, smooth, losses, lr, ax):
    import matplotlib.pyplot as plt

    from glassnet.plotting import _style

    if ax is None:
        fig, ax = plt.subplots(figsize=(6, 4))
    else:
        fig = ax.figure
    ax.plot(lrs, losses, color=_style.TRAIN_COLOR, alpha=0.25, lw=1, label="batch loss")
    ax.plot(lrs, smooth, color=_style.TRAIN_COLOR, lw=2, label="smoothed loss")
    ax.axvline(lr, color=_style.VALIDATION_COLOR, ls="--", label=f"suggested lr = {lr:.2g}")
    ax.set_xscale("log")
    top = np.nanmax(smooth[: max(1, int(np.nanargmin(smooth)) + 1)])
    finite = losses[np.isfinite(losses)]
    if finite.size:
        ax.set_ylim(min(np.nanmin(smooth), finite.min()) * 0.95, top * 1.5)
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss")
    ax.set_title("Learning-rate range test (Smith 2015)")
    ax.legend(frameon=False)
    fig.lr_find = {"lrs": lrs, "losses": losses, "smoothed": smooth, "suggestion": lr}
    return fig
