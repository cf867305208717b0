"""``glassnet export FILE --to onnx|torch|safetensors [--out PATH]``."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
import safetensors.torch
import torch
from export_models import MODELS, inputs

import glassnet as gn
from glassnet.cli import main


@pytest.fixture
def saved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    model = MODELS["same_even"](seed=4)
    model.save("cnn.glassnet")
    return model


def test_onnx_next_to_the_model_by_default(saved, tmp_path, capsys):
    assert main(["export", "cnn.glassnet", "--to", "onnx"]) == 0
    out = capsys.readouterr().out
    assert "Wrote cnn.onnx" in out and "'input' (N, 2, 7, 7)" in out
    X = inputs(saved, 3)
    session = ort.InferenceSession(str(tmp_path / "cnn.onnx"),
                                   providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"input": X})[0], saved.predict(X),
                               rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("to, out", [("torch", "weights/state.pt"),
                                     ("safetensors", "weights/state.safetensors")])
def test_state_dict_files_load_into_the_printed_network(to, out, saved, tmp_path, capsys):
    (tmp_path / "weights").mkdir()
    assert main(["export", "cnn.glassnet", "--to", to, "--out", out]) == 0
    text = capsys.readouterr().out
    assert f"Wrote {out}" in text and "ZeroPad2d" in text and "Conv2d" in text
    state = (torch.load(out, weights_only=True) if to == "torch"
             else safetensors.torch.load_file(out))
    net = gn.export.to_torch(MODELS["same_even"](seed=9))
    net.load_state_dict(state, strict=True)
    X = inputs(saved, 3)
    with torch.no_grad():
        got = net(torch.as_tensor(X)).numpy()
    np.testing.assert_allclose(got, saved.predict(X), rtol=1e-5, atol=1e-6)


def test_quiet_prints_only_the_path(saved, capsys):
    assert main(["export", "cnn.glassnet", "--to", "onnx", "--out", "m.onnx", "--quiet"]) == 0
    assert capsys.readouterr().out == "m.onnx\n"


def test_help_shows_the_command_and_an_example(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    assert "\n    export " in text and "  glassnet export " in text
    assert main(["export", "--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: glassnet export")
