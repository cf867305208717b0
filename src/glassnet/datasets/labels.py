"""Class names to class indices and back: :class:`LabelEncoder`, as scikit-learn's.

A network's output unit ``k`` stands for class ``k``; labels such as ``"malignant"`` /
``"benign"`` are first mapped to ``0..K-1`` in sorted order,

.. math:: \\text{transform}(y_i) = k \\iff y_i = \\text{classes\\_}[k],

and its predictions mapped back with ``classes_[k]`` (:meth:`LabelEncoder.inverse_transform`).
:func:`check_not_text_labels` is the check ``fit`` runs on its targets, whose message shows
exactly these lines.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import describe
from glassnet.errors import NotFittedError

__all__ = ["LabelEncoder", "check_not_text_labels"]

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


def check_not_text_labels(y: Any, name: str = "y") -> None:
    """Refuse text class labels with a message saying how to encode them.

    Raises
    ------
    TypeError
        When ``y`` holds strings (or bytes): networks learn from class indices ``0..K-1``.
    """
    if y is None or isinstance(y, (str, bytes)) or not hasattr(y, "__len__"):
        return
    arr = np.asarray(y) if not isinstance(y, np.ndarray) else y
    if arr.dtype.kind in "USO" and arr.size:
        first = arr.reshape(-1)[0]
        if arr.dtype.kind != "O" or isinstance(first, (str, bytes)):
            shown = np.unique(arr.reshape(-1)[:1000].astype(str))[:3].tolist()
            raise TypeError(f"{name} holds text class labels such as {shown}; a network needs "
                            f"class indices 0..K-1: {HOW_TO_ENCODE}")
