"""The rows X01–X08 of ``docs/errors.md``: each has cases here, and each case's row is documented
(the reliability suite counts these rows as tested here)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from export_models import MODELS

import glassnet as gn
from glassnet.cli import main as cli_main
from glassnet.layers import Conv2D, Dense, Flatten

DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


class Scale(gn.layers.Layer):
    """A custom layer no exporter knows."""

    def forward(self, x, training=False):
        return 2.0 * x


class MyDense(Dense):
    """A subclass may compute something else: refused too."""


def custom_model(layer):
    model = gn.Sequential([Dense(3), layer], seed=0)
    model.build((4,))
    return model


def torch_state(*shapes):
    return {f"{i}.weight": torch.zeros(s) for i, s in enumerate(shapes)}


def missing(monkeypatch, module):
    monkeypatch.setitem(sys.modules, module, None)        # import now raises ImportError


CASES = [
    ("X01", "onnx-custom-layer", lambda mp, tmp: gn.export.to_onnx(custom_model(Scale()),
                                                                   tmp / "m.onnx"),
     ValueError, r"to_onnx cannot express layer 'scale' \(Scale\): only the layers Dense, "
                 r"Conv2D, MaxPool2D, AvgPool2D, Flatten, Activation, Dropout can be exported"),
    ("X01", "torch-subclass", lambda mp, tmp: gn.export.to_torch(custom_model(MyDense(2))),
     ValueError, r"to_torch cannot express layer 'mydense' \(MyDense\)"),
    ("X01", "safetensors-custom", lambda mp, tmp: gn.export.save_safetensors(
        custom_model(Scale()), tmp / "m.safetensors"),
     ValueError, r"save_safetensors cannot express layer 'scale' \(Scale\)"),
    ("X01", "unbuilt", lambda mp, tmp: gn.export.to_torch(gn.Sequential([Dense(2)])),
     ValueError, r"to_torch: the model is not built, so its input shape is unknown; call "
                 r"model.build\(input_shape\)"),
    ("X01", "not-a-model", lambda mp, tmp: gn.export.to_onnx(torch.nn.Linear(2, 2), "m.onnx"),
     TypeError, "to_onnx expects a glassnet Sequential model, got Linear"),
    ("X02", "no-onnx", lambda mp, tmp: (missing(mp, "onnx"),
                                        gn.export.to_onnx(MODELS["mlp"](), tmp / "m.onnx")),
     ImportError, r"to_onnx needs the 'onnx' package, which is not installed: "
                  r"pip install \"glassnet\[onnx\]\""),
    ("X02", "no-torch", lambda mp, tmp: (missing(mp, "torch"),
                                         gn.export.to_torch(MODELS["mlp"]())),
     ImportError, "to_torch needs the 'torch' package"),
    ("X02", "no-safetensors", lambda mp, tmp: (missing(mp, "safetensors.numpy"),
                                               gn.export.save_safetensors(MODELS["mlp"](),
                                                                          tmp / "m.st")),
     ImportError, r"save_safetensors needs the 'safetensors' package.*glassnet\[interop\]"),
    ("X02", "no-h5py", lambda mp, tmp: (lambda path: (missing(mp, "h5py"), gn.load_keras(path)))(
        _tiny_keras(tmp)),
     ImportError, r"load_keras needs the 'h5py' package.*glassnet\[interop\]"),
    ("X03", "shape", lambda mp, tmp: gn.load_torch_state_dict(
        torch_state((3, 4), (5, 3)), custom_model(Dense(2))),
     ValueError, r"layer 'dense_1' \(Dense\) needs '1.weight' of shape \(2, 3\) \(torch's "
                 r"\(out, in\) for W \(3, 2\)\), got \(5, 3\)"),
    ("X03", "count", lambda mp, tmp: gn.load_torch_state_dict(
        torch_state((3, 4)), custom_model(Dense(2))),
     ValueError, r"the state_dict has 1 parametrised module\(s\) \(0\) but the model has 2"),
    ("X03", "unbuilt-conv", lambda mp, tmp: gn.load_torch_state_dict(
        torch_state((2, 1, 3, 3)), gn.Sequential([Conv2D(2, 3), Flatten(), Dense(1)])),
     ValueError, r"the model is not built; call model.build\(input_shape\) first"),
    ("X04", "missing-file", lambda mp, tmp: gn.load_torch_state_dict(tmp / "no.pt",
                                                                     MODELS["mlp"]()),
     FileNotFoundError, r"load_torch_state_dict: no state_dict file at '.*no.pt'"),
    ("X04", "pickled-module", lambda mp, tmp: gn.load_torch_state_dict(
        _pickled_module(tmp), MODELS["mlp"]()),
     ValueError, r"cannot be read with torch.load\(weights_only=True\).*save the model's "
                 r"state_dict, not the model object"),
    ("X04", "not-a-state-dict", lambda mp, tmp: gn.load_torch_state_dict([1, 2],
                                                                         MODELS["mlp"]()),
     TypeError, r"expected a state_dict \(a mapping of names to tensors\), a torch module or a "
                r"file path, got list"),
    ("X05", "missing", lambda mp, tmp: gn.load_keras(tmp / "nope.keras"),
     FileNotFoundError, "load_keras: no Keras file at"),
    ("X05", "not-a-zip", lambda mp, tmp: gn.load_keras(_write(tmp / "x.keras", b"PK-not")),
     ValueError, r"is not a .keras file \(not a readable zip archive"),
    ("X05", "legacy-h5", lambda mp, tmp: gn.load_keras(_write(tmp / "m.h5",
                                                              b"\x89HDF\r\n\x1a\n" + bytes(8))),
     ValueError, r"is a legacy HDF5 \(.h5\) Keras file; load it in Keras and save it again"),
    ("X06", "unknown-layer", lambda mp, tmp: gn.load_keras(_tiny_keras(tmp, "GaussianNoise")),
     ValueError, r"load_keras: Keras layer 'odd' \(GaussianNoise\) has no glassnet counterpart"),
    ("X06", "activation", lambda mp, tmp: gn.load_keras(_tiny_keras(tmp, activation="swish")),
     ValueError, r"Keras layer 'd' \(Dense\) uses activation 'swish', which glassnet does not "
                 r"have"),
    ("X06", "bad-setting", lambda mp, tmp: gn.load_keras(_tiny_keras(tmp, dense_units=0)),
     ValueError, r"Keras layer 'd' \(Dense\) has a setting glassnet refuses: units must be "
                 r">= 1, got 0"),
    ("X07", "weight-shape", lambda mp, tmp: gn.load_keras(_tiny_keras(tmp, units=4)),
     ValueError, r"Keras layer 'd' \(Dense\) expects a weight of shape \(4, 4\), the file holds "
                 r"\(4, 3\)"),
    ("X07", "external-link", lambda mp, tmp: gn.load_keras(_tiny_keras(tmp, external=True)),
     ValueError, r"model.weights.h5 links the weight vars/0 of 'd' to somewhere else "
                 r"\(ExternalLink\); only data stored in the file is read"),
    ("X07", "nan-weight", lambda mp, tmp: gn.load_keras(_tiny_keras(tmp, nan=True)),
     ValueError, r"Keras layer 'd' \(Dense\) weight vars/0 holds NaN or infinite values"),
]


def _write(path, data):
    path.write_bytes(data)
    return path


def _pickled_module(tmp):
    torch.save(torch.nn.Sequential(torch.nn.Linear(5, 16)), tmp / "whole.pt")
    return tmp / "whole.pt"


def _tiny_keras(tmp, extra_layer=None, activation="linear", units=3, nan=False,
                external=False, dense_units=None):
    """A .keras file written here with zipfile + h5py (Keras' own layout), for edits Keras
    itself would not save."""
    import json
    import zipfile

    import h5py

    layers = [{"class_name": "InputLayer", "config": {"batch_shape": [None, 4]}},
              {"class_name": "Dense", "config": {"name": "d",
                                                 "units": units if dense_units is None
                                                 else dense_units,
                                                 "activation": activation, "use_bias": True}}]
    if extra_layer:
        layers.append({"class_name": extra_layer, "config": {"name": "odd"}})
    config = {"class_name": "Sequential", "config": {"name": "tiny", "layers": layers}}
    h5_path = tmp / "w.h5"
    with h5py.File(h5_path, "w") as h5:
        group = h5.create_group("layers/dense/vars")
        group.attrs["name"] = "d"
        kernel = np.ones((4, 3), np.float32)
        if nan:
            kernel[1, 2] = np.nan
        if external:                             # vars/0 stored in another file
            with h5py.File(tmp / "elsewhere.h5", "w") as other:
                other["k"] = kernel
            group["0"] = h5py.ExternalLink(str(tmp / "elsewhere.h5"), "k")
        else:
            group["0"] = kernel
        group["1"] = np.zeros(3, np.float32)
    path = tmp / "tiny.keras"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("config.json", json.dumps(config))
        z.writestr("metadata.json", "{}")
        z.write(h5_path, "model.weights.h5")
    return path


@pytest.mark.parametrize("row, label, call, error, match",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in CASES])
def test_documented_errors(row, label, call, error, match, monkeypatch, tmp_path):
    with pytest.raises(error, match=match):
        call(monkeypatch, tmp_path)


def test_tiny_keras_helper_writes_a_loadable_file(tmp_path):
    model = gn.load_keras(_tiny_keras(tmp_path))
    np.testing.assert_array_equal(model.predict(np.ones((2, 4))), np.full((2, 3), 4.0))


CLI_CASES = [
    ("X08", "missing-file", ["export", "nope.glassnet", "--to", "onnx"], 1,
     r"^glassnet: error: model file not found: 'nope.glassnet'$"),
    ("X08", "not-a-model", ["export", "junk.glassnet", "--to", "torch"], 1,
     r"^glassnet: error: 'junk.glassnet' is not a glassnet model file"),
    ("X08", "no-folder", ["export", "ok.glassnet", "--to", "onnx", "--out", "no/m.onnx"], 1,
     r"^glassnet: error: --out: the folder 'no' does not exist$"),
    ("X08", "no-onnx", ["export", "ok.glassnet", "--to", "onnx"], 1,
     r"^glassnet: error: to_onnx needs the 'onnx' package"),
    ("X08", "bad-format", ["export", "ok.glassnet", "--to", "keras"], 2,
     r"^glassnet: error: argument --to: invalid choice: 'keras'"),
]


@pytest.mark.parametrize("row, label, argv, code, match",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in CLI_CASES])
def test_documented_cli_errors(row, label, argv, code, match, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    MODELS["mlp"]().save("ok.glassnet")
    (tmp_path / "junk.glassnet").write_bytes(b"not a zip")
    if label == "no-onnx":
        missing(monkeypatch, "onnx")
    assert cli_main(argv) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert re.search(match, err[0]), err[0]


def test_every_x_row_of_docs_errors_md_has_cases_and_every_case_a_row():
    rows = set(re.findall(r"^\|\s*(X\d\d)\s*\|", DOC.read_text(encoding="utf-8"), re.MULTILINE))
    assert rows == {c[0] for c in CASES + CLI_CASES}
