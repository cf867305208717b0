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
import math
import os
import zipfile
from typing import Any

import numpy as np

from glassnet.export._deps import require
from glassnet.layers import Activation, AvgPool2D, Conv2D, Dense, Dropout, Flatten, MaxPool2D

_WHO = "load_keras"
_MAX_CONFIG = 16 << 20                  # bytes of config.json
_MAX_WEIGHTS = 4 << 30                  # bytes of model.weights.h5
_ACTIVATIONS = {"linear": None, "relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh",
                "softmax": "softmax"}


class _Refused(ValueError):
    pass


def _refuse(cfg: dict, message: str) -> _Refused:
    return _Refused(f"{_WHO}: Keras layer {cfg.get('name', '?')!r} ({cfg.get('_class', '?')}) "
                    f"{message}")


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


# ----------------------------------------------------------------------------- translating layers


def _activation(cfg: dict, value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("config"), str):
        value = value["config"]                                    # serialized builtin function
    if value is None:
        return None
    if value == "leaky_relu":
        raise _refuse(cfg, "uses activation 'leaky_relu', whose slope is 0.2 in Keras but 0.01 "
                           "in glassnet; use a LeakyReLU(negative_slope=0.01) layer instead")
    if not isinstance(value, str) or value not in _ACTIVATIONS:
        raise _refuse(cfg, f"uses activation {value!r}, which glassnet does not have (it has "
                           f"{', '.join(_ACTIVATIONS)})")
    return _ACTIVATIONS[value]


def _penalties(cfg: dict) -> tuple[float, float]:
    for key in ("bias_regularizer", "activity_regularizer", "kernel_constraint",
                "bias_constraint"):
        if cfg.get(key) is not None:
            raise _refuse(cfg, f"has a {key}, which glassnet layers cannot express")
    if cfg.get("quantization_config") is not None:
        raise _refuse(cfg, "is quantized; glassnet holds float weights only")
    reg = cfg.get("kernel_regularizer")
    if reg is None:
        return 0.0, 0.0
    kind, rc = reg.get("class_name"), reg.get("config") or {}
    if kind in ("L1", "L2", "L1L2"):
        return float(rc.get("l1", 0.0) or 0.0), float(rc.get("l2", 0.0) or 0.0)
    raise _refuse(cfg, f"has kernel_regularizer {kind!r}; glassnet has only L1 and L2")


def _pair(cfg: dict, key: str, default=None) -> tuple[int, int]:
    value = cfg.get(key, default)
    if isinstance(value, int):
        value = [value, value]
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and v >= 1 for v in value)):
        raise _refuse(cfg, f"has {key}={value!r}; expected two positive integers")
    return (value[0], value[1])


def _padding(cfg: dict) -> str:
    padding = cfg.get("padding", "valid")
    if padding not in ("valid", "same"):
        raise _refuse(cfg, f"has padding={padding!r}; glassnet has 'valid' and 'same'")
    return padding


