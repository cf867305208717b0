"""Getting data ready for a network: splitting, standardising, one-hot labels, mini-batches."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np

from glassnet._validation import (
    as_float_array,
    as_label_array,
    check_int,
    check_number,
    check_same_length,
    check_seed,
    describe,
)

__all__ = ["StandardScaler", "batches", "one_hot", "train_test_split"]


# --------------------------------------------------------------------------- splitting
def _as_indexable(a: Any, name: str) -> np.ndarray:
    if a is None or isinstance(a, (str, bytes)):
        raise TypeError(f"{name} must be an array with one row per sample, got {describe(a)}")
    arr = np.asarray(a)
    if arr.ndim == 0:
        raise ValueError(f"{name} must have at least one dimension (samples), got a scalar {a!r}")
    return arr


def _split_size(value: Any, name: str, n: int) -> tuple[int | None, float | None]:
    """``(count, fraction)`` from a test/train size given as a fraction or a count."""
    if value is None:
        return None, None
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        count = check_int(value, name)
        if not 0 < count < n:
            raise ValueError(
                f"{name} as a count must be between 1 and n_samples - 1 = {n - 1}, got {count}"
            )
        return count, None
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        frac = check_number(value, name, low=0.0, high=1.0, low_inclusive=False,
                            high_inclusive=False)
        return None, frac
    raise TypeError(
        f"{name} must be a fraction in (0, 1), a sample count or None, got {describe(value)}"
    )


def _split_counts(n: int, test_size: Any, train_size: Any) -> tuple[int, int]:
    """Numbers of test and train samples, with scikit-learn's rounding (test up, train down)."""
    n_test, test_frac = _split_size(test_size, "test_size", n)
    n_train, train_frac = _split_size(train_size, "train_size", n)
    if test_size is None and train_size is None:
        test_frac = 0.25
    if test_frac is not None and train_frac is not None and test_frac + train_frac > 1:
        raise ValueError(
            f"test_size + train_size must be <= 1, got {test_frac} + {train_frac}"
        )
    if test_frac is not None:
        n_test = math.ceil(test_frac * n)
    if train_frac is not None:
        n_train = math.floor(train_frac * n)
    if n_test is None:
        n_test = n - n_train
    if n_train is None:
        n_train = n - n_test
    if n_train + n_test > n:
        raise ValueError(
            f"train_size and test_size ask for {n_train} + {n_test} samples but there are only {n}"
        )
    if n_train == 0 or n_test == 0:
        raise ValueError(
            f"with n_samples={n}, test_size={test_size!r} and train_size={train_size!r} the "
            f"{'training' if n_train == 0 else 'test'} set would be empty; change the sizes"
        )
    return n_test, n_train


