"""Keras layer configs → glassnet layers: the architecture half of :mod:`glassnet.export.keras`.

:class:`Translator` walks the ``layers`` of a Keras ``Sequential`` config (plain JSON data) and
makes the glassnet layer of each, or refuses, naming the Keras layer, what glassnet cannot
express. It records per layer how its weights are to be read (``plans``); :func:`check_shapes`
then follows the per-sample shapes through the glassnet layers and marks the Dense layer after
a Flatten of an image, whose kernel rows Keras orders ``(H, W, C)`` and glassnet ``(C, H, W)``.
"""

from __future__ import annotations

import math
from typing import Any

from glassnet.layers import Activation, AvgPool2D, Conv2D, Dense, Dropout, Flatten, MaxPool2D

WHO = "load_keras"
#: Keras activation name -> glassnet's (None: linear)
ACTIVATIONS = {"linear": None, "relu": "relu", "sigmoid": "sigmoid", "tanh": "tanh",
               "softmax": "softmax"}


class Refused(ValueError):
    """A Keras layer glassnet cannot express (the message names it)."""


def refuse(cfg: dict, message: str) -> Refused:
    """The error for Keras layer ``cfg`` (its ``name`` and ``_class``)."""
    return Refused(f"{WHO}: Keras layer {cfg.get('name', '?')!r} ({cfg.get('_class', '?')}) "
                   f"{message}")


def _activation(cfg: dict, value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("config"), str):
        value = value["config"]                                    # serialized builtin function
    if value is None:
        return None
    if value == "leaky_relu":
        raise refuse(cfg, "uses activation 'leaky_relu', whose slope is 0.2 in Keras but 0.01 "
                           "in glassnet; use a LeakyReLU(negative_slope=0.01) layer instead")
    if not isinstance(value, str) or value not in ACTIVATIONS:
        raise refuse(cfg, f"uses activation {value!r}, which glassnet does not have (it has "
                           f"{', '.join(ACTIVATIONS)})")
    return ACTIVATIONS[value]


def _penalties(cfg: dict) -> tuple[float, float]:
    for key in ("bias_regularizer", "activity_regularizer", "kernel_constraint",
                "bias_constraint"):
        if cfg.get(key) is not None:
            raise refuse(cfg, f"has a {key}, which glassnet layers cannot express")
    if cfg.get("quantization_config") is not None:
        raise refuse(cfg, "is quantized; glassnet holds float weights only")
    reg = cfg.get("kernel_regularizer")
    if reg is None:
        return 0.0, 0.0
    kind, rc = reg.get("class_name"), reg.get("config") or {}
    if kind in ("L1", "L2", "L1L2"):
        return float(rc.get("l1", 0.0) or 0.0), float(rc.get("l2", 0.0) or 0.0)
    raise refuse(cfg, f"has kernel_regularizer {kind!r}; glassnet has only L1 and L2")


def _pair(cfg: dict, key: str, default=None) -> tuple[int, int]:
    value = cfg.get(key, default)
    if isinstance(value, int):
        value = [value, value]
    if (not isinstance(value, list) or len(value) != 2
            or not all(isinstance(v, int) and v >= 1 for v in value)):
        raise refuse(cfg, f"has {key}={value!r}; expected two positive integers")
    return (value[0], value[1])


def _padding(cfg: dict) -> str:
    padding = cfg.get("padding", "valid")
    if padding not in ("valid", "same"):
        raise refuse(cfg, f"has padding={padding!r}; glassnet has 'valid' and 'same'")
    return padding