class _Translator:
    """Walks the Keras layer configs, keeping track of the glassnet per-sample shape."""

    def __init__(self, keras_input: tuple[int, ...]) -> None:
        if len(keras_input) not in (1, 2, 3):
            raise ValueError(f"{_WHO}: input shape {keras_input} is not supported (glassnet "
                             "takes (features,) rows or (H, W, C) / (C, H, W) images)")
        self.keras_input = keras_input
        self.formats: set[str] = set()        # data formats of the image layers
        self.layers: list = []
        self.plans: list[dict] = []           # per glassnet layer: how to read its weights

    def _format(self, cfg: dict) -> str:
        fmt = cfg.get("data_format") or "channels_last"
        if fmt not in ("channels_last", "channels_first"):
            raise _refuse(cfg, f"has data_format={fmt!r}")
        self.formats.add(fmt)
        if len(self.formats) > 1:
            raise _refuse(cfg, "mixes channels_last and channels_first layers; use one "
                               "data_format throughout")
        return fmt

    def input_shape(self) -> tuple[int, ...]:
        if len(self.keras_input) == 3 and self.formats != {"channels_first"}:
            h, w, c = self.keras_input
            return (c, h, w)
        return self.keras_input

    def add(self, class_name: str, cfg: dict) -> None:
        cfg = {**cfg, "_class": class_name}
        try:
            layer, plan = self._make(class_name, cfg)
        except _Refused:
            raise
        except KeyError as exc:
            raise _refuse(cfg, f"has no {exc.args[0]!r} in its config") from None
        except (TypeError, ValueError) as exc:
            raise _refuse(cfg, f"has a setting glassnet refuses: {exc}") from None
        self.layers.append(layer)
        self.plans.append(plan)

    def _make(self, kind: str, cfg: dict):
        name = cfg.get("name") if isinstance(cfg.get("name"), str) else None
        if cfg.get("trainable") is False:
            raise _refuse(cfg, "is frozen (trainable=False); glassnet has no frozen layers")
        if kind == "Dense":
            act = _activation(cfg, cfg.get("activation"))
            l1, l2 = _penalties(cfg)
            layer = Dense(int(cfg["units"]), activation=act, l1=l1, l2=l2, name=name)
            return layer, {"kind": "dense", "use_bias": bool(cfg.get("use_bias", True)),
                           "cfg": cfg}
        if kind == "Conv2D":
            fmt = self._format(cfg)
            if _pair(cfg, "dilation_rate", 1) != (1, 1) or cfg.get("groups", 1) != 1:
                raise _refuse(cfg, "is dilated or grouped; glassnet convolutions are neither")
            act = _activation(cfg, cfg.get("activation"))
            if act == "softmax" and fmt == "channels_first":
                raise _refuse(cfg, "applies softmax over the width axis (channels_first), "
                                   "glassnet over the filters")
            l1, l2 = _penalties(cfg)
            layer = Conv2D(int(cfg["filters"]), _pair(cfg, "kernel_size"),
                           stride=_pair(cfg, "strides", 1), padding=_padding(cfg),
                           activation=act, l1=l1, l2=l2, name=name)
            return layer, {"kind": "conv", "use_bias": bool(cfg.get("use_bias", True)),
                           "cfg": cfg}
        if kind in ("MaxPooling2D", "AveragePooling2D"):
            self._format(cfg)
            pool = _pair(cfg, "pool_size", 2)
            stride = pool if cfg.get("strides") is None else _pair(cfg, "strides")
            cls = MaxPool2D if kind == "MaxPooling2D" else AvgPool2D
            return cls(pool, stride=stride, padding=_padding(cfg), name=name), {"kind": "none"}
        if kind == "Flatten":
            return Flatten(name=name), {"kind": "flatten", "cfg": cfg}
        if kind == "Dropout":
            if cfg.get("noise_shape") is not None:
                raise _refuse(cfg, "has a noise_shape; glassnet drops every unit on its own")
            return Dropout(float(cfg["rate"]), name=name), {"kind": "none"}
        if kind == "Activation":
            act = _activation(cfg, cfg.get("activation"))
            return (Activation(act or "linear", name=name),
                    {"kind": "activation", "act": act, "cfg": cfg})
        if kind == "ReLU":
            if (cfg.get("max_value") is not None or (cfg.get("negative_slope") or 0) != 0
                    or (cfg.get("threshold") or 0) != 0):
                raise _refuse(cfg, "is a capped, leaky or thresholded ReLU; glassnet's is "
                                   "max(z, 0)")
            return Activation("relu", name=name), {"kind": "none"}
        if kind == "LeakyReLU":
            slope = cfg.get("negative_slope", cfg.get("alpha", 0.3))
            if not isinstance(slope, (int, float)) or abs(slope - 0.01) > 1e-12:
                raise _refuse(cfg, f"has negative_slope={slope!r}; glassnet's leaky_relu has "
                                   "slope 0.01")
            return Activation("leaky_relu", name=name), {"kind": "none"}
        if kind == "Softmax":
            if cfg.get("axis", -1) not in (-1, [-1]):
                raise _refuse(cfg, f"has axis={cfg.get('axis')!r}; glassnet's is the last axis")
            return (Activation("softmax", name=name),
                    {"kind": "activation", "act": "softmax", "cfg": cfg})
        raise _refuse(cfg, "has no glassnet counterpart; load_keras reads Dense, Conv2D, "
                           "MaxPooling2D, AveragePooling2D, Flatten, Activation, Dropout, ReLU, "
                           "LeakyReLU(0.01) and Softmax")


