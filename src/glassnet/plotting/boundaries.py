"""Decision boundaries: what a classifier predicts at every point of the input plane.

The plane is covered by a regular grid, the whole grid goes through the model in one batched
call, and the class probabilities are drawn as colours with the data points on top:

* two classes: ``P(y = 1)`` as filled contours of a diverging colormap (red → white → blue) and
  the decision boundary ``P = 0.5`` as a black line;
* k classes: each point of the plane takes the colour of its most likely class, paler where the
  model is less sure, with black lines where the most likely class changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from glassnet._validation import check_int, check_number, describe
from glassnet.activations import sigmoid, softmax
from glassnet.plotting import _style


def class_probabilities(model: Any, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Class probabilities of any classifier glassnet can draw.

    Parameters
    ----------
    model : object
        A fitted glassnet ``Sequential`` (sigmoid or softmax head; a linear head's outputs are
        read as logits), a ``glassnet.linear`` model, or any scikit-learn-like object with
        ``predict_proba``.
    X : ndarray, shape (n, n_features)

    Returns
    -------
    proba : ndarray, shape (n, k), k ≥ 2
        ``proba[i, j]`` is the probability that sample ``i`` belongs to ``classes[j]``.
    classes : ndarray, shape (k,)
        The class labels of the columns (``model.classes_`` when it has one, else ``0..k-1``).
    """
    if hasattr(model, "predict_proba"):
        proba = np.asarray(model.predict_proba(X), dtype=np.float64)
        if proba.ndim == 1:
            proba = np.column_stack([1.0 - proba, proba])
    elif hasattr(model, "predict"):
        if getattr(model, "built", True) is False:      # a picture does not build the model
            from glassnet.errors import NotFittedError

            raise NotFittedError("cannot draw the decision boundary of a model before the "
                                 "model is built: train it with fit(X, y) first")
        out = np.asarray(model.predict(X), dtype=np.float64)
        if out.ndim == 1:
            out = out[:, None]
        if out.ndim != 2:
            raise ValueError(f"model.predict must return (n, k) outputs to draw a decision "
                             f"boundary, got shape {out.shape}")
        if out.shape[1] == 1:
            p = out[:, 0]
            if p.min() < 0.0 or p.max() > 1.0:   # a linear head: read its output as a logit
                p = sigmoid(p)
            proba = np.column_stack([1.0 - p, p])
        else:
            is_prob = (out.min() >= 0.0 and out.max() <= 1.0
                       and np.allclose(out.sum(axis=1), 1.0, atol=1e-3))
            proba = out if is_prob else softmax(out)
    else:
        raise TypeError(f"model must have a predict_proba(X) or predict(X) method, got "
                        f"{type(model).__name__}")
    if proba.ndim != 2 or proba.shape[0] != len(X) or proba.shape[1] < 2:
        raise ValueError(f"model gave probabilities of shape {proba.shape} for {len(X)} "
                         "samples; expected (n_samples, n_classes) with at least 2 classes")
    classes = getattr(model, "classes_", None)
    classes = np.arange(proba.shape[1]) if classes is None else np.asarray(classes)
    if classes.shape != (proba.shape[1],):
        raise ValueError(f"model.classes_ has {classes.size} labels but predict_proba gave "
                         f"{proba.shape[1]} columns")
    return proba, classes


def _class_index(y: np.ndarray, classes: np.ndarray, yname: str = "y") -> np.ndarray:
    """Column of ``classes`` for each label of ``y`` (n,); an error names unknown labels."""
    order = np.argsort(classes, kind="stable")
    try:
        pos = np.searchsorted(classes[order], y)
    except TypeError:
        raise ValueError(f"{yname} holds labels of type {y.dtype} but the model's classes are "
                         f"{classes.tolist()}") from None
    idx = order[np.clip(pos, 0, len(classes) - 1)]
    bad = classes[idx] != y
    if np.any(bad):
        unknown = np.unique(y[bad])[:5].tolist()
        raise ValueError(f"{yname} holds labels {unknown} that the model does not predict; its "
                         f"classes are {classes.tolist()}")
    return idx


def accuracy(model: Any, X: np.ndarray, y: np.ndarray) -> float:
    """Fraction of the points ``X`` (n, d) whose most likely class is their label ``y`` (n,)."""
    proba, classes = class_probabilities(model, X)
    return float(np.mean(classes[proba.argmax(axis=1)] == y))


def draw_points(ax: Any, X: np.ndarray, y: np.ndarray, classes: np.ndarray,
                legend: bool = True) -> None:
    """Scatter the points ``X`` (n, 2) coloured by class, one legend entry per class."""
    idx = _class_index(y, classes)
    colors = _style.class_colors(len(classes))
    size = 36 if len(X) <= 300 else (18 if len(X) <= 2000 else 6)
    for j, c in enumerate(classes):
        mask = idx == j
        if mask.any():
            ax.scatter(X[mask, 0], X[mask, 1], s=size, c=colors[j], edgecolors="#222222",
                       linewidths=0.5, label=f"class {c}", zorder=3)
    if legend:
        ax.legend(loc="best", fontsize="small", framealpha=0.85, title="data",
                  title_fontsize="small")


