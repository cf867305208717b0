"""Behaviour of ``glassnet.sklearn.MLPClassifier`` / ``MLPRegressor`` beyond ``check_estimator``."""

from __future__ import annotations

import copy
import inspect
import pickle
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
pytest.importorskip("scipy")

import joblib  # noqa: E402
from sklearn import neural_network as sk  # noqa: E402
from sklearn.datasets import load_iris  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, DataConversionWarning  # noqa: E402
from sklearn.utils import get_tags  # noqa: E402

import glassnet as gn  # noqa: E402
from glassnet.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

quiet = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def blobs(n: int = 120, k: int = 2, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``k`` well separated Gaussian clusters in 2-D, labels 0..k-1."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % k
    angle = 2 * np.pi * np.arange(k) / k
    centers = np.stack([np.cos(angle), np.sin(angle)], axis=1) * 3
    return centers[y] + rng.normal(size=(n, 2)), y


def smooth(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-3, 3, size=(n, 1))
    return x, np.sin(x[:, 0]) + 0.5 * x[:, 0]


# ----------------------------------------------------------------------------- parameters


@pytest.mark.parametrize("ours, theirs", [(MLPClassifier, sk.MLPClassifier),
                                          (MLPRegressor, sk.MLPRegressor)])
def test_signature_is_scikit_learns_plus_optimizer_and_dtype(ours, theirs):
    mine = inspect.signature(ours).parameters
    ref = inspect.signature(theirs).parameters
    assert list(mine)[:len(ref)] == list(ref) and list(mine)[len(ref):] == ["optimizer", "dtype"]
    for name, param in ref.items():
        assert mine[name].default == param.default and mine[name].kind == param.kind, name
    assert ours().get_params() == {**theirs().get_params(), "optimizer": None, "dtype": None}
    assert get_tags(ours()) == get_tags(theirs())           # sparse input, multilabel, ...


def test_regressor_takes_loss_first_and_hints_at_layer_sizes_given_there():
    X, y = smooth(20)
    with pytest.raises(ValueError, match="first positional parameter is loss.*hidden_layer_sizes"):
        MLPRegressor((8,)).fit(X, y)
    with pytest.raises(ValueError, match="loss must be one of 'squared_error', 'poisson'"):
        MLPRegressor(loss="absolute_error").fit(X, y)


@quiet
def test_optimizer_is_glassnets_alias_of_solver():
    X, y = blobs(40)
    a = MLPClassifier((4,), optimizer="sgd", max_iter=5, random_state=0).fit(X, y)
    b = MLPClassifier((4,), solver="sgd", max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert isinstance(a._optimizer.engine, gn.optimizers.SGD)
    c = MLPClassifier((4,), optimizer="rmsprop", max_iter=5, random_state=0).fit(X, y)
    assert isinstance(c._optimizer.engine, gn.optimizers.RMSprop)
    with pytest.raises(ValueError, match="give one of them, got solver='sgd' and "
                                         "optimizer='adam'"):
        MLPClassifier(solver="sgd", optimizer="adam").fit(X, y)


@pytest.mark.parametrize("params, error, match", [
    ({"solver": "newton"}, ValueError, "solver must be one of"),
    ({"learning_rate": "cyclic"}, ValueError, "learning_rate must be one of"),
    ({"hidden_layer_sizes": (4, 0)}, ValueError, r"hidden_layer_sizes\[1\] must be >= 1"),
    ({"hidden_layer_sizes": "wide"}, TypeError, "hidden_layer_sizes must be an int"),
    ({"activation": "gelu"}, ValueError, "activation must be one of"),
    ({"alpha": -1.0}, ValueError, "alpha"),
    ({"batch_size": 0}, ValueError, "batch_size"),
    ({"batch_size": "all"}, ValueError, "batch_size must be 'auto'"),
    ({"power_t": -0.5}, ValueError, "power_t"),
    ({"max_fun": 0}, ValueError, "max_fun"),
    ({"n_iter_no_change": 0}, ValueError, "n_iter_no_change"),
    ({"n_iter_no_change": 2.5}, TypeError, "n_iter_no_change"),
    ({"momentum": 1.5}, ValueError, "momentum"),
    ({"validation_fraction": 1.0}, ValueError, "validation_fraction"),
    ({"shuffle": "yes"}, TypeError, "shuffle must be a bool"),
    ({"dtype": "int32"}, ValueError, "dtype must be None, 'float32' or 'float64'"),
])
def test_bad_parameters_are_reported_by_fit(params, error, match):
    X, y = blobs(20)
    clf = MLPClassifier(**params)                  # __init__ only stores them
    with pytest.raises(error, match=match):
        clf.fit(X, y)
    assert not hasattr(clf, "coefs_")


# ----------------------------------------------------------------------------- heads and targets


@quiet
def test_binary_labels_of_any_kind_give_one_logistic_output():
    X, y = blobs(60, k=2)
    labels = np.array(["no", "yes"])[y]
    clf = MLPClassifier((8,), max_iter=30, random_state=0).fit(X, labels)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 1 and clf.n_layers_ == 3
    np.testing.assert_array_equal(clf.classes_, ["no", "yes"])
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 2) and proba.dtype == np.float64
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])


