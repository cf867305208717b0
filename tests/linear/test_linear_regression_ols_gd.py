"""LinearRegression: OLS by SVD against NumPy and scikit-learn, gradient descent against OLS."""

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.metrics import r2_score as sk_r2_score

from glassnet.linear import DivergenceError, LinearRegression


def regression_data(n=200, n_features=4, n_targets=None, seed=0, standardize=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, n_features)) * rng.uniform(0.5, 3.0, n_features) + rng.normal(
        size=n_features)
    if standardize:
        X = (X - X.mean(axis=0)) / X.std(axis=0)
    shape = (n_features,) if n_targets is None else (n_features, n_targets)
    w = rng.normal(size=shape)
    y = X @ w + 0.7 + 0.3 * rng.normal(size=(n,) if n_targets is None else (n, n_targets))
    return X, y


@pytest.mark.parametrize("n_targets", [None, 3])
def test_ols_without_intercept_equals_lstsq(n_targets):
    X, y = regression_data(n_targets=n_targets, standardize=False, seed=1)
    model = LinearRegression(fit_intercept=False).fit(X, y)
    expected = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(model.coef_, expected.T, rtol=0, atol=1e-8)
    assert model.intercept_ == 0.0
    assert model.rank_ == X.shape[1]
    np.testing.assert_allclose(model.singular_, np.linalg.svd(X, compute_uv=False), rtol=1e-10)


@pytest.mark.parametrize("n_targets", [None, 2])
def test_ols_with_intercept_equals_lstsq_on_augmented_x(n_targets):
    X, y = regression_data(n_targets=n_targets, standardize=False, seed=2)
    model = LinearRegression().fit(X, y)
    theta = np.linalg.lstsq(np.column_stack([np.ones(len(X)), X]), y, rcond=None)[0]
    np.testing.assert_allclose(model.intercept_, theta[0], rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.coef_, theta[1:].T, rtol=0, atol=1e-8)
    np.testing.assert_allclose(model.predict(X), np.column_stack(
        [np.ones(len(X)), X]) @ theta, rtol=0, atol=1e-8)


@pytest.mark.parametrize("n_targets", [None, 2])
def test_shapes_and_values_match_sklearn(n_targets):
    X, y = regression_data(n_targets=n_targets, standardize=False, seed=3)
    ours = LinearRegression().fit(X, y)
    ref = SkLinearRegression().fit(X, y)
    assert ours.coef_.shape == ref.coef_.shape
    assert np.shape(ours.intercept_) == np.shape(ref.intercept_)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref.intercept_, atol=1e-8)
    assert ours.predict(X).shape == y.shape
    assert ours.score(X, y) == pytest.approx(ref.score(X, y), abs=1e-12)
    assert ours.n_features_in_ == X.shape[1]


