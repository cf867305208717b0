"""The divergence guard: when it copies the weights, and what it does between steps."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Dense
from glassnet.models.guards import norm_if_finite


def model_with(optimizer, dtype=np.float32):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(32, 3)).astype(dtype)
    y = (X @ np.array([1.0, -2.0, 0.5])).astype(dtype)
    model = gn.Sequential([Dense(4, "tanh"), Dense(1)], seed=0, dtype=dtype)
    model.compile(loss="mse", optimizer=optimizer)
    return model, X, y


@pytest.mark.parametrize(("values", "expected"), [
    ([3.0, 4.0], 5.0),
    ([3e30, 4e30], float("inf")),                 # finite, but the sum of squares overflows
    ([1.0, np.nan], None),
    ([np.inf, 1.0], None),
])
def test_norm_if_finite(values, expected):
    with np.errstate(over="ignore", invalid="ignore"):      # as inside fit
        got = norm_if_finite(np.array(values, dtype=np.float32))
    if expected is None:
        assert got is None
    else:
        assert got == pytest.approx(expected)


@pytest.mark.parametrize(("optimizer", "scale", "checked"), [
    (lambda: gn.optimizers.SGD(lr=0.1), 1.0, False),     # Δw = −lr·g: bounded, no copy
    (lambda: gn.optimizers.SGD(lr=0.1, momentum=0.9), 1.0, True),
    (lambda: gn.optimizers.Adam(), 1.0, True),
    (lambda: gn.optimizers.SGD(lr=1e37), 1e3, True),      # the bound does not rule it out
])
def test_the_backup_is_made_only_when_the_update_could_overflow(optimizer, scale, checked):
    model, X, y = model_with(optimizer())
    with np.errstate(over="ignore"):
        try:
            model.train_step(X * scale, y * scale)
        except gn.DivergenceError:
            pass
    guard = model._guard
    assert guard.checked is checked and guard.backup_current is checked


def test_sgd_without_a_backup_refuses_weights_made_nan_between_steps():
    model, X, y = model_with(gn.optimizers.SGD(lr=0.1))
    model.train_step(X, y)
    model.layers[0].params["W"][0, 0] = np.nan
    with pytest.raises(gn.DivergenceError, match="made non-finite between steps"):
        model.train_step(X, y)
    assert model.iterations == 1


def test_sgd_weight_overflow_is_undone_from_the_backup():
    _, X, y = model_with(gn.optimizers.SGD())
    model = gn.Sequential([Dense(1)], seed=0)
    model.compile(loss="mse", optimizer=gn.optimizers.SGD(lr=1e38))
    model.build((3,))
    before = model.get_weights()
    with np.errstate(over="ignore", invalid="ignore"), \
            pytest.raises(gn.DivergenceError, match="the update made a weight non-finite"):
        model.train_step(X * 1e3, y)
    for w, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(w, b)
    assert model.iterations == 0


def test_fit_looks_at_the_weights_once_and_keeps_a_bound_of_their_norm(monkeypatch):
    from glassnet.models import guards

    model, X, y = model_with(gn.optimizers.SGD(lr=0.1))
    model.build((3,))
    looked = []
    real = guards.norm_if_finite

    def counting(x):
        looked.append(x is model._flat_params)
        return real(x)

    monkeypatch.setattr(guards, "norm_if_finite", counting)
    model.fit(X, y, epochs=3, batch_size=8, verbose=0)     # 12 steps, no callback
    assert looked.count(True) == 1 and looked.count(False) == 12
    w_norm = float(np.linalg.norm(model._flat_params.astype(np.float64)))
    assert w_norm <= model._guard.w_bound < np.inf          # a bound, loose by design


def test_set_weights_and_train_step_make_the_guard_look_again():
    model, X, y = model_with(gn.optimizers.SGD(lr=0.1))
    model.fit(X, y, epochs=1, batch_size=8, verbose=0)
    assert model._guard.w_bound is not None
    model.set_weights(model.get_weights())
    assert model._guard.w_bound is None


@pytest.mark.parametrize("hook", ["on_train_batch_end", "on_train_batch_begin", "on_epoch_end"])
def test_a_callback_that_makes_a_weight_nan_during_fit_is_caught(hook):
    model, X, y = model_with(gn.optimizers.SGD(lr=0.1))

    class Breaker(gn.callbacks.Callback):
        pass

    def breaks(self, *args):
        if self.model.iterations == 2:
            self.model.layers[1].params["b"][0] = np.nan

    setattr(Breaker, hook, breaks)
    with pytest.raises(gn.DivergenceError, match="made non-finite between steps"):
        model.fit(X, y, epochs=4, batch_size=16, verbose=0, callbacks=[Breaker()])
    assert model.iterations == 2


def test_a_weight_made_nan_between_two_fits_is_caught():
    model, X, y = model_with(gn.optimizers.SGD(lr=0.1))
    model.fit(X, y, epochs=1, batch_size=8, verbose=0)
    model.layers[0].params["W"][0, 0] = np.inf
    with pytest.raises(gn.DivergenceError, match="made non-finite between steps"):
        model.fit(X, y, epochs=1, batch_size=8, verbose=0)


def test_a_weight_made_infinite_between_adam_steps_with_a_finite_loss_is_named_as_such():
    # A ReLU unit whose bias is −inf outputs 0: the loss and the gradients stay finite, and
    # Adam's update (no bound, so a backup) keeps the −inf. The error must say where it came from.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(16, 3)).astype(np.float32)
    y = rng.normal(size=16).astype(np.float32)
    model = gn.Sequential([Dense(4, "relu"), Dense(1)], seed=0)
    model.compile(loss="mse", optimizer=gn.optimizers.Adam())
    model.train_step(X, y)
    model.layers[0].params["b"][0] = -np.inf
    with np.errstate(invalid="ignore"), \
            pytest.raises(gn.DivergenceError, match="made non-finite between steps"):
        model.train_step(X, y)
    assert model.iterations == 1
