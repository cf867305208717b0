"""``gn.callbacks.Diagnostics`` (warnings once per finding, ``history.diagnostics``) and
``gn.callbacks.LivePlot`` (in place in a notebook, nothing in a terminal)."""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest
from broken_nets import GOOD, moons, small_net

import glassnet as gn
from glassnet.diagnostics import DiagnosticWarning
from glassnet.plotting import diagnostics as plot_diagnostics


def fit_watched(model, X, y, epochs, **kwargs):
    cb = gn.callbacks.Diagnostics(**kwargs.pop("cb", {}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = model.fit(X, y, epochs=epochs, verbose=0, seed=0, callbacks=[cb], **kwargs)
    return history, cb, [w for w in caught if issubclass(w.category, DiagnosticWarning)]


def test_history_diagnostics_keeps_per_epoch_statistics():
    model, X, y = GOOD["moons"](train=False)
    history, cb, caught = fit_watched(model, X, y, 6, batch_size=32)
    rec = history.diagnostics
    assert rec["epoch"] == [-1, 0, 1, 2, 3, 4, 5]        # -1: before the first update
    assert len(rec["sample_loss"]) == 7
    assert list(rec["layers"]) == [layer.name for layer in model.layers]
    first = rec["layers"][model.layers[0].name]
    assert all(len(v) == 7 for v in first.values())
    assert math.isnan(first["update_ratio"][0])          # no update measured before training
    assert all(1e-5 < r < 0.3 for r in first["update_ratio"][1:])
    assert all(v == 0.0 for v in first["dead_share"])
    assert all(math.isnan(v) for v in first["saturated_share"])   # a ReLU layer
    assert rec["sample_loss"][-1] < rec["sample_loss"][0]
    assert caught == [] and cb.findings == [] and rec["findings"] == []


def test_update_ratio_is_the_first_update_of_the_epoch():
    X, y = moons(64)
    model = small_net()
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=0.1))
    model.build((2,))
    W0 = model.layers[0].params["W"].copy()
    history, _, _ = fit_watched(model, X, y, 1, batch_size=64)   # one update
    W1 = model.layers[0].params["W"]
    expected = np.linalg.norm(W1.astype(np.float64) - W0) / np.linalg.norm(W0.astype(np.float64))
    got = history.diagnostics["layers"][model.layers[0].name]["update_ratio"][1]
    assert got == pytest.approx(expected, rel=1e-6)


def test_every_n_epochs():
    X, y = moons(64)
    history, _, _ = fit_watched(small_net(), X, y, 7, cb={"every": 3})
    assert history.diagnostics["epoch"] == [-1, 0, 3, 6]


def test_a_finding_is_warned_once_as_it_appears():
    X, y = moons(200)
    model = small_net(activation="tanh", init="glorot_uniform")
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=10.0))
    history, cb, caught = fit_watched(model, X, y, 20, batch_size=32)
    codes = [str(w.message).split(" ")[0] for w in caught]
    assert "lr_too_high" in codes
    assert len(codes) == len(set(codes))                 # each once
    assert [f.code for f in cb.findings] == codes
    assert [f["code"] for f in history.diagnostics["findings"]] == codes
    assert "lr=10" in str(caught[codes.index("lr_too_high")].message)


@pytest.mark.parametrize(("X_scale", "labels", "code"), [
    (1000.0, None, "unscaled_inputs"),
    (1.0, "imbalanced", "class_imbalance"),
])
def test_data_problems_are_warned_before_training(X_scale, labels, code):
    X, y = moons(200)
    if labels == "imbalanced":
        y = (np.arange(len(X)) % 20 == 0).astype(np.int64)
    history, cb, caught = fit_watched(small_net(), X * X_scale, y, 2)
    assert cb.findings[0].code == code
    assert history.diagnostics["findings"][0]["epoch"] == -1
    assert "before training" in str(caught[0].message)


