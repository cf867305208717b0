"""Training curves: the loss and each metric per epoch, training and validation side by side."""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from glassnet._validation import check_int
from glassnet.plotting import _style

_PRETTY = {"loss": "Loss", "accuracy": "Accuracy", "acc": "Accuracy", "lr": "Learning rate",
           "mse": "Mean squared error", "mae": "Mean absolute error"}
_HIGHER_IS_BETTER = ("acc", "precision", "recall", "f1", "auc", "r2")


def _as_history_dict(history: Any) -> tuple[dict[str, list[float]], list[int] | None]:
    """The ``{name: values}`` dict of a History, a dict or a model; plus epoch numbers if known."""
    epochs = None
    obj = history
    for _ in range(2):                        # model.history -> History.history -> dict
        if isinstance(obj, Mapping):
            break
        if not hasattr(obj, "history"):
            break
        epochs = getattr(obj, "epoch", epochs)
        obj = obj.history
    if not isinstance(obj, Mapping):
        raise TypeError(f"history must be a History (what fit returns), a model that was fitted "
                        f"or a dict {{name: per-epoch values}}, got {type(history).__name__}")
    if not obj:
        raise ValueError("history is empty: nothing was recorded (was the model fitted?)")
    out: dict[str, list[float]] = {}
    for key, values in obj.items():
        if not isinstance(key, str):
            raise TypeError(f"history keys must be str, got {type(key).__name__}")
        if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray)):
            raise TypeError(f"history[{key!r}] must be a list of numbers, got "
                            f"{type(values).__name__}")
        if not all(isinstance(v, numbers.Real) for v in values):
            raise TypeError(f"history[{key!r}] must hold numbers only")
        out[key] = [float(v) for v in values]
    if epochs is not None and not all(len(epochs) == len(v) for v in out.values()):
        epochs = None
    return out, (list(epochs) if epochs is not None else None)


def _panels(hist: dict[str, list[float]]) -> list[str]:
    """Base quantity names in recording order: ``loss``, ``accuracy``... (``val_`` folded in)."""
    names: list[str] = []
    for key in hist:
        base = key[4:] if key.startswith("val_") else key
        if base not in names:
            names.append(base)
    return names


def _pretty(name: str) -> str:
    return _PRETTY.get(name, name.replace("_", " ").capitalize())


def moving_average(values: Any, window: int) -> np.ndarray:
    r"""Centred moving mean of ``values`` over ``window`` epochs (odd), shorter at the ends.

    .. math:: \bar v_t = \frac{1}{|W_t|} \sum_{s \in W_t} v_s, \qquad
              W_t = \{s : |s - t| \le h\} \cap [0, n), \quad h = \lfloor window / 2 \rfloor

    Parameters
    ----------
    values : array-like, shape (n,)
    window : int
        Epochs per mean; even numbers are rounded up to the next odd one.

    Returns
    -------
    ndarray, shape (n,), float64
    """
    v = np.asarray(values, dtype=np.float64)
    window = check_int(window, "window", low=1)
    h = window // 2
    c = np.concatenate([[0.0], np.cumsum(v)])
    t = np.arange(len(v))
    lo, hi = np.maximum(t - h, 0), np.minimum(t + h + 1, len(v))
    return (c[hi] - c[lo]) / (hi - lo)