def _check_shapes(tr: _Translator) -> list[tuple[int, ...]]:
    """Per-sample input shape of each glassnet layer; refuses what glassnet cannot take."""
    shape, shapes = tr.input_shape(), []
    for layer, plan in zip(tr.layers, tr.plans, strict=True):
        shapes.append(shape)
        cfg = plan.get("cfg", {"name": layer.name, "_class": type(layer).__name__})
        if plan["kind"] == "dense" and len(shape) != 1:
            raise _refuse(cfg, f"is applied to inputs of per-sample shape {shape}; glassnet's "
                               "Dense takes flat rows (add a Flatten before it)")
        if plan["kind"] == "activation" and plan["act"] == "softmax" and len(shape) != 1:
            raise _refuse(cfg, "applies softmax to an image (over its last axis); glassnet "
                               "can do that only for flat rows")
        if plan["kind"] == "flatten":
            fmt = cfg.get("data_format") or "channels_last"
            if len(shape) == 3:
                if fmt != next(iter(tr.formats), "channels_last"):
                    raise _refuse(cfg, f"has data_format={fmt!r}, unlike the layers before it")
                plan["chw"] = shape
            elif len(shape) == 2 and fmt == "channels_first":
                raise _refuse(cfg, "flattens a 2-D input channels_first (transposed)")
        try:
            shape = tuple(layer.compute_output_shape(shape))
        except ValueError as exc:
            raise _refuse(cfg, f"cannot take inputs of per-sample shape {shape}: {exc}") from None
    # the Dense after a Flatten of an image gets its kernel rows permuted from HWC to CHW
    pending = None
    for plan in tr.plans:
        if plan["kind"] == "flatten":
            pending = plan.get("chw")
        elif plan["kind"] == "dense":
            plan["flatten_chw"], pending = pending, None
    return shapes


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
        raise _refuse(cfg, f"has no weight vars/{index} in model.weights.h5")
    if ds.is_virtual or ds.external:
        raise _refuse(cfg, f"weight vars/{index} is stored outside model.weights.h5")
    if tuple(ds.shape) != tuple(shape):
        raise _refuse(cfg, f"expects a weight of shape {tuple(shape)}, the file holds "
                           f"{tuple(ds.shape)}")
    if ds.dtype.kind != "f":
        raise _refuse(cfg, f"weight vars/{index} has dtype {ds.dtype}, expected floats")
    arr = np.asarray(ds[()], dtype=np.float64)
    if not np.isfinite(arr).all():
        raise _refuse(cfg, f"weight vars/{index} holds NaN or infinite values")
    return arr


def _weights(h5py: Any, h5: Any, tr: _Translator, shapes: list) -> list[np.ndarray]:
    groups = _vars_groups(h5py, h5)
    out: list[np.ndarray] = []
    for layer, plan, shape in zip(tr.layers, tr.plans, shapes, strict=True):
        if plan["kind"] not in ("dense", "conv"):
            continue
        cfg = plan["cfg"]
        group = groups.get(cfg.get("name"))
        if group is None:
            raise _refuse(cfg, "has no weights in model.weights.h5")
        n_vars = 2 if plan["use_bias"] else 1
        if len(group) != n_vars:
            raise _refuse(cfg, f"has {len(group)} weight arrays in the file, expected {n_vars}")
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


def _n_params(tr: _Translator, shapes: list) -> int:
    total = 0
    for layer, shape in zip(tr.layers, shapes, strict=True):
        if isinstance(layer, Dense):
            total += (shape[0] + 1) * layer.units
        elif isinstance(layer, Conv2D):
            total += (shape[0] * math.prod(layer.kernel_size) + 1) * layer.filters
    return total


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
    tr = _Translator(_input_shape(top, layer_cfgs))
    for i, entry in enumerate(layer_cfgs):
        kind, cfg = entry.get("class_name"), entry.get("config")
        if not isinstance(cfg, dict):
            raise ValueError(f"{_WHO}: layer {i} of config.json has no config")
        if kind == "InputLayer":
            if i != 0:
                raise _refuse({**cfg, "_class": kind}, "is not the first layer")
            continue
        if not isinstance(kind, str):
            raise ValueError(f"{_WHO}: layer {i} of config.json has no class_name")
        tr.add(kind, cfg)
    if not tr.layers:
        raise ValueError(f"{_WHO}: the Keras model in {path!r} has no layers")
    shapes = _check_shapes(tr)
    if _n_params(tr, shapes) * 2 > len(weights_bytes):      # float16 at the least
        raise ValueError(f"{_WHO}: the architecture in {path!r} has {_n_params(tr, shapes)} "
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
