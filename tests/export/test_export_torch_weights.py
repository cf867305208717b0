"""``gn.load_torch_state_dict``: weights of a PyTorch network written by hand (not by glassnet)
load into the matching glassnet model, which then predicts what the PyTorch network does."""

from __future__ import annotations

import copy

import numpy as np
import pytest
import torch
from export_models import MODELS, inputs
from torch import nn

import glassnet as gn
from glassnet.layers import Conv2D, Dense, Flatten, MaxPool2D


def torch_cnn() -> nn.Sequential:
    torch.manual_seed(0)
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 6, 3, stride=2, bias=False), nn.Tanh(),
        nn.Flatten(), nn.Linear(6 * 2 * 2, 8), nn.ReLU(), nn.Linear(8, 3), nn.Softmax(dim=1),
    ).double().eval()


def glassnet_cnn(seed: int = 0) -> gn.Sequential:
    model = gn.Sequential([
        Conv2D(4, 3, padding="same", activation="relu"), MaxPool2D(2),
        Conv2D(6, 3, stride=2, activation="tanh"),
        Flatten(), Dense(8, activation="relu"), Dense(3, activation="softmax"),
    ], seed=seed, dtype=np.float64)
    model.build((1, 10, 10))
    return model


def torch_mlp() -> nn.Sequential:
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(5, 7), nn.Sigmoid(), nn.Linear(7, 2)).double()


def glassnet_mlp() -> gn.Sequential:
    return gn.Sequential([Dense(7, activation="sigmoid"), Dense(2)], seed=0, dtype=np.float64)


def predict_torch(net, X):
    with torch.no_grad():
        return net(torch.as_tensor(X)).numpy()


