"""``gn.diagnose``: each broken network raises its own finding and no other; well-set-up
networks raise none; the model is left exactly as it was."""

from __future__ import annotations

import json

import numpy as np
import pytest
from broken_nets import BROKEN, GOOD, moons, small_net

import glassnet as gn
from glassnet.diagnostics import CODES, Finding, Report


def model_state(model):
    """Everything a diagnosis must not change, as copies."""
    return {"weights": model.get_weights(),
            "grads": [g.copy() for layer in model.layers for g in layer.grads.values()],
            "opt": {k: v.copy() for k, v in model.optimizer.state_arrays().items()},
            "iterations": model.optimizer.iterations, "lr": model.optimizer.lr,
            "epoch": model.epoch, "history": model.history}


def assert_same_state(before, after):
    for a, b in zip(before["weights"] + before["grads"], after["weights"] + after["grads"],
                    strict=True):
        assert a.dtype == b.dtype and a.tobytes() == b.tobytes()
    assert before["opt"].keys() == after["opt"].keys()
    for k in before["opt"]:
        assert before["opt"][k].tobytes() == after["opt"][k].tobytes()
    for k in ("iterations", "lr", "epoch"):
        assert before[k] == after[k]
    assert before["history"] is after["history"]


def test_every_code_has_a_broken_network():
    assert sorted(BROKEN) == sorted(CODES)


@pytest.mark.parametrize("code", CODES)
def test_broken_network_raises_its_own_finding_only(code):
    model, X, y = BROKEN[code]()
    report = gn.diagnose(model, X, y)
    assert report.codes == [code], str(report)
    finding = report.findings[0]
    assert finding.evidence and finding.message
    assert code in report.checked
    assert code in str(report)


@pytest.mark.parametrize("name", ["moons", "iris"])
@pytest.mark.parametrize("train", [False, True])
def test_well_set_up_network_raises_nothing(name, train):
    model, X, y = GOOD[name](train=train)
    report = gn.diagnose(model, X, y)
    assert report.findings == [], str(report)
    assert not report
    assert "no problem found" in str(report)
    assert ("overfitting" in report.checked) == train          # history checks after training
    assert ("bad_init_loss" in report.checked) == (not train)


def test_well_set_up_mnist_raises_nothing(mnist_available):
    model, X, y = GOOD["mnist"](train=False, n=600)
    assert gn.diagnose(model, X, y).findings == []
    model.fit(X, y, epochs=2, batch_size=32, verbose=0, seed=0)
    report = gn.diagnose(model, X, y)
    assert report.findings == [], str(report)


@pytest.mark.parametrize("code", ["lr_too_high", "overfitting", "dead_units"])
def test_diagnose_changes_nothing(code):
    model, X, y = BROKEN[code]()
    before = model_state(model)
    gn.diagnose(model, X, y)
    assert_same_state(before, model_state(model))


def test_diagnose_builds_an_unbuilt_model_and_samples_at_most_1024_rows():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 3))
    y = (X[:, 0] > 0).astype(np.int64)
    model = small_net()
    assert not model.built
    report = gn.diagnose(model, X, y)
    assert model.built and model.input_shape == (3,)
    assert report.stats["sample_size"] == 1024
    assert gn.diagnose(model, X[:100], y[:100]).stats["sample_size"] == 100


def test_a_cause_lists_the_symptoms_it_explains():
    model, X, y = BROKEN["unscaled_inputs"]()
    finding = gn.diagnose(model, X, y).findings[0]
    explained = [e["code"] for e in finding.evidence["explains"]]
    assert "bad_init_loss" in explained          # loss 229 at init, from inputs × 1000