@quiet
def test_multiclass_labels_give_a_softmax_output():
    X, y = blobs(90, k=3)
    clf = MLPClassifier((8,), max_iter=30, random_state=0).fit(X, y + 10)
    assert clf.out_activation_ == "softmax" and clf.n_outputs_ == 3
    np.testing.assert_array_equal(clf.classes_, [10, 11, 12])
    assert set(clf.predict(X)) <= {10, 11, 12}


@quiet
def test_a_single_class_is_learnt_and_predicted_as_scikit_learn_does():
    X, _ = blobs(30)
    y = np.full(30, 7)
    ours = MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    theirs = sk.MLPClassifier((4,), max_iter=5, random_state=0).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), np.full(30, 7))
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-9)


@quiet
@pytest.mark.parametrize("k", [2, 3])
def test_predict_log_proba_is_log_of_predict_proba_and_stays_finite(k):
    X, y = blobs(60, k=k)
    clf = MLPClassifier((8,), solver="lbfgs", random_state=0).fit(X, y)
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(clf.predict_proba(X)),
                               rtol=1e-12)
    far = X[:5] * 1e4                         # saturated outputs: probabilities round to 0
    assert (clf.predict_proba(far) == 0).any()
    assert np.isfinite(clf.predict_log_proba(far)).all()


@quiet
def test_regressor_output_shape_follows_y():
    X, y = smooth(40)
    Y = np.column_stack([y, -y])
    reg = MLPRegressor(hidden_layer_sizes=(8,), max_iter=5, random_state=0)
    assert reg.fit(X, y).predict(X).shape == (40,)
    assert reg.fit(X, Y).predict(X).shape == (40, 2) and reg.n_outputs_ == 2
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        reg.fit(X, y[:, None])
    assert reg.predict(X).shape == (40,)
    with pytest.raises(ValueError, match=r"layer sizes \[1, 8, 1\].*need \[1, 8, 2\]"):
        reg.partial_fit(X, Y)


def test_poisson_loss_needs_non_negative_targets():
    X, y = smooth(20)
    with pytest.raises(ValueError, match="loss='poisson' needs targets y >= 0"):
        MLPRegressor(loss="poisson").fit(X, y)


# ----------------------------------------------------------------------------- dtype policy


