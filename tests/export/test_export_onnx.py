"""``gn.export.to_onnx``: the file passes ONNX's full check and onnxruntime computes what
``model.predict`` computes (float32, to 1e-5), for every model of the conftest."""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
from export_models import MODELS, inputs

import glassnet as gn


def run_onnx(path, X: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": X.astype(np.float32)})[0]


def test_onnxruntime_equals_predict(model_name, tmp_path):
    model = MODELS[model_name](seed=3)
    path = tmp_path / "m.onnx"
    assert gn.export.to_onnx(model, path) == str(path)
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    assert [(o.domain, o.version) for o in proto.opset_import] == [("", 17)]
    for n in (1, 7):                                   # the batch axis is free
        X = inputs(model, n, seed=n)
        got = run_onnx(path, X)
        want = model.predict(X)
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_float64_model_exports_float32_weights(tmp_path):
    model = MODELS["same_even"](seed=1, dtype=np.float64)
    gn.export.to_onnx(model, tmp_path / "m.onnx")
    proto = onnx.load(str(tmp_path / "m.onnx"))
    assert {t.data_type for t in proto.graph.initializer} == {onnx.TensorProto.FLOAT}
    X = inputs(model, 4)
    np.testing.assert_allclose(run_onnx(tmp_path / "m.onnx", X), model.predict(X),
                               rtol=1e-5, atol=1e-5)


def _nodes(model):
    return gn.export.to_onnx_model(model).graph.node


def test_same_padding_with_even_kernels_is_written_out_explicitly():
    pads = {n.name: [list(a.ints) for a in n.attribute if a.name == "pads"][0]
            for n in _nodes(MODELS["same_even"]()) if n.op_type in ("Conv", "MaxPool",
                                                                    "AveragePool")}
    # [top, left, bottom, right]: one more after than before for the even sizes
    assert list(pads.values()) == [[0, 0, 1, 1], [1, 1, 2, 1], [0, 0, 0, 0], [1, 1, 1, 1],
                                   [0, 0, 1, 1], [0, 0, 1, 1]]
    avg = [n for n in _nodes(MODELS["same_even"]()) if n.op_type == "AveragePool"][0]
    assert {a.name: a.i for a in avg.attribute}["count_include_pad"] == 0


def test_node_types_dropout_dropped_and_softmax_axes():
    ops = [n.op_type for n in _nodes(MODELS["mlp"]())]
    assert ops == ["Gemm", "Tanh", "Gemm", "Relu", "Gemm", "Softmax"]        # no Dropout
    axes = [[a.i for a in n.attribute if a.name == "axis"][0]
            for n in _nodes(MODELS["act_softmax"]()) if n.op_type == "Softmax"]
    assert axes == [1, -1, -1, -1, -1]      # over the filters, then the last axis
    leaky = [n for n in _nodes(MODELS["act_leaky_relu"]()) if n.op_type == "LeakyRelu"]
    assert {round(a.f, 6) for n in leaky for a in n.attribute} == {0.01}
    assert "Relu" not in [n.op_type for n in _nodes(MODELS["act_linear"]())]


def test_trained_model_round_trip_through_a_saved_file(tmp_path, flower):
    X, y = flower
    model = gn.Sequential([gn.layers.Dense(12, activation="tanh"),
                           gn.layers.Dense(1, activation="sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=0.5))
    model.fit(X, y, epochs=30, verbose=0)
    model.save(tmp_path / "m.glassnet")
    gn.export.to_onnx(gn.load_model(tmp_path / "m.glassnet"), tmp_path / "m.onnx")
    got = run_onnx(tmp_path / "m.onnx", X)
    np.testing.assert_allclose(got, model.predict(X), rtol=1e-5, atol=1e-5)
    assert ((got[:, 0] > 0.5) == y).mean() > 0.6


def test_path_must_be_a_path():
    with pytest.raises(TypeError, match="path must be a str or os.PathLike, got int"):
        gn.export.to_onnx(MODELS["mlp"](), 3)
