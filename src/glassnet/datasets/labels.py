"""Class names to class indices and back: :class:`LabelEncoder`, as scikit-learn's.

A network's output unit ``k`` stands for class ``k``; labels such as ``"malignant"`` /
``"benign"`` are first mapped to ``0..K-1`` in sorted order,

.. math:: \\text{transform}(y_i) = k \\iff y_i = \\text{classes\\_}[k],

and its predictions mapped back with ``classes_[k]`` (:meth:`LabelEncoder.inverse_transform`).
:func:`explain_text_labels` wraps ``fit``'s check of its targets: text labels get a message that
shows exactly these lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from glassnet._validation import describe
from glassnet.errors import NotFittedError

__all__ = ["LabelEncoder", "explain_text_labels", "text_labels"]

#: What to do with text labels, shown by :func:`check_not_text_labels`.
HOW_TO_ENCODE = ("encode them as integers first: enc = gn.datasets.LabelEncoder(); "
                 "y_int = enc.fit_transform(y); model.fit(X, y_int, ...); then "
                 "enc.inverse_transform(model.predict(X).argmax(axis=1)) gives the names back "
                 "(for one sigmoid unit: (model.predict(X)[:, 0] > 0.5).astype(int))")


def _labels_1d(y: Any, name: str) -> np.ndarray:
    if y is None or isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be an array of class labels, got {describe(y)}")
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D class labels, got shape {arr.shape}")
    if arr.dtype.kind == "O":
        kinds = {type(v) for v in arr.tolist()}
        if len(kinds) > 1:
            names = ", ".join(sorted(k.__name__ for k in kinds))
            raise TypeError(f"{name} mixes label types ({names}); use one type for all labels")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{name} must not hold NaN or infinite labels")
    return arr


class LabelEncoder:
    """Map class labels (strings, numbers) to ``0..K-1`` and back, as scikit-learn's.

    Attributes
    ----------
    classes_ : ndarray, shape (K,)
        The distinct labels, sorted; label ``classes_[k]`` is encoded as ``k``.

    Examples
    --------
    >>> enc = LabelEncoder().fit(["red", "blue", "red"])
    >>> enc.classes_.tolist(), enc.transform(["red", "blue"]).tolist()
    (['blue', 'red'], [1, 0])
    >>> enc.inverse_transform([0, 1, 1]).tolist()
    ['blue', 'red', 'red']
    """

    def fit(self, y: Any) -> LabelEncoder:
        """Learn the sorted distinct labels of ``y`` (n,)."""
        arr = _labels_1d(y, "y")
        if arr.size == 0:
            raise ValueError("y must hold at least one label, got an empty array")
        self.classes_ = np.unique(arr)
        return self

    def _require_fitted(self) -> None:
        if not hasattr(self, "classes_"):
            raise NotFittedError("this LabelEncoder is not fitted yet; call fit(y) first")

    def transform(self, y: Any) -> np.ndarray:
        """Class indices (n,) int64 of the labels ``y``; unknown labels are an error."""
        self._require_fitted()
        arr = _labels_1d(y, "y")
        if arr.size == 0:
            return np.zeros(0, dtype=np.int64)
        try:
            index = np.searchsorted(self.classes_, arr)
        except TypeError:
            raise TypeError(f"y holds labels of type {arr.dtype} but the encoder was fitted on "
                            f"{self.classes_.dtype} labels") from None
        index = np.clip(index, 0, len(self.classes_) - 1)
        bad = self.classes_[index] != arr
        if np.any(bad):
            unknown = np.unique(arr[bad])[:5].tolist()
            raise ValueError(f"y holds labels {unknown} that were not seen in fit; known "
                             f"labels: {self.classes_.tolist()}")
        return index.astype(np.int64)

    def fit_transform(self, y: Any) -> np.ndarray:
        """``fit(y)`` then ``transform(y)``."""
        return self.fit(y).transform(y)

    def inverse_transform(self, y: Any) -> np.ndarray:
        """The labels (n,) of class indices ``y`` in ``0..K-1``."""
        self._require_fitted()
        arr = np.asarray(y)
        if arr.ndim != 1:
            raise ValueError(f"y must be 1-D class indices, got shape {arr.shape}")
        if arr.size == 0:
            return self.classes_[:0]
        if arr.dtype.kind not in "iu" and not (
                arr.dtype.kind == "f" and np.array_equal(arr, np.round(arr))):
            raise TypeError(f"y must hold integer class indices, got dtype {arr.dtype}")
        k = len(self.classes_)
        if arr.min() < 0 or arr.max() >= k:
            raise ValueError(f"y must hold class indices in 0..{k - 1}, got values from "
                             f"{arr.min():g} to {arr.max():g}")
        return self.classes_[arr.astype(np.int64)]

    def __repr__(self) -> str:
        return "LabelEncoder()"


def text_labels(y: Any) -> list[str] | None:
    """Up to three of the text labels in ``y`` when it holds strings (or bytes), else None."""
    if y is None or isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        return None
    try:
        arr = y if isinstance(y, np.ndarray) else np.asarray(y)
    except (ValueError, TypeError):                    # ragged: the model's check says so
        return None
    if arr.dtype.kind not in "USO" or arr.size == 0:
        return None
    flat = arr.reshape(-1)
    if arr.dtype.kind == "O" and not isinstance(flat[0], (str, bytes)):
        return None
    return np.unique(flat[:1000].astype(str))[:3].tolist()


@contextmanager
def explain_text_labels(y: Any, name: str = "y") -> Iterator[None]:
    """Add to a ``TypeError`` raised inside how to encode ``y``'s text labels, if it has some.

    ``fit`` checks its targets inside this: the loss's own message stays first (``y must hold
    integer class labels, got dtype <U9``), followed by the lines that fix it with
    :class:`LabelEncoder`.
    """
    try:
        yield
    except TypeError as exc:
        shown = text_labels(y)
        if shown is None:
            raise
        raise TypeError(f"{exc}; {name} holds text class labels such as {shown}: "
                        f"{HOW_TO_ENCODE}") from None
