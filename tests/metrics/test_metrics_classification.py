"""accuracy, confusion matrix and precision/recall/F against scikit-learn on random labels."""

import warnings

import numpy as np
import pytest
from sklearn import metrics as skm

from glassnet import metrics as gm

NAMES = np.array(["ant", "bee", "cat", "dog", "eel", "fox"])
SEEDS = range(4)
CLASSES = range(2, 7)
AVERAGES = [None, "micro", "macro", "weighted"]


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    """Every glassnet call in these tests must run without any warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def ref(fn, *args, **kwargs):
    """Call scikit-learn, whose own warnings (e.g. a single-label confusion matrix) are noise."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def make_labels(seed, n_classes, kind="int", n=60, missing=False):
    """Random true labels and predictions right about 60 % of the time.

    With ``missing`` the first class never occurs in y_true and the last is never predicted.
    """
    rng = np.random.default_rng(seed)
    low = 1 if missing else 0
    y_true = rng.integers(low, n_classes, n)
    y_pred = np.where(rng.random(n) < 0.6, y_true, rng.integers(0, n_classes, n))
    if missing:
        y_pred[y_pred == n_classes - 1] = 0
    if kind == "str":
        return NAMES[y_true], NAMES[y_pred]
    return y_true, y_pred


def assert_same(ours, theirs):
    """Scores (floats or arrays, possibly NaN, possibly None) equal to scikit-learn's."""
    if theirs is None:
        assert ours is None
        return
    if np.ndim(theirs) == 0:
        assert isinstance(ours, float)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-15, equal_nan=True)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["int", "str"])
@pytest.mark.parametrize("normalize", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_accuracy_matches_sklearn(seed, kind, normalize, weighted):
    y_true, y_pred = make_labels(seed, 4, kind)
    w = np.random.default_rng(seed).random(len(y_true)) if weighted else None
    ours = gm.accuracy_score(y_true, y_pred, normalize=normalize, sample_weight=w)
    assert_same(ours, ref(skm.accuracy_score, y_true, y_pred, normalize=normalize,
                          sample_weight=w))


def test_accuracy_reads_column_vectors_and_whole_floats():
    y_true, y_pred = make_labels(0, 3)
    expected = skm.accuracy_score(y_true, y_pred)
    assert gm.accuracy_score(y_true[:, None], y_pred.astype(float)) == expected
    assert gm.accuracy_score(list(y_true), y_pred[:, None]) == expected


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_classes", CLASSES)
@pytest.mark.parametrize("kind", ["int", "str"])
@pytest.mark.parametrize("normalize", [None, "true", "pred", "all"])
def test_confusion_matrix_matches_sklearn(seed, n_classes, kind, normalize):
    y_true, y_pred = make_labels(seed, n_classes, kind, missing=seed % 2 == 1)
    ours = gm.confusion_matrix(y_true, y_pred, normalize=normalize)
    theirs = ref(skm.confusion_matrix, y_true, y_pred, normalize=normalize)
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("kind", ["int", "str"])
@pytest.mark.parametrize("normalize", [None, "true", "pred"])
@pytest.mark.parametrize("weights", [None, "float", "int"])
def test_confusion_matrix_with_labels_and_weights(seed, kind, normalize, weights):
    y_true, y_pred = make_labels(seed, 5, kind)
    rng = np.random.default_rng(seed + 100)
    w = {None: None, "float": rng.random(len(y_true)),
         "int": rng.integers(0, 3, len(y_true))}[weights]
    # a reordered subset of the classes plus one label absent from the data
    labels = NAMES[[3, 0, 1]] if kind == "str" else [3, 0, 1]
    extra = "gnu" if kind == "str" else 9
    labels = [*labels, extra]
    ours = gm.confusion_matrix(y_true, y_pred, labels, sample_weight=w, normalize=normalize)
    theirs = ref(skm.confusion_matrix, y_true, y_pred, labels=labels, sample_weight=w,
                 normalize=normalize)
    assert ours.shape == (4, 4)
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_confusion_matrix_rows_are_true_columns_predicted():
    cm = gm.confusion_matrix(["b", "b", "a", "c"], ["a", "b", "a", "a"])
    np.testing.assert_array_equal(cm, [[1, 0, 0], [1, 1, 0], [1, 0, 0]])


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_classes", CLASSES)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("kind", ["int", "str"])
@pytest.mark.parametrize("zero_division", [0, 1, np.nan])
def test_precision_recall_fscore_support_matches_sklearn(
    seed, n_classes, average, kind, zero_division
):
    y_true, y_pred = make_labels(seed, n_classes, kind, n=25, missing=seed % 2 == 1)
    ours = gm.precision_recall_fscore_support(y_true, y_pred, average=average,
                                              zero_division=zero_division)
    theirs = ref(skm.precision_recall_fscore_support, y_true, y_pred, average=average,
                 zero_division=zero_division)
    for o, t in zip(ours, theirs, strict=True):
        assert_same(o, t)


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("average", [*AVERAGES, "binary"])
@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0, 2.0, np.inf])
@pytest.mark.parametrize("weighted", [False, True])
def test_fbeta_and_weights_match_sklearn(seed, average, beta, weighted):
    y_true, y_pred = make_labels(seed, 2 if average == "binary" else 4, n=30)
    w = np.random.default_rng(seed).random(len(y_true)) if weighted else None
    kwargs = dict(beta=beta, average=average, sample_weight=w, zero_division=0)
    ours = gm.precision_recall_fscore_support(y_true, y_pred, **kwargs)
    theirs = ref(skm.precision_recall_fscore_support, y_true, y_pred, **kwargs)
    for o, t in zip(ours, theirs, strict=True):
        assert_same(o, t)
    kwargs.pop("beta")
    assert_same(gm.fbeta_score(y_true, y_pred, beta=beta, **kwargs),
                ref(skm.fbeta_score, y_true, y_pred, beta=beta, **kwargs))


