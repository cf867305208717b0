"""``gn.lr_find``: the range test leaves the model bit for bit as it was and suggests a
learning rate that trains."""

from __future__ import annotations

import numpy as np
import pytest
from broken_nets import GOOD, moons, small_net
from test_diagnose import assert_same_state, model_state

import glassnet as gn
from glassnet.diagnostics.lr_find import lr_schedule, smoothed, suggestion


@pytest.mark.parametrize("optimizer", [lambda: gn.optimizers.Adam(lr=1e-2),
                                       lambda: gn.optimizers.SGD(lr=0.1, momentum=0.9),
                                       lambda: gn.optimizers.RMSprop(lr=1e-3)])
def test_lr_find_restores_weights_and_optimizer_state_bit_for_bit(optimizer):
    X, y = moons(200)
    model = small_net()
    model.compile(loss="binary_crossentropy", optimizer=optimizer(), metrics=["accuracy"])
    model.fit(X, y, epochs=3, batch_size=32, verbose=0, seed=0)
    assert model.optimizer.state_arrays()              # there is state to keep
    before = model_state(model)
    lr, fig = gn.lr_find(model, X, y)
    assert_same_state(before, model_state(model))
    assert model.optimizer.iterations == before["iterations"]
    # the model trains on exactly as it would have without the test
    twin_losses = model.fit(X, y, epochs=4, initial_epoch=3, batch_size=32, verbose=0,
                            seed=0).history["loss"]
    assert np.isfinite(twin_losses).all()


def test_lr_find_on_an_untrained_model_suggests_a_rate_that_trains():
    model, X, y = GOOD["moons"](train=False)
    lr, fig = gn.lr_find(model, X, y)
    assert 1e-4 < lr < 1.0
    assert model.optimizer.iterations == 0 and model.history is None
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    data = fig.lr_find
    assert len(data["lrs"]) == len(data["losses"]) == len(data["smoothed"]) >= 10
    assert data["suggestion"] == lr
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.Adam(lr=lr))
    h = model.fit(X, y, epochs=30, batch_size=32, verbose=0, seed=0)
    assert h.history["loss"][-1] < 0.5 * h.history["loss"][0]


def test_range_test_stops_when_the_loss_diverges():
    X, y = moons(200)
    model = small_net(activation="tanh", init="glorot_uniform")
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=0.1))
    lr, fig = gn.lr_find(model, X, y, end_lr=1e4, steps=100)
    assert len(fig.lr_find["lrs"]) < 100
    assert fig.lr_find["lrs"][-1] < 1e4


def test_schedule_and_smoothing_follow_their_formulas():
    lrs = lr_schedule(1e-6, 1.0, 7)
    np.testing.assert_allclose(lrs, 10.0 ** np.arange(-6, 1), rtol=1e-12)
    s = smoothed([1.0, 3.0], beta=0.5)
    np.testing.assert_allclose(s, [1.0, (0.25 + 1.5) / 0.75])   # bias-corrected EMA


def test_suggestion_is_a_tenth_of_the_minimum_and_the_edge_for_flat_curves():
    lrs = np.geomspace(1e-6, 1.0, 61)
    dip = 2.0 - np.exp(-((np.log10(lrs) + 2) ** 2))      # minimum at lr = 1e-2
    # ties: the largest lr within 10 % of the drop above the minimum, exp(-d²) >= 0.9
    edge = 10.0 ** (-2 + np.sqrt(-np.log(0.9)))
    assert 1e-3 < suggestion(lrs, dip) <= edge / 10
    flat = np.where(lrs < 0.1, 0.05, 1.0)                # an already trained model
    assert suggestion(lrs, flat) == pytest.approx(lrs[np.argmax(lrs >= 0.1)] / 10)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"start_lr": 0.0}, ValueError, "start_lr must be"),
    ({"start_lr": 1.0, "end_lr": 0.1}, ValueError, "end_lr must be greater than start_lr"),
    ({"steps": 2}, ValueError, "steps must be >= 5"),
    ({"batch_size": 500}, ValueError, "batch_size must be <= 100"),
])
def test_lr_find_checks_its_arguments(kwargs, error, match):
    X, y = moons(100)
    model = small_net()
    with pytest.raises(error, match=match):
        gn.lr_find(model, X, y, **kwargs)
    assert not model.built


def test_lr_find_needs_a_compiled_model():
    X, y = moons(50)
    with pytest.raises(ValueError, match="model must be compiled"):
        gn.lr_find(gn.Sequential([gn.layers.Dense(1, activation="sigmoid")]), X, y)
