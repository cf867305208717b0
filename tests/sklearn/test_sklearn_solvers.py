"""The training loops of ``glassnet.sklearn._solvers``: schedules, stopping rules, L-BFGS limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("scipy")

from sklearn.datasets import load_digits, make_regression  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

from glassnet import optimizers  # noqa: E402
from glassnet.sklearn import MLPClassifier, MLPRegressor  # noqa: E402
from glassnet.sklearn._solvers import StochasticOptimizer  # noqa: E402

quiet = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_digits, y_digits = load_digits(n_class=2, return_X_y=True)
X_digits, y_digits = X_digits[:100] / 16.0, y_digits[:100]


# ----------------------------------------------------------------------------- update rules


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_keeps_scikit_learns_velocity_when_the_learning_rate_changes(nesterov):
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(6, 5))
    rates = [0.5, 0.5, 0.2, 0.2, 0.05, 0.3]
    opt = StochasticOptimizer(optimizers.SGD(rates[0], momentum=0.9, nesterov=nesterov))
    theta, ref, v = np.zeros(5), np.zeros(5), np.zeros(5)
    for g, lr in zip(grads, rates, strict=True):
        if lr != opt.learning_rate:
            opt._set_lr(lr)
        opt.update_params(theta, g.copy())
        v = 0.9 * v - lr * g                                 # scikit-learn's SGDOptimizer
        ref += 0.9 * v - lr * g if nesterov else v
        np.testing.assert_allclose(theta, ref, rtol=1e-12, atol=1e-15)


def test_adam_divides_by_the_uncorrected_root_plus_epsilon_as_scikit_learn():
    rng = np.random.default_rng(1)
    opt = StochasticOptimizer(optimizers.Adam(0.01, beta1=0.9, beta2=0.999, eps=1e-3))
    theta, ref = np.zeros(4), np.zeros(4)
    m, v = np.zeros(4), np.zeros(4)
    for t in range(1, 6):
        g = rng.normal(size=4) * 1e-3                       # small: epsilon matters
        opt.update_params(theta, g.copy())
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        lr_t = 0.01 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        ref -= lr_t * m / (np.sqrt(v) + 1e-3)
        np.testing.assert_allclose(theta, ref, rtol=1e-10, atol=1e-16)


# ----------------------------------------------------------------------------- schedules


@quiet
def test_invscaling_sets_the_rate_from_the_samples_seen():
    clf = MLPClassifier((4,), solver="sgd", learning_rate="invscaling", learning_rate_init=0.3,
                        power_t=0.25, max_iter=3, random_state=0).fit(X_digits, y_digits)
    assert clf.t_ == 300
    assert clf._optimizer.learning_rate == pytest.approx(0.3 / 301 ** 0.25, rel=1e-15)
    clf = MLPClassifier((4,), solver="sgd", max_iter=3, random_state=0).fit(X_digits, y_digits)
    assert clf._optimizer.learning_rate == 1e-3                 # "constant"


def test_adaptive_divides_the_rate_by_five_until_it_is_below_1e_6(capsys):
    X, y = [[3, 2], [1, 6]], [1, 0]
    clf = MLPClassifier(solver="sgd", learning_rate="adaptive", tol=0.5, max_iter=3000,
                        verbose=True).fit(X, y)
    out = capsys.readouterr().out
    assert clf.n_iter_ < 3000 and clf._optimizer.learning_rate < 1e-6
    # 1e-3 → 2e-4 → 4e-5 → 8e-6 → 1.6e-6 → 3.2e-7, which is below 1e-6: stop
    assert out.count("Setting learning rate to") == 5
    assert "Learning rate too small. Stopping." in out


# ----------------------------------------------------------------------------- stopping


@pytest.mark.parametrize("n_iter_no_change", [1, 3, 8])
def test_training_stops_after_more_than_n_iter_no_change_epochs_without_improvement(
        n_iter_no_change, capsys):
    clf = MLPClassifier(solver="sgd", tol=0.01, max_iter=3000, verbose=True,
                        learning_rate_init=0.05, random_state=0,
                        n_iter_no_change=n_iter_no_change).fit(X_digits, y_digits)
    assert clf._no_improvement_count == n_iter_no_change + 1 and clf.n_iter_ < 3000
    curve = np.array(clf.loss_curve_)
    best_before = np.minimum.accumulate(curve)[:-1]        # best_loss_ before each epoch
    no_gain = curve[1:] > best_before - 0.01
    assert len(no_gain) > n_iter_no_change + 1               # it did improve for a while
    assert no_gain[-n_iter_no_change - 1:].all() and not no_gain[-n_iter_no_change - 2]
    assert (f"Training loss did not improve more than tol=0.010000 for {n_iter_no_change} "
            "consecutive epochs. Stopping.") in capsys.readouterr().out


@quiet
def test_n_iter_no_change_inf_runs_every_iteration():
    clf = MLPClassifier(solver="sgd", tol=1e9, max_iter=40, n_iter_no_change=np.inf)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(40\) reached"):
        clf.fit(X_digits, y_digits)
    assert clf.n_iter_ == 40 and clf._no_improvement_count == 39


@quiet
def test_early_stopping_errors_have_scikit_learns_wording():
    X, y = make_regression(n_samples=2, n_features=3, random_state=0)
    with pytest.raises(ValueError, match="The validation set is too small"):
        MLPRegressor(early_stopping=True).fit(X, y)
    clf = MLPClassifier(solver="sgd", max_iter=2).fit(X_digits, y_digits)
    clf.set_params(early_stopping=True)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        clf.partial_fit(X_digits, y_digits)


@quiet
def test_early_stopping_on_a_diverging_model_records_nan_scores():
    X, y = make_regression(n_samples=60, n_features=3, random_state=0)
    reg = MLPRegressor(hidden_layer_sizes=20, activation="identity", solver="sgd",
                       learning_rate_init=1.0, early_stopping=True, max_iter=5, random_state=0)
    with np.errstate(all="ignore"):
        reg.fit(X, y * 1e3)
    assert isinstance(reg.validation_scores_[-1], float)
    assert np.isnan(reg.validation_scores_[-1])
    assert np.isfinite(reg.coefs_[0]).all()                # the best epoch's weights are kept


@quiet
def test_a_batch_larger_than_the_data_is_clipped_with_a_warning():
    with pytest.warns(UserWarning, match="It is going to be clipped"):
        clf = MLPClassifier((4,), batch_size=500, max_iter=1).fit(X_digits, y_digits)
    assert clf.t_ == 100


# ----------------------------------------------------------------------------- L-BFGS


@pytest.mark.parametrize("limit, match", [({"max_fun": 5}, "F,G EVALUATIONS EXCEEDS LIMIT"),
                                          ({"max_iter": 3}, "ITERATIONS REACHED LIMIT")])
def test_lbfgs_stops_at_max_fun_or_max_iter_with_a_warning(limit, match):
    clf = MLPClassifier((20,), solver="lbfgs", random_state=0, **limit)
    with pytest.warns(ConvergenceWarning, match=f"(?s)lbfgs failed to converge.*{match}"):
        clf.fit(X_digits, y_digits)
    assert clf.n_iter_ <= min(limit.get("max_fun", 99), limit.get("max_iter", 99))
    assert clf.loss_ > 0 and not hasattr(clf, "loss_curve_")


def test_lbfgs_converges_on_small_data():
    clf = MLPClassifier((20,), solver="lbfgs", random_state=0).fit(X_digits, y_digits)
    assert clf.n_iter_ < 200 and clf.score(X_digits, y_digits) == 1.0