def test_overfitting_appears_during_training():
    X, y = moons(204)
    few = np.concatenate([np.flatnonzero(y == 0)[:2], np.flatnonzero(y == 1)[:2]])
    rest = np.setdiff1d(np.arange(len(X)), few)
    model = small_net(hidden=64, activation="leaky_relu", lr=1e-2)
    history, cb, _ = fit_watched(model, X[few], y[few], 300, cb={"every": 10},
                                 validation_data=(X[rest], y[rest]))
    found = [f for f in history.diagnostics["findings"] if f["code"] == "overfitting"]
    assert found and 0 < found[0]["epoch"] < 300


def test_warn_false_keeps_the_findings_quietly():
    X, y = moons(100)
    _, cb, caught = fit_watched(small_net(), X * 1000.0, y, 1, cb={"warn": False})
    assert caught == [] and cb.findings[0].code == "unscaled_inputs"


def test_diagnostics_leaves_training_bit_for_bit_unchanged():
    X, y = moons(200)
    plain = small_net(seed=3)
    plain.fit(X, y, epochs=5, batch_size=32, verbose=0, seed=0)
    watched = small_net(seed=3)
    fit_watched(watched, X, y, 5, batch_size=32)
    for a, b in zip(plain.get_weights(), watched.get_weights(), strict=True):
        assert a.tobytes() == b.tobytes()


def test_diagnostics_needs_the_training_data_in_the_logs():
    cb = gn.callbacks.Diagnostics()
    cb.set_model(small_net())
    with pytest.raises(ValueError, match="Diagnostics needs the training data"):
        cb.on_train_begin({})


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"every": 0}, ValueError, "every must be >= 1"),
    ({"sample_size": 0}, ValueError, "sample_size must be >= 1"),
    ({"warn": "yes"}, TypeError, "warn must be a bool"),
])
def test_diagnostics_checks_its_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        gn.callbacks.Diagnostics(**kwargs)


# -- LivePlot ----------------------------------------------------------------------------------
class FakeHandle:
    def __init__(self):
        self.updates = 0

    def update(self, fig):
        assert hasattr(fig, "savefig")
        self.updates += 1


class FakeDisplay:
    """Stands in for ``IPython.display.display`` in a notebook."""

    def __init__(self):
        self.calls, self.handle = 0, FakeHandle()

    def __call__(self, fig, display_id=False):
        assert display_id is True and hasattr(fig, "savefig")
        self.calls += 1
        return self.handle


def test_liveplot_in_a_terminal_does_nothing():
    assert plot_diagnostics.notebook_display() is None   # no Jupyter kernel here
    X, y = moons(64)
    live = gn.callbacks.LivePlot()
    n_figures = len(plt.get_fignums())
    small_net().fit(X, y, epochs=3, verbose=0, callbacks=[live])
    assert not live.active and live.redraws == 0
    assert len(plt.get_fignums()) == n_figures


def test_liveplot_in_a_notebook_redraws_one_figure_in_place(monkeypatch):
    fake = FakeDisplay()
    monkeypatch.setattr(plot_diagnostics, "notebook_display", lambda: fake)
    X, y = moons(64)
    live = gn.callbacks.LivePlot(every=2)
    small_net().fit(X, y, epochs=5, verbose=0, callbacks=[live], validation_data=(X, y))
    assert live.active
    assert fake.calls == 1                               # shown once ...
    assert fake.handle.updates == live.redraws - 1 == 2  # ... then updated: epochs 2, 4, end
    assert plt.get_fignums() == []                       # closed at the end


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"every": 0}, ValueError, "every must be >= 1"),
    ({"keys": "loss"}, TypeError, "keys must be a list of str"),
])
def test_liveplot_checks_its_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        gn.callbacks.LivePlot(**kwargs)


def test_liveplot_keys_must_be_logged():
    X, y = moons(32)
    with pytest.raises(ValueError, match="LivePlot keys"):
        small_net().fit(X, y, epochs=1, verbose=0,
                        callbacks=[gn.callbacks.LivePlot(keys=["val_loss"])])
