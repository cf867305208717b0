"""What a user hands a ``Sequential``, checked before anything changes: dtype, inputs, weights.

Plain functions on the model's public attributes, kept apart from
:mod:`glassnet.models.sequential` so that the model class reads as its training story. None of
them runs in the per-step path of an already checked batch (see ``Sequential._batch``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import as_float_array, describe
from glassnet.layers.dense import Dense


def check_dtype(dtype: Any) -> np.dtype:
    """``dtype`` as ``np.float32`` or ``np.float64``; anything else is a ``TypeError``."""
    try:
        out = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"dtype must be np.float32 or np.float64, got {dtype!r}") from None
    if out not in (np.float32, np.float64):
        raise TypeError(f"dtype must be np.float32 or np.float64, got {out}")
    return out


def check_X(model, X: Any, name: str = "X") -> np.ndarray:
    """``X`` as a finite array of the model's dtype, with the per-sample shape it is built for
    (before it is built: 2-D when the first layer is ``Dense``)."""
    shape = model.input_shape if model.built else None
    if shape is not None:
        ndim = len(shape) + 1
    else:
        first = model.layers[0] if model.layers else None
        ndim = 2 if isinstance(first, Dense) else None
    arr = as_float_array(X, name, ndim=ndim, dtype=model.dtype)
    if arr.ndim < 2:
        raise ValueError(f"{name} must have shape (n_samples, ...), got {describe(arr)}")
    if shape is not None and arr.shape[1:] != shape:
        what = "features" if len(shape) == 1 else "per-sample shape"
        want = shape[0] if len(shape) == 1 else shape
        got = arr.shape[1] if len(shape) == 1 else arr.shape[1:]
        raise ValueError(f"{name} must have {want} {what} as the model was built with, "
                         f"got {got} (shape {arr.shape})")
    return arr


def check_weights(targets: list[np.ndarray], weights: Any) -> list[np.ndarray]:
    """``weights`` checked against the model's parameter arrays ``targets``: a list of as many
    arrays, each of the same shape, of real and finite numbers. Nothing is written here."""
    if not isinstance(weights, (list, tuple)):
        raise TypeError(f"weights must be a list of arrays, got {type(weights).__name__}")
    if len(weights) != len(targets):
        raise ValueError(f"weights must be a list of {len(targets)} arrays, got {len(weights)}")
    checked = []
    for i, (t, w) in enumerate(zip(targets, weights, strict=True)):
        w = np.asarray(w)
        if w.shape != t.shape:
            raise ValueError(f"weights[{i}] must have shape {t.shape}, got {w.shape}")
        if w.dtype.kind not in "fiu":
            raise TypeError(f"weights[{i}] must hold real numbers, got dtype {w.dtype}")
        if not np.isfinite(w).all():
            raise ValueError(f"weights[{i}] must hold finite numbers, got "
                             f"{int(np.count_nonzero(~np.isfinite(w)))} NaN or infinite value(s)")
        checked.append(w)
    return checked
