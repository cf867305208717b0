"""Keras weights in: a Keras 3 ``.keras`` file as a glassnet ``Sequential`` (needs h5py only).

A ``.keras`` file is a zip of ``config.json`` (the architecture), ``metadata.json`` and
``model.weights.h5`` (the weights, one group per layer). Neither Keras nor TensorFlow is
imported: the JSON is read as data (no class named in it is imported or run) and the HDF5 file
with h5py, every dataset's shape checked against the architecture before it is read.

Accepted: a ``Sequential`` of ``InputLayer``, ``Dense``, ``Conv2D``, ``MaxPooling2D``,
``AveragePooling2D``, ``Flatten``, ``Activation``, ``Dropout``, ``ReLU``, ``Softmax`` (flat
inputs) and ``LeakyReLU(negative_slope=0.01)``, with glassnet's activations (``linear``,
``relu``, ``sigmoid``, ``tanh``, ``softmax``), L1/L2 kernel regularizers, no constraints.
Anything else is refused with a message naming the Keras layer.

Layout conversions
------------------
* Images: Keras' default ``channels_last`` tensors are ``(N, H, W, C)``; glassnet's are
  ``(N, C, H, W)``. The model built here takes NCHW input, so feed it
  ``X_nhwc.transpose(0, 3, 1, 2)``. (A ``channels_first`` Keras model takes the same NCHW data.)
* Conv2D kernels: Keras ``(kh, kw, C, F)`` → glassnet ``(F, C, kh, kw)`` (``transpose(3, 2, 0,
  1)``); both cross-correlate and pad "same" alike (``(k−1)//2`` before, the rest after).
* Dense kernels: Keras ``(in, out)`` is glassnet's ``W (in, out)`` as is.
* Flatten: Keras flattens an image in ``(H, W, C)`` order (a ``channels_first`` Flatten moves
  the channels last first, to keep the weights portable), glassnet in ``(C, H, W)`` order. The
  rows of the first Dense kernel after a Flatten are permuted accordingly:
  ``K.reshape(H, W, C, out).transpose(2, 0, 1, 3).reshape(C·H·W, out)``.
* ``leaky_relu`` as an activation *string* has slope 0.2 in Keras and 0.01 in glassnet, so it is
  refused; a ``LeakyReLU(negative_slope=0.01)`` layer is accepted.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from typing import Any

import numpy as np

from glassnet.export._deps import require
from glassnet.export._keras_config import WHO as _WHO
from glassnet.export._keras_config import Translator, check_shapes, n_params, refuse

_MAX_CONFIG = 16 << 20                  # bytes of config.json
_MAX_WEIGHTS = 4 << 30                  # bytes of model.weights.h5


# ----------------------------------------------------------------------------- reading the file


def _read_zip(path: str) -> tuple[dict, bytes]:
    if not os.path.exists(path):
        raise FileNotFoundError(f"{_WHO}: no Keras file at {path!r}")
    if os.path.isdir(path):
        raise ValueError(f"{_WHO}: {path!r} is a folder, not a .keras file (a TensorFlow "
                         "SavedModel cannot be read; save the model with model.save('m.keras'))")
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"\x89HDF"):
        raise ValueError(f"{_WHO}: {path!r} is a legacy HDF5 (.h5) Keras file; load it in Keras "
                         "and save it again as .keras (Keras 3 format)")
    try:
        with zipfile.ZipFile(path) as z:
            infos = {i.filename: i for i in z.infolist()}
            for member, limit in (("config.json", _MAX_CONFIG), ("model.weights.h5",
                                                                  _MAX_WEIGHTS)):
                if member not in infos:
                    raise ValueError(f"{_WHO}: {path!r} has no {member}; it is not a Keras 3 "
                                     f".keras file (members: {sorted(infos)[:10]})")
                if infos[member].file_size > limit:
                    raise ValueError(f"{_WHO}: {member} in {path!r} is "
                                     f"{infos[member].file_size} bytes, more than the "
                                     f"{limit} this reader accepts")
            config_bytes = z.read("config.json")
            weights = z.read("model.weights.h5")
    except zipfile.BadZipFile as exc:
        raise ValueError(f"{_WHO}: {path!r} is not a .keras file (not a readable zip archive: "
                         f"{exc})") from None
    try:
        config = json.loads(config_bytes)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{_WHO}: config.json in {path!r} is not valid JSON ({exc})") from None
    return config, weights


def _input_shape(top: dict, layers: list[dict]) -> tuple[int, ...]:
    shape = None
    if layers and layers[0].get("class_name") == "InputLayer":
        cfg = layers[0].get("config", {})
        shape = cfg.get("batch_shape") or cfg.get("batch_input_shape")
    if shape is None:
        shape = top.get("build_input_shape")
    if shape is None and layers:
        shape = (layers[0].get("build_config") or {}).get("input_shape")
    if not isinstance(shape, list) or len(shape) < 2:
        raise ValueError(f"{_WHO}: the Keras model records no input shape; build it (e.g. "
                         "with keras.Input(shape=...)) before saving")
    per_sample = shape[1:]
    if not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in per_sample):
        raise ValueError(f"{_WHO}: the Keras model's input shape {shape} must be fully known "
                         "(only the batch axis may be None)")
    return tuple(per_sample)

# ----------------------------------------------------------------------------- reading weights


def _child(h5py: Any, parent: Any, key: str, what: str) -> Any:
    """``parent[key]`` if it is stored in this file (a soft or external link, which could point
    into another file on this machine, is refused), else None."""
    link = parent.get(key, getlink=True)
    if link is None:
        return None
    if not isinstance(link, h5py.HardLink):
        raise ValueError(f"{_WHO}: model.weights.h5 links {what} to somewhere else "
                         f"({type(link).__name__}); only data stored in the file is read")
    return parent[key]


def _vars_groups(h5py: Any, h5: Any) -> dict[str, Any]:
    """Layer name -> its ``vars`` group (Keras records the layer name as an attribute)."""
    out = {}
    layers = _child(h5py, h5, "layers", "'layers'")
    if not isinstance(layers, h5py.Group):
        raise ValueError(f"{_WHO}: model.weights.h5 has no 'layers' group")
    for key in layers:
        entry = _child(h5py, layers, key, f"layers/{key}")
        group = _child(h5py, entry, "vars", f"layers/{key}/vars") if isinstance(
            entry, h5py.Group) else None
        if not isinstance(group, h5py.Group):
            continue
        name = group.attrs.get("name", key)
        out[name.decode() if isinstance(name, bytes) else str(name)] = group
    return out


def _read(h5py: Any, group: Any, index: int, shape: tuple[int, ...], cfg: dict) -> np.ndarray:
    ds = _child(h5py, group, str(index), f"the weight vars/{index} of {cfg.get('name')!r}")
    if not isinstance(ds, h5py.Dataset):
        raise refuse(cfg, f"has no weight vars/{index} in model.weights.h5")
    if ds.is_virtual or ds.external:
        raise refuse(cfg, f"weight vars/{index} is stored outside model.weights.h5")
    if tuple(ds.shape) != tuple(shape):
        raise refuse(cfg, f"expects a weight of shape {tuple(shape)}, the file holds "
                           f"{tuple(ds.shape)}")
    if ds.dtype.kind != "f":
        raise refuse(cfg, f"weight vars/{index} has dtype {ds.dtype}, expected floats")
    arr = np.asarray(ds[()], dtype=np.float64)
    if not np.isfinite(arr).all():
        raise refuse(cfg, f"weight vars/{index} holds NaN or infinite values")
    return arr


def _weights(h5py: Any, h5: Any, tr: Translator, shapes: list) -> list[np.ndarray]:
    groups = _vars_groups(h5py, h5)
    out: list[np.ndarray] = []
    for layer, plan, shape in zip(tr.layers, tr.plans, shapes, strict=True):
        if plan["kind"] not in ("dense", "conv"):
            continue
        cfg = plan["cfg"]
        group = groups.get(cfg.get("name"))
        if group is None:
            raise refuse(cfg, "has no weights in model.weights.h5")
        n_vars = 2 if plan["use_bias"] else 1
        if len(group) != n_vars:
            raise refuse(cfg, f"has {len(group)} weight arrays in the file, expected {n_vars}")
        if plan["kind"] == "dense":
            n_in, units = shape[0], layer.units
            K = _read(h5py, group, 0, (n_in, units), cfg)
            if plan["flatten_chw"] is not None:            # rows in Keras' (H, W, C) order
                c, h, w = plan["flatten_chw"]
                K = K.reshape(h, w, c, units).transpose(2, 0, 1, 3).reshape(n_in, units)
            b = _read(h5py, group, 1, (units,), cfg) if plan["use_bias"] else np.zeros(units)
        else:
            (kh, kw), c, f = layer.kernel_size, shape[0], layer.filters
            K = _read(h5py, group, 0, (kh, kw, c, f), cfg).transpose(3, 2, 0, 1)
            b = _read(h5py, group, 1, (f,), cfg) if plan["use_bias"] else np.zeros(f)
        out += [K, b]
    return out

def load_keras(path: str | os.PathLike, dtype: Any = np.float32):
    """A glassnet ``Sequential`` with the architecture and weights of a Keras 3 ``.keras`` file.

    Parameters
    ----------
    path : str or os.PathLike
        A file written by ``keras_model.save("m.keras")`` (Keras 3).
    dtype : numpy float dtype
        The glassnet model's dtype (float32 by default, as Keras').

    Returns
    -------
    glassnet.Sequential
        Built and not compiled (call ``compile`` to train or evaluate it). Image models take
        NCHW input: ``model.predict(X_nhwc.transpose(0, 3, 1, 2))`` equals Keras'
        ``predict(X_nhwc)``.

    Raises
    ------
    ImportError
        If h5py is missing (``pip install "glassnet[interop]"``).
    FileNotFoundError, ValueError, TypeError
        For a missing or unreadable file, a model that is not a Keras ``Sequential``, and any
        layer or setting glassnet cannot express (the message names the Keras layer).
    """
    from glassnet.models import Sequential

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{_WHO}: path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    config, weights_bytes = _read_zip(path)
    if not isinstance(config, dict) or config.get("class_name") != "Sequential":
        kind = config.get("class_name") if isinstance(config, dict) else type(config).__name__
        raise ValueError(f"{_WHO}: {path!r} holds a Keras {kind!r} model; only Sequential "
                         "models can be loaded")
    top = config.get("config") or {}
    layer_cfgs = top.get("layers")
    if not isinstance(layer_cfgs, list) or not all(isinstance(c, dict) for c in layer_cfgs):
        raise ValueError(f"{_WHO}: config.json in {path!r} has no list of layers")
    tr = Translator(_input_shape(top, layer_cfgs))
    for i, entry in enumerate(layer_cfgs):
        kind, cfg = entry.get("class_name"), entry.get("config")
        if not isinstance(cfg, dict):
            raise ValueError(f"{_WHO}: layer {i} of config.json has no config")
        if kind == "InputLayer":
            if i != 0:
                raise refuse({**cfg, "_class": kind}, "is not the first layer")
            continue
        if not isinstance(kind, str):
            raise ValueError(f"{_WHO}: layer {i} of config.json has no class_name")
        tr.add(kind, cfg)
    if not tr.layers:
        raise ValueError(f"{_WHO}: the Keras model in {path!r} has no layers")
    shapes = check_shapes(tr)
    if n_params(tr, shapes) * 2 > len(weights_bytes):      # float16 at the least
        raise ValueError(f"{_WHO}: the architecture in {path!r} has {n_params(tr, shapes)} "
                         f"weights but model.weights.h5 holds only {len(weights_bytes)} bytes")
    h5py = require("h5py", _WHO)
    try:
        with h5py.File(io.BytesIO(weights_bytes), "r") as h5:
            weights = _weights(h5py, h5, tr, shapes)
    except OSError as exc:
        raise ValueError(f"{_WHO}: model.weights.h5 in {path!r} is not a readable HDF5 file "
                         f"({exc})") from None
    model = Sequential(tr.layers, dtype=dtype, name=str(top.get("name") or "sequential"))
    model.build(tr.input_shape())
    model.set_weights(weights)
    return model


__all__ = ["load_keras"]
