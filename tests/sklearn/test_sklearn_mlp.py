"""Behaviour of ``glassnet.sklearn.MLPClassifier`` / ``MLPRegressor`` beyond ``check_estimator``."""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier as SkMLPClassifier  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import glassnet as gn  # noqa: E402
from glassnet.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

quiet = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def blobs(n: int = 120, k: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``k`` well separated Gaussian clusters in 2-D, labels 0..k-1."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    centers = np.stack([np.cos(2 * np.pi * np.arange(k) / k),
                        np.sin(2 * np.pi * np.arange(k) / k)], axis=1) * 3
    return centers[y] + rng.normal(size=(n, 2)), y


def smooth(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, size=(n, 1))
    return x, np.sin(x[:, 0]) + 0.5 * x[:, 0]


# ----------------------------------------------------------------------------- accuracy


@quiet
def test_classifier_learns_iris():
    X, y = load_iris(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)
    scaler = StandardScaler().fit(Xtr)
    clf = MLPClassifier(max_iter=300, random_state=0).fit(scaler.transform(Xtr), ytr)
    assert clf.score(scaler.transform(Xte), yte) >= 0.9


@quiet
def test_regressor_fits_a_smooth_function():
    X, y = smooth(300, seed=0)
    Xte, yte = smooth(200, seed=1)
    reg = MLPRegressor((32,), activation="tanh", learning_rate_init=0.01, max_iter=400,
                       random_state=0).fit(X, y)
    assert reg.score(Xte, yte) >= 0.9


# ----------------------------------------------------------------------------- heads and targets


@quiet
def test_binary_problem_uses_one_sigmoid_unit_and_any_labels():
    X, y = blobs(60, k=2)
    labels = np.array(["no", "yes"])[y]
    clf = MLPClassifier((8,), max_iter=30, random_state=0).fit(X, labels)
    last = clf.model_.layers[-1]
    assert (last.units, last.activation.name, clf.model_.loss.name) == (
        1, "sigmoid", "binary_crossentropy")
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 1
    np.testing.assert_array_equal(clf.classes_, ["no", "yes"])
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 2) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


@quiet
def test_multiclass_problem_uses_a_softmax_head():
    X, y = blobs(90, k=3)
    clf = MLPClassifier((8,), max_iter=30, random_state=0).fit(X, y + 10)
    last = clf.model_.layers[-1]
    assert (last.units, last.activation.name, clf.model_.loss.name) == (
        3, "softmax", "categorical_crossentropy")
    assert clf.out_activation_ == "softmax"
    np.testing.assert_array_equal(clf.classes_, [10, 11, 12])
    assert set(clf.predict(X)) <= {10, 11, 12}


@quiet
@pytest.mark.parametrize("k", [2, 3])
def test_predict_log_proba_is_log_of_predict_proba_and_stays_finite(k):
    X, y = blobs(60, k=k)
    clf = MLPClassifier((8,), max_iter=30, random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(clf.predict_proba(X)),
                               rtol=1e-10, atol=1e-12)
    far = X[:5] * 1e4                         # saturated outputs: probabilities round to 0
    assert np.isfinite(clf.predict_log_proba(far)).all()


@pytest.mark.parametrize("y, match", [
    (np.eye(2)[np.arange(20) % 2], "multilabel"),
    (np.linspace(0, 1, 20), "Unknown label type"),
    (np.zeros(20), "at least 2 classes"),
])
def test_classifier_refuses_targets_it_cannot_learn(y, match):
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match=match):
        MLPClassifier(max_iter=2).fit(X, y)


@quiet
def test_regressor_output_shape_follows_y():
    X, y = smooth(40)
    Y = np.column_stack([y, -y])
    reg = MLPRegressor((8,), max_iter=5, random_state=0)
    assert reg.fit(X, y).predict(X).shape == (40,)
    assert reg.fit(X, Y).predict(X).shape == (40, 2) and reg.n_outputs_ == 2
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        reg.fit(X, y[:, None])
    assert reg.predict(X).shape == (40,)
    with pytest.raises(ValueError, match="1 output"):
        reg.partial_fit(X, Y)


