"""The scikit-learn estimator API of the classic models: parameters, cloning, model selection."""

import inspect

import numpy as np
import pytest
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.model_selection import GridSearchCV, cross_val_score

from glassnet.linear import LinearRegression, LogisticRegression, SoftmaxRegression

ESTIMATORS = [LinearRegression, LogisticRegression, SoftmaxRegression]


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_get_params_lists_init_arguments(cls):
    est = cls()
    expected = {name: p.default for name, p in inspect.signature(cls.__init__).parameters.items()
                if name != "self"}
    assert est.get_params() == expected
    assert est.get_params(deep=False) == expected
    assert repr(est) == f"{cls.__name__}()"


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_set_params_and_clone(cls):
    est = cls(lr=0.5)
    assert est.set_params(epochs=7) is est
    assert est.epochs == 7 and est.lr == 0.5
    assert repr(est) == f"{cls.__name__}(epochs=7, lr=0.5)"
    copy = clone(est)
    assert copy is not est and copy.get_params() == est.get_params()
    with pytest.raises(ValueError, match=f"invalid parameter 'alpha' for {cls.__name__}; "
                                         "valid parameters are: epochs, fit_intercept"):
        est.set_params(alpha=1.0)


def test_init_only_stores_arguments():
    # nonsense values are accepted by __init__ and reported by fit, as in scikit-learn
    est = LogisticRegression(lr=-1, epochs="many")
    assert est.lr == -1 and est.epochs == "many"
    assert not hasattr(est, "coef_")


def test_refit_replaces_results():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = X @ np.array([1.0, 2.0, 3.0])
    model = LinearRegression(solver="gd", lr=0.1, epochs=20).fit(X, y)
    assert hasattr(model, "coef_path_")
    model.set_params(solver="ols").fit(X, y)
    assert not hasattr(model, "coef_path_") and not hasattr(model, "loss_curve_")
    np.testing.assert_allclose(model.coef_, [1.0, 2.0, 3.0], atol=1e-10)
    model.fit(X[:, :2], y)
    assert model.n_features_in_ == 2 and model.coef_.shape == (2,)


def test_sklearn_model_selection_accepts_the_estimators():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=120) > 0).astype(int)
    assert is_classifier(LogisticRegression()) and is_classifier(SoftmaxRegression())
    assert is_regressor(LinearRegression())
    scores = cross_val_score(LogisticRegression(lr=1.0, epochs=200), X, y, cv=3)
    assert scores.shape == (3,) and np.all(scores > 0.6)
    search = GridSearchCV(SoftmaxRegression(epochs=100), {"lr": [0.01, 1.0]}, cv=3,
                          scoring="neg_log_loss").fit(X, y)
    assert search.best_params_ == {"lr": 1.0}
    r2 = cross_val_score(LinearRegression(), X, X @ [1.0, -1.0, 2.0] + 0.1 * rng.normal(size=120),
                         cv=3)
    assert np.all(r2 > 0.95)
