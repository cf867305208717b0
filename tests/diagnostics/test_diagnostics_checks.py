"""The checks one by one, on hand-made numbers: each fires just past its threshold and not
before it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from broken_nets import small_net

from glassnet.diagnostics import data_checks, history_checks, layer_stats, setup_checks
from glassnet.diagnostics import thresholds as T
from glassnet.diagnostics.diagnose import fold
from glassnet.diagnostics.findings import Finding


@pytest.mark.parametrize(("scale", "shift", "found"), [
    (1.0, 0.0, False), (5.0, 5.0, False), (12.0, 0.0, True), (1.0, 11.0, True),
])
def test_unscaled_inputs_threshold(scale, shift, found):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=500), rng.normal(size=500) * scale + shift])
    X = np.clip(X, -40, 40)                         # keep ranges below UNSCALED_RANGE
    out = data_checks.unscaled_inputs(X)
    assert bool(out) == found
    if found:
        assert out[0].evidence["worst_feature"] == 1


def test_unscaled_inputs_range_alone():
    X = np.zeros((100, 1))
    X[0] = 150.0                                    # std 15 and range 150: both fire
    assert data_checks.unscaled_inputs(X)[0].evidence["range"] == 150.0


@pytest.mark.parametrize(("n_rare", "found"), [(11, False), (10, True), (5, True)])
def test_class_imbalance_threshold(n_rare, found):
    y = np.array([0] * 100 + [1] * n_rare)          # ratio n_rare / 100, threshold 0.1
    assert bool(data_checks.class_imbalance(y)) == found


def test_class_imbalance_counts_absent_classes_and_one_hot():
    y = np.eye(3)[[0, 0, 1, 1]]                     # class 2 never occurs
    f = data_checks.class_imbalance(y, n_classes=3)[0]
    assert f.evidence["counts"] == [2, 2, 0] and f.evidence["rare_class"] == 2


def test_dead_and_saturated_shares():
    a = np.array([[0.0, 1.0, 0.0], [0.0, 2.0, 0.0]])
    assert layer_stats.dead_share(a) == pytest.approx(2 / 3)
    s = np.array([[0.999, 0.5], [0.001, 0.5], [0.995, 0.5]])
    assert layer_stats.saturated_share(s, "sigmoid") == 0.5
    assert layer_stats.saturated_share(np.array([[0.99, -0.99], [0.97, 0.0]]), "tanh") == 0.0
    maps = np.zeros((2, 3, 4, 4))
    maps[:, 0] = 1.0                                 # a feature map: one unit per channel
    assert layer_stats.dead_share(maps) == pytest.approx(2 / 3)


def test_sample_rows_is_bounded_and_seeded():
    X, y = np.arange(5000.0)[:, None], np.arange(5000)
    Xs, ys = layer_stats.sample_rows(X, y, 1024, seed=3)
    assert len(Xs) == 1024 and np.array_equal(Xs[:, 0], ys)
    assert np.all(np.diff(ys) > 0)                   # kept in order, no repeats
    assert np.array_equal(layer_stats.sample_rows(X, y, 1024, seed=3)[1], ys)
    small = X[:10]
    assert layer_stats.sample_rows(small, y[:10])[0] is small      # few rows: all of them


def test_loss_shape():
    rising = history_checks.loss_shape([1.0, 1.1, 1.3, 1.5, 1.8])
    assert rising["rising"] and not rising["flat"]
    flat = history_checks.loss_shape([0.7, 0.7001, 0.6999, 0.7, 0.7])
    assert flat["flat"] and not flat["rising"] and not flat["oscillating"]
    zigzag = history_checks.loss_shape([1.0, 0.5, 0.8, 0.4, 0.7, 0.35, 0.6, 0.3, 0.55, 0.3])
    assert zigzag["oscillating"] and not zigzag["rising"]
    assert history_checks.loss_shape([1.0, math.nan, 2.0])["rising"]


@pytest.mark.parametrize(("ratio", "high", "low"), [
    (1e-3, False, False), (0.5, True, False), (math.inf, True, False), (1e-6, False, True),
])
def test_update_ratio_thresholds(ratio, high, low):
    ratios = {"dense": ratio}
    assert bool(history_checks.lr_too_high(None, ratios, 0.1)) == high
    assert bool(history_checks.lr_too_low(None, ratios, 0.1)) == low


def test_overfitting_needs_train_falling_and_below_validation():
    val = [1.0, 0.8, 0.6, 0.5, 0.55, 0.6, 0.65, 0.7]
    train = [1.0, 0.7, 0.5, 0.4, 0.3, 0.2, 0.15, 0.1]
    assert history_checks.overfitting({"loss": train, "val_loss": val})
    assert not history_checks.overfitting({"loss": [2.0] * 8, "val_loss": val})
    assert not history_checks.overfitting({"loss": train, "val_loss": val[:5]})


def test_not_learning_needs_many_epochs():
    flat = [0.69] * T.NOT_LEARNING_MIN_EPOCHS
    assert history_checks.not_learning(flat, 0.7)
    assert not history_checks.not_learning(flat[:-1], 0.7)
    assert not history_checks.not_learning(flat, 2.0)         # fell to a third of the start


@pytest.mark.parametrize(("loss", "activation", "units", "found"), [
    ("binary_crossentropy", "sigmoid", 1, False),
    ("binary_crossentropy", "linear", 1, True),
    ("categorical_crossentropy", "softmax", 3, False),
    ("categorical_crossentropy", "sigmoid", 3, True),
    ("categorical_crossentropy", "softmax", 1, True),
    ("mse", "linear", 1, False),
    ("mse", "sigmoid", 1, True),
])
def test_loss_activation_pairs(loss, activation, units, found):
    import glassnet as gn

    model = gn.Sequential([gn.layers.Dense(4), gn.layers.Dense(units, activation=activation)])
    model.compile(loss=loss, optimizer="sgd")
    model.build((2,))
    assert bool(setup_checks.loss_activation_mismatch(model)) == found


def test_expected_init_loss_is_ln_k():
    model = small_net()
    model.build((2,))
    assert setup_checks.expected_init_loss(model) == pytest.approx(math.log(2))
    assert setup_checks.bad_init_loss(model, 3.1 * math.log(2))
    assert not setup_checks.bad_init_loss(model, 2.9 * math.log(2))


def test_fold_puts_symptoms_under_their_cause():
    def f(code):
        return Finding(code, "warning", None, code, {})
    kept = fold([f("vanishing_gradients"), f("not_learning"), f("dead_units")])
    assert [k.code for k in kept] == ["dead_units"]
    assert [e["code"] for e in kept[0].evidence["explains"]] == ["vanishing_gradients",
                                                                 "not_learning"]
    assert [k.code for k in fold([f("not_learning"), f("class_imbalance")])] == [
        "class_imbalance", "not_learning"]


@pytest.mark.parametrize("loss, spiking", [
    # falls steadily, then one epoch lands at 8x the best loss so far: a step threw it off
    ([2.8, 1.4, 0.42, 0.48, 0.15, 0.6, 0.29, 0.2, 0.19, 0.12, 0.19, 0.1, 0.84, 0.24, 0.12, 0.08],
     True),
    # the same fall without the spike
    ([2.8, 1.4, 0.42, 0.48, 0.15, 0.6, 0.29, 0.2, 0.19, 0.12, 0.19, 0.1, 0.09, 0.09, 0.08, 0.08],
     False),
    # a loss near 0 that triples is noise, not a spike (below SPIKE_MIN_SHARE of the first loss)
    ([1.0, 0.1, 1e-3, 1e-4, 1e-5, 3e-5, 1e-5, 4e-5, 1e-5, 1e-5], False),
])
def test_one_large_spike_in_the_second_half_counts_as_oscillation(loss, spiking):
    shape = history_checks.loss_shape(loss)
    assert shape["oscillating"] is spiking
    assert (shape["spike"] > 3.0) is spiking
