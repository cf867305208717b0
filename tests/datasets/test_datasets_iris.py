"""The iris data shipped in the package equal scikit-learn's copy."""

import numpy as np
import pytest
from sklearn.datasets import load_iris as sk_load_iris

from glassnet.datasets import load_iris


def test_iris_equals_scikit_learn():
    X, y = load_iris()
    ref = sk_load_iris()
    assert X.dtype == np.float64 and X.shape == (150, 4)
    assert y.dtype == np.int64 and y.shape == (150,)
    assert np.array_equal(X, ref.data)
    assert np.array_equal(y, ref.target)


def test_iris_names_match_scikit_learn():
    X, y, feature_names, class_names = load_iris(return_names=True)
    ref = sk_load_iris()
    assert feature_names == list(ref.feature_names)
    assert class_names == list(ref.target_names)
    assert X.shape == (150, 4) and np.array_equal(np.bincount(y), [50, 50, 50])


def test_iris_returns_fresh_arrays():
    X, _ = load_iris()
    X[:] = 0.0
    X2, _ = load_iris()
    assert np.array_equal(X2, sk_load_iris().data)


def test_iris_return_names_must_be_bool():
    with pytest.raises(TypeError, match=r"return_names must be True or False, got 'yes'"):
        load_iris(return_names="yes")