@pytest.mark.parametrize(("code", "key", "check"), [
    ("unscaled_inputs", "max_std", lambda v: v > 100),
    ("class_imbalance", "ratio", lambda v: abs(v - 20 / 380) < 1e-12),
    ("bad_init_loss", "ratio", lambda v: v > 3),
    ("dead_units", "dead_share", lambda v: v == 1.0),
    ("saturated_units", "saturated_share", lambda v: v > 0.5),
    ("vanishing_gradients", "ratio", lambda v: v < 1e-2),
    ("exploding_gradients", "ratio", lambda v: v > 1e2),
    ("lr_too_low", "max_update_ratio", lambda v: v < 1e-5),
    ("overfitting", "val_rise", lambda v: v > 0.1),
    ("not_learning", "fraction", lambda v: v > 0.9),
])
def test_evidence_holds_the_numbers(code, key, check):
    model, X, y = BROKEN[code]()
    finding = gn.diagnose(model, X, y).findings[0]
    assert check(finding.evidence[key]), finding.evidence


def test_layer_of_a_layer_finding_is_named():
    model, X, y = BROKEN["dead_units"]()
    finding = gn.diagnose(model, X, y).findings[0]
    assert finding.layer == model.layers[0].name
    assert "100%" in finding.message


def test_report_to_dict_is_json_and_round_trips_the_findings():
    model, X, y = BROKEN["exploding_gradients"]()
    report = gn.diagnose(model, X, y)
    data = json.loads(json.dumps(report.to_dict()))
    assert [f["code"] for f in data["findings"]] == report.codes
    assert data["findings"][0]["evidence"]["ratio"] == pytest.approx(
        report.findings[0].evidence["ratio"])
    assert len(data["stats"]["layers"]) == len(model.layers)


def test_report_table_lists_each_finding():
    f1 = Finding("dead_units", "error", "dense", "all dead", {"dead_share": 1.0})
    f2 = Finding("lr_too_low", "warning", None, "tiny steps", {})
    text = str(Report([f1, f2], ["dead_units", "lr_too_low"]))
    assert "2 finding(s)" in text
    assert text.index("dead_units") < text.index("lr_too_low")
    assert "all dead" in text and "tiny steps" in text
    assert repr(Report([f1])) == "Report(codes=['dead_units'])"


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"code": "sad_net"}, "code must be one of"),
    ({"severity": "fatal"}, "severity must be one of"),
])
def test_finding_refuses_unknown_codes_and_severities(kwargs, match):
    args = {"code": "dead_units", "severity": "error", "layer": None, "message": "m"}
    with pytest.raises(ValueError, match=match):
        Finding(**{**args, **kwargs})


def test_diagnose_needs_a_compiled_model():
    X, y = moons(50)
    model = gn.Sequential([gn.layers.Dense(1, activation="sigmoid")])
    with pytest.raises(ValueError, match="model must be compiled"):
        gn.diagnose(model, X, y)
    with pytest.raises(TypeError, match="model must be a glassnet Sequential"):
        gn.diagnose("net", X, y)


@pytest.mark.parametrize(("kwargs", "error", "match"), [
    ({"sample_size": 0}, ValueError, "sample_size must be >= 1"),
    ({"sample_size": 2.5}, TypeError, "sample_size must be an integer"),
    ({"seed": -1}, ValueError, "seed must be >= 0"),
    ({"history": [0.5, 0.4]}, TypeError, "history must be a History"),
])
def test_diagnose_checks_its_arguments(kwargs, error, match):
    X, y = moons(50)
    with pytest.raises(error, match=match):
        gn.diagnose(small_net(), X, y, **kwargs)


def test_bad_labels_are_refused_before_anything_changes():
    X, y = moons(50)
    model = small_net()
    with pytest.raises(ValueError, match="y must hold only 0 and 1"):
        gn.diagnose(model, X, y + 2)
    assert not model.built


def test_history_given_explicitly_is_judged():
    model, X, y = GOOD["moons"](train=False)
    rising = {"loss": [0.5, 0.7, 0.9, 1.2, 1.6, 2.0]}
    assert gn.diagnose(model, X, y, history=rising).codes == ["lr_too_high"]