# ----------------------------------------------------------------------------- partial_fit


def test_partial_fit_needs_classes_first_and_then_the_same_ones():
    X, y = blobs(40, k=3)
    clf = MLPClassifier((4,))
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])       # a batch may lack classes
    assert clf.n_outputs_ == 3
    with pytest.raises(ValueError, match="is not the same as on the first call"):
        clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="not in classes_"):
        clf.partial_fit(X, y + 1)


@pytest.mark.parametrize("est, y_of", [
    (MLPClassifier((6,), shuffle=False, n_iter_no_change=50, random_state=3), lambda y: y),
    (MLPRegressor((6,), shuffle=False, n_iter_no_change=50, random_state=3),
     lambda y: y * 0.5 - 1.0),
])
def test_k_partial_fits_equal_a_fit_of_k_epochs(est, y_of):
    X, y = blobs(50, k=3)
    y = y_of(y)
    inc = copy.deepcopy(est)
    for _ in range(6):
        inc.partial_fit(X, y, **({"classes": np.unique(y)} if hasattr(est, "predict_proba")
                                 else {}))
        assert inc.n_iter_ == 1
    assert inc.model_.epoch == 6 and len(inc.loss_curve_) == 6 and inc.t_ == 6 * 50
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(6\)"):
        full = est.set_params(max_iter=6).fit(X, y)
    np.testing.assert_array_equal(inc.loss_curve_, full.loss_curve_)
    np.testing.assert_array_equal(inc.predict(X), full.predict(X))


def test_partial_fit_refuses_early_stopping():
    X, y = blobs(40)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        MLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1])


# ----------------------------------------------------------------------------- convergence


@pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("n_iter_no_change", [1, 4])
def test_stopping_rule_matches_scikit_learn(n_iter_no_change):
    X, y = blobs(80)
    # with tol this large no epoch counts as an improvement after the first one
    ours = MLPClassifier((8,), tol=1e3, n_iter_no_change=n_iter_no_change,
                         random_state=0).fit(X, y)
    theirs = SkMLPClassifier((8,), tol=1e3, n_iter_no_change=n_iter_no_change,
                             random_state=0).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == n_iter_no_change + 2
    assert len(ours.loss_curve_) == ours.n_iter_ and ours.loss_ == ours.loss_curve_[-1]
    assert ours.best_loss_ == min(ours.loss_curve_) and ours.validation_scores_ is None


def test_reaching_max_iter_warns():
    X, y = blobs(40)
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(3\) reached"):
        clf = MLPClassifier((4,), max_iter=3).fit(X, y)
    assert clf.n_iter_ == 3


