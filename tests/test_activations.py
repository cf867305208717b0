"""Activation functions: values and derivatives against PyTorch, stability for huge inputs."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from glassnet import activations

NAMES = ["linear", "sigmoid", "tanh", "relu", "leaky_relu", "softmax"]
TORCH = {
    "linear": lambda t: t,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
    "softmax": lambda t: torch.softmax(t, dim=-1),
}
HUGE = np.array([[-1e6, -1e4, -800.0, -40.0, -1.0, 0.0],
                 [0.0, 1.0, 40.0, 800.0, 1e4, 1e6],
                 [1e4, -1e4, 0.0, 1e4, -1e6, 3.0],
                 [1e6, 1e6, 1e6, 1e6, 1e6, 1e6]])


def inputs(seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3.0, size=(7, 5)).astype(dtype)
    z[0, :2] = 0.0                    # the kink of relu / leaky_relu, taken as in PyTorch
    return z, rng.normal(size=(7, 5)).astype(dtype)


@pytest.mark.parametrize("name", NAMES)
def test_forward_and_backward_match_pytorch(name):
    z, grad = inputs()
    fn = activations.get(name)
    a = fn.forward(z.copy())
    zt = torch.tensor(z, requires_grad=True)
    at = TORCH[name](zt)
    at.backward(torch.tensor(grad))
    np.testing.assert_allclose(a, at.detach().numpy(), rtol=1e-14, atol=1e-300)
    np.testing.assert_allclose(fn.backward(grad, a), zt.grad.numpy(), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_out_argument_and_dtype(name, dtype):
    z, grad = inputs(1, dtype)
    fn = activations.get(name)
    keep = z.copy()
    a = fn.forward(z)
    np.testing.assert_array_equal(z, keep)                   # input untouched
    assert a.dtype == dtype and a.shape == z.shape
    buf = np.empty_like(z)
    assert fn.forward(z, out=buf) is buf
    np.testing.assert_array_equal(buf, a)
    in_place = z.copy()
    fn.forward(in_place, out=in_place)
    np.testing.assert_array_equal(in_place, a)
    assert fn.backward(grad, a).dtype == dtype


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_inputs_stay_finite_without_warnings(name, dtype):
    z = HUGE.astype(dtype)
    grad = np.ones_like(z)
    fn = activations.get(name)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        a = fn.forward(z)
        d = fn.backward(grad, a)
    assert np.isfinite(a).all() and np.isfinite(d).all()
    ref = TORCH[name](torch.tensor(HUGE)).numpy()
    np.testing.assert_allclose(a, ref.astype(dtype), rtol=1e-6 if dtype == np.float32 else 1e-14)


def test_sigmoid_keeps_precision_in_both_tails():
    z = np.array([-700.0, -100.0, -30.0, 30.0, 100.0])
    np.testing.assert_allclose(activations.sigmoid(z)[:3], np.exp(z[:3]) / (1 + np.exp(z[:3])),
                               rtol=1e-14)
    np.testing.assert_array_equal(activations.sigmoid(np.array([-1e4, 1e4])), [0.0, 1.0])
    assert activations.sigmoid(np.array([0.0]))[0] == 0.5


def test_softmax_rows_sum_to_one_and_ignore_shifts():
    z, _ = inputs(2)
    p = activations.softmax(z)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(activations.softmax(z + 1e4), p, rtol=1e-10, atol=1e-15)
    np.testing.assert_array_equal(activations.softmax(np.array([[1e4, 0.0, -1e4]])), [[1, 0, 0]])


@pytest.mark.parametrize("fn, ref", [
    (activations.log_softmax, lambda t: torch.log_softmax(t, dim=-1)),
    (activations.log_sigmoid, F.logsigmoid),
])
def test_log_forms_are_finite_for_huge_inputs(fn, ref):
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = fn(HUGE)
    assert np.isfinite(out).all()
    np.testing.assert_allclose(out, ref(torch.tensor(HUGE)).numpy(), rtol=1e-14, atol=1e-300)


def test_leaky_relu_slope():
    z = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(activations.leaky_relu(z), [-0.02, 0.0, 3.0])
    np.testing.assert_array_equal(activations.leaky_relu(z, alpha=0.2), [-0.4, 0.0, 3.0])
    a = activations.leaky_relu(z)
    np.testing.assert_array_equal(activations.leaky_relu_backward(np.ones(3), a),
                                  [0.01, 0.01, 1.0])


def test_registry():
    assert activations.names() == NAMES
    assert activations.get(None).name == "linear"
    assert activations.get("ReLU").name == "relu"
    fn = activations.get("tanh")
    assert activations.get(fn) is fn
    with pytest.raises(ValueError, match="unknown activation 'gelu'; valid names are: linear, "
                                         "sigmoid, tanh, relu, leaky_relu, softmax"):
        activations.get("gelu")
    with pytest.raises(TypeError, match="activation must be a string name, got int 3"):
        activations.get(3)
