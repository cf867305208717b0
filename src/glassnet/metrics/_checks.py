"""Input checks shared by the metric functions.

Class labels may be integers, booleans, whole-number floats or strings (as scikit-learn accepts).
They are 1-D; a single column ``(n, 1)`` is read as 1-D, anything wider is refused with a hint
to take ``argmax`` (one-hot rows and probability rows are not labels).
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np

from glassnet._validation import as_float_array, check_same_length, describe


def _family(arr: np.ndarray) -> str:
    """'string' or 'number': the two kinds of label that may not be mixed."""
    return "string" if arr.dtype.kind in "US" else "number"


def _object_labels(arr: np.ndarray, name: str) -> np.ndarray:
    """Turn an object array holding only strings, or only numbers, into a plain array."""
    try:
        uniques = np.unique(arr)  # sorting fails on a mix of strings and numbers (or None)
    except TypeError:
        raise TypeError(
            f"{name} must hold labels of one kind (all numbers or all strings), "
            "got a mix of kinds in an object array"
        ) from None
    values = uniques.tolist()  # a loop over the distinct labels, not over the samples
    if all(isinstance(v, str) for v in values):
        return arr.astype(str)
    if all(isinstance(v, numbers.Real) for v in values):
        return arr.astype(np.asarray(values).dtype)
    kinds = sorted({type(v).__name__ for v in values})
    raise TypeError(f"{name} must hold numbers or strings as labels, got objects of type {kinds}")


def as_labels(y: Any, name: str) -> np.ndarray:
    """Check class labels and return them as a non-empty 1-D array.

    Parameters
    ----------
    y : array-like, shape (n,) or (n, 1)
        Integer, boolean, whole-number float or string labels.
    name : str
        Argument name used in error messages.

    Returns
    -------
    numpy.ndarray, shape (n,)
        Numbers keep their dtype (floats are whole numbers), bytes become ``str``.
    """
    if y is None or isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be an array of class labels, got {type(y).__name__} "
                        f"{describe(y)}")
    arr = np.asarray(y)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        hint = ""
        if arr.ndim == 2:
            hint = (f"; one-hot or probability rows are not labels, pass {name}.argmax(axis=1) "
                    "(and map the indices to your classes)")
        raise ValueError(f"{name} must be 1-D class labels, got shape {arr.shape}{hint}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if arr.dtype.kind == "O":
        arr = _object_labels(arr, name)
    if arr.dtype.kind == "S":
        arr = arr.astype(str)
    if arr.dtype.kind not in "biufU":
        raise TypeError(
            f"{name} must hold integer, boolean or string labels, got dtype {arr.dtype}"
        )
    if arr.dtype.kind == "f":
        finite = np.isfinite(arr)
        if not finite.all():
            raise ValueError(f"{name} must hold finite labels, got {int((~finite).sum())} NaN or "
                             "infinite value(s)")
        fractional = arr != np.round(arr)
        if fractional.any():
            raise ValueError(
                f"{name} must hold class labels, got non-integer values like "
                f"{arr[fractional][:3]}; threshold probabilities first "
                "(e.g. (p > 0.5).astype(int)) or take argmax of score rows"
            )
    return arr


def _unify(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> tuple[np.ndarray, np.ndarray]:
    """Refuse strings mixed with numbers; give whole floats the integer type of the other side."""
    if _family(a) != _family(b):
        raise ValueError(
            f"{name_a} and {name_b} must hold the same kind of labels, got "
            f"{_family(a)}s ({name_a}, dtype {a.dtype}) and "
            f"{_family(b)}s ({name_b}, dtype {b.dtype})"
        )
    if a.dtype.kind == "f" and b.dtype.kind in "biu":
        a, b = _whole(a, b)
    elif b.dtype.kind == "f" and a.dtype.kind in "biu":
        b, a = _whole(b, a)
    return a, b


def _whole(f: np.ndarray, i: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whole-number floats ``f`` and integers ``i`` in one dtype: int64 if ``f`` fits in it."""
    if np.abs(f).max() < 2.0**63:
        return f.astype(np.int64), i
    return f, i.astype(np.float64)


