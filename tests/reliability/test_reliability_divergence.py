"""Divergence: fit stops at once, keeps the last finite weights and raises DivergenceError.

A ``Snapshots(every=1)`` callback records the weights each step *starts* from, so after a
divergence the model must hold exactly the last recorded weights (those of the last finite step),
no recorded weights may be non-finite (training stopped at once) and ``model.iterations`` must count
only the finite updates.
"""

from __future__ import annotations

import numpy as np
import pytest
from reliability_helpers import data

import glassnet as gn
from glassnet.callbacks import Snapshots
from glassnet.layers import Dense


def unscaled_regression(optimizer=None):
    """Unscaled features (×1000) and SGD(lr=10): the loss blows up within a few steps."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)) * 1000.0
    model = gn.Sequential([Dense(8, "relu"), Dense(1)], seed=0, dtype=np.float64)
    model.compile(loss="mse", optimizer=optimizer or gn.optimizers.SGD(lr=10.0))
    return model, X, X @ np.array([1.0, 2.0, 3.0]), None


def overflow_mid_epoch():
    """A finite loss and gradient, but an update of lr=1e38 overflows float32 weights."""
    X, _, _ = data(40)
    model = gn.Sequential([Dense(1)], seed=0, dtype=np.float32)
    model.compile(loss="mse", optimizer=gn.optimizers.SGD(lr=1e38))
    return model, X, X @ np.array([1.0, 2.0, 3.0]), 10


def overflow_full_batch():
    """Gradients of ~100 (inputs ×1000) times lr=1e38 overflow float32 weights (a net with a
    tanh layer would saturate and keep huge but finite weights: not a divergence)."""
    X, yb, _ = data(40)
    model = gn.Sequential([Dense(1, "sigmoid")], seed=0, dtype=np.float32)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=1e38))
    return model, X * 1e3, yb, None


def adam_after_good_epochs():
    """Two good epochs, then the learning rate is raised: divergence in a later epoch."""
    model, X, y, _ = unscaled_regression(gn.optimizers.Adam(lr=1e-3))
    model.fit(X / 1000.0, y / 1000.0, epochs=2, batch_size=10, verbose=0)
    model.optimizer.lr = 1e308
    return model, X, y, 10


CASES = [
    pytest.param(unscaled_regression, id="loss-overflow"),
    pytest.param(overflow_mid_epoch, id="weight-overflow-mid-epoch"),
    pytest.param(overflow_full_batch, id="weight-overflow-full-batch"),
    pytest.param(adam_after_good_epochs, id="adam-later-epoch"),
]


@pytest.mark.parametrize("case", CASES)
def test_divergence_stops_at_once_and_keeps_the_last_finite_weights(case):
    """Runs under pytest's RuntimeWarning-as-error filter: no warning may escape either."""
    model, X, y, batch_size = case()
    first_epoch = model.epoch
    snaps = Snapshots(every=1)
    with pytest.raises(gn.DivergenceError) as info:
        model.fit(X, y, epochs=first_epoch + 30, initial_epoch=first_epoch,
                  batch_size=batch_size, verbose=0, callbacks=[snaps])
    err = info.value
    assert isinstance(err, FloatingPointError)
    message = str(err)
    assert "epoch" in message and "step" in message
    assert "lower learning rate" in message and f"lr={model.optimizer.lr}" in message

    weights = model.get_weights()
    assert all(np.isfinite(w).all() for w in weights)
    assert all(np.isfinite(w).all() for snap in snaps.weights for w in snap), \
        "a step started from non-finite weights: training did not stop at once"
    for w, s in zip(weights, snaps.weights[-1], strict=True):      # the last finite step
        np.testing.assert_array_equal(w, s)
    assert model.iterations == snaps.steps[-1]                # the failed step not counted
    completed = model.epoch - first_epoch
    assert len(model.history.history.get("loss", [])) == completed
    assert np.isfinite(model.history.history.get("loss", [])).all()


def test_divergence_is_never_silent():
    """No TerminateOnNaN-style continuation: fit raises and does not run the other epochs."""
    model, X, y, _ = unscaled_regression()
    seen = []

    class Watch(gn.callbacks.Callback):
        def on_epoch_end(self, epoch, logs):
            seen.append(logs["loss"])

    with np.errstate(all="ignore"), pytest.raises(gn.DivergenceError):
        model.fit(X, y, epochs=30, verbose=0, callbacks=[Watch()])
    assert model.epoch < 30 and len(seen) == model.epoch
    assert np.isfinite(seen).all() and np.isfinite(model.history.history["loss"]).all()
    assert all(np.isfinite(w).all() for w in model.get_weights())


def test_a_weight_turned_nan_between_steps_is_replaced_by_the_last_finite_ones():
    """A callback poisons one weight after step 6: step 7's loss is NaN, nothing is updated and
    the weights go back to those step 6 started from (the last finite step)."""
    model, X, y, _ = unscaled_regression(gn.optimizers.Adam(lr=1e-3))
    X, y = X / 1000.0, y / 1000.0

    class Poison(gn.callbacks.Callback):
        def on_train_batch_end(self, step, logs):
            if step == 6:
                self.model.layers[0].params["W"][0, 0] = np.nan

    snaps = Snapshots(every=1)
    with pytest.raises(gn.DivergenceError, match=r"step 7"):
        model.fit(X, y, epochs=5, batch_size=10, verbose=0, callbacks=[snaps, Poison()])
    assert (model.iterations, model.epoch, len(model.history.history["loss"])) == (7, 1, 1)
    assert snaps.steps[-2:] == [6, 7]
    for w, s in zip(model.get_weights(), snaps.weights[-2], strict=True):
        np.testing.assert_array_equal(w, s)


def test_the_linear_models_raise_and_keep_their_previous_fit():
    X, yb, _ = data(40)
    model = gn.linear.LogisticRegression(lr=0.1, epochs=20).fit(X, yb)
    coef = model.coef_.copy()
    with pytest.raises(gn.DivergenceError, match=r"lower lr \(got 1e\+300\)"):
        model.set_params(lr=1e300, tol=0.0).fit(X * 1e150, yb)
    np.testing.assert_array_equal(model.coef_, coef)


def test_divergence_error_is_exported_and_a_floating_point_error():
    from glassnet.errors import DivergenceError

    assert gn.DivergenceError is DivergenceError
    assert issubclass(DivergenceError, FloatingPointError)
    err = DivergenceError("diverged", epoch=3, step=41)
    assert (err.epoch, err.step, str(err)) == (3, 41, "diverged")
