"""Confusion matrices as annotated heatmaps."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet._validation import as_float_array, check_choice, check_number
from glassnet.plotting import _style

_NORMALIZE_TITLES = {
    None: "counts",
    "true": "rows sum to 1: recall",
    "pred": "columns sum to 1: precision",
    "all": "fractions of all samples",
}


def normalize_confusion(cm: np.ndarray, normalize: str | None) -> np.ndarray:
    """Normalise a confusion matrix as scikit-learn does.

    Parameters
    ----------
    cm : ndarray, shape (k, k)
        Counts; rows are true classes, columns predicted classes.
    normalize : {None, "true", "pred", "all"}
        Divide by row sums, column sums or the total; rows/columns with no samples stay 0.

    Returns
    -------
    ndarray, shape (k, k), float64
    """
    cm = np.asarray(cm, dtype=np.float64)
    if normalize is None:
        return cm
    if normalize == "true":
        total = cm.sum(axis=1, keepdims=True)
    elif normalize == "pred":
        total = cm.sum(axis=0, keepdims=True)
    else:
        total = np.full((1, 1), cm.sum())
    total = np.broadcast_to(total, cm.shape)
    return np.divide(cm, total, out=np.zeros_like(cm), where=total > 0)


def confusion_matrix(cm: Any, labels: Sequence[Any] | None = None, normalize: str | None = None,
                     ax: Any = None, cmap: str = _style.SEQUENTIAL_CMAP,
                     title: str | None = None, colorbar: bool = True,
                     vmax: float | None = None):
    """Draw a confusion matrix as a heatmap with every cell annotated.

    Parameters
    ----------
    cm : array-like, shape (k, k)
        Counts, rows = true class, columns = predicted class (as
        ``glassnet.metrics.confusion_matrix`` returns).
    labels : sequence of length k, optional
        Class names for the ticks (default ``0..k-1``).
    normalize : {None, "true", "pred", "all"}
        Show fractions of each row (recall), each column (precision) or of the total; the counts
        are then shown in brackets under each fraction.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    cmap : str
        Colormap of the cells.
    title : str, optional
        Default says what the numbers are.
    colorbar : bool
        Add a colorbar.
    vmax : float, optional
        The count (or fraction) at the dark end of the colour scale, which starts at 0. Give
        panels that are compared the same ``vmax`` (e.g. the largest count of all of them) so
        that one colour means one count in each; default this matrix's largest value (1 when
        normalised).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    For two classes ``[[TN, FP], [FN, TP]]``: the diagonal holds the correct predictions.
    """
    _style.check_ax(ax)
    counts = as_float_array(cm, "cm", ndim=2)
    k = counts.shape[0]
    if counts.shape != (k, k):
        raise ValueError(f"cm must be a square (k, k) matrix, got shape {counts.shape}")
    if counts.min() < 0:
        raise ValueError(f"cm must hold non-negative counts, got minimum {counts.min()}")
    check_choice(normalize, "normalize", (None, "true", "pred", "all"))
    if labels is None:
        labels = list(range(k))
    elif isinstance(labels, str) or len(labels) != k:
        raise ValueError(f"labels must name the {k} classes, got {labels!r}")
    values = normalize_confusion(counts, normalize)
    if ax is None:
        size = min(3.2 + 0.55 * k, 12.0)
        _, ax = _style.subplots(figsize=(size + 1.2, size))
    if vmax is None:
        vmax = 1.0 if normalize is not None else max(values.max(), 1.0)
    else:
        vmax = check_number(vmax, "vmax", low=0.0, low_inclusive=False)
        if values.max() > vmax:
            raise ValueError(f"vmax must be at least the largest value shown "
                             f"({values.max():.6g}), got {vmax:.6g}")
    im = ax.imshow(values, cmap=cmap, vmin=0.0, vmax=vmax, interpolation="nearest")
    if k <= 30:
        _annotate(ax, values, counts, normalize, vmax, k)
    ax.set_xticks(np.arange(k), [str(lab) for lab in labels],
                  rotation=45 if max(len(str(lab)) for lab in labels) > 6 else 0)
    ax.set_yticks(np.arange(k), [str(lab) for lab in labels])
    ax.set_xlabel("Predicted label")
    ax.set_ylabel("True label")
    ax.set_title(title if title is not None
                 else f"Confusion matrix ({_NORMALIZE_TITLES[normalize]})",
                 fontsize="medium")
    if colorbar:
        cbar = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
        cbar.set_label("fraction" if normalize is not None else "samples")
    return ax


def _annotate(ax: Any, values: np.ndarray, counts: np.ndarray, normalize: str | None,
              vmax: float, k: int) -> None:
    """Write each cell's value, white on dark cells and black on light ones."""
    fontsize = 11 if k <= 6 else (8 if k <= 15 else 6)
    integral = np.array_equal(counts, np.round(counts))
    for i in range(k):
        for j in range(k):
            v = values[i, j]
            count = f"{int(counts[i, j])}" if integral else f"{counts[i, j]:.3g}"
            text = count if normalize is None else (
                f"{v:.0%}" if k > 6 else f"{v:.1%}\n({count})")
            ax.text(j, i, text, ha="center", va="center", fontsize=fontsize,
                    color="white" if v > 0.55 * vmax else "black")


__all__ = ["confusion_matrix", "normalize_confusion"]