class Targets(NamedTuple):
    """Encoded classification targets.

    ``classes`` is the sorted union of the labels in ``y_true``, ``y_pred`` and ``labels``;
    ``true``/``pred`` index into it; ``present`` are the labels seen in ``y_true`` or ``y_pred``;
    ``selected`` indexes the labels to report (``labels`` in the given order, else ``present``).
    """

    true: np.ndarray
    pred: np.ndarray
    classes: np.ndarray
    present: np.ndarray
    selected: np.ndarray


def unique_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct values and the index of each value among them (``np.unique``).

    Integer labels spanning a small range are counted with ``np.bincount`` instead of sorted,
    which is several times faster on large inputs.
    """
    if values.dtype.kind in "biu":
        codes = values.view(np.uint8) if values.dtype.kind == "b" else values
        low, high = codes.min(), codes.max()
        span = int(high) - int(low) + 1
        if span <= 2 * len(values) + 1024:
            wide = np.uint64 if codes.dtype.kind in "bu" else np.int64  # no overflow
            shifted = (codes.astype(wide) - wide(low)).astype(np.intp)
            seen = np.bincount(shifted, minlength=span) > 0
            position = np.cumsum(seen) - 1
            uniques = (np.flatnonzero(seen).astype(wide) + wide(low)).astype(codes.dtype)
            return uniques.view(values.dtype), position[shifted]
    uniques, inverse = np.unique(values, return_inverse=True)
    return uniques, inverse.ravel()


def check_labels_arg(labels: Any, like: np.ndarray, name: str = "labels") -> np.ndarray:
    """Check a ``labels`` argument: 1-D, non-empty, no duplicates, same kind as the targets."""
    arr = as_labels(labels, name)
    arr, _ = _unify(arr, like, name, "y_true/y_pred")
    uniques, counts = np.unique(arr, return_counts=True)
    if (counts > 1).any():
        raise ValueError(
            f"{name} must not repeat a label, got {uniques[counts > 1]} more than once"
        )
    return arr


def encode_targets(y_true: Any, y_pred: Any, labels: Any = None) -> Targets:
    """Check ``y_true``/``y_pred`` (and ``labels``) and encode them as indices into one class list.

    Parameters
    ----------
    y_true, y_pred : array-like, shape (n,)
        Class labels.
    labels : array-like, shape (k,), optional
        Labels to report, in order; may include labels absent from the data.

    Returns
    -------
    Targets
    """
    t = as_labels(y_true, "y_true")
    p = as_labels(y_pred, "y_pred")
    check_same_length(t, p, "y_true", "y_pred")
    t, p = _unify(t, p, "y_true", "y_pred")
    present, inverse = unique_inverse(np.concatenate([t, p]))
    t_idx, p_idx = inverse[: len(t)], inverse[len(t):]
    if labels is None:
        return Targets(t_idx, p_idx, present, present, np.arange(len(present)))
    lab = check_labels_arg(labels, present)
    classes = np.union1d(present, lab)
    remap = np.searchsorted(classes, present)
    return Targets(remap[t_idx], remap[p_idx], classes, present, np.searchsorted(classes, lab))


def check_sample_weight(sample_weight: Any, n: int) -> np.ndarray | None:
    """Check optional sample weights: 1-D, ``n`` finite non-negative values (float64)."""
    if sample_weight is None:
        return None
    w = as_float_array(sample_weight, "sample_weight", ndim=1, dtype=np.float64)
    if len(w) != n:
        raise ValueError(f"sample_weight must have one weight per sample ({n}), got {len(w)}")
    if (w < 0).any():
        raise ValueError(f"sample_weight must be non-negative, got minimum {w.min()}")
    return w


def check_zero_division(zero_division: Any) -> float:
    """Value given to a ratio whose denominator is zero: 0, 1 or NaN."""
    if isinstance(zero_division, numbers.Real) and not isinstance(zero_division, bool):
        value = float(zero_division)
        if value in (0.0, 1.0) or np.isnan(value):
            return value
    raise ValueError(f"zero_division must be 0, 1 or np.nan, got {zero_division!r}")


def contains(values: np.ndarray, label: Any) -> bool:
    """Whether ``label`` is one of ``values`` (False when the kinds differ)."""
    arr = np.asarray([label])
    if arr.dtype.kind not in "biufUS" or _family(arr) != _family(values):
        return False
    return bool(np.isin(arr, values).all())
