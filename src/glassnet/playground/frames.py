"""What the page draws, computed from the model: the output heatmap and every neuron's heatmap.

One forward pass of the network over a ``GRID × GRID`` grid of the square ``[-6, 6]²`` gives
the output of the network and the activation ``A`` of every hidden unit at every grid point.
The heatmaps are sent as bytes, base64-encoded:

* a value ``v`` clamped to ``[-1, 1]`` becomes the byte ``round((v + 1) · 127.5)``;
* the output of a sigmoid head is sent as ``2p − 1`` (−1: class 0, +1: class 1), a regression
  output as it is; a softmax head sends two maps: the most probable class at each point and its
  probability;
* the output map is sent at the full grid size, every neuron's map at ``GRID / NEURON_STRIDE``
  a side (the page scales it up smoothly), the input features' maps likewise.

Row 0 of every map is the top of the square (``x2 = +6``), column 0 its left (``x1 = −6``).
"""

from __future__ import annotations

import base64

import numpy as np

from glassnet.layers import Dense
from glassnet.playground.datasets import DOMAIN
from glassnet.playground.features import FEATURES, transform

GRID = 100
NEURON_STRIDE = 4


def grid_points(size: int = GRID, domain: float = DOMAIN) -> np.ndarray:
    """The ``(size², 2)`` centres of a ``size × size`` grid over ``[-domain, domain]²``, row by
    row from the top."""
    step = 2 * domain / size
    axis = -domain + step * (np.arange(size) + 0.5)
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.column_stack([x1.ravel(), x2.ravel()])


def quantize(values: np.ndarray) -> np.ndarray:
    """``values`` clamped to [-1, 1] as bytes: ``round((v + 1) · 127.5)``."""
    v = np.clip(np.asarray(values, dtype=np.float32), -1.0, 1.0)
    return np.rint((v + 1.0) * 127.5).astype(np.uint8)


def encode(values: np.ndarray) -> str:
    """A uint8 array as base64 text."""
    return base64.b64encode(np.ascontiguousarray(values, dtype=np.uint8).tobytes()).decode()


def decode(text: str, shape: tuple[int, ...]) -> np.ndarray:
    """Inverse of :func:`encode`: the uint8 array of ``shape``."""
    return np.frombuffer(base64.b64decode(text), dtype=np.uint8).reshape(shape)


def forward_all(model, X: np.ndarray) -> list[np.ndarray]:
    """The output ``A`` of every Dense layer for inputs ``X`` (inference: dropout off)."""
    outs, a = [], X
    for layer in model.layers:
        a = layer.forward(a, training=False)
        if isinstance(layer, Dense):
            outs.append(a)
    return outs


def small(maps: np.ndarray, size: int = GRID, stride: int = NEURON_STRIDE) -> np.ndarray:
    """Columns of ``maps (size², u)`` as ``u`` maps of ``size/stride`` a side (stride sampling,
    the centre of each block)."""
    u = maps.shape[1]
    grid = maps.reshape(size, size, u)
    off = stride // 2
    return np.moveaxis(grid[off::stride, off::stride, :], 2, 0)     # (u, s, s)


def output_map(out: np.ndarray, task: str, size: int = GRID) -> dict:
    """The output heatmap of the network outputs ``out (size², k)`` for ``task``."""
    if task == "multiclass":
        cls = np.argmax(out, axis=1).astype(np.uint8)
        conf = out.max(axis=1)
        return {"kind": task, "size": size, "classes": encode(cls),
                "values": encode(quantize(conf * 2 - 1))}
    v = out[:, 0] * 2 - 1 if task == "binary" else out[:, 0]
    return {"kind": task, "size": size, "values": encode(quantize(v))}


def input_maps(features: tuple[str, ...], size: int = GRID,
               stride: int = NEURON_STRIDE) -> list[str]:
    """Each input feature over the grid, scaled by its largest magnitude, as small maps."""
    F = transform(grid_points(size), features, dtype=np.float64)
    F = F / np.maximum(np.abs(F).max(axis=0), 1e-12)
    return [encode(quantize(m)) for m in small(F, size, stride)]


def render(model, grid_features: np.ndarray, task: str, size: int = GRID) -> dict:
    """The heatmaps and weights of one frame.

    Parameters
    ----------
    model : Sequential
        The playground's network.
    grid_features : ndarray, shape (size², n_features)
        The features of :func:`grid_points`, in the model's dtype.
    task : {"binary", "multiclass", "regression"}

    Returns
    -------
    dict
        ``output`` (see :func:`output_map`), ``neurons`` (per hidden layer, a list of base64
        maps, one per unit), ``weights`` and ``biases`` (per Dense layer, rounded lists).
    """
    outs = forward_all(model, grid_features)
    neurons = [[encode(quantize(m)) for m in small(a, size)] for a in outs[:-1]]
    dense = [layer for layer in model.layers if isinstance(layer, Dense)]
    return {
        "output": output_map(outs[-1], task, size),
        "neurons": neurons,
        "weights": [np.round(d.params["W"].astype(np.float64), 4).tolist() for d in dense],
        "biases": [np.round(d.params["b"].astype(np.float64), 4).tolist() for d in dense],
    }


def structure(settings, data, run: int, structure_id: int, history: list,
              upload_name: str | None) -> dict:
    """What the page needs once per run: settings, network shape, points, input maps, history.

    ``data`` has ``X_train, y_train, X_test, y_test, task, n_classes``; the points are sent
    as ``[x1, x2, y]`` rows.
    """
    def points(X, y):
        return np.column_stack([np.round(X, 3), np.round(y, 4)]).tolist()

    return {"run": run, "structure": structure_id, "settings": settings.to_dict(),
            "task": data.task, "n_classes": data.n_classes, "features": list(settings.features),
            "hidden": list(settings.hidden), "train": points(data.X_train, data.y_train),
            "test": points(data.X_test, data.y_test),
            "inputs": dict(zip(FEATURES, input_maps(tuple(FEATURES)), strict=True)),
            "grid": GRID, "neuron_size": GRID // NEURON_STRIDE, "upload": upload_name,
            "history": history}
