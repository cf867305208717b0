"""The playground's network, frames, math panel, diagnostics panel and export, on the engine."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Dense, Dropout
from glassnet.playground import diagnostics_panel, frames
from glassnet.playground.export import model_bytes, python_script
from glassnet.playground.math_panel import point_math
from glassnet.playground.network import build_model, make_optimizer, targets
from glassnet.playground.session import Session
from glassnet.playground.settings import Settings


@pytest.mark.parametrize("task, k, head, loss, units", [
    ("binary", 2, "sigmoid", "binary_crossentropy", 1),
    ("multiclass", 4, "softmax", "categorical_crossentropy", 4),
    ("regression", 1, "linear", "mse", 1),
])
def test_the_head_and_loss_follow_the_task(task, k, head, loss, units):
    model = build_model(Settings(hidden=(3, 2)), task, k)
    last = model.layers[-1]
    assert (last.activation.name, model.loss.name, last.units) == (head, loss, units)
    assert model.input_shape == (2,) and model.built
    assert model.fused_head == (task != "regression")


@pytest.mark.parametrize("name, cls, momentum, nesterov", [
    ("sgd", gn.optimizers.SGD, 0.0, False), ("momentum", gn.optimizers.SGD, 0.9, False),
    ("nesterov", gn.optimizers.SGD, 0.9, True), ("adam", gn.optimizers.Adam, None, None),
    ("rmsprop", gn.optimizers.RMSprop, None, None), ("adagrad", gn.optimizers.Adagrad, None, None),
])
def test_every_glassnet_optimizer(name, cls, momentum, nesterov):
    opt = make_optimizer(name, 0.05)
    assert type(opt) is cls and opt.learning_rate == 0.05
    if momentum is not None:
        assert (opt.momentum, opt.nesterov) == (momentum, nesterov)


def test_dropout_and_penalties_are_in_the_network():
    s = Settings(hidden=(4, 3), dropout=0.2, regularization="l1", reg_rate=0.01,
                 features=("x1", "x2", "sin_x1"))
    model = build_model(s, "binary")
    kinds = [type(layer) for layer in model.layers]
    assert kinds == [Dense, Dropout, Dense, Dropout, Dense]
    assert [layer.l1 for layer in model.layers if isinstance(layer, Dense)] == [0.01, 0.01, 0.0]
    assert model.input_shape == (3,)


def test_targets_are_in_the_form_the_loss_trains_on():
    y = np.array([0, 1, 1])
    assert targets(y, "multiclass").dtype == np.int64
    assert targets(y, "binary").shape == (3, 1)


def test_frame_maps_are_the_network_on_the_grid():
    s = Settings(hidden=(5, 3))
    model = build_model(s, "binary")
    G = frames.grid_points()
    assert G.shape == (frames.GRID ** 2, 2)
    assert G[0, 0] < 0 < G[0, 1]                       # row 0: top left
    grid_f = G.astype(np.float32)
    f = frames.render(model, grid_f, "binary")
    out = frames.decode(f["output"]["values"], (frames.GRID, frames.GRID))
    np.testing.assert_array_equal(out.ravel(),
                                  frames.quantize(2 * model.predict(grid_f)[:, 0] - 1))
    side = frames.GRID // frames.NEURON_STRIDE
    assert [len(units) for units in f["neurons"]] == [5, 3]
    hidden = model.layers[0].forward(grid_f)
    m = frames.decode(f["neurons"][0][2], (side, side)).astype(int)
    expected = frames.quantize(hidden[:, 2]).reshape(frames.GRID, frames.GRID)[2::4, 2::4]
    np.testing.assert_array_equal(m, expected)
    assert np.array(f["weights"][1]).shape == (5, 3)


def test_quantize_maps_minus_one_one_to_bytes():
    np.testing.assert_array_equal(frames.quantize([-5, -1, 0, 1, 9]), [0, 0, 128, 255, 255])


@pytest.mark.parametrize("task, dataset", [("binary", "circle"), ("multiclass", "spirals"),
                                           ("regression", "multigauss")])
def test_the_math_panel_gradients_are_the_engines(task, dataset):
    s = Settings(dataset=dataset, hidden=(4, 3), activation="tanh", learning_rate=0.1)
    session = Session(s, start=False)
    session.play()
    session.advance()
    model = session.model
    i = 7
    x, y = session.F_train[i], session.data.y_train[i]
    math = point_math(model, x, y, task, 0.1, None)
    check = copy.deepcopy(model)
    check.compute_gradients(session.F_train[i:i + 1], session.T_train[i:i + 1])
    dense = [layer for layer in check.layers if isinstance(layer, Dense)]
    for layer, numbers in zip(dense, math["layers"], strict=True):
        np.testing.assert_allclose(numbers["dW"], layer.grads["W"], rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(numbers["db"], layer.grads["b"], rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(numbers["sgd_W"], -0.1 * layer.grads["W"], rtol=1e-4,
                                   atol=1e-6)
    out = model.predict(session.F_train[i:i + 1])[0]
    np.testing.assert_allclose(math["layers"][-1]["A"], out, rtol=1e-5, atol=1e-6)
    Y = np.array(math["Y"])
    if task != "regression":
        np.testing.assert_allclose(math["layers"][-1]["dZ"], out - Y, rtol=1e-4, atol=1e-6)
    session.close()


def test_the_math_panel_shows_the_real_update_of_the_last_step():
    session = Session(Settings(hidden=(3,), batch_size=1000), start=False)   # one step/epoch
    before = session.model.get_weights()
    session.step()
    frame = __import__("json").loads(session.advance())
    after = session.model.get_weights()
    np.testing.assert_allclose(frame["math"]["layers"][0]["dW_step"], after[0] - before[0],
                               atol=1e-5)
    assert frame["epoch"] == 1 and frame["math"]["index"] == 0


def test_exported_script_reproduces_the_run_bit_for_bit(tmp_path, monkeypatch):
    s = Settings(dataset="spirals", classes=3, hidden=(6, 4), optimizer="adam", dropout=0.1,
                 regularization="l2", reg_rate=0.001, features=("x1", "x2", "sin_x1"),
                 learning_rate=0.02, batch_size=16)
    session = Session(s, start=False, train_budget_s=0.0)     # a frame: a step or two
    session.play()
    for _ in range(30):
        session.advance()
    session.pause()
    session.advance()                          # pausing finishes the epoch under way
    assert session.epoch >= 1
    code = python_script(session.settings, session.data.task, session.data.n_classes,
                         session.epoch)
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "playground_run.py", "exec"), namespace)
    for a, b in zip(namespace["model"].get_weights(), session.model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert (tmp_path / "playground.glassnet").exists()
    path = tmp_path / "exported.glassnet"
    path.write_bytes(model_bytes(session.model))
    loaded = gn.load_model(path)
    np.testing.assert_array_equal(loaded.predict(session.F_test), session.model.predict(
        session.F_test))
    session.close()


def test_diagnostics_panel_with_diagnose():
    session = Session(Settings(), start=False)
    d = diagnostics_panel.diagnostics(session.model, session.F_train, session.T_train)
    assert d["available"] and "report" in d, d
    assert isinstance(d["report"]["findings"], list)
    __import__("json").dumps(d)
    session.close()


class _FakeReport:
    def __init__(self, findings):
        self.findings = findings

    def to_dict(self):
        return {"findings": self.findings, "n_findings": np.int64(len(self.findings))}


def test_diagnostics_panel_passes_the_training_data_and_reports_findings(monkeypatch):
    seen = {}

    def diagnose(model, X, y):
        seen.update(dtype=X.dtype, y_shape=y.shape, model=model)
        return _FakeReport([{"code": "dead_relu", "severity": "warning", "layer": 0,
                             "message": "3 of 4 units never fire",
                             "evidence": {"fraction": np.float32(0.75)}}])

    monkeypatch.setattr(gn, "diagnose", diagnose, raising=False)
    session = Session(Settings(), start=False)
    frame = __import__("json").loads(session.advance(train=False))
    assert seen["model"] is session.model and seen["dtype"] == np.float32
    assert seen["y_shape"] == (len(session.F_train), 1)
    report = frame["diagnostics"]["report"]
    assert report["findings"][0]["evidence"] == {"fraction": 0.75}
    assert report["n_findings"] == 1

    def broken(model, X, y):
        raise RuntimeError("no gradients yet")

    monkeypatch.setattr(gn, "diagnose", broken)
    d = diagnostics_panel.diagnostics(session.model, session.F_train, session.T_train)
    assert d == {"available": True, "error": "RuntimeError: no gradients yet"}