def region_image(proba: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """RGBA image of the most likely class, paler where the model is less sure.

    Parameters
    ----------
    proba : ndarray, shape (R1·R2, k)
    shape : (R2, R1)
        Grid shape (rows = ``x₂``, columns = ``x₁``).

    Returns
    -------
    ndarray, shape (R2, R1, 4)
        Class colour with alpha ``0.15 + 0.55·c``, where ``c = (p_max − 1/k) / (1 − 1/k)`` runs from
        0 (all classes equally likely) to 1 (certain).
    """
    from matplotlib.colors import to_rgb

    k = proba.shape[1]
    conf = (proba.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
    rgb = np.array([to_rgb(c) for c in _style.class_colors(k)])[proba.argmax(axis=1)]
    return np.column_stack([rgb, 0.15 + 0.55 * conf]).reshape(*shape, 4)


def boundary_fields(proba: np.ndarray, shape: tuple[int, int]) -> list[np.ndarray]:
    """Fields whose zero level is the decision boundary, one per line to draw.

    Two classes: ``P(class 1) − 0.5``. k classes: for each class ``j``,
    ``p_j − max_{i≠j} p_i`` (zero where ``j`` stops being the most likely). Fields that never
    change sign (no boundary on this grid) are left out.

    Returns
    -------
    list of ndarray, each shape ``shape``
    """
    if proba.shape[1] == 2:
        fields = [proba[:, 1].reshape(shape) - 0.5]
    else:
        fields = [(proba[:, j] - np.delete(proba, j, axis=1).max(axis=1)).reshape(shape)
                  for j in range(proba.shape[1])]
    return [f for f in fields if f.min() < 0.0 < f.max()]


def draw_boundary_lines(ax: Any, proba: np.ndarray, axes: tuple) -> list:
    """Black contour lines where the predicted class changes; returns the contour sets."""
    x1, x2 = axes
    width = 1.6 if proba.shape[1] == 2 else 1.2
    return [ax.contour(x1, x2, f, levels=[0.0], colors=_style.BOUNDARY_COLOR, linewidths=width)
            for f in boundary_fields(proba, (len(x2), len(x1)))]


def draw_probabilities(ax: Any, proba: np.ndarray, extent: tuple, axes: tuple):
    """Draw grid probabilities ``proba`` (R1·R2, k) on ``ax``; return the colour mappable or None.

    Two classes give filled contours of ``P(class 1)`` (a colorbar can be made from the returned
    mappable) and the line ``P = 0.5``; k classes give :func:`region_image` and the borders
    between classes.
    """
    x1, x2 = axes
    shape = (len(x2), len(x1))
    mappable = None
    if proba.shape[1] == 2:
        mappable = ax.contourf(x1, x2, proba[:, 1].reshape(shape),
                               levels=np.linspace(0.0, 1.0, 11), cmap=_style.DIVERGING_CMAP,
                               vmin=0.0, vmax=1.0, alpha=0.6)
    else:
        ax.imshow(region_image(proba, shape), extent=extent, origin="lower", aspect="auto",
                  interpolation="nearest")
    draw_boundary_lines(ax, proba, axes)
    return mappable


def _check_padding(padding: Any) -> float:
    return check_number(padding, "padding", low=0.0, high=10.0)


def decision_boundary(model: Any, X: Any, y: Any, ax: Any = None, resolution: int = 200,
                      padding: float = 0.1, title: str | None = None, colorbar: bool = True,
                      legend: bool = True, feature_names: Sequence[str] | None = None):
    """Draw a classifier's decision boundary over the plane of two features, points on top.

    Parameters
    ----------
    model : object
        A fitted glassnet model, a ``glassnet.linear`` classifier or any object with
        ``predict_proba(X)`` (scikit-learn estimators included).
    X : array-like, shape (n, 2)
        The points to draw; the grid covers them plus a margin.
    y : array-like, shape (n,) or one-hot (n, k)
        Their class labels (the points' colours): integers, or the class names of a classifier
        fitted on names (the labels of its ``classes_``).
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    resolution : int
        Grid points along each axis (``resolution²`` predictions in one batch).
    padding : float
        Margin around the points, as a fraction of their range.
    title : str, optional
        Default: the model's class name and its accuracy on ``(X, y)``.
    colorbar : bool
        Add a ``P(y = 1)`` colorbar (two classes only).
    legend : bool
        Add a legend of the classes.
    feature_names : sequence of 2 str, optional
        Names of the two features (e.g. a CSV file's column names) for the axis labels;
        default ``x1 (feature 1)``, ``x2 (feature 2)``.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    For two classes the boundary is the level set ``P(y = 1 | x) = 0.5``; a logistic regression
    ``σ(w·x + b)`` gives the straight line ``w·x + b = 0``, a network with hidden units bends it.
    """
    _style.check_ax(ax)
    X, y = _style.check_points(X, y, names=True)
    resolution = _style.check_resolution(resolution)
    padding = _check_padding(padding)
    names = _style.check_feature_names(feature_names, 2)
    if ax is None:
        _, ax = _style.subplots(figsize=(6.4, 5.2))
    acc, mappable, classes = _draw_panel(ax, model, X, y, X, resolution, padding, legend=legend,
                                         feature_names=names)
    if colorbar and mappable is not None:
        cbar = ax.figure.colorbar(mappable, ax=ax, fraction=0.046, pad=0.03)
        cbar.set_label(f"P(y = {classes[1]})  (black line: 0.5)")
    if title is None:
        title = f"{type(model).__name__}: accuracy {acc:.1%}"
    ax.set_title(title)
    return ax


def _draw_panel(ax, model, X, y, X_extent, resolution, padding, legend, feature_names=None):
    """Boundary of ``model`` on a grid over ``X_extent`` with the points ``(X, y)`` on top.

    Returns the accuracy on ``(X, y)``, the colour mappable (None for k > 2) and the classes.
    """
    grid, extent, axes = _style.grid_over(X_extent, resolution, padding)
    proba, classes = class_probabilities(model, grid)
    _class_index(y, classes)                                  # clear error before drawing
    mappable = draw_probabilities(ax, proba, extent, axes)
    draw_points(ax, X, y, classes, legend=legend)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    _style.label_plane(ax, feature_names)
    return accuracy(model, X, y), mappable, classes


def compare_boundaries(models: Mapping[str, Any], X: Any, y: Any, X_test: Any = None,
                       y_test: Any = None, fig: Any = None, resolution: int = 150,
                       padding: float = 0.1, ncols: int | None = None,
                       feature_names: Sequence[str] | None = None):
    """Side-by-side decision boundaries of several models on the same data.

    Parameters
    ----------
    models : dict[str, model]
        Panel title → fitted classifier (glassnet, ``glassnet.linear`` or scikit-learn-like),
        e.g. ``{"Neural net": net, "Logistic regression": logreg}``.
    X, y : array-like, shapes (n, 2) and (n,)
        Training data; drawn (and used for the accuracy) when no test set is given.
    X_test, y_test : array-like, shapes (m, 2) and (m,), optional
        Test data; when given, the panels show these points and their *test* accuracy.
    fig : matplotlib Figure, optional
        Figure to draw into; a new one when None.
    resolution : int
        Grid points along each axis of each panel.
    padding : float
        Margin around the points, as a fraction of their range.
    ncols : int, optional
        Panels per row (default: all in one row).
    feature_names : sequence of 2 str, optional
        Names of the two features for the axis labels (default ``x1``, ``x2``).

    Returns
    -------
    matplotlib.figure.Figure
        One panel per model, titled with its accuracy, and one shared colorbar for two classes.
    """
    if not isinstance(models, Mapping) or not models:
        raise TypeError(f"models must be a non-empty dict {{name: model}}, got "
                        f"{describe(models)}")
    for name in models:
        if not isinstance(name, str):
            raise TypeError(f"models keys must be str panel titles, got {type(name).__name__}")
    _style.check_fig(fig)
    X, y = _style.check_points(X, y, names=True)
    if (X_test is None) != (y_test is None):
        raise ValueError("X_test and y_test must be given together (or neither)")
    if X_test is not None:
        Xs, ys = _style.check_points(X_test, y_test, "X_test", "y_test", names=True)
        what = "test accuracy"
    else:
        Xs, ys, what = X, y, "training accuracy"
    resolution = _style.check_resolution(resolution)
    padding = _check_padding(padding)
    names = _style.check_feature_names(feature_names, 2)
    n = len(models)
    ncols = n if ncols is None else check_int(ncols, "ncols", low=1)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    if fig is None:
        fig = _style.new_figure(figsize=(4.8 * ncols + 0.8, 4.4 * nrows))
    axes = np.atleast_1d(fig.subplots(nrows, ncols, squeeze=False)).ravel()
    extent_points = np.vstack([X, Xs])
    colored = None
    for i, (name, model) in enumerate(models.items()):
        ax = axes[i]
        acc, mappable, classes = _draw_panel(ax, model, Xs, ys, extent_points, resolution,
                                             padding, legend=(i == 0), feature_names=names)
        if mappable is not None and colored is None:
            colored = (mappable, classes)
        ax.set_title(f"{name}\n{what}: {acc:.1%}")
        if i % ncols:
            ax.set_ylabel("")
    for ax in axes[n:]:
        fig.delaxes(ax)
    if colored is not None:
        cbar = fig.colorbar(colored[0], ax=list(axes[:n]), fraction=0.03, pad=0.02)
        cbar.set_label(f"P(y = {colored[1][1]})  (black line: 0.5)")
    return fig


__all__ = ["decision_boundary", "compare_boundaries", "class_probabilities", "accuracy"]
