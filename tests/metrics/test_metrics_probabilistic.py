"""log_loss and roc_auc_score against scikit-learn."""

import warnings

import numpy as np
import pytest
from scipy.stats import rankdata
from sklearn import metrics as skm

from glassnet import metrics as gm

NAMES = np.array(["ant", "bee", "cat", "dog", "eel", "fox"])


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def softmax_rows(rng, n, k, dtype=np.float64, sharp=1.0):
    z = sharp * rng.normal(size=(n, k))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return (e / e.sum(axis=1, keepdims=True)).astype(dtype)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("n_classes", range(2, 7))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", ["int", "str"])
def test_multiclass_log_loss_matches_sklearn(seed, n_classes, dtype, kind):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, n_classes, 40)
    y[:n_classes] = np.arange(n_classes)  # every class occurs
    prob = softmax_rows(rng, 40, n_classes, dtype)
    labels = NAMES[y] if kind == "str" else y
    ours = gm.log_loss(labels, prob)
    assert isinstance(ours, float)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ours, skm.log_loss(labels, prob), rtol=rtol)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", ["(n,)", "(n, 1)", "(n, 2)"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_log_loss_shapes_and_saturation(seed, shape, dtype):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 50)
    p1 = rng.random(50)
    p1[:4] = [0.0, 1.0, 0.0, 1.0]  # saturated sigmoids: clipping keeps the loss finite
    p1 = p1.astype(dtype)
    prob = {"(n,)": p1, "(n, 1)": p1[:, None], "(n, 2)": np.stack([1 - p1, p1], axis=1)}[shape]
    ours = gm.log_loss(y, prob)
    assert np.isfinite(ours)
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(ours, skm.log_loss(y, prob), rtol=rtol)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("normalize", [True, False])
def test_log_loss_weights_labels_and_normalize(seed, normalize):
    rng = np.random.default_rng(seed)
    y = rng.choice(NAMES[[0, 2, 3]], 30)  # "bee" never occurs in y_true
    prob = softmax_rows(rng, 30, 4)
    w = rng.random(30)
    labels = NAMES[:4]
    ours = gm.log_loss(y, prob, labels=labels, sample_weight=w, normalize=normalize)
    theirs = skm.log_loss(y, prob, labels=labels, sample_weight=w, normalize=normalize)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


@pytest.mark.parametrize("eps", [1e-15, 1e-7, 1e-2])
def test_log_loss_explicit_eps_clips(eps):
    rng = np.random.default_rng(0)
    y = rng.integers(0, 3, 20)
    prob = softmax_rows(rng, 20, 3, sharp=8.0)
    prob[0] = [1.0, 0.0, 0.0]
    y[0] = 1
    p_true = np.clip(prob[np.arange(20), y], eps, 1 - eps)
    np.testing.assert_allclose(gm.log_loss(y, prob, eps=eps), -np.log(p_true).mean(),
                               rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("kind", ["int", "str", "bool"])
def test_roc_auc_matches_sklearn(seed, ties, weighted, kind):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 80)
    score = rng.normal(size=80) + y
    if ties:
        score = np.round(score)  # many tied scores
    w = rng.random(80) if weighted else None
    labels = {"int": y, "str": NAMES[[1, 4]][y], "bool": y.astype(bool)}[kind]
    ours = gm.roc_auc_score(labels, score, sample_weight=w)
    assert isinstance(ours, float)
    np.testing.assert_allclose(ours, skm.roc_auc_score(labels, score, sample_weight=w),
                               rtol=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_roc_auc_is_the_mann_whitney_statistic(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, 60)
    score = np.round(rng.normal(size=60), 1)[:, None]  # (n, 1) column with ties
    ranks = rankdata(score[:, 0])  # mid-ranks
    n_pos, n_neg = y.sum(), (1 - y).sum()
    expected = (ranks[y == 1].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    np.testing.assert_allclose(gm.roc_auc_score(y, score), expected, rtol=1e-12)


def test_roc_auc_extremes():
    assert gm.roc_auc_score([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4]) == 1.0
    assert gm.roc_auc_score([0, 0, 1, 1], [0.4, 0.3, 0.2, 0.1]) == 0.0
    assert gm.roc_auc_score([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5]) == 0.5
