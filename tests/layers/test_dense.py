"""Dense: forward and backward against PyTorch, L1/L2 penalties, building and argument errors."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import glassnet as gn
from glassnet.layers import Dense

TORCH = {
    "linear": lambda t: t,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
    "softmax": lambda t: torch.softmax(t, dim=-1),
}


def built(units=4, activation=None, n_in=3, seed=0, dtype=np.float64, **kwargs):
    layer = Dense(units, activation, **kwargs)
    layer.build((n_in,), rng=np.random.default_rng(seed), dtype=dtype)
    layer.params["b"][...] = np.random.default_rng(seed + 1).normal(size=units)
    return layer


@pytest.mark.parametrize("activation", list(TORCH))
@pytest.mark.parametrize("training", [False, True])
def test_forward_and_backward_match_pytorch(activation, training):
    rng = np.random.default_rng(2)
    x, grad = rng.normal(size=(6, 3)), rng.normal(size=(6, 4))
    layer = built(activation=activation)
    out = layer.forward(x, training=training)
    W = torch.tensor(layer.params["W"].copy(), requires_grad=True)
    b = torch.tensor(layer.params["b"].copy(), requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    ref = TORCH[activation](xt @ W + b)
    ref.backward(torch.tensor(grad))
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-13, atol=1e-15)
    dx = layer.backward(grad)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.grads["W"], W.grad.numpy(), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(layer.grads["b"], b.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_each_unit_gets_its_own_bias_gradient():
    """The posts' ``db1`` bug summed over units too; here db is a sum over samples only."""
    layer = built(units=3, activation="tanh")
    rng = np.random.default_rng(0)
    x, grad = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    a = layer.forward(x)
    layer.backward(grad)
    np.testing.assert_allclose(layer.grads["b"], (grad * (1 - a**2)).sum(axis=0), rtol=1e-14)
    assert len(set(np.round(layer.grads["b"], 12))) == 3


def test_shapes_and_params():
    layer = built(units=4, n_in=3, dtype=np.float32)
    assert layer.params["W"].shape == (3, 4) and layer.params["b"].shape == (4,)
    assert set(layer.params) == set(layer.grads) == {"W", "b"}
    assert all(v.dtype == np.float32 for v in (*layer.params.values(), *layer.grads.values()))
    assert layer.output_shape == (4,) and layer.n_params == 16
    x = np.ones((7, 3), dtype=np.float32)
    y = layer.forward(x)
    assert y.shape == (7, 4) and y.dtype == np.float32
    np.testing.assert_allclose(y, x @ layer.params["W"] + layer.params["b"], rtol=1e-6)


def test_a_standalone_layer_builds_from_its_first_input():
    layer = Dense(2, "relu")
    assert not layer.built
    out = layer.forward(np.ones((3, 5)))
    assert layer.built and layer.input_shape == (5,) and layer.params["W"].shape == (5, 2)
    assert layer.dtype == np.float64 and out.shape == (3, 2)
    layer32 = Dense(2)
    layer32.forward(np.ones((3, 5), dtype=np.float32))
    assert layer32.dtype == np.float32


def test_the_first_layer_of_a_model_skips_the_input_gradient():
    model = gn.Sequential([Dense(4, "tanh"), Dense(1, "sigmoid")], seed=0)
    model.build((3,))
    assert [layer.need_input_grad for layer in model.layers] == [False, True]
    layer = built(activation="tanh")
    layer.need_input_grad = False
    layer.forward(np.ones((2, 3)))
    assert layer.backward(np.ones((2, 4))) is None
    assert np.abs(layer.grads["W"]).sum() > 0


# ----------------------------------------------------------------------------- regularisation


def test_penalty_value():
    layer = built(l1=0.3, l2=0.05)
    W = layer.params["W"]
    assert layer.penalty() == pytest.approx(0.3 * np.abs(W).sum() + 0.05 * (W**2).sum(),
                                            rel=1e-14)
    assert built().penalty() == 0.0


@pytest.mark.parametrize("l1, l2", [(0.01, 0.0), (0.0, 0.05), (0.02, 0.03)])
def test_penalised_loss_and_gradients_match_pytorch(l1, l2, torch_mirror):
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(15, 3)), rng.integers(0, 3, 15)
    model = gn.Sequential([Dense(5, "tanh", l1=l1, l2=l2), Dense(3, "softmax", l1=l1, l2=l2)],
                          seed=1, dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    loss = model.compute_gradients(X, y)
    mirror = torch_mirror(model)
    ref = mirror.loss(X, y)
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    assert model.evaluate(X, y)["loss"] == pytest.approx(ref.item(), rel=1e-12)
    for layer, leaves in zip(model.layers, mirror.leaves, strict=True):
        for key, leaf in leaves.items():
            np.testing.assert_allclose(layer.grads[key], leaf.grad.numpy(), rtol=1e-10,
                                       atol=1e-14)


def test_biases_are_not_penalised():
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=(10, 2))
    grads = {}
    for l2 in (0.0, 0.5):
        model = gn.Sequential([Dense(2, l2=l2)], seed=0, dtype=np.float64)
        model.compile(loss="mse", optimizer="sgd")
        model.build((3,))
        model.layers[0].params["b"][...] = 3.0
        model.compute_gradients(X, y)
        grads[l2] = {k: v.copy() for k, v in model.layers[0].grads.items()}
        penalty = model.layers[0].penalty()
        assert penalty == pytest.approx(l2 * (model.layers[0].params["W"] ** 2).sum())
    np.testing.assert_array_equal(grads[0.0]["b"], grads[0.5]["b"])
    assert not np.allclose(grads[0.0]["W"], grads[0.5]["W"])


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("kwargs, error, match", [
    ({"units": 0}, ValueError, "units must be >= 1, got 0"),
    ({"units": 2.5}, TypeError, "units must be an integer, got float"),
    ({"units": 2, "activation": "swish"}, ValueError, "unknown activation 'swish'"),
    ({"units": 2, "kernel_initializer": "xavier"}, ValueError,
     "unknown kernel_initializer 'xavier'"),
    ({"units": 2, "l1": -0.1}, ValueError, "l1 must be >= 0.0, got -0.1"),
    ({"units": 2, "l2": float("inf")}, ValueError, "l2 must be finite"),
    ({"units": 2, "name": 5}, TypeError, "name must be a str or None"),
])
def test_constructor_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        Dense(**kwargs)


def test_image_input_needs_flatten():
    with pytest.raises(ValueError, match=r"per-sample shape \(1, 4, 4\); add a Flatten\(\)"):
        Dense(3).build((1, 4, 4))


def test_wrong_input_width():
    layer = built(n_in=3)
    with pytest.raises(ValueError, match=r"dense expects input of shape \(n, 3\), got \(2, 4\)"):
        layer.forward(np.ones((2, 4)))


def test_config_round_trip():
    layer = Dense(7, "leaky_relu", kernel_initializer="he_uniform", l1=0.1, l2=0.2, name="d")
    config = layer.get_config()
    assert config == {"units": 7, "activation": "leaky_relu", "kernel_initializer": "he_uniform",
                      "l1": 0.1, "l2": 0.2, "name": "d"}
    assert Dense(**config).get_config() == config
    assert repr(layer).startswith("Dense(units=7, activation='leaky_relu'")
