"""What each hidden unit learned: its activation over the input plane, one panel per unit.

A unit of the first hidden layer is a logistic-regression-like neuron ``g(x·w + b)``: it splits
the plane along the line ``x·w + b = 0``. Units of deeper layers combine those splits into curved
regions. Drawing every unit's activation over the plane (as TensorFlow Playground does) shows how
the network builds its decision boundary out of simple pieces.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import check_int
from glassnet.errors import NotFittedError
from glassnet.plotting import _style
from glassnet.plotting.boundaries import _class_index

_BOUNDED = {"sigmoid": (0.0, 1.0), "softmax": (0.0, 1.0), "tanh": (-1.0, 1.0)}


def hidden_activations(model: Any, X: np.ndarray, layer: int) -> tuple[np.ndarray, np.ndarray]:
    """Outputs of ``model.layers[layer]`` for inputs ``X``, and that layer's pre-activations.

    Parameters
    ----------
    model : Sequential
        A built model.
    X : ndarray, shape (n, n_features)
    layer : int
        Index into ``model.layers`` (negative counts from the end).

    Returns
    -------
    a : ndarray, shape (n, units)
        ``layers[layer]`` output after running ``X`` through ``layers[0..layer]`` (inference mode).
    z : ndarray, shape (n, units)
        The pre-activation ``a_prev @ W + b`` for a Dense layer (the unit "switches" at ``z = 0``),
        else ``a`` itself.
    """
    a = np.asarray(X, dtype=getattr(model, "dtype", np.float32))
    prev = a
    for lay in model.layers[:layer + 1]:
        prev = a
        a = lay.forward(a, training=False)
    last = model.layers[layer]
    if "W" in last.params and "b" in last.params and last.params["W"].ndim == 2:
        z = prev @ last.params["W"] + last.params["b"]
    else:
        z = a
    return np.asarray(a), np.asarray(z)


def _check_model_layer(model: Any, layer: Any) -> int:
    if not hasattr(model, "layers") or not hasattr(model, "built"):
        raise TypeError(f"model must be a glassnet Sequential, got {type(model).__name__}")
    if not model.built:
        raise NotFittedError("neurons needs a built model: fit it or call model.build((2,)) "
                             "first")
    n = len(model.layers)
    layer = check_int(layer, "layer", low=-n, high=n - 1)
    return layer % n


def neurons(model: Any, X: Any, y: Any, layer: int = 0, fig: Any = None, resolution: int = 80,
            padding: float = 0.1, ncols: int | None = None, max_units: int = 64,
            units: Any = None, feature_names: Any = None):
    """One small panel per unit of ``model.layers[layer]``: its activation over the input plane.

    Parameters
    ----------
    model : Sequential
        A built model whose inputs have two features.
    X : array-like, shape (n, 2)
        Points drawn on every panel; the grid covers them plus a margin.
    y : array-like, shape (n,)
        Their class labels (the points' colours).
    layer : int
        Index into ``model.layers`` (0 = first hidden layer; negative counts from the end).
    fig : matplotlib Figure, optional
        Figure to draw into; a new one when None.
    resolution : int
        Grid points along each axis (one batched forward pass of ``resolution²`` points).
    padding : float
        Margin around the points, as a fraction of their range.
    ncols : int, optional
        Panels per row (default about the square root of the number of units).
    max_units : int
        Draw at most this many units (the first ones); the title says when some are left out.
    units : sequence of int, optional
        Which units to draw (0-based); overrides ``max_units``.
    feature_names : sequence of 2 str, optional
        Names of the two features (a CSV file's columns), said in the title ("across: ...,
        up: ...").

    Returns
    -------
    matplotlib.figure.Figure
        One image panel per unit titled "neuron 1", "neuron 2"... and a title that counts layers
        the same way, from 1 ("hidden layer 1 (40, tanh)", as ``gn.plot.network``); a shared
        colour scale and one colorbar. The black line on each panel is where the unit switches
        (``z = 0``); the points are outlined in white and each class has its own marker, so
        they stand out on either colour of the background.

    Notes
    -----
    For a Dense unit ``j``: ``a_j(x) = g(z_j(x))`` with ``z_j = a_prev(x) · W[:, j] + b_j``. In the
    first layer ``a_prev = x``, so the black line ``z_j = 0`` is straight.
    """
    from glassnet.plotting.boundaries import _check_padding

    layer = _check_model_layer(model, layer)
    _style.check_fig(fig)
    X, y = _style.check_points(X, y)
    if model.input_shape != (2,):
        raise ValueError(f"neurons draws models with 2 input features, but the model was built "
                         f"for inputs of shape {model.input_shape}")
    resolution = _style.check_resolution(resolution)
    padding = _check_padding(padding)
    max_units = check_int(max_units, "max_units", low=1)
    names = _style.check_feature_names(feature_names, 2)
    grid, extent, (x1, x2) = _style.grid_over(X, resolution, padding)
    a, z = hidden_activations(model, grid, layer)
    if a.ndim != 2:
        raise ValueError(f"neurons draws layers with (n, units) outputs; layer {layer} gives "
                         f"shape {a.shape[1:]} per sample")
    n_units = a.shape[1]
    if units is None:
        chosen = np.arange(min(n_units, max_units))
    else:
        chosen = np.asarray(units)
        if chosen.ndim != 1 or chosen.size == 0 or chosen.dtype.kind not in "iu":
            raise ValueError(f"units must be a non-empty list of unit indices, got {units!r}")
        if chosen.min() < 0 or chosen.max() >= n_units:
            raise ValueError(f"units must be in 0..{n_units - 1} for layer {layer} with "
                             f"{n_units} units, got {chosen.tolist()}")
    lay = model.layers[layer]
    act = getattr(getattr(lay, "activation", None), "name", "linear")
    vmin, vmax = _BOUNDED.get(act, (None, None))
    cmap, legend = _style.DIVERGING_CMAP, "blue = high, red = low"
    if vmin is None:
        vmax = float(np.abs(a[:, chosen]).max()) or 1.0
        vmin = -vmax
        if a[:, chosen].min() >= 0.0:                  # relu-like: 0 is "off"
            vmin, cmap, legend = 0.0, _style.SEQUENTIAL_CMAP, "white = 0 (off), blue = active"
    k = len(chosen)
    ncols = int(np.ceil(np.sqrt(k))) if ncols is None else check_int(ncols, "ncols", low=1)
    ncols = min(ncols, k)
    fig, axes, cax = _style.panel_grid(fig, k, ncols, side=2.2 if k <= 16 else 1.5,
                                       title_lines=3 if names is None else 4)
    shape = (len(x2), len(x1))
    classes = np.unique(y)
    idx = _class_index(y, classes)
    colors = _style.class_colors(len(classes))
    size = 20 if len(X) <= 300 else 11
    im = None
    for ax, unit in zip(axes, chosen, strict=False):
        im = ax.imshow(a[:, unit].reshape(shape), extent=extent, origin="lower", aspect="auto",
                       cmap=cmap, vmin=vmin, vmax=vmax, interpolation="bilinear",
                       alpha=0.6)
        zu = z[:, unit].reshape(shape)
        if zu.min() < 0.0 < zu.max():
            ax.contour(x1, x2, zu, levels=[0.0], colors=_style.BOUNDARY_COLOR, linewidths=1.0)
        for j in range(len(classes)):
            mask = idx == j
            ax.scatter(X[mask, 0], X[mask, 1], s=size, c=colors[j],
                       marker=POINT_MARKERS[j % len(POINT_MARKERS)], edgecolors="white",
                       linewidths=0.45, zorder=3)
        ax.set_title(f"neuron {unit + 1}", fontsize="small")
        ax.set_xticks([])
        ax.set_yticks([])
    cbar = fig.colorbar(im, cax=cax)
    cbar.set_label(f"activation ({act})")
    left_out = "" if k == n_units else f", showing {k} of {n_units}"
    markers = ", ".join(f"{POINT_NAMES[j % len(POINT_NAMES)]} = class {c}"
                        for j, c in enumerate(classes[:4]))
    fig.suptitle(f"What each neuron of {_layer_title(model, layer)} responds to{left_out}\n"
                 f"{legend}; black line = where it switches (z = 0)\npoints: {markers}"
                 + ("" if names is None else f"\nacross: {names[0]}, up: {names[1]}"),
                 fontsize="medium")
    return fig


#: Marker of each class's points (and its name for the title).
POINT_MARKERS = ("o", "^", "s", "D", "v", "P", "X", "*")
POINT_NAMES = ("circle", "triangle", "square", "diamond", "down-triangle", "plus", "cross",
               "star")


def _layer_title(model: Any, layer: int) -> str:
    """``"hidden layer 1 (40, tanh)"`` as the network picture says it, 1-based."""
    from glassnet.plotting.network import dense_structure, layer_titles

    lay = model.layers[layer]
    try:
        dense, _, acts = dense_structure(model)
    except (TypeError, ValueError):
        dense, acts = [], []
    if lay in dense:
        return layer_titles(dense, acts)[dense.index(lay)]
    return f"layer {layer + 1} of {len(model.layers)} ({lay.name})"


__all__ = ["neurons", "hidden_activations"]