@pytest.mark.parametrize("name", ["precision_score", "recall_score", "f1_score"])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("n_classes", CLASSES)
@pytest.mark.parametrize("average", AVERAGES)
def test_score_functions_match_sklearn(name, seed, n_classes, average):
    y_true, y_pred = make_labels(seed, n_classes, "str", n=30, missing=True)
    ours = getattr(gm, name)(y_true, y_pred, average=average)
    assert_same(ours, ref(getattr(skm, name), y_true, y_pred, average=average, zero_division=0))


@pytest.mark.parametrize("name", ["precision_score", "recall_score", "f1_score"])
@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize(("kind", "pos_label"), [("int", 1), ("int", 0), ("str", "ant"),
                                                   ("str", "bee"), ("bool", True)])
def test_binary_average_and_pos_label(name, seed, kind, pos_label):
    y_true, y_pred = make_labels(seed, 2, "str" if kind == "str" else "int", n=30)
    if kind == "bool":
        y_true, y_pred = y_true.astype(bool), y_pred.astype(bool)
    ours = getattr(gm, name)(y_true, y_pred, pos_label=pos_label)
    assert_same(ours, ref(getattr(skm, name), y_true, y_pred, pos_label=pos_label,
                          zero_division=0))


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("zero_division", [0, 1, np.nan])
@pytest.mark.parametrize("kind", ["int", "str"])
def test_labels_with_missing_and_absent_classes(seed, average, zero_division, kind):
    # class 0 never true, class 4 never predicted, class 5 nowhere: every kind of zero division
    y_true, y_pred = make_labels(seed, 5, kind, n=40, missing=True)
    labels = NAMES[[5, 4, 2, 0]] if kind == "str" else [5, 4, 2, 0]
    kwargs = dict(labels=labels, average=average, zero_division=zero_division)
    ours = gm.precision_recall_fscore_support(y_true, y_pred, **kwargs)
    theirs = ref(skm.precision_recall_fscore_support, y_true, y_pred, **kwargs)
    for o, t in zip(ours, theirs, strict=True):
        assert_same(o, t)


@pytest.mark.parametrize("zero_division", [0, 1, np.nan])
@pytest.mark.parametrize(("y_true", "y_pred"), [
    ([0, 0, 0], [0, 0, 0]),       # pos_label 1 nowhere: every ratio is 0/0
    ([1, 1, 0], [0, 0, 0]),       # nothing predicted positive: precision 0/0
    ([0, 0, 0], [1, 0, 0]),       # no true positive: recall 0/0
])
@pytest.mark.parametrize("name", ["precision_score", "recall_score", "f1_score"])
def test_binary_zero_division_without_warnings(zero_division, y_true, y_pred, name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ours = getattr(gm, name)(y_true, y_pred, zero_division=zero_division)
    assert caught == []
    assert_same(ours, ref(getattr(skm, name), y_true, y_pred, zero_division=zero_division))


def test_default_zero_division_is_zero():
    assert gm.precision_score([1, 1, 0], [0, 0, 0]) == 0.0
    p, r, f, s = gm.precision_recall_fscore_support([0, 1], [0, 0])
    np.testing.assert_array_equal(p, [0.5, 0.0])
    np.testing.assert_array_equal(s, [1, 1])


def test_pos_label_ignored_unless_binary():
    y_true, y_pred = make_labels(0, 3, n=30)
    assert gm.f1_score(y_true, y_pred, average="macro", pos_label=2) == gm.f1_score(
        y_true, y_pred, average="macro")


@pytest.mark.parametrize("average", AVERAGES)
@pytest.mark.parametrize("zero_division", [0, 1, np.nan])
def test_only_absent_labels(average, zero_division):
    # every selected label has zero support: the weighted average falls back to equal weights
    y_true, y_pred = make_labels(0, 3, n=20)
    kwargs = dict(labels=[7, 9], average=average, zero_division=zero_division)
    ours = gm.precision_recall_fscore_support(y_true, y_pred, **kwargs)
    theirs = ref(skm.precision_recall_fscore_support, y_true, y_pred, **kwargs)
    for o, t in zip(ours, theirs, strict=True):
        assert_same(o, t)