def smoothing_window(n: int) -> int:
    """Epochs per mean for a history of ``n`` epochs: 1 (none) up to 200, then about n/50."""
    return 1 if n <= SMOOTH_FROM else 2 * (n // 100) + 1


#: Histories longer than this are drawn smoothed, over their faint raw values.
SMOOTH_FROM = 200


def history(history: Any, keys: Sequence[str] | None = None, ax: Any = None,
            log_loss: bool = False, smooth: int | str = "auto"):
    """Plot the loss and metrics recorded by ``fit``, one panel per quantity.

    Parameters
    ----------
    history : History, dict[str, list[float]] or fitted model
        What ``model.fit`` returned (or its ``.history`` dict, or the model itself).
        Keys ``name`` (training) and ``val_name`` (validation) share a panel.
    keys : sequence of str, optional
        The quantities to draw (e.g. ``["loss"]``); default all of them, in recording order.
    ax : Axes or sequence of Axes, optional
        One Axes per panel; a single Axes when only one quantity is drawn. New figure when None.
    log_loss : bool
        Draw loss panels on a logarithmic y axis.
    smooth : "auto" or int
        Epochs per moving mean (:func:`moving_average`). ``"auto"``: none for up to 200
        epochs, about ``n / 50`` beyond, so that a curve that oscillates from one epoch to the
        next reads as a line with a faint band around it instead of a solid band; ``1``: raw
        values only. When smoothing, the raw values are drawn faint underneath and the legend
        says "each epoch" and "mean of W epochs".

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the panels. Validation curves are dashed, with their best epoch marked.
    """
    hist, epochs = _as_history_dict(history)
    available = _panels(hist)
    if keys is None:
        names = available
    else:
        if isinstance(keys, str):
            keys = [keys]
        names = list(keys)
        unknown = [k for k in names if k not in available]
        if unknown or not names:
            raise ValueError(f"keys must name recorded quantities {available}, got {names}")
    if ax is None:
        ncols = min(len(names), 3)
        nrows = -(-len(names) // ncols)
        fig, axs = _style.subplots(nrows, ncols, figsize=(4.6 * ncols, 3.6 * nrows),
                                   squeeze=False)
        axs = list(axs.ravel())
        for extra in axs[len(names):]:
            fig.delaxes(extra)
    else:
        axs = [ax] if not isinstance(ax, (Sequence, np.ndarray)) else list(np.ravel(ax))
        for a in axs:
            _style.check_ax(a)
        if len(axs) != len(names):
            raise ValueError(f"ax must hold one Axes per quantity {names} ({len(names)}), got "
                             f"{len(axs)}; pass keys=[...] to draw fewer quantities")
        fig = axs[0].figure
    n = max(len(v) for v in hist.values())
    if smooth == "auto":
        window = smoothing_window(n)
    elif isinstance(smooth, str):
        raise ValueError(f"smooth must be 'auto' or a number of epochs, got {smooth!r}")
    else:
        window = check_int(smooth, "smooth", low=1)
    for a, name in zip(axs, names, strict=False):
        _draw_quantity(a, name, hist, epochs, log_loss, window)
    return fig


def _draw_quantity(ax: Any, name: str, hist: dict, epochs: list[int] | None,
                   log_loss: bool, window: int = 1) -> None:
    """One panel: training and validation curves of ``name`` against the epoch (1-based)."""
    curves = [(name, "training", _style.TRAIN_COLOR, "-"),
              (f"val_{name}", "validation", _style.VALIDATION_COLOR, "--")]
    for key, label, color, style in curves:
        values = hist.get(key)
        if not values:
            continue
        x = (np.asarray(epochs) + 1) if epochs is not None else np.arange(1, len(values) + 1)
        marker = "o" if len(values) <= 30 else None
        dense = len(values) > SMOOTH_FROM    # dashes on thousands of jittery points look like blobs
        if window > 1 and len(values) > window and name != "lr":
            ax.plot(x, values, "-", color=color, linewidth=0.6, alpha=0.25,
                    label=f"{label}, each epoch")
            ax.plot(x, moving_average(values, window), style, color=color, linewidth=1.8,
                    label=f"{label}, mean of {window} epochs")
        else:
            ax.plot(x, values, "-" if dense else style, color=color, label=label,
                    marker=marker, markersize=3, linewidth=1.2 if dense else 1.8,
                    alpha=0.85 if dense else 1.0)
        if key.startswith("val_") and name != "lr":
            higher = any(s in name for s in _HIGHER_IS_BETTER)
            best = int(np.argmax(values) if higher else np.argmin(values))
            ax.plot([x[best]], [values[best]], "o", color=color, markersize=7,
                    markerfacecolor="white", markeredgewidth=2,
                    label=f"best validation: {values[best]:.4g} (epoch {x[best]})")
    if log_loss and "loss" in name:
        ax.set_yscale("log")
    if name == "lr":
        ax.set_yscale("log")
    ax.set_title(_pretty(name))
    ax.set_xlabel("epoch")
    ax.set_ylabel(_pretty(name))
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize="small")


__all__ = ["history", "moving_average"]