def test_rank_deficient_x_gives_minimum_norm_solution():
    rng = np.random.default_rng(4)
    base = rng.normal(size=(50, 2))
    # third column duplicates the first, fourth is a combination: rank 2
    X = np.column_stack([base, base[:, 0], base[:, 0] - 2 * base[:, 1]])
    y = base @ np.array([1.5, -0.5]) + 0.1 * rng.normal(size=50)
    model = LinearRegression(fit_intercept=False).fit(X, y)
    assert model.rank_ == 2
    np.testing.assert_allclose(model.coef_, np.linalg.pinv(X) @ y, atol=1e-10)
    # another exact minimiser: add a null-space direction; same fit, larger norm
    null = np.array([1.0, 0.0, -1.0, 0.0])
    np.testing.assert_allclose(X @ null, 0.0, atol=1e-12)
    other = model.coef_ + 0.3 * null
    np.testing.assert_allclose(X @ other, X @ model.coef_, atol=1e-10)
    assert np.linalg.norm(model.coef_) < np.linalg.norm(other)
    assert abs(model.coef_ @ null) < 1e-10                  # orthogonal to the null space
    ref = SkLinearRegression(fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(model.coef_, ref.coef_, atol=1e-8)


def test_more_features_than_samples_interpolates_with_minimum_norm():
    rng = np.random.default_rng(5)
    X = rng.normal(size=(6, 10))
    y = rng.normal(size=6)
    model = LinearRegression().fit(X, y)
    np.testing.assert_allclose(model.predict(X), y, atol=1e-10)
    Xc = X - X.mean(axis=0)
    np.testing.assert_allclose(model.coef_, np.linalg.pinv(Xc) @ (y - y.mean()), atol=1e-10)
    assert model.rank_ == 5                                 # centring removes one dimension


@pytest.mark.parametrize("n_targets", [None, 2])
def test_gradient_descent_reaches_ols(n_targets):
    X, y = regression_data(n_targets=n_targets, seed=6)
    ols = LinearRegression().fit(X, y)
    gd = LinearRegression(solver="gd", lr=0.1, epochs=1000).fit(X, y)
    np.testing.assert_allclose(gd.coef_, ols.coef_, atol=1e-4)
    np.testing.assert_allclose(gd.intercept_, ols.intercept_, atol=1e-4)
    assert gd.n_iter_ == 1000 and gd.loss_curve_.shape == (1000,)
    # MSE on a quadratic with a small enough step never goes up
    assert np.all(np.diff(gd.loss_curve_) <= 1e-12)
    assert gd.loss_curve_[0] == pytest.approx(np.mean(np.asarray(y) ** 2))


def test_coef_path_records_every_step():
    X, y = regression_data(seed=7)
    gd = LinearRegression(solver="gd", lr=0.05, epochs=40).fit(X, y)
    assert gd.coef_path_.shape == (41, X.shape[1] + 1)
    np.testing.assert_array_equal(gd.coef_path_[0], 0.0)
    np.testing.assert_array_equal(gd.coef_path_[-1], np.r_[gd.intercept_, gd.coef_])
    # path[t+1] = path[t] - lr * gradient(path[t])
    theta = gd.coef_path_[5]
    resid = X @ theta[1:] + theta[0] - y
    grad = np.r_[2 * resid.mean(), 2 * X.T @ resid / len(y)]
    np.testing.assert_allclose(gd.coef_path_[6], theta - 0.05 * grad, atol=1e-12)
    gd2 = LinearRegression(solver="gd", lr=0.05, epochs=40).fit(X, np.column_stack([y, -y]))
    assert gd2.coef_path_.shape == (41, 2, X.shape[1] + 1)


def test_tol_stops_early_and_keeps_shapes_consistent():
    X, y = regression_data(seed=8)
    gd = LinearRegression(solver="gd", lr=0.1, epochs=5000, tol=1e-6).fit(X, y)
    assert 0 < gd.n_iter_ < 5000
    assert gd.loss_curve_.shape == (gd.n_iter_,)
    assert gd.coef_path_.shape == (gd.n_iter_ + 1, X.shape[1] + 1)


def test_gd_without_intercept_matches_ols_without_intercept():
    X, y = regression_data(seed=9)
    gd = LinearRegression(solver="gd", lr=0.1, epochs=1000, fit_intercept=False).fit(X, y)
    ols = LinearRegression(fit_intercept=False).fit(X, y)
    np.testing.assert_allclose(gd.coef_, ols.coef_, atol=1e-6)
    assert gd.intercept_ == 0.0
    np.testing.assert_array_equal(gd.coef_path_[:, 0], 0.0)


def test_score_is_r2_averaged_over_targets():
    X, y = regression_data(n_targets=3, seed=10)
    model = LinearRegression().fit(X[:150], y[:150])
    expected = sk_r2_score(y[150:], model.predict(X[150:]))
    assert model.score(X[150:], y[150:]) == pytest.approx(expected, abs=1e-12)


def test_float32_input_stays_float32():
    X, y = regression_data(seed=11)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    for solver in ("ols", "gd"):
        model = LinearRegression(solver=solver, lr=0.1, epochs=500).fit(X32, y32)
        assert model.coef_.dtype == np.float32
        assert model.predict(X32).dtype == np.float32
        np.testing.assert_allclose(model.coef_, LinearRegression().fit(X, y).coef_, atol=1e-3)


def test_divergence_is_reported():
    X, y = regression_data(seed=12, standardize=False)
    with pytest.raises(DivergenceError, match="diverged.*lower lr"):
        LinearRegression(solver="gd", lr=10.0, epochs=2000).fit(X * 100, y)
    assert not hasattr(LinearRegression(), "coef_")


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"solver": "newton"}, "solver must be one of 'ols', 'gd'"),
        ({"lr": 0.0}, "lr must be > 0"),
        ({"lr": -1.0}, "lr must be > 0"),
        ({"epochs": 0}, "epochs must be >= 1"),
        ({"tol": -1e-3}, "tol must be >= 0"),
    ],
)
def test_bad_parameters_raise_at_fit(kwargs, match):
    X, y = regression_data(n=20)
    model = LinearRegression(**kwargs)                      # __init__ only stores
    with pytest.raises(ValueError, match=match):
        model.fit(X, y)


def test_bad_data_raises():
    X, y = regression_data(n=20)
    with pytest.raises(ValueError, match="X must be 2-D.*reshape"):
        LinearRegression().fit(X[:, 0], y)
    Xn = X.copy()
    Xn[3, 1] = np.nan
    with pytest.raises(ValueError, match="X must be finite, got 1 NaN"):
        LinearRegression().fit(Xn, y)
    with pytest.raises(ValueError, match="X and y must have the same number of samples"):
        LinearRegression().fit(X, y[:-1])
    with pytest.raises(TypeError, match="fit_intercept must be a bool"):
        LinearRegression(fit_intercept="yes").fit(X, y)
    model = LinearRegression().fit(X, y)
    with pytest.raises(ValueError, match="X has 3 features, but LinearRegression was fitted "
                                         "with 4 features"):
        model.predict(X[:, :3])
