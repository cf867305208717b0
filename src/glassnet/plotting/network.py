"""The network graph of a dense net: neurons as nodes by layer, weights as coloured edges.

Each column is a layer (inputs on the left, outputs on the right), each dot a unit, each line a
weight ``W[i, j]`` from unit ``i`` of one layer to unit ``j`` of the next: blue when positive, red
when negative, thicker when ``|W[i, j]|`` is larger. Biases are not drawn.

A layer wider than ``max_units`` is *sampled*: only the ``max_units`` units with the largest total
``|weight|`` (in and out) are drawn, and the column's label says so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import check_int
from glassnet.errors import NotFittedError
from glassnet.plotting import _style


def dense_structure(model: Any) -> tuple[list[Any], list[int], list[str]]:
    """The Dense layers of ``model``, where their ``W`` sits in ``get_weights()``, and activations.

    Parameters
    ----------
    model : Sequential (or an object with ``.layers``; glassnet.sklearn wrappers via ``model_``)

    Returns
    -------
    layers : list of Dense
        Layers with a 2-D weight ``W: (n_in, n_out)``, input to output.
    w_index : list of int
        Position of each layer's ``W`` in the flat list ``model.get_weights()``.
    activations : list of str
        Activation of each layer's output (an ``Activation`` layer right after counts).
    """
    net = model
    if not hasattr(net, "layers") and hasattr(net, "model_"):
        net = net.model_
    if not hasattr(net, "layers"):
        raise TypeError(f"model must be a glassnet Sequential (with .layers), got "
                        f"{type(model).__name__}")
    if not net.layers:
        raise ValueError("model has no layers to draw")
    if not getattr(net, "built", all(layer.built for layer in net.layers)):
        raise NotFittedError("network needs a built model to read its weights: fit it or call "
                             "model.build(input_shape) first")
    layers, w_index, acts = [], [], []
    flat = 0
    for layer in net.layers:
        params = getattr(layer, "params", {})
        if params:
            W = params.get("W")
            if W is None or W.ndim != 2:
                raise ValueError(f"network draws dense networks only; layer {layer.name!r} "
                                 f"({type(layer).__name__}) has weights of another kind. "
                                 "Use glassnet.plot.filters for convolution layers")
            layers.append(layer)
            w_index.append(flat + list(params).index("W"))
            act = getattr(layer, "activation", None)
            acts.append(act.name if act is not None else "linear")
            flat += len(params)
        elif layers and type(layer).__name__ == "Activation":
            acts[-1] = layer.activation.name
    if not layers:
        raise ValueError("network found no Dense layer in the model")
    return layers, w_index, acts


class NetworkGraph:
    """Draws a dense network on an Axes once and re-colours its edges for new weights.

    Parameters
    ----------
    ax : matplotlib Axes
    model : Sequential
        Built dense model (its current weights choose the units shown in wide layers).
    max_units : int
        Largest number of units drawn per layer.
    weight_scale : float, optional
        ``|weight|`` drawn at full width; default the largest shown ``|weight|``. Animations pass
        the largest over all frames so that widths are comparable between frames.

    Attributes
    ----------
    edges : matplotlib.collections.LineCollection
        All edges, layer pair after layer pair (``update`` changes their colours and widths).
    nodes : list of matplotlib.collections.PathCollection
        The units of each column (drawn above the edges).
    shown : list of ndarray
        Indices of the units drawn in each column (input first).
    """

    def __init__(self, ax: Any, model: Any, max_units: int = 50,
                 weight_scale: float | None = None,
                 feature_names: list[str] | None = None) -> None:
        from matplotlib.collections import LineCollection

        self.ax = ax
        self.layers, self.w_index, self.activations = dense_structure(model)
        self.max_units = check_int(max_units, "max_units", low=2)
        mats = [layer.params["W"] for layer in self.layers]
        self.sizes = [mats[0].shape[0]] + [W.shape[1] for W in mats]
        self.feature_names = _style.check_feature_names(feature_names, self.sizes[0])
        self.titles = layer_titles(self.layers, self.activations)
        self.shown = self._choose_units(mats)
        self.positions = self._positions()
        segments = []
        for li in range(len(mats)):
            p, q = self.positions[li], self.positions[li + 1]
            seg = np.empty((len(p), len(q), 2, 2))
            seg[:, :, 0, :] = p[:, None, :]
            seg[:, :, 1, :] = q[None, :, :]
            segments.append(seg.reshape(-1, 2, 2))
        self.segments = np.concatenate(segments)
        self.max_width = float(np.clip(30.0 / np.sqrt(len(self.segments)), 0.8, 4.0))
        self.weight_scale = weight_scale
        self.edges = LineCollection(self.segments, zorder=1, capstyle="round")
        ax.add_collection(self.edges)
        self.nodes: list[Any] = []
        self._draw_nodes()
        self.update(mats)

    # ------------------------------------------------------------------ layout
    def _choose_units(self, mats: list[np.ndarray]) -> list[np.ndarray]:
        """Units drawn per column: all, or the ``max_units`` with the largest total |weight|."""
        shown = []
        for col, n in enumerate(self.sizes):
            if n <= self.max_units:
                shown.append(np.arange(n))
                continue
            importance = np.zeros(n)
            if col > 0:
                importance += np.abs(mats[col - 1]).sum(axis=0)     # incoming weights
            if col < len(mats):
                importance += np.abs(mats[col]).sum(axis=1)         # outgoing weights
            top = np.argsort(importance, kind="stable")[::-1][:self.max_units]
            shown.append(np.sort(top))
        return shown

    def _positions(self) -> list[np.ndarray]:
        """(x, y) of each drawn unit: column ``x = layer``, units centred, unit 0 on top."""
        pos = []
        for col, idx in enumerate(self.shown):
            m = len(idx)
            y = (m - 1) / 2.0 - np.arange(m)
            pos.append(np.column_stack([np.full(m, float(col)), y]))
        return pos

    def _draw_nodes(self) -> None:
        from matplotlib.lines import Line2D
        from matplotlib.transforms import blended_transform_factory

        ax = self.ax
        tallest = max(len(s) for s in self.shown)
        box = ax.get_position()
        height = box.height * ax.figure.get_figheight() * 72.0          # axes height in points
        legend_pts = 38.0                                                # legend on top
        spacing = max(height - legend_pts, 0.5 * height) / tallest       # points between units
        headroom = legend_pts / spacing                                  # in data units
        node_size = float(np.clip((0.75 * spacing) ** 2, 6.0, 260.0))
        last = len(self.shown) - 1
        below = blended_transform_factory(ax.transData, ax.transAxes)
        column_in = box.width * ax.figure.get_figwidth() / (last + 1)    # inches per column
        narrow = column_in < 1.5                     # "hidden layer 1" over "(40, tanh)"
        for col, pts in enumerate(self.positions):
            kind = "input" if col == 0 else ("output" if col == last else "hidden")
            self.nodes.append(ax.scatter(pts[:, 0], pts[:, 1], s=node_size,
                                         c=_style.NODE_COLORS[kind], edgecolors="#333333",
                                         linewidths=0.8, zorder=3))
            n, m = self.sizes[col], len(self.shown[col])
            if col == 0:
                name = f"input ({n} feature{'s' if n != 1 else ''})"
            else:
                name = self.titles[col - 1]
            if narrow:
                name = name.replace(" (", "\n(", 1)
            if m < n:
                name += f"\nshowing {m} of {n}\n(largest |weights|)"
            ax.text(col, -0.01, name, ha="center", va="top", fontsize="small",
                    transform=below)
            if m <= 12 and (col == 0 or col == last) and spacing >= 9.0:
                side, ha = (-0.12, "right") if col == 0 else (0.12, "left")
                for k, (x, y) in zip(self.shown[col], pts, strict=True):
                    if col == 0 and self.feature_names is not None:
                        label = _short(self.feature_names[k])
                    else:
                        label = (f"$x_{{{k + 1}}}$" if col == 0
                                 else ("$\\hat{y}$" if n == 1 else f"$\\hat{{y}}_{{{k}}}$"))
                    ax.text(x + side, y, label, ha=ha, va="center", fontsize="small")
        ax.set_xlim(-0.5, last + 0.5)
        ax.set_ylim(-tallest / 2.0, tallest / 2.0 + headroom)
        ax.set_axis_off()
        handles = [Line2D([], [], color=_style.POSITIVE_COLOR, lw=2.5, label="positive weight"),
                   Line2D([], [], color=_style.NEGATIVE_COLOR, lw=2.5, label="negative weight")]
        ax.legend(handles=handles, loc="upper center", ncol=2, fontsize="small", frameon=False,
                  title="line width ∝ |weight|", title_fontsize="small",
                  borderaxespad=0.0)

    # ------------------------------------------------------------------ weights
    def weights_from_list(self, weights: list[np.ndarray]) -> list[np.ndarray]:
        """The Dense ``W`` matrices out of a ``model.get_weights()``-style list."""
        return [np.asarray(weights[i]) for i in self.w_index]

    def update(self, mats: list[np.ndarray]) -> None:
        """Colour and size every edge from the weight matrices ``mats`` (one per Dense layer)."""
        from matplotlib.colors import to_rgba

        w = np.concatenate([np.asarray(W)[np.ix_(self.shown[i], self.shown[i + 1])].ravel()
                            for i, W in enumerate(mats)])
        scale = self.weight_scale if self.weight_scale else float(np.abs(w).max())
        strength = np.clip(np.abs(w) / scale, 0.0, 1.0) if scale > 0 else np.zeros_like(w)
        colors = np.where((w >= 0)[:, None], np.array(to_rgba(_style.POSITIVE_COLOR)),
                          np.array(to_rgba(_style.NEGATIVE_COLOR)))
        colors[:, 3] = 0.25 + 0.75 * strength
        self.edges.set_color(colors)
        self.edges.set_linewidths(0.15 + self.max_width * strength)


def network(model: Any, ax: Any = None, max_units: int = 50, title: str | None = None,
            feature_names: Any = None):
    """Draw a dense network: units as nodes in columns, weights as edges coloured by sign.

    Parameters
    ----------
    model : Sequential
        A built model of ``Dense`` layers (``Activation``/``Dropout``/``Flatten`` layers are
        skipped); a ``glassnet.sklearn`` estimator works through its fitted ``model_``.
    ax : matplotlib Axes, optional
        Where to draw; a new figure when None.
    max_units : int
        Wider layers are sampled down to their ``max_units`` most strongly connected units (the
        column label then says "showing m of n"). Readable up to about 50.
    title : str, optional
        Default: the layer sizes, e.g. ``"Network 2 → 40 → 1 (161 weights)"``.
    feature_names : sequence of str, optional
        Names of the inputs (e.g. a CSV file's columns), written next to the input nodes
        instead of ``x1, x2, ...``.

    Columns are labelled by role, counted from 1: ``input (2 features)``, ``hidden layer 1
    (40, tanh)``, ..., ``output (1, sigmoid)``.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Edge ``i → j`` between two columns is ``W[i, j]`` of the Dense layer joining them
    (``W: (n_in, n_out)``, the transpose of the posts' ``W[j, i]``). Blue = positive, red =
    negative, width and opacity ∝ ``|W[i, j]|``.
    """
    _style.check_ax(ax)
    layers, _, _ = dense_structure(model)
    if ax is None:
        tallest = min(max(layer.params["W"].shape[1] for layer in layers), max_units)
        _, ax = _style.subplots(figsize=(2.2 + 2.0 * len(layers), max(4.0, 0.16 * tallest + 2)))
    graph = NetworkGraph(ax, model, max_units=max_units, feature_names=feature_names)
    if title is None:
        sizes = " → ".join(str(s) for s in graph.sizes)
        n_w = sum(layer.params["W"].size for layer in layers)
        title = f"Network {sizes} ({n_w:,} weights)"
    ax.set_title(title)
    return ax


def layer_titles(layers: list[Any], activations: list[str]) -> list[str]:
    """``"hidden layer 1 (40, tanh)"``, ..., ``"output (1, sigmoid)"``: one per Dense layer."""
    titles = []
    for i, (layer, act) in enumerate(zip(layers, activations, strict=True)):
        units = int(layer.params["W"].shape[1])
        role = "output" if i == len(layers) - 1 else f"hidden layer {i + 1}"
        titles.append(f"{role} ({units}, {act})")
    return titles


def _short(name: str, width: int = 18) -> str:
    return name if len(name) <= width else name[:width - 1] + "…"


__all__ = ["network", "NetworkGraph", "dense_structure", "layer_titles"]
