"""Fisher's iris data set, shipped inside the package as ``data/iris.csv``."""

from __future__ import annotations

import csv
import io
from importlib import resources

import numpy as np

__all__ = ["load_iris"]

#: Class names in label order: ``y == 0`` is setosa, 1 versicolor, 2 virginica.
IRIS_CLASSES = ("setosa", "versicolor", "virginica")


def load_iris(
    return_names: bool = False,
) -> (
    tuple[np.ndarray, np.ndarray]
    | tuple[np.ndarray, np.ndarray, list[str], list[str]]
):
    """Load the 150 flowers of Fisher's iris data set (the copy scikit-learn ships).

    Parameters
    ----------
    return_names : bool, default False
        Also return the feature names and the class names.

    Returns
    -------
    X : ndarray of shape (150, 4), float64
        Sepal length, sepal width, petal length, petal width, in centimetres.
    y : ndarray of shape (150,), int64 in {0, 1, 2}
        Species: 50 setosa (0), 50 versicolor (1), 50 virginica (2), in that order.
    feature_names : list of 4 str
        Only with ``return_names=True``, e.g. ``"sepal length (cm)"``.
    class_names : list of 3 str
        Only with ``return_names=True``: ``["setosa", "versicolor", "virginica"]``.

    Examples
    --------
    >>> X, y = load_iris()
    >>> X.shape, y.shape
    ((150, 4), (150,))
    """
    if not isinstance(return_names, (bool, np.bool_)):
        raise TypeError(f"return_names must be True or False, got {return_names!r}")
    csv_file = resources.files(__package__).joinpath("data").joinpath("iris.csv")
    text = csv_file.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], [row for row in rows[1:] if row]
    X = np.array([row[:4] for row in body], dtype=np.float64)
    species = [row[4] for row in body]
    unknown = sorted(set(species) - set(IRIS_CLASSES))
    if unknown:  # only if the shipped file was edited
        raise ValueError(f"iris.csv holds unknown species {unknown}; expected {IRIS_CLASSES}")
    lookup = {name: i for i, name in enumerate(IRIS_CLASSES)}
    y = np.array([lookup[name] for name in species], dtype=np.int64)
    if return_names:
        return X, y, list(header[:4]), list(IRIS_CLASSES)
    return X, y