@quiet
def test_early_stopping_keeps_the_best_epoch():
    X, y = blobs(200, k=3, seed=2)
    params = dict(hidden_layer_sizes=(8,), early_stopping=True, n_iter_no_change=3,
                  validation_fraction=0.3, shuffle=False, random_state=1)
    clf = MLPClassifier(max_iter=200, **params).fit(X, y)
    scores = clf.validation_scores_
    assert len(scores) == clf.n_iter_ < 200 and clf.best_loss_ is None
    assert clf.best_validation_score_ == max(scores)
    best_epoch = int(np.argmax(scores)) + 1
    assert clf.n_iter_ > best_epoch                  # it trained past the best epoch...
    short = MLPClassifier(max_iter=best_epoch, **params).fit(X, y)
    # ...and went back to it: a run that stopped right there has the same weights
    for a, b in zip(clf.model_.get_weights(), short.model_.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_early_stopping_needs_a_validation_set_of_two():
    X, y = smooth(10)
    with pytest.raises(ValueError, match="needs at least 2"):
        MLPRegressor(early_stopping=True).fit(X, y)


# ----------------------------------------------------------------------------- parameters


@quiet
@pytest.mark.parametrize("Est", [MLPClassifier, MLPRegressor])
def test_alpha_gives_scikit_learns_penalty(Est):
    X, y = blobs(50)
    alpha = 0.5
    est = Est((5,), alpha=alpha, max_iter=5, dtype="float64", random_state=0).fit(X, y)
    W2 = sum(float(np.sum(W * W)) for W in est.coefs_)
    penalty = alpha / (2 * len(X)) * W2            # full batch: m = n_samples
    if Est is MLPClassifier:
        p = est.predict_proba(X)[:, 1]
        data_loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
        engine = est.model_.evaluate(X, y)["loss"]
    else:
        data_loss = 0.5 * np.mean((est.predict(X) - y) ** 2)    # scikit-learn's squared error
        engine = 0.5 * est.model_.evaluate(X, y)["loss"]
    np.testing.assert_allclose(engine, data_loss + penalty, rtol=1e-10)


@quiet
@pytest.mark.parametrize("name, cls, config", [
    ("sgd", gn.optimizers.SGD, {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("adam", gn.optimizers.Adam, {"lr": 0.05, "beta1": 0.8, "beta2": 0.99, "eps": 1e-7}),
    ("rmsprop", gn.optimizers.RMSprop, {"lr": 0.05}),
    ("adagrad", gn.optimizers.Adagrad, {"lr": 0.05}),
])
def test_optimizer_names_map_to_glassnet_optimizers(name, cls, config):
    X, y = blobs(30)
    clf = MLPClassifier((4,), optimizer=name, learning_rate_init=0.05, beta_1=0.8,
                        beta_2=0.99, epsilon=1e-7, max_iter=2).fit(X, y)
    assert type(clf.model_.optimizer) is cls
    got = clf.model_.optimizer.get_config()
    assert {k: got[k] for k in config} == config


@quiet
def test_network_structure_follows_the_parameters():
    X, y = blobs(30)
    clf = MLPClassifier((7, 5), activation="logistic", dropout=0.25, dtype="float64",
                        max_iter=2).fit(X, y)
    kinds = [type(layer).__name__ for layer in clf.model_.layers]
    assert kinds == ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    assert [layer.activation.name for layer in clf.model_.layers[::2]] == [
        "sigmoid", "sigmoid", "sigmoid"]
    assert clf.model_.dtype == np.float64 and clf.n_layers_ == 4
    assert [W.shape for W in clf.coefs_] == [(2, 7), (7, 5), (5, 1)]
    assert [b.shape for b in clf.intercepts_] == [(7,), (5,), (1,)]
    lin = MLPRegressor(3, activation="identity", max_iter=2).fit(X, y)
    assert [layer.activation.name for layer in lin.model_.layers] == ["linear", "linear"]
    none = MLPRegressor((), max_iter=2).fit(X, y)
    assert len(none.model_.layers) == 1 and none.n_layers_ == 2


def test_fitted_views_need_a_fitted_model():
    with pytest.raises(NotFittedError):
        MLPClassifier().coefs_  # noqa: B018


@pytest.mark.parametrize("params, error, match", [
    ({"activation": "softplus"}, ValueError, "activation must be one of"),
    ({"optimizer": "lbfgs"}, ValueError, "optimizer must be one of"),
    ({"hidden_layer_sizes": (10, 0)}, ValueError, r"hidden_layer_sizes\[1\] must be >= 1"),
    ({"hidden_layer_sizes": "10"}, TypeError, "hidden_layer_sizes must be an int or a sequence"),
    ({"alpha": -1.0}, ValueError, "alpha must be >= 0"),
    ({"batch_size": 0}, ValueError, "batch_size must be >= 1"),
    ({"batch_size": "big"}, ValueError, "batch_size must be 'auto' or a positive int"),
    ({"learning_rate_init": 0.0}, ValueError, "learning_rate_init must be > 0"),
    ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
    ({"validation_fraction": 1.0}, ValueError, "validation_fraction must be < 1"),
    ({"dropout": 1.0}, ValueError, "dropout must be < 1"),
    ({"dtype": "int32"}, ValueError, "dtype must be 'float32' or 'float64', got int32"),
    ({"shuffle": "yes"}, TypeError, "shuffle must be a bool"),
    ({"n_iter_no_change": 0}, ValueError, "n_iter_no_change must be >= 1"),
])
def test_bad_parameters_are_reported_by_fit(params, error, match):
    X, y = blobs(20)
    clf = MLPClassifier(**params)                     # scikit-learn: __init__ never checks
    with pytest.raises(error, match=match):
        clf.fit(X, y)


@quiet
def test_batch_size_larger_than_the_data_is_clipped_with_a_warning():
    X, y = blobs(20)
    with pytest.warns(UserWarning, match="clipped to 20"):
        MLPClassifier((4,), batch_size=64, max_iter=2).fit(X, y)


@quiet
def test_random_state_makes_fits_repeatable():
    X, y = blobs(60, k=3)
    a = MLPClassifier((8,), max_iter=10, random_state=5).fit(X, y).predict_proba(X)
    b = MLPClassifier((8,), max_iter=10, random_state=5).fit(X, y).predict_proba(X)
    c = MLPClassifier((8,), max_iter=10, random_state=6).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@quiet
def test_warm_start_goes_on_with_the_same_network():
    X, y = blobs(40, k=3)
    clf = MLPClassifier((4,), max_iter=5, warm_start=True, random_state=0).fit(X, y)
    model = clf.model_
    clf.fit(X, y)
    assert clf.model_ is model and model.epoch == 10 and len(clf.loss_curve_) == 10
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X[y < 2], y[y < 2])
    clf.set_params(warm_start=False).fit(X, y)
    assert clf.model_ is not model and len(clf.loss_curve_) == 5


@quiet
@pytest.mark.parametrize("duplicate", [lambda e: pickle.loads(pickle.dumps(e)), copy.deepcopy])
def test_a_copied_estimator_keeps_training(duplicate):
    X, y = blobs(40, k=3)
    clf = MLPClassifier((6,), max_iter=5, random_state=0).fit(X, y)
    twin = duplicate(clf)
    before = twin.predict_proba(X)
    np.testing.assert_array_equal(before, clf.predict_proba(X))
    clf.partial_fit(X, y)
    twin.partial_fit(X, y)
    after = twin.predict_proba(X)
    assert not np.allclose(after, before)          # the copy's updates reach its layers
    np.testing.assert_array_equal(after, clf.predict_proba(X))


@quiet
def test_verbose_prints_the_loss_of_each_iteration(capsys):
    X, y = blobs(20)
    MLPClassifier((4,), max_iter=2, verbose=True).fit(X, y)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == ["Iteration 1", "Iteration 2"]
    assert all("loss = " in line for line in lines)


@quiet
def test_feature_names_of_a_dataframe_are_kept():
    pd = pytest.importorskip("pandas")
    X, y = blobs(30)
    df = pd.DataFrame(X, columns=["width", "height"])
    clf = MLPClassifier((4,), max_iter=2).fit(df, y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["width", "height"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clf.predict(df)


@quiet
def test_alpha_cannot_be_switched_on_when_training_goes_on():
    X, y = blobs(30)
    clf = MLPClassifier((4,), alpha=0.0, max_iter=2, warm_start=True).fit(X, y)
    with pytest.raises(ValueError, match="alpha cannot change between 0 and a positive value"):
        clf.set_params(alpha=0.1).fit(X, y)


@quiet
@pytest.mark.parametrize("dtype, rtol", [("float32", 1e-5), ("float64", 1e-12)])
def test_predictions_are_the_networks_outputs(dtype, rtol):
    X, y = blobs(50, k=3)
    clf = MLPClassifier((8, 8), dropout=0.2, dtype=dtype, max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), clf.model_.predict(X), rtol=rtol, atol=1e-7)
    reg = MLPRegressor((8,), dtype=dtype, max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_allclose(reg.predict(X), reg.model_.predict(X)[:, 0], rtol=rtol, atol=1e-6)
