"""LogisticRegression against scikit-learn (penalty=None and L2) and against PyTorch's SGD."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from glassnet.errors import NotFittedError as SharedNotFittedError
from glassnet.linear import LogisticRegression, NotFittedError


def binary_data(n=400, n_features=5, seed=0):
    """Standardised features, labels drawn from a logistic model: overlapping classes."""
    rng = np.random.default_rng(seed)
    idx = np.arange(n_features)
    cov = 0.6 ** np.abs(idx[:, None] - idx[None, :])        # correlated features, AR(1)
    X = rng.normal(size=(n, n_features)) @ np.linalg.cholesky(cov).T
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    w = rng.normal(size=n_features)
    p = 1.0 / (1.0 + np.exp(-(X @ w + 0.4)))
    y = (rng.random(n) < p).astype(np.int64)
    return X, y


def sklearn_fit(X, y, C=np.inf):
    return SkLogisticRegression(C=C, tol=1e-12, max_iter=10_000).fit(X, y)


@pytest.mark.parametrize("seed", [0, 1])
def test_unpenalised_matches_sklearn(seed):
    X, y = binary_data(seed=seed)
    ref = sklearn_fit(X, y)
    ours = LogisticRegression(lr=2.0, epochs=5000).fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape == (1, X.shape[1])
    assert ours.intercept_.shape == ref.intercept_.shape == (1,)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=2e-3)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=2e-3)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-4)
    assert ours.n_iter_ < 5000                               # stopped by tol, converged


@pytest.mark.parametrize("l2", [0.003, 0.05, 0.5])
def test_l2_matches_sklearn_with_c_equal_one_over_2_l2_n(l2):
    # ours:    mean_i loss_i + l2·‖w‖²
    # sklearn: ½‖w‖² + C·Σ_i loss_i = C·n · (mean_i loss_i + ‖w‖² / (2·C·n))
    # the two objectives have the same minimiser when l2 = 1 / (2·C·n), i.e. C = 1 / (2·l2·n)
    X, y = binary_data(seed=2)
    n = len(X)
    ref = sklearn_fit(X, y, C=1.0 / (2.0 * l2 * n))
    ours = LogisticRegression(lr=1.0, epochs=5000, l2=l2).fit(X, y)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-5)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-5)


def test_l2_objective_relation_and_shrinkage():
    X, y = binary_data(seed=3)
    norms = [np.linalg.norm(LogisticRegression(lr=0.3, epochs=3000, l2=l2).fit(X, y).coef_)
             for l2 in (0.0, 0.01, 0.1, 1.0)]
    assert np.all(np.diff(norms) < 0)
    # the recorded objective includes the penalty: recompute it at the start of epoch 2
    model = LogisticRegression(lr=0.5, epochs=2, l2=0.2, seed=4).fit(X, y)
    first = LogisticRegression(lr=0.5, epochs=1, l2=0.2, seed=4).fit(X, y)
    z = X @ first.coef_[0] + first.intercept_[0]
    expected = np.mean(np.logaddexp(0, z) - y * z) + 0.2 * np.sum(first.coef_ ** 2)
    assert model.loss_curve_[1] == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("l2", [0.0, 0.05])
def test_trajectory_equals_torch_sgd(l2):
    torch = pytest.importorskip("torch")
    X, y = binary_data(n=120, n_features=3, seed=5)
    lr, epochs = 0.7, 25
    ours = LogisticRegression(lr=lr, epochs=epochs, l2=l2, tol=0.0).fit(X, y)

    layer = torch.nn.Linear(3, 1, dtype=torch.float64)
    torch.nn.init.zeros_(layer.weight)
    torch.nn.init.zeros_(layer.bias)
    # gradient of l2·‖w‖² is 2·l2·w: torch's weight_decay adds wd·w, on the weight only
    opt = torch.optim.SGD([{"params": [layer.weight], "weight_decay": 2 * l2},
                           {"params": [layer.bias], "weight_decay": 0.0}], lr=lr)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y.astype(np.float64))
    losses = []
    for _ in range(epochs):
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(layer(Xt)[:, 0], yt)
        losses.append(loss.item() + l2 * float((layer.weight.detach() ** 2).sum()))
        loss.backward()
        opt.step()
    np.testing.assert_allclose(ours.loss_curve_, losses, rtol=1e-12)
    np.testing.assert_allclose(ours.coef_, layer.weight.detach().numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(ours.intercept_, layer.bias.detach().numpy(), rtol=1e-10,
                               atol=1e-14)


@pytest.mark.parametrize(
    "labels",
    [np.array(["cat", "dog"]), np.array([-1, 1]), np.array([3.0, 7.0]), np.array([False, True])],
)
def test_any_two_labels_round_trip(labels):
    X, y01 = binary_data(n=150, seed=6)
    y = labels[y01]
    model = LogisticRegression(lr=1.0, epochs=300).fit(X, y)
    ref = LogisticRegression(lr=1.0, epochs=300).fit(X, y01)
    np.testing.assert_array_equal(model.classes_, labels)
    np.testing.assert_array_equal(model.coef_, ref.coef_)  # classes_[1] is the positive class
    pred = model.predict(X)
    assert pred.dtype == labels.dtype
    np.testing.assert_array_equal(pred, labels[ref.predict(X)])
    assert model.score(X, y) == pytest.approx(np.mean(pred == y))


def test_column_vector_targets_are_accepted():
    X, y = binary_data(n=100, seed=7)
    a = LogisticRegression(lr=1.0, epochs=100).fit(X, y)
    b = LogisticRegression(lr=1.0, epochs=100).fit(X, y.reshape(-1, 1))
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_predict_proba_decision_function_and_predict_agree():
    X, y = binary_data(seed=8)
    model = LogisticRegression(lr=1.0, epochs=500).fit(X, y)
    proba = model.predict_proba(X)
    z = model.decision_function(X)
    assert proba.shape == (len(X), 2) and z.shape == (len(X),)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(proba[:, 1], 1.0 / (1.0 + np.exp(-z)), rtol=1e-12)
    np.testing.assert_array_equal(model.predict(X), (z > 0).astype(int))
    assert 0.6 < model.score(X, y) <= 1.0


def test_saturated_logits_stay_finite():
    X, y = binary_data(n=100, seed=9)
    model = LogisticRegression(lr=1.0, epochs=50).fit(X, y)
    proba = model.predict_proba(X * 1e6)
    assert np.isfinite(proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_separable_data_keeps_finite_loss():
    rng = np.random.default_rng(10)
    X = rng.normal(size=(80, 2))
    y = (X[:, 0] > 0).astype(int)
    model = LogisticRegression(lr=5.0, epochs=2000, tol=0.0).fit(X, y)
    assert np.isfinite(model.loss_curve_).all() and model.loss_curve_[-1] < 0.05
    assert model.score(X, y) == 1.0


def test_deterministic_and_seed_only_changes_the_start():
    X, y = binary_data(seed=11)
    a = LogisticRegression(lr=1.0, epochs=200, seed=3).fit(X, y)
    b = LogisticRegression(lr=1.0, epochs=200, seed=3).fit(X, y)
    c = LogisticRegression(lr=1.0, epochs=200, seed=4).fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_array_equal(a.loss_curve_, b.loss_curve_)
    assert not np.array_equal(a.loss_curve_, c.loss_curve_)
    z = LogisticRegression(lr=1.0, epochs=200).fit(X, y)
    assert z.loss_curve_[0] == pytest.approx(np.log(2.0))   # zero weights: p = ½ everywhere
    # convex problem: every start reaches the same minimiser
    long = {s: LogisticRegression(lr=2.0, epochs=5000, seed=s).fit(X, y) for s in (None, 4)}
    np.testing.assert_allclose(long[None].coef_, long[4].coef_, atol=1e-6)


def test_float32_input():
    X, y = binary_data(seed=12)
    model = LogisticRegression(lr=1.0, epochs=1000).fit(X.astype(np.float32), y)
    ref = LogisticRegression(lr=1.0, epochs=1000).fit(X, y)
    assert model.coef_.dtype == np.float32
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-3)


def test_not_fitted_error():
    model = LogisticRegression()
    for method in (model.predict, model.predict_proba, model.decision_function):
        with pytest.raises(NotFittedError,
                           match=r"^This LogisticRegression is not fitted yet; call fit\(X, y\) "
                                 r"first$"):
            method(np.zeros((2, 3)))
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    assert NotFittedError is SharedNotFittedError


def test_more_than_two_classes_suggests_softmax():
    X, _ = binary_data(n=30)
    y = np.arange(30) % 3
    with pytest.raises(ValueError, match="got 3 .*use SoftmaxRegression"):
        LogisticRegression().fit(X, y)
    with pytest.raises(ValueError, match="two classes, got only one"):
        LogisticRegression().fit(X, np.ones(30))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"lr": 0}, ValueError, "lr must be > 0, got 0.0"),
        ({"lr": -0.5}, ValueError, "lr must be > 0"),
        ({"lr": "fast"}, TypeError, "lr must be a real number"),
        ({"epochs": 0}, ValueError, "epochs must be >= 1, got 0"),
        ({"epochs": 10.5}, TypeError, "epochs must be an integer"),
        ({"l2": -0.1}, ValueError, "l2 must be >= 0"),
        ({"tol": -1.0}, ValueError, "tol must be >= 0"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"fit_intercept": 1}, TypeError, "fit_intercept must be a bool"),
    ],
)
def test_bad_parameters(kwargs, error, match):
    X, y = binary_data(n=20)
    with pytest.raises(error, match=match):
        LogisticRegression(**kwargs).fit(X, y)


def test_bad_data():
    X, y = binary_data(n=40)
    with pytest.raises(ValueError, match="X must be 2-D, got 1-D array of shape"):
        LogisticRegression().fit(X[:, 0], y)
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="X must be finite"):
        LogisticRegression().fit(Xn, y)
    with pytest.raises(ValueError, match="y must be finite"):
        LogisticRegression().fit(X, np.where(y == 1, np.nan, 0.0))
    with pytest.raises(ValueError, match="non-integer values .*use LinearRegression"):
        LogisticRegression().fit(X, y + 0.5 * (np.arange(40) % 2))
    with pytest.raises(ValueError, match="X and y must have the same number of samples, "
                                         "got 40 and 39"):
        LogisticRegression().fit(X, y[:-1])
    with pytest.raises(TypeError, match="labels of one kind"):
        LogisticRegression().fit(X[:3], np.array([1, "a", None], dtype=object))
    model = LogisticRegression(epochs=5).fit(X, y)
    with pytest.raises(ValueError, match="X has 4 features, but LogisticRegression was fitted "
                                         "with 5 features"):
        model.predict(X[:, :4])
    with pytest.raises(ValueError, match="X must be finite"):
        model.predict(Xn)
