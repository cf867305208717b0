"""``gn.export.to_torch`` and ``save_safetensors``: the exported network computes what
``model.predict`` computes (float64, to 1e-6), and training steps taken in PyTorch from the
exported weights equal glassnet's own steps, with the same optimizer."""

from __future__ import annotations

import numpy as np
import pytest
import safetensors.numpy
import safetensors.torch
import torch
import torch.nn.functional as F
from export_models import MODELS, inputs, lenet, same_even, with_activation

import glassnet as gn
from glassnet.layers import Dense


def torch_out(net, X: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return net(torch.as_tensor(X)).numpy()


def test_outputs_equal_predict_float64(model_name):
    model = MODELS[model_name](seed=2, dtype=np.float64)
    net = gn.export.to_torch(model)
    assert isinstance(net, torch.nn.Sequential) and not net.training
    assert all(p.dtype == torch.float64 for p in net.parameters())
    X = inputs(model, 6)
    np.testing.assert_allclose(torch_out(net, X), model.predict(X), rtol=1e-6, atol=1e-6)


def test_float32_model_gives_float32_network():
    model = MODELS["same_even"](seed=0)
    net = gn.export.to_torch(model)
    assert {p.dtype for p in net.parameters()} == {torch.float32}
    X = inputs(model, 3)
    np.testing.assert_allclose(torch_out(net, X), model.predict(X), rtol=1e-5, atol=1e-6)
    assert {p.dtype for p in gn.export.to_torch(model, dtype=np.float64).parameters()} == {
        torch.float64}


def test_layout_dense_weight_is_transposed_and_modules_as_documented():
    model = MODELS["mlp"](seed=0)
    net = gn.export.to_torch(model)
    kinds = [type(m).__name__ for m in net]
    assert kinds == ["Linear", "Tanh", "Linear", "ReLU", "Dropout", "Linear", "Softmax"]
    np.testing.assert_array_equal(net[0].weight.detach().numpy(), model.layers[0].params["W"].T)
    assert net[4].p == 0.2
    sd = gn.export.torch_state_dict(model)
    assert list(sd) == list(net.state_dict())
    for key, value in net.state_dict().items():
        np.testing.assert_array_equal(sd[key], value.numpy())


# ---------------------------------------------------------------------------- training steps

def _glassnet_steps(model, X, y, steps: int) -> list[float]:
    if hasattr(model, "train_step"):
        return [float(model.train_step(X, y)) for _ in range(steps)]
    history = model.fit(X, y, epochs=steps, batch_size=None, shuffle=False, verbose=0)
    return list(history.history["loss"])


def _torch_loss(name: str, out, y: np.ndarray):
    if name == "binary_crossentropy":
        return F.binary_cross_entropy(out, torch.as_tensor(y.reshape(-1, 1), dtype=out.dtype))
    if name == "categorical_crossentropy":
        return F.nll_loss(torch.log(out), torch.as_tensor(y, dtype=torch.int64))
    return F.mse_loss(out, torch.as_tensor(y, dtype=out.dtype))


def _torch_optimizer(opt, params):
    if isinstance(opt, gn.optimizers.Adam):
        return torch.optim.Adam(params, lr=opt.lr, betas=(opt.beta1, opt.beta2), eps=opt.eps)
    return torch.optim.SGD(params, lr=opt.lr, momentum=opt.momentum, nesterov=opt.nesterov)


def _mlp_binary(seed):
    model = gn.Sequential([Dense(8, activation="tanh"), Dense(1, activation="sigmoid")],
                          seed=seed, dtype=np.float64)
    model.build((3,))
    return model


def _mlp_softmax(seed):
    model = gn.Sequential([Dense(10, activation="relu", kernel_initializer="he_normal"),
                           Dense(6, activation="leaky_relu"), Dense(3, activation="softmax")],
                          seed=seed, dtype=np.float64)
    model.build((4,))
    return model


CASES = {
    # name: (model factory, loss, optimizer, steps)
    "mlp-bce-sgd": (_mlp_binary, "binary_crossentropy", lambda: gn.optimizers.SGD(lr=0.5), 1),
    "mlp-cce-adam": (_mlp_softmax, "categorical_crossentropy",
                     lambda: gn.optimizers.Adam(lr=0.01), 1),
    "mlp-cce-momentum-3-steps": (_mlp_softmax, "categorical_crossentropy",
                                 lambda: gn.optimizers.SGD(lr=0.1, momentum=0.9), 3),
    "lenet-cce-adam": (lambda s: lenet(s, np.float64), "categorical_crossentropy",
                       lambda: gn.optimizers.Adam(lr=1e-3), 1),
    "same-even-bce-sgd": (lambda s: same_even(s, np.float64), "binary_crossentropy",
                          lambda: gn.optimizers.SGD(lr=0.3), 1),
    "conv-softmax-mse-adam-2-steps": (lambda s: with_activation("softmax", s, np.float64), "mse",
                                      lambda: gn.optimizers.Adam(lr=0.05), 2),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_torch_training_steps_equal_glassnet_steps(case):
    factory, loss, make_opt, steps = CASES[case]
    model = factory(1)
    rng = np.random.default_rng(7)
    X = inputs(model, 6, seed=4)
    out_units = model.layers[-1].output_shape[0]
    if loss == "binary_crossentropy":
        y = rng.integers(0, 2, size=len(X)).astype(np.float64)
    elif loss == "categorical_crossentropy":
        y = rng.integers(0, out_units, size=len(X))
    else:
        y = rng.normal(size=(len(X), out_units))

    net = gn.export.to_torch(model).train()
    opt = _torch_optimizer(make_opt(), net.parameters())
    torch_losses = []
    for _ in range(steps):
        opt.zero_grad()
        value = _torch_loss(loss, net(torch.as_tensor(X)), y)
        value.backward()
        opt.step()
        torch_losses.append(value.item())

    model.compile(loss=loss, optimizer=make_opt())
    glassnet_losses = _glassnet_steps(model, X, y, steps)
    np.testing.assert_allclose(glassnet_losses, torch_losses, rtol=1e-6, atol=1e-9)
    trained = gn.export.torch_state_dict(model)
    moved = 0.0
    for key, value in net.state_dict().items():
        np.testing.assert_allclose(trained[key], value.numpy(), rtol=1e-6, atol=1e-6,
                                   err_msg=key)
        moved = max(moved, float(np.abs(value.numpy() - gn.export.torch_state_dict(
            factory(1))[key]).max()))
    assert moved > 1e-4                                    # the steps did change the weights
    np.testing.assert_allclose(torch_out(net.eval(), X), model.predict(X), rtol=1e-6, atol=1e-6)


# ---------------------------------------------------------------------------- safetensors

def test_safetensors_file_loads_into_the_exported_network(tmp_path):
    model = MODELS["same_even"](seed=5)
    path = tmp_path / "m.safetensors"
    assert gn.export.save_safetensors(model, path) == str(path)
    tensors = safetensors.torch.load_file(str(path))
    fresh = gn.export.to_torch(MODELS["same_even"](seed=6))         # other weights
    fresh.load_state_dict(tensors, strict=True)
    X = inputs(model, 4)
    np.testing.assert_allclose(torch_out(fresh, X), model.predict(X), rtol=1e-5, atol=1e-6)
    with safetensors.safe_open(str(path), framework="numpy") as f:
        meta = f.metadata()
    assert meta["format"] == "pt" and meta["producer"].startswith("glassnet")
    assert sorted(v for k, v in meta.items() if k.startswith("layer.")) == sorted(
        lay.name for lay in model.layers if lay.params)
    W = safetensors.numpy.load_file(str(path))["1.weight"]      # 0 is the ZeroPad2d
    assert W.dtype == np.float32 and W.shape == (4, 2, 2, 2)
