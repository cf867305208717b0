"""The scikit-learn wrappers of ``glassnet.linear``: same results, scikit-learn's input rules."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.exceptions import DataConversionWarning, NotFittedError  # noqa: E402

import glassnet.linear as gl  # noqa: E402
from glassnet.sklearn import LinearRegression, LogisticRegression, SoftmaxRegression  # noqa: E402


def data(n: int = 60, k: int = 3, seed: int = 0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    X = rng.normal(size=(n, 3)) + y[:, None] * np.array([1.5, -1.0, 0.5])
    return X, y


@pytest.mark.parametrize("wrapper, original, params, target", [
    (LinearRegression, gl.LinearRegression, {"solver": "ols"}, "real"),
    (LinearRegression, gl.LinearRegression, {"solver": "gd", "lr": 0.05, "epochs": 50}, "real"),
    (LogisticRegression, gl.LogisticRegression, {"lr": 0.5, "epochs": 50, "l2": 0.01}, 2),
    (SoftmaxRegression, gl.SoftmaxRegression, {"lr": 0.5, "epochs": 50, "seed": 1}, 3),
])
def test_wrapper_gives_the_results_of_the_original(wrapper, original, params, target):
    X, y = data(k=3 if target == 3 else 2)
    if target == "real":
        y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * np.sin(np.arange(len(X)))
    ours = wrapper(**params).fit(X, y)
    ref = original(**params).fit(X, y)
    assert type(ours.estimator_) is original
    np.testing.assert_array_equal(ours.coef_, ref.coef_)
    np.testing.assert_array_equal(ours.intercept_, ref.intercept_)
    np.testing.assert_array_equal(ours.predict(X), ref.predict(X))
    assert ours.n_iter_ == ref.n_iter_ and ours.n_features_in_ == 3
    if hasattr(ref, "predict_proba"):
        np.testing.assert_array_equal(ours.predict_proba(X), ref.predict_proba(X))
        np.testing.assert_array_equal(ours.classes_, ref.classes_)


def test_linear_regression_takes_2d_targets_and_refits_cleanly():
    X, _ = data()
    Y = np.column_stack([X.sum(axis=1), X[:, 0] - X[:, 2]])
    reg = LinearRegression().fit(X, Y)
    assert reg.coef_.shape == (2, 3) and reg.predict(X).shape == (60, 2)
    assert hasattr(reg, "rank_") and not hasattr(reg, "loss_curve_")
    reg.set_params(solver="gd", lr=0.1, epochs=20).fit(X, Y)
    assert not hasattr(reg, "rank_") and len(reg.loss_curve_) == 20


def test_logistic_regression_is_binary_with_any_labels():
    X, y = data(k=2)
    labels = np.array(["cat", "dog"])[y]
    clf = LogisticRegression(lr=0.5, epochs=100).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["cat", "dog"])
    z = clf.decision_function(X)
    np.testing.assert_array_equal(clf.predict(X), np.where(z > 0, "dog", "cat"))
    with pytest.raises(ValueError, match="Only binary classification is supported"):
        LogisticRegression().fit(*data(k=3))


def test_softmax_regression_decision_function_follows_scikit_learn():
    X, y = data(k=2)
    clf = SoftmaxRegression(lr=0.5, epochs=100).fit(X, y)
    Z = clf.estimator_.decision_function(X)
    z = clf.decision_function(X)
    assert z.shape == (60,)
    np.testing.assert_allclose(z, Z[:, 1] - Z[:, 0])
    np.testing.assert_array_equal(clf.predict(X), (z > 0).astype(int))
    X3, y3 = data(k=3)
    assert SoftmaxRegression(epochs=10).fit(X3, y3).decision_function(X3).shape == (60, 3)


@pytest.mark.parametrize("Est", [LogisticRegression, SoftmaxRegression])
def test_classifier_targets_follow_scikit_learns_rules(Est):
    X, y = data(k=2)
    clf = Est(epochs=20)
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        clf.fit(X, y[:, None])
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(clf.predict_log_proba(X), np.log(clf.predict_proba(X)))
    with pytest.raises(ValueError, match="y should be a 1d array"):
        clf.fit(X, np.eye(2)[y])
    with pytest.raises(ValueError, match="1 class"):
        clf.fit(X, np.zeros(len(X)))


@pytest.mark.parametrize("Est", [LinearRegression, LogisticRegression, SoftmaxRegression])
def test_prediction_checks(Est):
    X, y = data(k=2)
    with pytest.raises(NotFittedError):
        Est().predict(X)
    est = Est(epochs=5).fit(X, y)
    with pytest.raises(ValueError, match=f"X has 2 features, but {Est.__name__} is expecting 3"):
        est.predict(X[:, :2])
