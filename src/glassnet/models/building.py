"""How a ``Sequential`` is put together: input shapes, ownership, the flat buffers, the table.

Kept apart from :mod:`glassnet.models.sequential` so that the model class reads as its training
story; everything here is plain bookkeeping.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from glassnet.layers.base import BoundArrays, Layer

if TYPE_CHECKING:
    from glassnet.models.sequential import Sequential


def check_input_shape(input_shape: Any, name: str = "input_shape") -> tuple[int, ...]:
    """A per-sample shape from ``(d, ...)`` or Keras' ``(None, d, ...)`` (batch axis first)."""
    if isinstance(input_shape, (list, tuple)):
        dims = list(input_shape)
        if dims and dims[0] is None:
            dims = dims[1:]
        ok = bool(dims) and all(isinstance(d, (int, np.integer)) and not isinstance(d, bool)
                                and d >= 1 for d in dims)
        if ok:
            return tuple(int(d) for d in dims)
    hint = (f"; for {input_shape} features write ({input_shape},)"
            if isinstance(input_shape, (int, np.integer)) and not isinstance(input_shape, bool)
            else "")
    raise ValueError(f"{name} must be a tuple of positive integers such as (784,) or "
                     f"(None, 784) (batch axis first, as Keras), got {input_shape!r}{hint}")


def claim(obj: Any, model: Sequential, what: str) -> None:
    """Make ``model`` the owner of a layer or optimizer, refusing one that has another owner."""
    owner = obj._owner() if getattr(obj, "_owner", None) is not None else None
    if owner is not None and owner is not model:
        raise ValueError(f"{what} already belongs to another model ({owner.name!r}); a layer or "
                         f"optimizer cannot be shared between models, since they would share "
                         f"weights or optimizer state: create a new one (or copy.deepcopy it)")
    obj._owner = weakref.ref(model)


def pack_parameters(layers: list[Layer], dtype: np.dtype) -> tuple[np.ndarray, np.ndarray]:
    """Move every layer's parameters into one flat array, and its gradients into another.

    Each layer's ``params[key]`` and ``grads[key]`` become views into them, held in
    :class:`~glassnet.layers.base.BoundArrays` (assignment copies into the view).

    Returns
    -------
    flat_params, flat_grads : ndarray, shape (n_params,)
    """
    total = sum(p.size for layer in layers for p in layer.params.values())
    flat_params = np.empty(total, dtype=dtype)
    flat_grads = np.zeros(total, dtype=dtype)
    offset = 0
    for layer in layers:
        params, grads = {}, {}
        for key, value in layer.params.items():
            n = value.size
            view = flat_params[offset:offset + n].reshape(value.shape)
            view[...] = value
            params[key] = view
            grads[key] = flat_grads[offset:offset + n].reshape(value.shape)
            offset += n
        layer.params = BoundArrays(params, f"{layer.name}.params")
        layer.grads = BoundArrays(grads, f"{layer.name}.grads")
    return flat_params, flat_grads


def summary_table(model: Sequential) -> str:
    """Keras' summary of a built model: layers, output shapes, parameter counts."""
    rows = [("Layer (type)", "Output Shape", "Param #")]
    for layer in model.layers:
        rows.append((f"{layer.name} ({type(layer).__name__})",
                     str((None, *layer.output_shape)), f"{layer.n_params:,}"))
    w0 = max(28, *(len(r[0]) + 2 for r in rows))
    w1 = max(22, *(len(r[1]) + 2 for r in rows))
    width = w0 + w1 + 10
    lines = [f'Model: "{model.name}"', "_" * width,
             f"{rows[0][0]:<{w0}}{rows[0][1]:<{w1}}{rows[0][2]:>10}", "=" * width]
    for r in rows[1:]:
        lines.append(f"{r[0]:<{w0}}{r[1]:<{w1}}{r[2]:>10}")
    lines += ["=" * width, f"Total params: {model.n_params:,}",
              f"Input shape: {(None, *model.input_shape)}   dtype: {model.dtype.name}",
              "_" * width]
    return "\n".join(lines)
