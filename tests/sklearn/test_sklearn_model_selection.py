"""Every ``glassnet.sklearn`` estimator inside scikit-learn's model-selection tools."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import make_classification, make_regression  # noqa: E402
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

from glassnet.sklearn import (  # noqa: E402
    LinearRegression,
    LogisticRegression,
    MLPClassifier,
    MLPRegressor,
    SoftmaxRegression,
)


def classification(n_classes: int):
    X, y = make_classification(n_samples=90, n_features=4, n_informative=3, n_redundant=0,
                               n_classes=n_classes, n_clusters_per_class=1, class_sep=2.0,
                               random_state=0)
    return X * 10 + 5, y                       # off-scale: the pipeline's scaler has work to do


def regression():
    X, y = make_regression(n_samples=90, n_features=4, noise=5.0, random_state=0)
    return X * 10 + 5, y / 50


# estimator, grid (parameter -> values), data, lowest acceptable mean CV score
CASES = {
    "MLPClassifier": (MLPClassifier((16,), learning_rate_init=0.01, max_iter=150,
                                    random_state=0),
                      {"alpha": [1e-4, 1e-1]}, classification(3), 0.8),
    "MLPRegressor": (MLPRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01,
                                  max_iter=300, random_state=0),
                     {"alpha": [1e-4, 1e-1]}, regression(), 0.8),
    "LinearRegression": (LinearRegression(lr=0.1, epochs=300), {"solver": ["ols", "gd"]},
                         regression(), 0.9),
    "LogisticRegression": (LogisticRegression(epochs=300), {"l2": [0.0, 0.01]},
                           classification(2), 0.8),
    "SoftmaxRegression": (SoftmaxRegression(epochs=300), {"lr": [0.1, 0.5]},
                          classification(3), 0.8),
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", list(CASES))
def test_grid_search_over_a_pipeline(name):
    est, grid, (X, y), low = CASES[name]
    step = type(est).__name__.lower()
    pipe = make_pipeline(StandardScaler(), est)
    search = GridSearchCV(pipe, {f"{step}__{k}": v for k, v in grid.items()},
                          cv=KFold(3, shuffle=True, random_state=0))
    search.fit(X, y)
    assert len(search.cv_results_["mean_test_score"]) == len(next(iter(grid.values())))
    assert search.best_score_ >= low
    best = search.best_estimator_
    assert best is not pipe and type(best[-1]) is type(est)
    assert best.predict(X).shape == y.shape
    assert best.score(X, y) >= low


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("name", list(CASES))
def test_cross_val_score(name):
    est, _, (X, y), low = CASES[name]
    scores = cross_val_score(make_pipeline(StandardScaler(), est), X, y,
                             cv=KFold(3, shuffle=True, random_state=1))
    assert scores.shape == (3,) and np.isfinite(scores).all()
    assert scores.mean() >= low


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Est, data", [(MLPClassifier, classification(3)),
                                       (MLPRegressor, regression())])
def test_parallel_grid_search_over_solvers_and_schedules(Est, data):
    X, y = data
    pipe = make_pipeline(StandardScaler(), Est(hidden_layer_sizes=(8,), max_iter=60,
                                               learning_rate_init=0.05, random_state=0))
    step = Est.__name__.lower()
    grid = [{f"{step}__solver": ["adam", "lbfgs"]},
            {f"{step}__solver": ["sgd"], f"{step}__learning_rate": ["constant", "invscaling"]}]
    search = GridSearchCV(pipe, grid, cv=KFold(3, shuffle=True, random_state=0), n_jobs=2)
    search.fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ >= 0.8
    serial = GridSearchCV(pipe, grid, cv=KFold(3, shuffle=True, random_state=0), n_jobs=1)
    serial.fit(X, y)                   # the worker processes got (and returned) the same fits
    np.testing.assert_allclose(search.cv_results_["mean_test_score"],
                               serial.cv_results_["mean_test_score"], rtol=1e-12)
