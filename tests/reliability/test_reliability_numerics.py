"""Numerical edges: logits of ±1e4, inputs of 1e6, stable sigmoid/softmax/log-loss, no warnings.

Every test here runs with all warnings turned into errors, so a RuntimeWarning (overflow in exp,
log of zero, 0/0) that escapes in normal use fails it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from reliability_helpers import data

import glassnet as gn
from glassnet import activations, losses
from glassnet.layers import Activation, Dense

DTYPES = [np.float32, np.float64]
BIG = 1e4


@pytest.fixture(autouse=True)
def all_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def softplus(z):
    """log(1 + e^z) in float64, exact for any z."""
    return np.logaddexp(0.0, np.asarray(z, dtype=np.float64))


# ---------------------------------------------------------------------------- pure functions


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_saturates_exactly_and_keeps_relative_precision_in_the_tails(dtype):
    z = np.array([-BIG, -80.0, -30.0, 0.0, 30.0, 80.0, BIG], dtype=dtype)
    a = activations.sigmoid(z)
    assert a.dtype == dtype and np.isfinite(a).all()
    assert a[0] == 0.0 and a[-1] == 1.0 and a[3] == 0.5
    # the lower tail is e^z / (1 + e^z), not 1 - 1/(1 + e^-z) (which would round to 0)
    tail = np.exp(np.float64(z[1:3])) / (1.0 + np.exp(np.float64(z[1:3])))
    np.testing.assert_allclose(a[1:3], tail, rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_and_log_softmax_are_finite_for_huge_logits(dtype):
    z = np.array([[BIG, -BIG, 0.0], [-BIG, -BIG, -BIG], [BIG, BIG, -BIG], [1.0, 2.0, 3.0]], dtype)
    p = activations.softmax(z.copy())
    logp = activations.log_softmax(z)
    assert np.isfinite(p).all() and np.isfinite(logp).all()
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(p[0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(p[1], [1 / 3] * 3, rtol=1e-6)
    np.testing.assert_allclose(p[2], [0.5, 0.5, 0.0], rtol=1e-6)
    # log_softmax of the losing logits is −2e4 and −1e4, not −inf
    np.testing.assert_allclose(logp[0], [0.0, -2 * BIG, -BIG], rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_log_loss_from_logits_is_exact_where_log_of_the_sigmoid_is_not(dtype):
    z = np.array([[-BIG], [BIG], [-800.0], [800.0], [0.0]], dtype=dtype)
    y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]], dtype=dtype)
    per = softplus(z) - z.astype(np.float64) * y        # reference, per sample
    loss = losses.bce_with_logits(z, y)
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, per.mean(), rtol=1e-6)
    np.testing.assert_allclose(per[:4, 0], [BIG, BIG, 800.0, 800.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_categorical_log_loss_from_logits_for_labels_and_one_hot_rows(dtype):
    z = np.array([[BIG, -BIG, 0.0], [-BIG, BIG, 0.0]], dtype=dtype)
    labels = np.array([1, 1])
    ref = np.mean([2 * BIG, 0.0])
    np.testing.assert_allclose(losses.cce_with_logits(z, labels), ref, rtol=1e-6)
    np.testing.assert_allclose(losses.cce_with_logits(z, np.eye(3, dtype=dtype)[labels]), ref,
                               rtol=1e-6)


@pytest.mark.parametrize("name", activations.names())
@pytest.mark.parametrize("dtype", DTYPES)
def test_every_activation_and_its_derivative_are_finite_at_plus_minus_1e4(name, dtype):
    fn = activations.get(name)
    z = np.array([[-BIG, -1.0, 0.0, 1.0, BIG]], dtype=dtype)
    a = fn.forward(z.copy())
    g = fn.backward(np.ones_like(a), a)
    assert np.isfinite(a).all() and np.isfinite(g).all()
    assert a.dtype == dtype and g.dtype == dtype


def test_probability_losses_clip_zero_and_one_instead_of_taking_log_0():
    a = np.array([[0.0], [1.0], [1.0]])
    y = np.array([[1.0], [0.0], [1.0]])
    value = losses.binary_crossentropy(a, y)
    grad = losses.BinaryCrossentropy().gradient(a, y)
    assert np.isfinite(value) and value > 10 and np.isfinite(grad).all()
    rows = np.array([[0.0, 1.0], [1.0, 0.0]])
    assert np.isfinite(losses.categorical_crossentropy(rows, np.array([0, 0])))
    assert np.isfinite(losses.CategoricalCrossentropy().gradient(rows, np.array([0, 0]))).all()


# ---------------------------------------------------------------------------- whole networks


def _head_model(head: str, dtype, separate_activation: bool):
    k = 1 if head == "sigmoid" else 3
    layers = ([Dense(k), Activation(head)] if separate_activation else [Dense(k, head)])
    model = gn.Sequential(layers, seed=0, dtype=dtype)
    model.compile(loss="binary_crossentropy" if head == "sigmoid" else "categorical_crossentropy",
                  optimizer="sgd", metrics=["accuracy"])
    model.build((2,))
    return model


@pytest.mark.parametrize("separate_activation", [False, True], ids=["Dense-head", "Activation"])
@pytest.mark.parametrize("head", ["sigmoid", "softmax"])
@pytest.mark.parametrize("dtype", DTYPES)
def test_losses_and_gradients_at_logits_of_plus_minus_1e4(head, dtype, separate_activation):
    """A head whose logits are ±1e4 on every sample: exact loss, exact dZ = (A − Y)/m."""
    model = _head_model(head, dtype, separate_activation)
    dense = model.layers[0]
    k = dense.units
    X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [-1.0, 0.0]], dtype=dtype)
    W = np.where(np.arange(2 * k).reshape(2, k) % 2 == 0, BIG, -BIG).astype(dtype)
    dense.params["W"][...] = W
    Z = X.astype(np.float64) @ W.astype(np.float64)        # logits in {0, ±1e4, ±2e4}
    assert np.abs(Z).max() >= BIG
    if head == "sigmoid":
        y = np.array([0, 1, 0, 1])
        ref = np.mean(softplus(Z[:, 0]) - Z[:, 0] * y)
        A = np.where(Z >= 0, 1.0, np.exp(-np.abs(Z))) / (1.0 + np.exp(-np.abs(Z)))
        dZ = (A - y[:, None]) / len(y)
    else:
        y = np.array([2, 0, 1, 2])
        shifted = Z - Z.max(axis=1, keepdims=True)
        logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        ref = -np.mean(logp[np.arange(4), y])
        dZ = (np.exp(logp) - np.eye(3)[y]) / len(y)

    loss = model.compute_gradients(X, y)
    assert np.isfinite(loss)
    np.testing.assert_allclose(loss, ref, rtol=1e-5)
    np.testing.assert_allclose(dense.grads["W"], X.T.astype(np.float64) @ dZ, rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(dense.grads["b"], dZ.sum(axis=0), rtol=1e-5, atol=1e-6)
    out = model.evaluate(X, y)
    np.testing.assert_allclose(out["loss"], ref, rtol=1e-5)
    pred = model.predict(X)
    assert np.isfinite(pred).all() and pred.min() >= 0.0 and pred.max() <= 1.0


HIDDEN = ["tanh", "relu", "leaky_relu", "sigmoid", "linear"]
HEADS = {
    "sigmoid": ("binary_crossentropy", 1, lambda X, yb, yc: yb),
    "softmax": ("categorical_crossentropy", 3, lambda X, yb, yc: yc),
    "linear": ("mse", 1, lambda X, yb, yc: X[:, 0] / 1e6),
}


@pytest.mark.parametrize("head", list(HEADS))
@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("dtype", DTYPES)
def test_inputs_of_1e6_give_finite_losses_gradients_and_outputs(hidden, head, dtype):
    loss_name, k, target = HEADS[head]
    X, yb, yc = data(16)
    X = X * 1e6
    y = target(X, yb, yc)
    model = gn.Sequential([Dense(8, hidden), Dense(8, hidden), Dense(k, head)], seed=0,
                          dtype=dtype)
    model.compile(loss=loss_name, optimizer=gn.optimizers.Adam(lr=1e-3))
    loss = model.compute_gradients(X, y)
    assert np.isfinite(loss)
    for layer in model.layers:
        for g in layer.grads.values():
            assert np.isfinite(g).all()
    out = model.predict(X)
    assert np.isfinite(out).all()
    # Adam's steps are bounded by lr, so a few epochs on such inputs stay finite
    history = model.fit(X, y, epochs=3, batch_size=4, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    assert all(np.isfinite(w).all() for w in model.get_weights())


@pytest.mark.parametrize("estimator, target", [
    (lambda: gn.linear.LogisticRegression(lr=0.1, epochs=50), lambda X, yb, yc: yb),
    (lambda: gn.linear.SoftmaxRegression(lr=0.1, epochs=50), lambda X, yb, yc: yc),
    (lambda: gn.linear.LinearRegression(), lambda X, yb, yc: X @ np.array([1.0, -2.0, 0.5])),
], ids=["logistic", "softmax", "ols"])
def test_linear_models_on_inputs_of_1e6(estimator, target):
    X, yb, yc = data(30)
    X = X * 1e6
    model = estimator().fit(X, target(X, yb, yc))
    assert np.isfinite(model.coef_).all() and np.isfinite(model.intercept_).all()
    out = model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)
    assert np.isfinite(out).all()


def test_normal_use_emits_no_warning_of_any_kind(tmp_path):
    """The posts' job end to end, every optimizer, with all warnings as errors."""
    X, yb, yc = data(60)
    for opt in ("sgd", "adam", "rmsprop", "adagrad"):
        model = gn.Sequential([Dense(8, "tanh"), gn.layers.Dropout(0.2), Dense(3, "softmax")],
                              seed=1)
        model.compile(loss="categorical_crossentropy", optimizer=opt, metrics=["accuracy"])
        model.fit(X, yc, epochs=5, batch_size=16, validation_data=(X, yc), verbose=0)
        model.evaluate(X, yc)
        model.save(tmp_path / f"{opt}.glassnet")
        np.testing.assert_array_equal(gn.load_model(tmp_path / f"{opt}.glassnet").predict(X),
                                      model.predict(X))
    for metric in (gn.metrics.accuracy_score, gn.metrics.f1_score):
        metric(yb, 1 - yb)                      # all wrong: zero denominators do not warn
    gn.metrics.log_loss(yb, yb.astype(float))   # probabilities 0 and 1: clipped, no log(0)


@pytest.mark.parametrize("values, dtype, expected", [
    ([1.0, 2.0], np.float64, True),
    ([1.0, np.nan], np.float64, False),
    ([np.inf, 1.0], np.float32, False),
    ([np.inf, -np.inf], np.float64, False),
    ([3e38, 3e38], np.float32, True),          # the sum overflows, the entries do not
    ([-3e38, -3e38, np.nan], np.float32, False),
])
def test_all_finite_needs_no_temporary_yet_is_exact(values, dtype, expected):
    from glassnet._validation import all_finite

    assert all_finite(np.array(values, dtype=dtype)) is expected