@quiet
@pytest.mark.parametrize("Est", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("data_dtype, dtype, trained", [
    (np.float64, None, np.float64), (np.float32, None, np.float32), (np.int64, None, np.float64),
    (np.float64, "float32", np.float32), (np.float32, "float64", np.float64),
])
def test_network_dtype_follows_the_input_unless_given(Est, data_dtype, dtype, trained):
    X, y = blobs(40)
    X = (X * 10).astype(data_dtype)
    est = Est(hidden_layer_sizes=(4,), max_iter=3, random_state=0, dtype=dtype).fit(X, y)
    assert {a.dtype for a in est.coefs_ + est.intercepts_} == {np.dtype(trained)}
    out = est.predict(X) if Est is MLPRegressor else est.predict_proba(X)
    # the input's float dtype (ints are read as float64), promoted with the network's
    assert out.dtype == np.result_type(np.float64 if data_dtype == np.int64 else data_dtype,
                                       trained)


def test_targets_too_large_for_the_dtype_are_refused_before_the_cast():
    X, y = smooth(20)
    y = y * 1e300                                   # finite in float64, inf in float32
    reg = MLPRegressor(hidden_layer_sizes=(4,), max_iter=2)
    with pytest.raises(ValueError, match=r"y holds values up to .* that do not fit the "
                                         r"model's dtype float32"):
        reg.fit(X.astype(np.float32), y)
    with pytest.raises(ValueError, match="X holds values up to .* do not fit the model's dtype"):
        MLPRegressor(dtype="float32").fit(X * 1e300, y / 1e300)


def test_non_finite_weights_are_an_error_with_scikit_learns_message():
    rng = np.random.default_rng(0)
    X = np.finfo(np.float64).max * rng.uniform(size=(10, 2))
    with pytest.raises(ValueError, match="Solver produced non-finite parameter weights"):
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            MLPRegressor(max_iter=3).fit(X, rng.normal(size=10))


# ----------------------------------------------------------------------------- fitted state


@quiet
def test_coefs_and_intercepts_are_plain_lists_that_can_be_assigned():
    X, y = blobs(50)
    clf = MLPClassifier((5, 3), solver="lbfgs", max_iter=20, random_state=0).fit(X, y)
    assert [c.shape for c in clf.coefs_] == [(2, 5), (5, 3), (3, 1)]
    assert [b.shape for b in clf.intercepts_] == [(5,), (3,), (1,)]
    zero = copy.deepcopy(clf)
    zero.coefs_ = [np.zeros_like(c) for c in clf.coefs_]
    zero.intercepts_ = [np.zeros_like(b) for b in clf.intercepts_]
    np.testing.assert_allclose(zero.predict_proba(X), 0.5)       # predictions use them
    # training goes on from them (unbalanced labels: the output bias gets a gradient)
    zero.set_params(warm_start=True, max_iter=1).fit(X[:45], y[:45])
    assert np.abs(zero.intercepts_[-1]).max() > 0


def test_model_is_the_fitted_network_as_a_glassnet_sequential():
    X, y = blobs(60, k=3)
    clf = MLPClassifier((6,), activation="tanh", solver="lbfgs", random_state=0).fit(X, y)
    model = clf.model_
    assert isinstance(model, gn.Sequential)
    assert [layer.activation.name for layer in model.layers] == ["tanh", "softmax"]
    np.testing.assert_allclose(model.predict(X), clf.predict_proba(X), rtol=1e-12)
    model.layers[0].params["W"][...] = 0                        # a copy: the estimator keeps its
    assert np.abs(clf.coefs_[0]).max() > 0
    assert not hasattr(MLPClassifier(), "model_")


@quiet
@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_a_stored_estimator_predicts_and_keeps_training_like_the_original(dump, tmp_path):
    X, y = blobs(60, k=3)
    clf = MLPClassifier((6,), solver="adam", max_iter=5, random_state=0).fit(X, y)
    if dump == "pickle":
        back = pickle.loads(pickle.dumps(clf))
    else:
        joblib.dump(clf, tmp_path / "clf.joblib")
        back = joblib.load(tmp_path / "clf.joblib")
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    for _ in range(3):
        clf.partial_fit(X, y)
        back.partial_fit(X, y)
    for a, b in zip(clf.coefs_ + clf.intercepts_, back.coefs_ + back.intercepts_, strict=True):
        np.testing.assert_array_equal(a, b)
    assert back.loss_curve_ == clf.loss_curve_
    theta = np.concatenate([c.ravel() for c in clf.coefs_ + clf.intercepts_])
    Y = np.eye(3)[y]
    value, grad = pickle.loads(pickle.dumps(clf))._loss_grad_lbfgs(theta, X, Y)
    expected_value, expected_grad = clf._loss_grad_lbfgs(theta, X, Y)
    assert value == expected_value
    np.testing.assert_array_equal(grad, expected_grad)


@quiet
def test_warm_start_goes_on_and_needs_the_same_classes():
    X, y = blobs(60, k=3)
    clf = MLPClassifier((4,), solver="sgd", warm_start=True, max_iter=4, random_state=0)
    clf.fit(X, y)
    first = [c.copy() for c in clf.coefs_]
    clf.fit(X, y)
    assert len(clf.loss_curve_) == 8 and clf.n_iter_ == 4 and clf.t_ == 8 * 60
    assert not np.allclose(first[0], clf.coefs_[0])
    with pytest.raises(ValueError, match=r"warm_start can only be used where `y` has the same "
                                         r"classes as in the previous call to fit"):
        clf.fit(X, y % 2)
    fresh = MLPClassifier((4,), solver="sgd", max_iter=4, random_state=0).fit(X, y)
    assert len(fresh.loss_curve_) == 4


def test_partial_fit_needs_classes_first_then_the_same_ones():
    X, y = blobs(40, k=3)
    clf = MLPClassifier((4,))
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        clf.partial_fit(X, y)
    clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])       # a batch may lack classes
    assert clf.n_outputs_ == 3
    with pytest.raises(ValueError, match="is not the same as on last call to partial_fit"):
        clf.partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match="`y` has classes not in `self.classes_`"):
        clf.partial_fit(X, y + 1)


@pytest.mark.parametrize("Est", [MLPClassifier, MLPRegressor])
def test_partial_fit_exists_for_stochastic_solvers_only(Est):
    assert not hasattr(Est(solver="lbfgs"), "partial_fit")
    assert all(hasattr(Est(solver=s), "partial_fit") for s in ("sgd", "adam", "rmsprop"))


@quiet
def test_verbose_prints_the_loss_of_each_iteration(capsys):
    X, y = blobs(30)
    MLPClassifier((4,), solver="sgd", max_iter=2, verbose=True).fit(X, y)
    out = capsys.readouterr().out
    assert "Iteration 1, loss = " in out and "Iteration 2, loss = " in out
    MLPClassifier((4,), solver="lbfgs", max_iter=2, verbose=True).fit(X, y)
    assert "Iteration 1, loss = " in capsys.readouterr().out


@quiet
def test_feature_names_of_a_dataframe_are_kept_with_early_stopping():
    pd = pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)           # no "feature names" warning
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf = MLPClassifier((4,), early_stopping=True, max_iter=5, random_state=0)
        clf.fit(frame, y)
    np.testing.assert_array_equal(clf.feature_names_in_, ["a", "b", "c", "d"])
    with pytest.warns(UserWarning, match="feature names"):
        clf.predict(X)
