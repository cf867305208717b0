"""glassnet.sklearn's MLPs and scikit-learn's, trained side by side with the same parameters.

The same ``random_state`` gives the same initial weights and batch order, and the steps are
scikit-learn's, so the fitted weights, loss curves and counters agree to rounding.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("scipy")

import scipy.sparse as sp  # noqa: E402
from sklearn import neural_network as sk  # noqa: E402
from sklearn.datasets import (  # noqa: E402
    load_digits,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from glassnet.sklearn import MLPClassifier, MLPRegressor  # noqa: E402


def digits(n_class: int = 3, n: int = 240):
    X, y = load_digits(n_class=n_class, return_X_y=True)
    return X[:n] / 16.0, y[:n]


def regression(n_targets: int = 1, n: int = 150):
    X, y = make_regression(n_samples=n, n_features=6, n_targets=n_targets, noise=5.0,
                           random_state=3)
    return X, y / np.std(y)


def fit_both(ours, theirs, X, y, **fit_kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours.fit(X, y, **fit_kw)
        theirs.fit(X, y, **fit_kw)
    return ours, theirs


def assert_same_network(a, b, rtol=1e-7, atol=1e-10):
    assert len(a.coefs_) == len(b.coefs_)
    for ours, theirs in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, strict=True):
        assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


SCHEDULES = [
    {"solver": "sgd", "learning_rate_init": 0.1},
    {"solver": "sgd", "learning_rate_init": 0.1, "momentum": 0.0},
    {"solver": "sgd", "learning_rate_init": 0.1, "nesterovs_momentum": False},
    {"solver": "sgd", "learning_rate": "invscaling", "learning_rate_init": 0.2, "power_t": 0.3},
    {"solver": "sgd", "learning_rate": "adaptive", "learning_rate_init": 0.5, "tol": 0.05,
     "n_iter_no_change": 2},
    {"solver": "adam", "learning_rate_init": 0.01},
    {"solver": "adam", "learning_rate_init": 0.01, "beta_1": 0.5, "beta_2": 0.9,
     "epsilon": 1e-4},
    {"solver": "lbfgs"},
]


@pytest.mark.parametrize("params", SCHEDULES, ids=lambda p: "-".join(map(str, p.values())))
@pytest.mark.parametrize("activation", ["relu", "logistic"])
def test_classifier_trains_as_scikit_learns(params, activation):
    X, y = digits()
    common = dict(hidden_layer_sizes=(12,), activation=activation, max_iter=15, batch_size=64,
                  random_state=0, **params)
    a, b = fit_both(MLPClassifier(**common), sk.MLPClassifier(**common), X, y)
    assert_same_network(a, b)
    assert a.n_iter_ == b.n_iter_
    assert a.loss_ == pytest.approx(b.loss_, rel=1e-9)
    if params["solver"] != "lbfgs":
        np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-9)
        assert a.t_ == b.t_ and a.best_loss_ == pytest.approx(b.best_loss_, rel=1e-9)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_regressor_trains_as_scikit_learns(solver):
    X, y = regression()
    common = dict(hidden_layer_sizes=(10, 5), activation="tanh", solver=solver, max_iter=20,
                  learning_rate_init=0.01, batch_size=32, alpha=1e-3, random_state=1)
    a, b = fit_both(MLPRegressor(**common), sk.MLPRegressor(**common), X, y)
    assert_same_network(a, b)
    assert a.n_iter_ == b.n_iter_
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-7, atol=1e-10)
    assert a.score(X, y) == pytest.approx(b.score(X, y), rel=1e-9)


def test_multi_target_regressor_follows_the_gradient_of_its_objective():
    # scikit-learn back-propagates the sum over targets of an objective it reports as their
    # mean; glassnet's gradient is the objective's, and L-BFGS fits as well or better
    X, y = regression(n_targets=3)
    common = dict(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=60, random_state=1)
    a, b = fit_both(MLPRegressor(**common), sk.MLPRegressor(**common), X, y)
    assert a.predict(X).shape == (len(X), 3)
    assert a.score(X, y) >= b.score(X, y) - 0.01
    theta = np.concatenate([c.ravel() for c in a.coefs_ + a.intercepts_])
    value, grad = a._loss_grad_lbfgs(theta, X, y, None)
    eps = 1e-6
    for i in np.random.default_rng(0).choice(theta.size, 12, replace=False):
        step = np.zeros_like(theta)
        step[i] = eps
        numeric = (a._loss_grad_lbfgs(theta + step, X, y)[0]
                   - a._loss_grad_lbfgs(theta - step, X, y)[0]) / (2 * eps)
        assert grad[i] == pytest.approx(numeric, rel=1e-4, abs=1e-8)


@pytest.mark.parametrize("Est, SkEst, data", [
    (MLPClassifier, sk.MLPClassifier, digits(2)),
    (MLPClassifier, sk.MLPClassifier, digits(3)),
    (MLPRegressor, sk.MLPRegressor, regression()),
])
def test_early_stopping_scores_and_stops_as_scikit_learns(Est, SkEst, data):
    X, y = data
    common = dict(hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=0.05,
                  early_stopping=True, validation_fraction=0.2, n_iter_no_change=3, tol=1e-3,
                  max_iter=100, random_state=2)
    a, b = fit_both(Est(**common), SkEst(**common), X, y)
    assert a.n_iter_ == b.n_iter_ < 100
    np.testing.assert_allclose(a.validation_scores_, b.validation_scores_, rtol=1e-9)
    assert a.best_validation_score_ == pytest.approx(b.best_validation_score_, rel=1e-9)
    assert a.best_loss_ is None and b.best_loss_ is None
    assert_same_network(a, b)                        # the weights of the best epoch


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
@pytest.mark.parametrize("early_stopping", [False, True])
def test_sample_weight_enters_loss_and_gradients_as_in_scikit_learn(solver, early_stopping):
    X, y = digits(3)
    sw = np.random.default_rng(0).uniform(0.2, 3.0, len(y))
    common = dict(hidden_layer_sizes=(10,), solver=solver, max_iter=12, random_state=0,
                  early_stopping=early_stopping and solver != "lbfgs", learning_rate_init=0.01)
    a, b = fit_both(MLPClassifier(**common), sk.MLPClassifier(**common), X, y, sample_weight=sw)
    assert_same_network(a, b)
    plain = MLPClassifier(**common)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain.fit(X, y)
    assert not np.allclose(plain.coefs_[0], a.coefs_[0])   # the weights changed the fit


def test_integer_sample_weights_equal_repeated_samples():
    X, y = regression(n=40)
    counts = np.random.default_rng(1).integers(1, 4, len(y))
    params = dict(hidden_layer_sizes=(6,), solver="lbfgs", max_iter=30, random_state=0)
    weighted = MLPRegressor(**params)
    repeated = MLPRegressor(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted.fit(X, y, sample_weight=counts)
        repeated.fit(np.repeat(X, counts, axis=0), np.repeat(y, counts))
    for ours, theirs in zip(weighted.coefs_, repeated.coefs_, strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_multilabel_indicator_targets_as_scikit_learn(solver):
    X, Y = make_multilabel_classification(n_samples=60, n_classes=4, random_state=0)
    common = dict(hidden_layer_sizes=(16,), solver=solver, max_iter=40, random_state=0,
                  learning_rate_init=0.1)
    a, b = fit_both(MLPClassifier(**common), sk.MLPClassifier(**common), X, Y)
    assert a.out_activation_ == b.out_activation_ == "logistic" and a.n_outputs_ == 4
    np.testing.assert_array_equal(a.classes_, b.classes_)
    assert_same_network(a, b)
    proba = a.predict_proba(X)
    assert proba.shape == Y.shape and not np.allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(a.predict(X), (proba > 0.5).astype(Y.dtype))
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_poisson_loss_as_scikit_learn(solver):
    rng = np.random.default_rng(0)
    X = rng.uniform(0, 1, (80, 3))
    y = rng.poisson(np.exp(X @ np.array([1.0, -0.5, 0.3]) + 0.5))
    common = dict(loss="poisson", hidden_layer_sizes=(4,), solver=solver, max_iter=25,
                  random_state=0, learning_rate_init=0.01)
    a, b = fit_both(MLPRegressor(**common), sk.MLPRegressor(**common), X, y)
    assert a.out_activation_ == "exp"
    assert_same_network(a, b)
    assert (a.predict(X) > 0).all()


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_sparse_X_trains_as_dense_X(fmt, solver):
    X, y = digits(3)
    Xs = sp.csr_matrix(X) if fmt == "csr" else sp.csc_array(X)
    params = dict(hidden_layer_sizes=(10,), solver=solver, max_iter=10, random_state=0)
    a, b = fit_both(MLPClassifier(**params), MLPClassifier(**params), X, y)
    assert_same_network(a, b)                          # same estimator class twice: sanity
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sparse = MLPClassifier(**params).fit(Xs, y)
    assert_same_network(sparse, a, rtol=1e-9)
    np.testing.assert_array_equal(sparse.predict(Xs), a.predict(X))
    np.testing.assert_allclose(sparse.predict_proba(Xs), a.predict_proba(X), rtol=1e-9)


@pytest.mark.parametrize("Est, SkEst", [(MLPClassifier, sk.MLPClassifier),
                                        (MLPRegressor, sk.MLPRegressor)])
def test_float32_input_trains_in_float32_as_scikit_learn(Est, SkEst):
    X, y = digits(3)
    X32 = X.astype(np.float32)
    common = dict(hidden_layer_sizes=(10,), max_iter=10, random_state=0, learning_rate_init=0.01)
    a, b = fit_both(Est(**common), SkEst(**common), X32, y)
    assert all(c.dtype == np.float32 for c in a.coefs_ + a.intercepts_)
    assert_same_network(a, b, rtol=2e-4, atol=2e-5)
    out = a.predict(X32) if Est is MLPRegressor else a.predict_proba(X32)
    assert out.dtype == np.float32


def test_partial_fit_steps_as_scikit_learns():
    X, y = digits(3)
    params = dict(hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=0.1,
                  random_state=0)
    a, b = MLPClassifier(**params), sk.MLPClassifier(**params)
    for start in range(0, 240, 60):
        a.partial_fit(X[start:start + 60], y[start:start + 60], classes=[0, 1, 2])
        b.partial_fit(X[start:start + 60], y[start:start + 60], classes=[0, 1, 2])
    assert_same_network(a, b)
    assert a.t_ == b.t_ == 240 and a.n_iter_ == b.n_iter_ == 1
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-9)


def test_weights_assigned_by_hand_are_trained_on_as_in_scikit_learn():
    X = np.array([[0.6, 0.8, 0.7], [0.1, -0.3, 0.4]])
    y = np.array([0, 1])
    W = [np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0.0]]), np.array([[0.1], [0.2]])]
    b = [np.array([0.1, 0.1]), np.array([1.0])]
    models = []
    for cls in (MLPClassifier, sk.MLPClassifier):
        m = cls(hidden_layer_sizes=2, solver="sgd", learning_rate_init=0.1, alpha=0.1,
                activation="logistic", momentum=0.0, random_state=1)
        m.fit(X, y)                                    # any network of the right shape
        m.coefs_ = [w.copy() for w in W]
        m.intercepts_ = [v.copy() for v in b]
        m.partial_fit(X, y)
        models.append(m)
    assert_same_network(*models, rtol=1e-12)
    # one plain gradient step moved the weights from the assigned ones
    assert not np.allclose(models[0].coefs_[0], W[0])