@pytest.mark.parametrize("source", ["module", "state_dict", "numpy", "pt-file"])
def test_cnn_weights_load_and_predict_as_torch(source, tmp_path):
    net, model = torch_cnn(), glassnet_cnn()
    if source == "module":
        arg = net
    elif source == "state_dict":
        arg = net.state_dict()
    elif source == "numpy":
        arg = {k: v.numpy() for k, v in net.state_dict().items()}
    else:
        arg = tmp_path / "cnn.pt"
        torch.save(net.state_dict(), arg)
    assert gn.load_torch_state_dict(arg, model) is model
    X = inputs(model, 5)
    np.testing.assert_allclose(model.predict(X), predict_torch(net, X), rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(model.layers[2].params["b"], 0.0)   # bias=False -> b = 0


def test_unbuilt_mlp_is_built_from_the_first_weight(tmp_path):
    net, model = torch_mlp(), glassnet_mlp()
    path = tmp_path / "mlp.pth"
    torch.save(net.state_dict(), str(path))
    gn.load_torch_state_dict(str(path), model)
    assert model.built and model.input_shape == (5,)
    X = np.random.default_rng(0).normal(size=(9, 5))
    np.testing.assert_allclose(model.predict(X), predict_torch(net, X), rtol=1e-10, atol=1e-12)


def test_float32_model_from_float32_and_half_tensors():
    net = torch_mlp().float()
    model = glassnet_mlp()
    model = gn.Sequential(copy.deepcopy(model.layers), seed=0, dtype=np.float32)
    gn.load_torch_state_dict({k: v.half() for k, v in net.state_dict().items()}, model)
    assert model.layers[0].params["W"].dtype == np.float32
    np.testing.assert_array_equal(model.layers[0].params["W"],
                                  net[0].weight.detach().half().float().numpy().T)


def test_round_trip_through_export_and_safetensors(tmp_path):
    source = MODELS["same_even"](seed=1)
    target = MODELS["same_even"](seed=2)
    X = inputs(source, 4)
    net = gn.export.to_torch(source)
    gn.load_torch_state_dict(net.state_dict(), target)
    np.testing.assert_array_equal(target.predict(X), source.predict(X))
    gn.export.save_safetensors(MODELS["same_even"](seed=3), tmp_path / "m.safetensors")
    gn.load_torch_state_dict(tmp_path / "m.safetensors", target)
    np.testing.assert_array_equal(target.predict(X), MODELS["same_even"](seed=3).predict(X))


def _weights(model):
    return [w.copy() for w in model.get_weights()]


@pytest.mark.parametrize("make_sd, match", [
    (lambda: {**torch_cnn().state_dict(),
              "6.weight": torch.zeros(8, 30, dtype=torch.float64)},
     r"layer 'dense' \(Dense\) needs '6.weight' of shape \(8, 24\) \(torch's \(out, in\) for "
     r"W \(24, 8\)\), got \(8, 30\)"),
    (lambda: {**torch_cnn().state_dict(), "0.weight": torch.zeros(4, 2, 3, 3)},
     r"layer 'conv2d' \(Conv2D\) needs '0.weight' of shape \(4, 1, 3, 3\)"),
    (lambda: {**torch_cnn().state_dict(), "8.bias": torch.zeros(4, dtype=torch.float64)},
     r"layer 'dense_1' \(Dense\) needs '8.bias' of shape \(3,\), got \(4,\)"),
    (lambda: {k: v for k, v in torch_cnn().state_dict().items() if not k.startswith("8.")},
     r"3 parametrised module\(s\) \(0, 3, 6\) but the model has 4 layer\(s\) with weights "
     r"\(layer 'conv2d' \(Conv2D\), layer 'conv2d_1' \(Conv2D\), layer 'dense' \(Dense\), "
     r"layer 'dense_1' \(Dense\)\)"),
    (lambda: nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4)).state_dict(),
     r"module '1' of the state_dict has entries \['bias', 'num_batches_tracked', "
     r"'running_mean', 'running_var', 'weight'\]"),
    (lambda: {**torch_cnn().state_dict(), "3.weight": torch.full((6, 4, 3, 3), float("nan"))},
     r"3.weight for layer 'conv2d_1' \(Conv2D\) holds NaN"),
    (lambda: {"weight": torch.zeros(3)}, r"keys must look like 'module.weight', got 'weight'"),
    (lambda: {}, "the state_dict is empty"),
])
def test_mismatches_are_refused_naming_the_layer_and_nothing_changes(make_sd, match):
    model = glassnet_cnn()
    before = _weights(model)
    with pytest.raises(ValueError, match=match):
        gn.load_torch_state_dict(make_sd(), model)
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_unbuilt_conv_model_and_unknown_layers_are_refused():
    with pytest.raises(ValueError, match=r"the model is not built; call model.build"):
        gn.load_torch_state_dict(torch_cnn().state_dict(),
                                 gn.Sequential([Conv2D(4, 3), Flatten(), Dense(2)]))

    class Scale(gn.layers.Layer):
        def build(self, input_shape, rng=None, dtype=np.float32):
            super().build(input_shape, rng, dtype)
            self.params = {"s": np.ones(1, dtype)}
            self.grads = {"s": np.zeros(1, dtype)}

        def forward(self, x, training=False):
            return x * self.params["s"]

    model = gn.Sequential([Dense(7), Scale(), Dense(2)], dtype=np.float64)
    model.build((5,))
    with pytest.raises(ValueError, match=r"cannot load layer 'scale' \(Scale\): only Dense and "
                                         r"Conv2D"):
        gn.load_torch_state_dict(torch_mlp().state_dict(), model)


def test_pickled_module_file_is_refused_by_weights_only(tmp_path):
    path = tmp_path / "whole.pt"
    torch.save(torch_mlp(), path)                    # the module object, pickled
    with pytest.raises(ValueError, match=r"cannot be read with torch.load\(weights_only=True\)"):
        gn.load_torch_state_dict(path, glassnet_mlp())


@pytest.mark.parametrize("arg, error, match", [
    ("nowhere.pt", FileNotFoundError, "no state_dict file at 'nowhere.pt'"),
    (3.5, TypeError, "expected a state_dict .* got float"),
])
def test_bad_sources(arg, error, match):
    with pytest.raises(error, match=match):
        gn.load_torch_state_dict(arg, glassnet_mlp())


def test_model_must_be_a_glassnet_model():
    with pytest.raises(TypeError, match="model must be a glassnet Sequential, got Sequential"):
        gn.load_torch_state_dict(torch_mlp().state_dict(), torch_mlp())
