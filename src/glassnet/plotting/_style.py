"""One palette for every glassnet picture, and the small helpers the plot modules share.

Colours are chosen so that one meaning keeps one colour across all figures:

* the diverging colormap ``"RdBu"`` runs from red (low, 0, negative) to blue (high, 1, positive);
* binary class 0 is red and class 1 is blue, matching ``P(y = 1)`` drawn with that colormap;
* a positive weight is blue and a negative weight red, as in the same colormap;
* more than two classes take the qualitative colours of :data:`CLASS_COLORS`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import as_float_array, as_label_array, check_int, check_same_length

#: Colormap of probabilities and signed quantities (red = low/negative, blue = high/positive).
DIVERGING_CMAP = "RdBu"
#: Colormap of counts and single-signed magnitudes (confusion matrices).
SEQUENTIAL_CMAP = "Blues"
#: Colormap of images (feature maps).
IMAGE_CMAP = "gray"

#: Binary class colours: class 0 red, class 1 blue (the two ends of ``DIVERGING_CMAP``).
BINARY_COLORS = ("#c0392b", "#1f5fa8")
#: Class colours for k > 2 classes (colour-blind friendly, from Okabe & Ito).
CLASS_COLORS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#d55e00", "#56b4e9", "#f0e442",
                "#000000", "#999999", "#882255")
#: Edge colours of the network graph.
POSITIVE_COLOR = "#2166ac"
NEGATIVE_COLOR = "#b2182b"
#: Node colours of the network graph: input, hidden and output layers.
NODE_COLORS = {"input": "#a6d96a", "hidden": "#fdd96b", "output": "#c2a5cf"}
#: Line colours of training curves.
TRAIN_COLOR = "#1f5fa8"
VALIDATION_COLOR = "#e66100"
#: Colour of decision-boundary lines.
BOUNDARY_COLOR = "#111111"


def class_colors(n_classes: int) -> list[str]:
    """Colours for ``n_classes`` classes: red/blue for two, the qualitative palette beyond.

    Parameters
    ----------
    n_classes : int
        Number of classes (1 is treated as binary).

    Returns
    -------
    list of str, length n_classes
    """
    if n_classes <= 2:
        return list(BINARY_COLORS[:max(n_classes, 1)])
    return [CLASS_COLORS[i % len(CLASS_COLORS)] for i in range(n_classes)]


def subplots(nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] | None = None,
             **kwargs: Any):
    """``plt.subplots`` with glassnet's defaults: constrained layout (imports pyplot on use)."""
    import matplotlib.pyplot as plt

    kwargs.setdefault("layout", "constrained")
    return plt.subplots(nrows, ncols, figsize=figsize, **kwargs)


def new_figure(figsize: tuple[float, float] | None = None, **kwargs: Any):
    """A new pyplot figure (so it shows in notebooks and ``plt.show()``), constrained layout."""
    import matplotlib.pyplot as plt

    kwargs.setdefault("layout", "constrained")
    return plt.figure(figsize=figsize, **kwargs)


