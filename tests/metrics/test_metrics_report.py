"""classification_report against scikit-learn: the same text table and the same dict."""

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from glassnet import metrics as gm

NAMES = np.array(["ant", "bee", "cat", "dog", "eel", "a-very-long-class-name"])


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def make_labels(seed, n_classes, kind, n=50):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, n_classes, n)
    y_pred = np.where(rng.random(n) < 0.5, y_true, rng.integers(0, n_classes, n))
    y_pred[y_pred == 1] = 0  # class 1 is never predicted: its precision divides by zero
    if kind == "str":
        return NAMES[y_true], NAMES[y_pred]
    return y_true, y_pred


def assert_same_dict(ours, theirs):
    assert list(ours) == list(theirs)
    for key, value in theirs.items():
        if isinstance(value, dict):
            assert list(ours[key]) == list(value)
            for metric, number in value.items():
                assert isinstance(ours[key][metric], float)
                np.testing.assert_allclose(ours[key][metric], number, rtol=1e-12,
                                           equal_nan=True)
        else:
            assert isinstance(ours[key], float)
            np.testing.assert_allclose(ours[key], value, rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("n_classes", range(2, 7))
@pytest.mark.parametrize("kind", ["int", "str"])
@pytest.mark.parametrize("digits", [0, 2, 4])
def test_text_report_matches_sklearn(seed, n_classes, kind, digits):
    y_true, y_pred = make_labels(seed, n_classes, kind)
    ours = gm.classification_report(y_true, y_pred, digits=digits)
    assert ours == skm.classification_report(y_true, y_pred, digits=digits, zero_division=0)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("kind", ["int", "str"])
@pytest.mark.parametrize("zero_division", [0, 1, np.nan])
def test_dict_report_matches_sklearn(seed, kind, zero_division):
    y_true, y_pred = make_labels(seed, 4, kind)
    ours = gm.classification_report(y_true, y_pred, output_dict=True,
                                    zero_division=zero_division)
    theirs = skm.classification_report(y_true, y_pred, output_dict=True,
                                       zero_division=zero_division)
    assert_same_dict(ours, theirs)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("output_dict", [False, True])
@pytest.mark.parametrize("labels", [[2, 0, 1, 3], [3, 1], [0, 1, 2, 3, 7]])
def test_labels_and_target_names(seed, output_dict, labels):
    # a subset of the labels gives a "micro avg" row instead of "accuracy"
    y_true, y_pred = make_labels(seed, 4, "int")
    names = [f"class {label}" for label in labels]
    kwargs = dict(labels=labels, target_names=names, output_dict=output_dict)
    ours = gm.classification_report(y_true, y_pred, **kwargs)
    theirs = skm.classification_report(y_true, y_pred, zero_division=0, **kwargs)
    if output_dict:
        assert_same_dict(ours, theirs)
    else:
        assert ours == theirs


@pytest.mark.parametrize("seed", range(3))
def test_weighted_report_matches_sklearn(seed):
    y_true, y_pred = make_labels(seed, 3, "str")
    w = np.random.default_rng(seed).random(len(y_true))
    ours = gm.classification_report(y_true, y_pred, sample_weight=w, digits=3)
    assert ours == skm.classification_report(y_true, y_pred, sample_weight=w, digits=3,
                                             zero_division=0)


def test_report_rejects_wrong_number_of_target_names():
    with pytest.raises(ValueError, match=r"target_names must have one name per label: got 2 "
                                         r"names for 3 classes.*pass labels="):
        gm.classification_report([0, 1, 2], [0, 1, 1], target_names=["a", "b"])
    with pytest.raises(ValueError, match="got 3 names for 2 labels"):
        gm.classification_report([0, 1, 2], [0, 1, 1], labels=[0, 1],
                                 target_names=["a", "b", "c"])


def test_report_rejects_bad_digits_and_output_dict():
    with pytest.raises(ValueError, match="digits must be >= 0, got -1"):
        gm.classification_report([0, 1], [0, 1], digits=-1)
    with pytest.raises(TypeError, match="output_dict must be True or False, got 'yes'"):
        gm.classification_report([0, 1], [0, 1], output_dict="yes")
