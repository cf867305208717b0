"""mean_squared_error, mean_absolute_error and r2_score against scikit-learn."""

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from glassnet import metrics as gm

NAMES = ["mean_squared_error", "mean_absolute_error", "r2_score"]


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def ref(fn, *args, **kwargs):
    """Call scikit-learn, which warns where the reference formula divides by zero."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def make_targets(seed, shape):
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=shape)
    return y_true, y_true + 0.5 * rng.normal(size=shape)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", [(30,), (30, 1), (30, 3)])
@pytest.mark.parametrize("multioutput", ["raw_values", "uniform_average"])
@pytest.mark.parametrize("weighted", [False, True])
def test_matches_sklearn(name, seed, shape, multioutput, weighted):
    y_true, y_pred = make_targets(seed, shape)
    w = np.random.default_rng(seed).random(shape[0]) if weighted else None
    ours = getattr(gm, name)(y_true, y_pred, sample_weight=w, multioutput=multioutput)
    theirs = getattr(skm, name)(y_true, y_pred, sample_weight=w, multioutput=multioutput)
    if multioutput == "raw_values":
        assert isinstance(ours, np.ndarray) and ours.shape == theirs.shape
    else:
        assert isinstance(ours, float)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", range(3))
def test_output_weights_match_sklearn(name, seed):
    y_true, y_pred = make_targets(seed, (25, 3))
    weights = np.random.default_rng(seed).random(3)
    np.testing.assert_allclose(getattr(gm, name)(y_true, y_pred, multioutput=weights),
                               getattr(skm, name)(y_true, y_pred, multioutput=weights),
                               rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("weighted", [False, True])
def test_r2_variance_weighted(seed, weighted):
    y_true, y_pred = make_targets(seed, (25, 3))
    y_true[:, 1] *= 5
    w = np.random.default_rng(seed).random(25) if weighted else None
    ours = gm.r2_score(y_true, y_pred, multioutput="variance_weighted", sample_weight=w)
    theirs = skm.r2_score(y_true, y_pred, multioutput="variance_weighted", sample_weight=w)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("force_finite", [True, False])
@pytest.mark.parametrize("perfect", [True, False])
def test_r2_constant_target(force_finite, perfect):
    y_true = np.full((6, 2), 3.0)
    y_true[:, 1] = np.arange(6)
    y_pred = y_true.copy() if perfect else y_true + 0.1
    for multioutput in ["raw_values", "uniform_average", "variance_weighted"]:
        ours = gm.r2_score(y_true, y_pred, multioutput=multioutput, force_finite=force_finite)
        theirs = ref(skm.r2_score, y_true, y_pred, multioutput=multioutput,
                     force_finite=force_finite)
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, equal_nan=True)


def test_column_and_flat_targets_match_each_other():
    y_true, y_pred = make_targets(0, (20,))
    for name in NAMES:
        fn = getattr(gm, name)
        assert fn(y_true, y_pred[:, None]) == fn(y_true[:, None], y_pred) == fn(y_true, y_pred)


def test_float32_inputs_are_accurate():
    y_true, y_pred = make_targets(1, (40, 2))
    for name in NAMES:
        np.testing.assert_allclose(
            getattr(gm, name)(y_true.astype(np.float32), y_pred.astype(np.float32)),
            getattr(skm, name)(y_true.astype(np.float32), y_pred.astype(np.float32)),
            rtol=1e-5,
        )
