"""Argument and array checks shared by the whole package.

Every check raises ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind, wrong value)
with a message that names the argument, says what was expected and shows what was given.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

_LABEL_LIMIT = 2**62          # larger labels cannot index any output layer


def describe(value: Any) -> str:
    """Short description of ``value`` for error messages: its shape and dtype, or its repr."""
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_number(
    value: Any,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float after checking it is a real number within the given bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__} {describe(value)}"
        )
    try:
        value = float(value)
    except OverflowError:                   # an int beyond the float range
        raise ValueError(f"{name} must be finite, got {describe(value)}") from None
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {op} {low}, got {value}")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        op = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {op} {high}, got {value}")
    return value


def check_int(value: Any, name: str, *, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as an int after checking it is an integer (not a bool) within bounds."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__} {describe(value)}")
    value = int(value)
    if low is not None and value < low:
        raise ValueError(f"{name} must be >= {low}, got {value}")
    if high is not None and value > high:
        raise ValueError(f"{name} must be <= {high}, got {value}")
    return value


def check_choice(value: Any, name: str, choices: Sequence[Any]) -> Any:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        valid = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {valid}; got {value!r}")
    return value


def check_seed(seed: Any, name: str = "seed") -> int | None:
    """Check a seed: None or a non-negative integer."""
    if seed is None:
        return None
    return check_int(seed, name, low=0)


def as_float_array(
    x: Any,
    name: str,
    *,
    ndim: int | tuple[int, ...] | None = None,
    dtype: Any = None,
    allow_empty: bool = False,
) -> np.ndarray:
    """Convert ``x`` to a finite floating array and check its number of dimensions.

    Parameters
    ----------
    x : array-like
        Numeric data (bool, int or float). Strings, objects and complex numbers are refused.
    name : str
        Argument name used in error messages.
    ndim : int or tuple of int, optional
        Accepted numbers of dimensions.
    dtype : numpy dtype, optional
        Floating dtype of the result; default keeps float32/float64 and turns the rest into float64.
    allow_empty : bool
        Accept an array with zero samples.

    Returns
    -------
    numpy.ndarray
        ``x`` itself when it already has the dtype (no copy), else a converted copy.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be a numeric array, got {type(x).__name__} {describe(x)}")
    if isinstance(x, np.ma.MaskedArray) and np.ma.is_masked(x):
        raise ValueError(f"{name} has {int(np.ma.count_masked(x))} masked entries; fill or drop "
                         f"them first (e.g. {name}.filled(value))")
    arr = as_array(x, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold numbers (bool, int or float), got dtype {arr.dtype}"
            + (" (convert strings or objects to numbers first)" if arr.dtype.kind in "OUS" else "")
        )
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{d}-D" for d in allowed)
            hint = ""
            if arr.ndim == 1 and 2 in allowed:
                hint = (" (for a single feature use X.reshape(-1, 1), for a single sample "
                        "X.reshape(1, -1))")
            raise ValueError(
                f"{name} must be {want}, got {arr.ndim}-D array of shape {arr.shape}{hint}"
            )
    if not allow_empty and (arr.ndim == 0 or arr.shape[0] == 0 or arr.size == 0):
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    target = np.dtype(dtype) if dtype is not None else (
        arr.dtype if arr.dtype.kind == "f" and arr.dtype.itemsize >= 4 else np.dtype(np.float64)
    )
    source = arr
    if arr.dtype != target:
        with np.errstate(over="ignore", invalid="ignore"):   # overflow is reported below
            arr = arr.astype(target)
    if arr.size and not all_finite(arr):
        if source is not arr and (source.dtype.kind != "f" or np.isfinite(source).all()):
            with np.errstate(over="ignore"):
                big = float(np.max(np.abs(source.astype(np.float64))))
            raise ValueError(
                f"{name} holds values too large for {target.name} (largest magnitude {big:.3g}, "
                f"limit {float(np.finfo(target).max):.3g}); rescale the data first"
            )
        n_nan = int(np.isnan(arr).sum())
        n_inf = int(np.isinf(arr).sum())
        raise ValueError(
            f"{name} must be finite, got {n_nan} NaN and {n_inf} infinite value(s); "
            "remove or impute them first"
        )
    return arr


def all_finite(arr: np.ndarray) -> bool:
    """True when every entry of the float array ``arr`` is finite.

    One summing pass with no temporary in the usual case (NaN and ±inf propagate into the sum);
    only when the sum is not finite, which an overflowing sum of finite values can also cause,
    are the entries checked one by one.
    """
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.add.reduce(arr, axis=None)
    return bool(np.isfinite(total)) or bool(np.isfinite(arr).all())


def as_array(x: Any, name: str) -> np.ndarray:
    """``np.asarray(x)``, with an error that names the argument for ragged nested sequences.

    Subclasses (``np.matrix``, masked arrays) become plain arrays; dtypes are not checked here.
    """
    if type(x) is np.ndarray:
        return x
    try:
        return np.asarray(x)
    except ValueError as exc:               # ragged lists: "inhomogeneous shape ..."
        raise ValueError(
            f"{name} must be a rectangular array (every row of the same length), got a ragged "
            f"{type(x).__name__}: {exc}"
        ) from None


def check_same_length(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Check that two arrays have the same number of samples (first axis)."""
    if len(a) != len(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of samples, "
            f"got {len(a)} and {len(b)}"
        )


def as_label_array(y: Any, name: str = "y") -> np.ndarray:
    """Check 1-D integer class labels and return them as int64.

    Whole-number floats and booleans are accepted; NaN, fractions, negative labels and labels too
    large to index an output layer are refused.
    """
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(f"{name} must be an array of class labels, got {type(y).__name__}")
    arr = as_array(y, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D class labels, got shape {arr.shape}")
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite, got NaN or infinite labels")
        if not np.array_equal(arr, np.round(arr)):
            bad = arr[arr != np.round(arr)][:3]
            raise ValueError(f"{name} must hold whole-number class labels, got values like {bad}")
    if arr.size and arr.dtype.kind in "if" and arr.min() < 0:
        raise ValueError(f"{name} must hold non-negative class labels, got minimum {arr.min():g}")
    if arr.size and arr.dtype.kind in "uf" and arr.max() >= _LABEL_LIMIT:
        raise ValueError(f"{name} holds a class label too large to be a class index, got "
                         f"{arr.max():.6g}; labels must be 0..k-1 for k output units")
    return arr.astype(np.int64)