def panel_grid(fig: Any, n: int, ncols: int, side: float, titled: bool = True,
               title_lines: int = 2):
    """``n`` equal panels in rows of ``ncols`` and a colorbar axis on the right, laid out by hand.

    Constrained layout is slow for dozens of panels, so the grid uses fixed margins in inches.

    Parameters
    ----------
    fig : Figure or None
        None creates a figure sized for the grid (``side`` inches per panel).
    n, ncols : int
        Number of panels and panels per row.
    side : float
        Panel size in inches (for a new figure).
    titled : bool
        Leave room above each panel for a title.
    title_lines : int
        Lines of the figure's title to leave room for (a new figure only).

    Returns
    -------
    fig : Figure
    axes : list of Axes, length n
        Panels in reading order (unused grid cells are removed).
    cax : Axes
        The colorbar's axis.
    """
    import matplotlib.pyplot as plt

    nrows = -(-n // ncols)
    gap = 0.28 if titled else 0.08                       # inches between rows
    top_in, bottom_in, left_in, right_in = 0.35 + 0.2 * title_lines, 0.15, 0.15, 1.2
    if fig is None:
        fig = plt.figure(figsize=(left_in + right_in + ncols * side + (ncols - 1) * 0.08,
                                  top_in + bottom_in + nrows * side + (nrows - 1) * gap))
    width, height = fig.get_size_inches()
    cell_w = max((width - left_in - right_in) / ncols, 1e-3)
    cell_h = max((height - top_in - bottom_in) / nrows, 1e-3)
    axes = fig.subplots(nrows, ncols, squeeze=False, gridspec_kw={
        "left": left_in / width, "right": 1.0 - right_in / width,
        "bottom": bottom_in / height, "top": 1.0 - top_in / height,
        "wspace": 0.08 / cell_w, "hspace": gap / cell_h}).ravel()
    for ax in axes[n:]:
        fig.delaxes(ax)
    inner = 1.0 - (top_in + bottom_in) / height          # height fraction of the panel area
    cax = fig.add_axes((1.0 - 1.05 / width, bottom_in / height + 0.15 * inner, 0.16 / width,
                        0.7 * inner))
    return fig, list(axes[:n]), cax


def check_ax(ax: Any, name: str = "ax") -> Any:
    """Check that ``ax`` is None or a matplotlib Axes."""
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"{name} must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def check_fig(fig: Any, name: str = "fig") -> Any:
    """Check that ``fig`` is None or a matplotlib Figure (or SubFigure)."""
    from matplotlib.figure import FigureBase

    if fig is not None and not isinstance(fig, FigureBase):
        raise TypeError(f"{name} must be a matplotlib Figure or None, got {type(fig).__name__}")
    return fig


def check_points(X: Any, y: Any, xname: str = "X", yname: str = "y", names: bool = False):
    """Check 2-D points with two features and their class labels.

    Parameters
    ----------
    X : array-like, shape (n, 2)
    y : array-like, shape (n,), (n, 1) or one-hot (n, k)
    names : bool
        Also accept class names (strings, as a scikit-learn classifier fitted on names has in
        ``classes_``); the plots that match labels to a model's classes pass True.

    Returns
    -------
    X : ndarray, shape (n, 2), float
    y : ndarray, shape (n,), int64 labels (or str names when ``names`` and ``y`` holds them)
    """
    X = as_float_array(X, xname, ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"{xname} must have exactly 2 features to be drawn in the plane, got "
                         f"shape {X.shape}; reduce it to 2 features first (e.g. pick two columns "
                         "or use PCA)")
    y = as_labels(y, yname, names=names)
    check_same_length(X, y, xname, yname)
    return X, y


def _holds_names(y: Any) -> bool:
    arr = np.asarray(y)
    if arr.dtype.kind in "US":
        return True
    return arr.dtype.kind == "O" and arr.size > 0 and all(isinstance(v, str) for v in arr.flat)


def as_labels(y: Any, name: str = "y", names: bool = False) -> np.ndarray:
    """Class labels from 1-D labels, a ``(n, 1)`` column or one-hot ``(n, k)`` rows.

    With ``names``, class names (strings) are accepted too, in the first two forms.

    Returns
    -------
    ndarray, shape (n,), int64 (str for names)
    """
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if names and _holds_names(arr):
        if arr.ndim != 1:
            raise ValueError(f"{name} of class names must have shape (n,), got shape "
                             f"{arr.shape}")
        return arr.astype(str)
    if arr.ndim == 2:
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold numbers, got dtype {arr.dtype}")
        if not np.all((arr == 0) | (arr == 1)) or not np.all(arr.sum(axis=1) == 1):
            raise ValueError(f"{name} of shape {arr.shape} must be one-hot rows (one 1 per row), "
                             f"or pass 1-D class labels")
        arr = arr.argmax(axis=1)
    return as_label_array(arr, name)


def grid_over(X: np.ndarray, resolution: int, padding: float = 0.1):
    """A regular ``resolution × resolution`` grid covering the points ``X`` plus a margin.

    Parameters
    ----------
    X : ndarray, shape (n, 2)
    resolution : int
        Grid points along each axis.
    padding : float
        Margin on each side, as a fraction of the data's range.

    Returns
    -------
    points : ndarray, shape (resolution², 2)
        Grid points, row-major (``x₂`` varies slowest), ready for a batched forward pass.
    extent : tuple (x₁min, x₁max, x₂min, x₂max)
        For ``imshow(..., extent=extent, origin="lower")``.
    axes : tuple (x1, x2) of ndarray, each shape (resolution,)
        The grid coordinates along each axis (for ``contour``).
    """
    lo, hi = X.min(axis=0), X.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    lo, hi = lo - padding * span, hi + padding * span
    x1 = np.linspace(lo[0], hi[0], resolution)
    x2 = np.linspace(lo[1], hi[1], resolution)
    g1, g2 = np.meshgrid(x1, x2)
    points = np.column_stack([g1.ravel(), g2.ravel()])
    return points, (lo[0], hi[0], lo[1], hi[1]), (x1, x2)


def check_feature_names(feature_names: Any, n: int, name: str = "feature_names"
                        ) -> list[str] | None:
    """``None`` or a list of ``n`` names of the input features (a CSV file's column names)."""
    if feature_names is None:
        return None
    if isinstance(feature_names, (str, bytes)) or not hasattr(feature_names, "__len__"):
        raise TypeError(f"{name} must be a list of {n} column names, got "
                        f"{type(feature_names).__name__}")
    names = [str(v) for v in feature_names]
    if len(names) != n:
        raise ValueError(f"{name} must name the {n} input features, got {len(names)} names "
                         f"{names!r}")
    return names


def label_plane(ax: Any, feature_names: list[str] | None = None) -> None:
    """Name the two input features on the axes of a plane plot (their column names if known)."""
    if feature_names is None:
        ax.set_xlabel("$x_1$ (feature 1)")
        ax.set_ylabel("$x_2$ (feature 2)")
    else:
        ax.set_xlabel(feature_names[0])
        ax.set_ylabel(feature_names[1])


def check_resolution(resolution: Any, name: str = "resolution") -> int:
    """Grid points per axis: an integer from 2 to 2000."""
    return check_int(resolution, name, low=2, high=2000)


__all__ = ["DIVERGING_CMAP", "SEQUENTIAL_CMAP", "IMAGE_CMAP", "BINARY_COLORS", "CLASS_COLORS",
           "POSITIVE_COLOR", "NEGATIVE_COLOR", "NODE_COLORS", "TRAIN_COLOR", "VALIDATION_COLOR",
           "BOUNDARY_COLOR", "class_colors"]