def _allocate(total: int, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` over the classes in proportion to ``counts`` (largest remainder).

    Each class gets ``floor(total * share)``; the leftover units go to the classes with the
    largest fractional parts (ties broken at random), never exceeding a class's count.
    """
    exact = total * counts / counts.sum()
    alloc = np.floor(exact).astype(np.int64)
    left = total - int(alloc.sum())
    if left:
        order = rng.permutation(len(counts))
        order = order[np.argsort(-(exact - alloc)[order], kind="stable")]
        order = order[alloc[order] < counts[order]]
        alloc[order[:left]] += 1
    return alloc


def train_test_split(
    *arrays: Any,
    test_size: float | int | None = None,
    train_size: float | int | None = None,
    seed: int | None = None,
    shuffle: bool = True,
    stratify: Any = None,
) -> list[np.ndarray]:
    """Split arrays into random train and test subsets (scikit-learn's ``train_test_split``).

    Parameters
    ----------
    *arrays : array-likes with the same first dimension ``n_samples``
        For example ``X`` of shape (n, d) and ``y`` of shape (n,).
    test_size : float, int or None
        Fraction of the samples in ``(0, 1)`` (rounded up) or a count. ``None``: the complement
        of ``train_size``, or 0.25 when ``train_size`` is ``None`` too.
    train_size : float, int or None
        Fraction (rounded down) or count; ``None``: all the samples not in the test set.
    seed : int or None
        Seed of ``np.random.default_rng`` for the shuffle.
    shuffle : bool, default True
        Shuffle before splitting; ``False`` takes the first ``n_train`` rows for training and the
        next ``n_test`` for testing.
    stratify : array-like of shape (n_samples,) or None
        Class labels whose proportions both subsets keep (each class split by largest remainder).

    Returns
    -------
    list of ndarrays, length ``2 * len(arrays)``
        ``[a_train, a_test, b_train, b_test, ...]``.

    Examples
    --------
    >>> X, y = np.arange(20).reshape(10, 2), np.arange(10)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0)
    >>> X_train.shape, X_test.shape
    ((8, 2), (2, 2))
    """
    if not arrays:
        raise ValueError("train_test_split needs at least one array, got none")
    arrs = [_as_indexable(a, f"arrays[{i}]") for i, a in enumerate(arrays)]
    n = len(arrs[0])
    for i, a in enumerate(arrs[1:], start=1):
        check_same_length(arrs[0], a, "arrays[0]", f"arrays[{i}]")
    if n < 2:
        raise ValueError(f"train_test_split needs at least 2 samples, got {n}")
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {describe(shuffle)}")
    n_test, n_train = _split_counts(n, test_size, train_size)
    rng = np.random.default_rng(check_seed(seed))

    if stratify is not None:
        if not shuffle:
            raise ValueError("stratify requires shuffle=True (a stratified split is random)")
        labels = _as_indexable(stratify, "stratify")
        if labels.ndim != 1:
            raise ValueError(f"stratify must be 1-D class labels, got shape {labels.shape}")
        check_same_length(arrs[0], labels, "arrays[0]", "stratify")
        classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
        if counts.min() < 2:
            raise ValueError(
                f"stratify: every class needs at least 2 samples, class "
                f"{np.asarray(classes[counts.argmin()]).item()!r} has {counts.min()}"
            )
        if min(n_test, n_train) < len(classes):
            raise ValueError(
                f"stratify: the test ({n_test}) and training ({n_train}) sets must each hold at "
                f"least one sample of each of the {len(classes)} classes"
            )
        test_counts = _allocate(n_test, counts, rng)
        train_counts = _allocate(n_train, counts - test_counts, rng)
        test_parts, train_parts = [], []
        for k in range(len(classes)):
            members = rng.permutation(np.flatnonzero(inverse == k))
            test_parts.append(members[: test_counts[k]])
            train_parts.append(members[test_counts[k] : test_counts[k] + train_counts[k]])
        test_idx = rng.permutation(np.concatenate(test_parts))
        train_idx = rng.permutation(np.concatenate(train_parts))
    elif shuffle:
        perm = rng.permutation(n)
        test_idx, train_idx = perm[:n_test], perm[n_test : n_test + n_train]
    else:
        train_idx, test_idx = np.arange(n_train), np.arange(n_train, n_train + n_test)
    return [part for a in arrs for part in (a[train_idx], a[test_idx])]


# --------------------------------------------------------------------------- scaling
class StandardScaler:
    """Standardise features to zero mean and unit variance (scikit-learn's ``StandardScaler``).

    Parameters
    ----------
    with_mean : bool, default True
        Subtract the mean of each feature.
    with_std : bool, default True
        Divide by the (population) standard deviation of each feature.

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,), float64
    var_ : ndarray of shape (n_features,), float64
    scale_ : ndarray of shape (n_features,), float64, or None when ``with_std=False``
        Standard deviation, with 1 for constant features (so they map to 0, not to NaN).
    n_features_in_ : int
    n_samples_seen_ : int

    Notes
    -----
    ``z = (x - mean) / scale`` with ``mean = (1/n) sum_i x_i`` and
    ``scale = sqrt((1/n) sum_i (x_i - mean)^2)``. Fit on the training set only, then transform
    the training and test sets with the same ``mean_`` and ``scale_``.
    """

    def __init__(self, with_mean: bool = True, with_std: bool = True) -> None:
        for name, value in (("with_mean", with_mean), ("with_std", with_std)):
            if not isinstance(value, (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, got {describe(value)}")
        self.with_mean = bool(with_mean)
        self.with_std = bool(with_std)

    def fit(self, X: Any, y: Any = None) -> StandardScaler:
        """Compute ``mean_`` and ``scale_`` from ``X`` of shape (n_samples, n_features)."""
        X = as_float_array(X, "X", ndim=2)
        n = X.shape[0]
        with np.errstate(over="ignore", invalid="ignore"):
            mean = X.mean(axis=0, dtype=np.float64)
            var = X.var(axis=0, dtype=np.float64)
        if not (np.isfinite(mean).all() and np.isfinite(var).all()):
            bad = np.flatnonzero(~(np.isfinite(mean) & np.isfinite(var)))[:5].tolist()
            raise ValueError(f"X holds values too large to standardise: the variance of "
                             f"column(s) {bad} overflows float64; divide X by a constant first")
        # constant features: exactly equal values, or a variance within rounding error of 0
        eps = np.finfo(np.float64).eps
        with np.errstate(over="ignore"):
            constant = (X.max(axis=0) == X.min(axis=0)) | (
                var <= n * eps * var + (n * mean * eps) ** 2
            )
        var = np.where(constant, 0.0, var)
        self.mean_ = mean
        self.var_ = var
        self.scale_ = np.where(constant, 1.0, np.sqrt(var)) if self.with_std else None
        self.n_features_in_ = X.shape[1]
        self.n_samples_seen_ = n
        return self

    def _check_input(self, X: Any) -> np.ndarray:
        if not hasattr(self, "mean_"):
            raise ValueError(
                "this StandardScaler is not fitted yet; call fit(X) before transform"
            )
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X must have {self.n_features_in_} features, as the data the scaler was fitted "
                f"on, got shape {X.shape}"
            )
        return X

    def transform(self, X: Any) -> np.ndarray:
        """Standardise ``X`` (n_samples, n_features); float32 stays float32, the rest float64."""
        X = self._check_input(X)
        out = X - self.mean_ if self.with_mean else X.astype(np.float64)
        if self.with_std:
            out = out / self.scale_
        return out.astype(X.dtype, copy=False)

    def fit_transform(self, X: Any, y: Any = None) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, X: Any) -> np.ndarray:
        """Undo ``transform``: ``x = z * scale + mean``, shape (n_samples, n_features)."""
        X = self._check_input(X)
        out = X * self.scale_ if self.with_std else X.astype(np.float64)
        if self.with_mean:
            out = out + self.mean_
        return out.astype(X.dtype, copy=False)

    def __repr__(self) -> str:
        return f"StandardScaler(with_mean={self.with_mean}, with_std={self.with_std})"


# --------------------------------------------------------------------------- labels, batches
def one_hot(y: Any, n_classes: int | None = None, dtype: Any = np.float32) -> np.ndarray:
    """One-hot encode integer class labels.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels ``0 .. n_classes - 1``.
    n_classes : int or None
        Number of columns; default ``y.max() + 1``.
    dtype : dtype, default float32

    Returns
    -------
    ndarray of shape (n_samples, n_classes)
        Row ``i`` is 1 in column ``y[i]`` and 0 elsewhere; ``out.argmax(axis=1)`` gives ``y`` back.
    """
    labels = as_label_array(y, "y")
    if n_classes is None:
        if labels.size == 0:
            raise ValueError("y is empty; pass n_classes to encode an empty label array")
        n_classes = int(labels.max()) + 1
    else:
        n_classes = check_int(n_classes, "n_classes", low=1)
        if labels.size and labels.max() >= n_classes:
            raise ValueError(
                f"y must hold labels 0..{n_classes - 1} for n_classes={n_classes}, "
                f"got a label {labels.max()}"
            )
    out = np.zeros((labels.size, n_classes), dtype=dtype)
    out[np.arange(labels.size), labels] = 1
    return out


def batches(
    X: Any,
    y: Any = None,
    batch_size: int = 32,
    shuffle: bool = True,
    seed: int | None = None,
) -> Iterator[np.ndarray] | Iterator[tuple[np.ndarray, np.ndarray]]:
    """Iterate over mini-batches of ``X`` (and ``y``).

    Parameters
    ----------
    X : array-like of shape (n_samples, ...)
    y : array-like of shape (n_samples, ...) or None
    batch_size : int, default 32
        Rows per batch; the last batch holds the ``n_samples % batch_size`` left over, if any.
    shuffle : bool, default True
        Visit the rows in a random order (a fresh permutation from ``seed``).
    seed : int or None
        Seed of ``np.random.default_rng``.

    Yields
    ------
    X_batch : ndarray of shape (batch, ...)
        Only this when ``y`` is None, else the pair ``(X_batch, y_batch)``. Without shuffling
        the batches are views of ``X`` and ``y``.
    """
    X = _as_indexable(X, "X")
    if y is not None:
        y = _as_indexable(y, "y")
        check_same_length(X, y, "X", "y")
    batch_size = check_int(batch_size, "batch_size", low=1)
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {describe(shuffle)}")
    order = np.random.default_rng(check_seed(seed)).permutation(len(X)) if shuffle else None
    return _iterate(X, y, batch_size, order)


def _iterate(
    X: np.ndarray, y: np.ndarray | None, batch_size: int, order: np.ndarray | None
) -> Iterator[Any]:
    for start in range(0, len(X), batch_size):
        stop = start + batch_size
        rows = slice(start, stop) if order is None else order[start:stop]
        yield X[rows] if y is None else (X[rows], y[rows])
