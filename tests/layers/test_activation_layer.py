"""The Activation layer: against PyTorch on 2-D and 4-D inputs, and as a fused model head."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import glassnet as gn
from glassnet.layers import Activation, Dense

TORCH = {
    "linear": lambda t: t,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
    "softmax": lambda t: torch.softmax(t, dim=-1),
}


@pytest.mark.parametrize("name", list(TORCH))
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4, 5)])
def test_forward_and_backward_match_pytorch(name, shape):
    rng = np.random.default_rng(0)
    x, grad = rng.normal(scale=2, size=shape), rng.normal(size=shape)
    layer = Activation(name)
    out = layer.forward(x.copy(), training=True)
    xt = torch.tensor(x, requires_grad=True)
    ref = TORCH[name](xt)
    ref.backward(torch.tensor(grad))
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(layer.backward(grad), xt.grad.numpy(), rtol=1e-12, atol=1e-15)
    assert layer.output_shape == shape[1:]
    assert layer.params == {} and layer.grads == {} and layer.n_params == 0


def test_forward_leaves_its_input_alone():
    x = np.linspace(-3, 3, 12).reshape(3, 4)
    keep = x.copy()
    Activation("relu").forward(x, training=True)
    np.testing.assert_array_equal(x, keep)


@pytest.mark.parametrize("head, loss, y", [
    ("softmax", "categorical_crossentropy", np.array([0, 2, 1, 1, 0, 2])),
    ("sigmoid", "binary_crossentropy", np.array([0, 1, 1, 0, 0, 1])),
])
def test_as_a_head_it_is_fused_and_matches_pytorch(head, loss, y, torch_mirror):
    k = 3 if head == "softmax" else 1
    X = np.random.default_rng(1).normal(size=(6, 3))
    model = gn.Sequential([Dense(4, "relu"), Dense(k), Activation(head)], seed=0,
                          dtype=np.float64)
    model.compile(loss=loss, optimizer="sgd")
    value = model.compute_gradients(X, y)
    assert model.fused_head and model.layers[-1].fused_head
    mirror = torch_mirror(model)
    ref = mirror.loss(X, y)
    ref.backward()
    assert value == pytest.approx(ref.item(), rel=1e-12)
    for layer, leaves in zip(model.layers, mirror.leaves, strict=True):
        for key, leaf in leaves.items():
            np.testing.assert_allclose(layer.grads[key], leaf.grad.numpy(), rtol=1e-10,
                                       atol=1e-14)


def test_extreme_logits_through_an_activation_head_stay_finite():
    model = gn.Sequential([Dense(3), Activation("softmax")], seed=0, dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    model.build((2,))
    model.set_weights([np.array([[1e4, 0.0, -1e4], [0.0, 0.0, 0.0]]), np.zeros(3)])
    X = np.array([[1.0, 0.0], [1.0, 0.0]])
    loss = model.compute_gradients(X, np.array([0, 2]))
    assert loss == pytest.approx(2e4 / 2, rel=1e-14)
    assert np.isfinite(model.layers[0].grads["W"]).all()


def test_a_hidden_activation_layer_equals_the_dense_activation():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(8, 3)), rng.integers(0, 2, 8)
    joint = gn.Sequential([Dense(4, "tanh"), Dense(1, "sigmoid")], seed=0, dtype=np.float64)
    split = gn.Sequential([Dense(4), Activation("tanh"), Dense(1, "sigmoid")], seed=0,
                          dtype=np.float64)
    for model in (joint, split):
        model.compile(loss="binary_crossentropy", optimizer="sgd")
    assert split.compute_gradients(X, y) == pytest.approx(joint.compute_gradients(X, y),
                                                          rel=1e-14)
    for a, b in ((joint.layers[0], split.layers[0]), (joint.layers[1], split.layers[2])):
        for key in a.grads:
            np.testing.assert_allclose(b.grads[key], a.grads[key], rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(split.predict(X), joint.predict(X), rtol=1e-14)


def test_config_and_errors():
    layer = Activation("leaky_relu", name="act")
    assert layer.get_config() == {"activation": "leaky_relu", "name": "act"}
    assert Activation(**layer.get_config()).activation.name == "leaky_relu"
    with pytest.raises(ValueError, match="unknown activation 'elu'; valid names are"):
        Activation("elu")
    with pytest.raises(TypeError, match="activation must be a string name"):
        Activation(1.0)
