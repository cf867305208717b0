"""PyTorch weights in: a ``state_dict`` of a matching ``torch.nn.Sequential`` into a glassnet model.

"Matching" means: the parametrised modules of the torch network, in order, are the ``Dense`` and
``Conv2D`` layers of the glassnet model, in order (modules without parameters, such as
activations, pooling, ``Flatten``, ``Dropout`` or padding, have no entries and are not needed).
Each module's entries are grouped by their prefix (``"0.weight"``, ``"features.3.bias"``); a
module may have a ``weight`` and a ``bias`` and nothing else (a BatchNorm's running statistics
are refused: glassnet has no such layer).

Layout: ``nn.Linear.weight`` is ``(out, in)`` and glassnet's ``W`` is ``(in, out)``, so
``W = weight.T``; ``nn.Conv2d.weight`` is ``(F, C, kh, kw)`` in both. A module without a bias
(``bias=False``) gives ``b = 0``. Both flatten NCHW maps in C order, so no permutation is needed
after a ``Flatten``.

Files: a ``.safetensors`` file is read with ``safetensors.numpy`` (the format keeps no order, so
its modules are taken in natural key order: ``"2.weight"`` before ``"10.weight"``); anything
else with ``torch.load(path, weights_only=True)``, which refuses pickled code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet.export._deps import require
from glassnet.export.graph import describe_layer
from glassnet.layers import Conv2D, Dense

_WHO = "load_torch_state_dict"


def _read_file(path: str | os.PathLike) -> Mapping:
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"{_WHO}: no state_dict file at {path!r}")
    if os.path.isdir(path):
        raise ValueError(f"{_WHO}: {path!r} is a folder, not a state_dict file")
    if path.endswith(".safetensors"):
        st = require("safetensors.numpy", _WHO, "safetensors")
        try:
            tensors = st.load_file(path)
        except Exception as exc:                                    # noqa: BLE001
            raise ValueError(f"{_WHO}: {path!r} is not a readable safetensors file "
                             f"({type(exc).__name__}: {exc})") from None
        # The format keeps no order: take the modules in natural order ("2.w" before "10.w").
        return {k: tensors[k] for k in sorted(tensors, key=_natural_key)}
    torch = require("torch", _WHO)
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:                                        # noqa: BLE001
        raise ValueError(f"{_WHO}: {path!r} cannot be read with torch.load(weights_only=True) "
                         f"({type(exc).__name__}: {' '.join(str(exc).split())[:300]}); save "
                         "the model's state_dict, not the model object") from None


def _natural_key(key: str) -> list:
    return [(0, int(part), "") if part.isdigit() else (1, 0, part)
            for part in re.split(r"(\d+)", key) if part]


def _as_array(value: Any, key: str) -> np.ndarray:
    if hasattr(value, "detach"):                                    # a torch tensor
        value = value.detach().cpu()
        if value.is_floating_point() and value.element_size() < 4:
            value = value.double()                  # bfloat16 and float16 have no NumPy twin
        value = value.numpy()
    arr = np.asarray(value)
    if arr.dtype.kind != "f":
        raise TypeError(f"{_WHO}: state_dict entry {key!r} must hold floating-point numbers, "
                        f"got dtype {arr.dtype}")
    return arr


def _groups(state_dict: Mapping) -> list[tuple[str, dict[str, Any]]]:
    """Entries grouped by module prefix, in the order the modules first appear."""
    groups: dict[str, dict[str, Any]] = {}
    for key, value in state_dict.items():
        if not isinstance(key, str) or "." not in key:
            raise ValueError(f"{_WHO}: state_dict keys must look like 'module.weight', got "
                             f"{key!r}")
        prefix, name = key.rsplit(".", 1)
        groups.setdefault(prefix, {})[name] = value
    out = []
    for prefix, entries in groups.items():
        extra = sorted(set(entries) - {"weight", "bias"})
        if extra or "weight" not in entries:
            raise ValueError(f"{_WHO}: module {prefix!r} of the state_dict has entries "
                             f"{sorted(entries)}; glassnet layers hold only 'weight' and 'bias' "
                             "(Linear and Conv2d), so a model with BatchNorm or other modules "
                             "cannot be loaded")
        out.append((prefix, entries))
    return out


def _expected_shapes(model: Any, first_weight: np.ndarray) -> tuple[tuple | None, list]:
    """Input shape to build with (None if built) and ``[(layer, {key: shape})]`` per layer."""
    layers = [lay for lay in model.layers if lay.params or isinstance(lay, (Dense, Conv2D))]
    for layer in layers:
        if type(layer) not in (Dense, Conv2D):
            raise ValueError(f"{_WHO} cannot load {describe_layer(layer)}: only Dense and Conv2D "
                             "layers take PyTorch weights")
    if model.built:
        return None, [(lay, {k: v.shape for k, v in lay.params.items()}) for lay in layers]
    if not model.layers or not isinstance(model.layers[0], Dense) or first_weight.ndim != 2:
        raise ValueError(f"{_WHO}: the model is not built; call model.build(input_shape) "
                         "first (a state_dict does not record the image size a Conv2D "
                         "model takes)")
    shape: tuple[int, ...] = (int(first_weight.shape[1]),)
    input_shape, out = shape, []
    for layer in model.layers:
        if isinstance(layer, Dense):
            if len(shape) != 1:
                raise ValueError(f"{_WHO}: {describe_layer(layer)} would get inputs of "
                                 f"per-sample shape {shape}; build the model first")
            out.append((layer, {"W": (shape[0], layer.units), "b": (layer.units,)}))
        shape = tuple(layer.compute_output_shape(shape))
    return input_shape, out


def _convert(layer: Any, shapes: dict, prefix: str, entries: dict, dtype) -> list[np.ndarray]:
    weight = _as_array(entries["weight"], f"{prefix}.weight")
    W_shape = shapes["W"]
    torch_shape = (W_shape[1], W_shape[0]) if isinstance(layer, Dense) else tuple(W_shape)
    what = "torch's (out, in)" if isinstance(layer, Dense) else "(F, C, kh, kw)"
    if weight.shape != torch_shape:
        raise ValueError(f"{_WHO}: {describe_layer(layer)} needs {prefix + '.weight'!r} of shape "
                         f"{torch_shape} ({what} for W {tuple(W_shape)}), got "
                         f"{tuple(weight.shape)}")
    W = weight.T if isinstance(layer, Dense) else weight
    if "bias" in entries:
        b = _as_array(entries["bias"], f"{prefix}.bias")
        if b.shape != tuple(shapes["b"]):
            raise ValueError(f"{_WHO}: {describe_layer(layer)} needs {prefix + '.bias'!r} of "
                             f"shape {tuple(shapes['b'])}, got {tuple(b.shape)}")
    else:
        b = np.zeros(shapes["b"])
    for name, arr in (("weight", W), ("bias", b)):
        if not np.isfinite(arr).all():
            raise ValueError(f"{_WHO}: {prefix}.{name} for {describe_layer(layer)} holds NaN "
                             "or infinite values")
    return [np.ascontiguousarray(W, dtype=dtype), np.ascontiguousarray(b, dtype=dtype)]


def load_torch_state_dict(state_dict_or_path: Any, model: Any) -> Any:
    """Copy the weights of a matching ``torch.nn.Sequential`` into a glassnet model.

    Parameters
    ----------
    state_dict_or_path : mapping, torch.nn.Module, str or os.PathLike
        A state_dict (``{"0.weight": tensor, ...}``, tensors or NumPy arrays), a module (its
        ``state_dict()`` is used), or the path of a ``.pt``/``.pth`` file (read with
        ``torch.load(weights_only=True)``) or of a ``.safetensors`` file.
    model : glassnet.Sequential
        Its Dense and Conv2D layers, in order, receive the torch network's parametrised modules,
        in order. An unbuilt model whose first layer is Dense is built from the first weight's
        input size; any other model must be built first.

    Returns
    -------
    glassnet.Sequential
        ``model`` itself, with the new weights.

    Raises
    ------
    ValueError
        When the numbers of parametrised modules and layers differ, a shape does not match
        (the message names the glassnet layer and the state_dict key), a module holds more
        than ``weight`` and ``bias``, or a value is not finite. Nothing is changed then.
    TypeError
        When the arguments are of the wrong kind.

    Examples
    --------
    >>> net = gn.export.to_torch(model)            # doctest: +SKIP
    >>> ... train net in PyTorch ...
    >>> gn.load_torch_state_dict(net.state_dict(), model)
    """
    from glassnet.models import Sequential

    if not isinstance(model, Sequential):
        raise TypeError(f"{_WHO}: model must be a glassnet Sequential, got "
                        f"{type(model).__name__}")
    source = state_dict_or_path
    if isinstance(source, (str, os.PathLike)):
        source = _read_file(source)
    elif hasattr(source, "state_dict") and callable(source.state_dict):
        source = source.state_dict()
    if not isinstance(source, Mapping):
        raise TypeError(f"{_WHO}: expected a state_dict (a mapping of names to tensors), a "
                        f"torch module or a file path, got {type(source).__name__}")
    groups = _groups(source)
    if not groups:
        raise ValueError(f"{_WHO}: the state_dict is empty")
    first = _as_array(groups[0][1]["weight"], f"{groups[0][0]}.weight")
    input_shape, targets = _expected_shapes(model, first)
    if len(groups) != len(targets):
        mods = ", ".join(p for p, _ in groups)
        lays = ", ".join(describe_layer(lay) for lay, _ in targets) or "none"
        raise ValueError(f"{_WHO}: the state_dict has {len(groups)} parametrised module(s) "
                         f"({mods}) but the model has {len(targets)} layer(s) with weights "
                         f"({lays})")
    weights = []
    for (layer, shapes), (prefix, entries) in zip(targets, groups, strict=True):
        weights += _convert(layer, shapes, prefix, entries, model.dtype)
    if input_shape is not None:
        model.build(input_shape)
    # Layers with parameters hold exactly W and b, in model.get_weights() order.
    model.set_weights(weights)
    return model


__all__ = ["load_torch_state_dict"]