class Translator:
    """Walks the Keras layer configs, keeping track of the glassnet per-sample shape."""

    def __init__(self, keras_input: tuple[int, ...]) -> None:
        if len(keras_input) not in (1, 2, 3):
            raise ValueError(f"{WHO}: input shape {keras_input} is not supported (glassnet "
                             "takes (features,) rows or (H, W, C) / (C, H, W) images)")
        self.keras_input = keras_input
        self.formats: set[str] = set()        # data formats of the image layers
        self.layers: list = []
        self.plans: list[dict] = []           # per glassnet layer: how to read its weights

    def _format(self, cfg: dict) -> str:
        fmt = cfg.get("data_format") or "channels_last"
        if fmt not in ("channels_last", "channels_first"):
            raise refuse(cfg, f"has data_format={fmt!r}")
        self.formats.add(fmt)
        if len(self.formats) > 1:
            raise refuse(cfg, "mixes channels_last and channels_first layers; use one "
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
        except Refused:
            raise
        except KeyError as exc:
            raise refuse(cfg, f"has no {exc.args[0]!r} in its config") from None
        except (TypeError, ValueError) as exc:
            raise refuse(cfg, f"has a setting glassnet refuses: {exc}") from None
        self.layers.append(layer)
        self.plans.append(plan)

    def _make(self, kind: str, cfg: dict):
        name = cfg.get("name") if isinstance(cfg.get("name"), str) else None
        if cfg.get("trainable") is False:
            raise refuse(cfg, "is frozen (trainable=False); glassnet has no frozen layers")
        if kind == "Dense":
            act = _activation(cfg, cfg.get("activation"))
            l1, l2 = _penalties(cfg)
            layer = Dense(int(cfg["units"]), activation=act, l1=l1, l2=l2, name=name)
            return layer, {"kind": "dense", "use_bias": bool(cfg.get("use_bias", True)),
                           "cfg": cfg}
        if kind == "Conv2D":
            fmt = self._format(cfg)
            if _pair(cfg, "dilation_rate", 1) != (1, 1) or cfg.get("groups", 1) != 1:
                raise refuse(cfg, "is dilated or grouped; glassnet convolutions are neither")
            act = _activation(cfg, cfg.get("activation"))
            if act == "softmax" and fmt == "channels_first":
                raise refuse(cfg, "applies softmax over the width axis (channels_first), "
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
                raise refuse(cfg, "has a noise_shape; glassnet drops every unit on its own")
            return Dropout(float(cfg["rate"]), name=name), {"kind": "none"}
        if kind == "Activation":
            act = _activation(cfg, cfg.get("activation"))
            return (Activation(act or "linear", name=name),
                    {"kind": "activation", "act": act, "cfg": cfg})
        if kind == "ReLU":
            if (cfg.get("max_value") is not None or (cfg.get("negative_slope") or 0) != 0
                    or (cfg.get("threshold") or 0) != 0):
                raise refuse(cfg, "is a capped, leaky or thresholded ReLU; glassnet's is "
                                   "max(z, 0)")
            return Activation("relu", name=name), {"kind": "none"}
        if kind == "LeakyReLU":
            slope = cfg.get("negative_slope", cfg.get("alpha", 0.3))
            if not isinstance(slope, (int, float)) or abs(slope - 0.01) > 1e-12:
                raise refuse(cfg, f"has negative_slope={slope!r}; glassnet's leaky_relu has "
                                   "slope 0.01")
            return Activation("leaky_relu", name=name), {"kind": "none"}
        if kind == "Softmax":
            if cfg.get("axis", -1) not in (-1, [-1]):
                raise refuse(cfg, f"has axis={cfg.get('axis')!r}; glassnet's is the last axis")
            return (Activation("softmax", name=name),
                    {"kind": "activation", "act": "softmax", "cfg": cfg})
        raise refuse(cfg, "has no glassnet counterpart; load_keras reads Dense, Conv2D, "
                           "MaxPooling2D, AveragePooling2D, Flatten, Activation, Dropout, ReLU, "
                           "LeakyReLU(0.01) and Softmax")


def check_shapes(tr: Translator) -> list[tuple[int, ...]]:
    """Per-sample input shape of each glassnet layer; refuses what glassnet cannot take."""
    shape, shapes = tr.input_shape(), []
    for layer, plan in zip(tr.layers, tr.plans, strict=True):
        shapes.append(shape)
        cfg = plan.get("cfg", {"name": layer.name, "_class": type(layer).__name__})
        if plan["kind"] == "dense" and len(shape) != 1:
            raise refuse(cfg, f"is applied to inputs of per-sample shape {shape}; glassnet's "
                               "Dense takes flat rows (add a Flatten before it)")
        if plan["kind"] == "activation" and plan["act"] == "softmax" and len(shape) != 1:
            raise refuse(cfg, "applies softmax to an image (over its last axis); glassnet "
                               "can do that only for flat rows")
        if plan["kind"] == "flatten":
            fmt = cfg.get("data_format") or "channels_last"
            if len(shape) == 3:
                if fmt != next(iter(tr.formats), "channels_last"):
                    raise refuse(cfg, f"has data_format={fmt!r}, unlike the layers before it")
                plan["chw"] = shape
            elif len(shape) == 2 and fmt == "channels_first":
                raise refuse(cfg, "flattens a 2-D input channels_first (transposed)")
        try:
            shape = tuple(layer.compute_output_shape(shape))
        except ValueError as exc:
            raise refuse(cfg, f"cannot take inputs of per-sample shape {shape}: {exc}") from None
    # the Dense after a Flatten of an image gets its kernel rows permuted from HWC to CHW
    pending = None
    for plan in tr.plans:
        if plan["kind"] == "flatten":
            pending = plan.get("chw")
        elif plan["kind"] == "dense":
            plan["flatten_chw"], pending = pending, None
    return shapes


def n_params(tr: Translator, shapes: list) -> int:
    total = 0
    for layer, shape in zip(tr.layers, shapes, strict=True):
        if isinstance(layer, Dense):
            total += (shape[0] + 1) * layer.units
        elif isinstance(layer, Conv2D):
            total += (shape[0] * math.prod(layer.kernel_size) + 1) * layer.filters
    return total


__all__ = ["ACTIVATIONS", "WHO", "Refused", "refuse", "Translator", "check_shapes", "n_params"]
