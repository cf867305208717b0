"""Conv2D, MaxPool2D and AvgPool2D forward and backward against PyTorch autograd in float64."""

import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from glassnet.layers.conv import Conv2D
from glassnet.layers.pooling import AvgPool2D, MaxPool2D

TORCH_ACT = {None: lambda z: z, "relu": torch.relu, "tanh": torch.tanh,
             "sigmoid": torch.sigmoid, "softmax": lambda z: torch.softmax(z, dim=1)}


def tf_same_pads(size, k, s):
    """TensorFlow's 'same' padding along one axis, written out independently of glassnet."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def torch_pad(xt, hw, kernel, stride, value=0.0):
    top, bottom = tf_same_pads(hw[0], kernel[0], stride[0])
    left, right = tf_same_pads(hw[1], kernel[1], stride[1])
    return F.pad(xt, (left, right, top, bottom), value=value)


def run_conv_pair(layer, x, kernel, stride, padding, activation, training=True, seed=0):
    """Forward and backward through ``layer`` and through torch; return both sets of results."""
    rng = np.random.default_rng(seed)
    layer.params["b"][...] = rng.normal(size=layer.params["b"].shape)
    out = layer.forward(x, training=training)
    grad = rng.normal(size=out.shape)
    dx = layer.backward(grad)

    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(layer.params["W"], requires_grad=True)
    bt = torch.tensor(layer.params["b"], requires_grad=True)
    if padding == "same" and stride == (1, 1):
        with warnings.catch_warnings():           # torch notes that even kernels pad a copy
            warnings.simplefilter("ignore", UserWarning)
            z = F.conv2d(xt, wt, bt, padding="same")
    elif padding == "same":
        z = F.conv2d(torch_pad(xt, x.shape[2:], kernel, stride), wt, bt, stride=stride)
    else:
        z = F.conv2d(xt, wt, bt, stride=stride)
    at = TORCH_ACT[activation](z)
    at.backward(torch.tensor(grad))
    return (out, dx, layer.grads["W"], layer.grads["b"]), (
        at.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy())


def assert_all_close(ours, ref, tol=1e-10):
    for name, a, b in zip(("output", "dx", "dW", "db"), ours, ref, strict=True):
        assert a.shape == b.shape, name
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol, err_msg=name)


@pytest.mark.parametrize("activation", [None, "relu", "tanh"])
@pytest.mark.parametrize("k", [3, 5])
@pytest.mark.parametrize("filters", [2, 4])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("stride", [1, 2])
def test_conv2d_matches_torch(stride, padding, channels, filters, k, activation):
    rng = np.random.default_rng(100 * stride + 10 * channels + k)
    x = rng.normal(size=(2, channels, 9, 8))
    layer = Conv2D(filters, k, stride=stride, padding=padding, activation=activation)
    layer.build(x.shape[1:], rng=rng, dtype=np.float64)
    assert layer.output_shape == layer.forward(x).shape[1:]
    ours, ref = run_conv_pair(layer, x, (k, k), (stride, stride), padding, activation)
    assert_all_close(ours, ref)


@pytest.mark.parametrize("kernel, stride, padding", [
    ((3, 2), (2, 1), "valid"), ((2, 4), (1, 1), "same"), ((4, 4), (3, 2), "same"),
    ((1, 1), (1, 1), "valid"), ((2, 3), (2, 3), "same"),
])
@pytest.mark.parametrize("training", [True, False])
def test_conv2d_rectangular_kernels_and_strides(kernel, stride, padding, training):
    rng = np.random.default_rng(sum(kernel) + 7 * sum(stride))
    x = rng.normal(size=(3, 2, 10, 7))
    layer = Conv2D(3, kernel, stride=stride, padding=padding, activation="sigmoid")
    layer.build(x.shape[1:], rng=rng, dtype=np.float64)
    ours, ref = run_conv_pair(layer, x, kernel, stride, padding, "sigmoid", training=training)
    assert_all_close(ours, ref)


def test_conv2d_softmax_is_over_channels():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(2, 3, 6, 6))
    layer = Conv2D(4, 3, activation="softmax")
    layer.build(x.shape[1:], rng=rng, dtype=np.float64)
    ours, ref = run_conv_pair(layer, x, (3, 3), (1, 1), "valid", "softmax")
    assert_all_close(ours, ref)
    np.testing.assert_allclose(ours[0].sum(axis=1), 1.0)


def test_conv2d_float32_close_to_torch():
    rng = np.random.default_rng(11)
    x = rng.normal(size=(4, 3, 12, 12)).astype(np.float32)
    layer = Conv2D(8, 3, padding="same", activation="relu")
    layer.build(x.shape[1:], rng=rng, dtype=np.float32)
    out = layer.forward(x, training=True)
    grad = rng.normal(size=out.shape).astype(np.float32)
    dx = layer.backward(grad)
    assert out.dtype == dx.dtype == layer.grads["W"].dtype == np.float32
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(layer.params["W"], requires_grad=True)
    at = torch.relu(F.conv2d(xt, wt, torch.tensor(layer.params["b"]), padding="same"))
    at.backward(torch.tensor(grad))
    np.testing.assert_allclose(out, at.detach().numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(layer.grads["W"], wt.grad.numpy(), rtol=1e-4, atol=1e-3)


POOL_CASES = [  # pool, stride, padding, input (H, W)
    (2, None, "valid", (8, 6)), (2, None, "valid", (7, 9)), (3, None, "valid", (9, 7)),
    (3, 2, "valid", (9, 8)), (2, 1, "valid", (5, 6)), ((2, 3), (1, 2), "valid", (7, 8)),
    (2, None, "same", (7, 9)), (3, 2, "same", (8, 7)), (3, 1, "same", (5, 6)),
    (2, None, "same", (6, 8)),
]


def _pool_reference(kind, xt, pool, stride, padding, hw):
    pool = (pool, pool) if isinstance(pool, int) else pool
    stride = pool if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    if kind == "max":
        src = torch_pad(xt, hw, pool, stride, value=-math.inf) if padding == "same" else xt
        return F.max_pool2d(src, pool, stride)
    if padding == "valid":
        return F.avg_pool2d(xt, pool, stride)
    # 'same': mean over the real cells of each window (padding excluded from the count)
    total = F.avg_pool2d(torch_pad(xt, hw, pool, stride), pool, stride)
    count = F.avg_pool2d(torch_pad(torch.ones_like(xt), hw, pool, stride), pool, stride)
    return total / count


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("pool, stride, padding, hw", POOL_CASES)
@pytest.mark.parametrize("ties", [False, True])
def test_pooling_matches_torch(kind, pool, stride, padding, hw, ties):
    rng = np.random.default_rng(sum(map(ord, repr((pool, stride, padding, hw)))))
    shape = (2, 3) + hw
    x = rng.integers(0, 3, size=shape).astype(float) if ties else rng.normal(size=shape)
    layer = (MaxPool2D if kind == "max" else AvgPool2D)(pool, stride, padding)
    out = layer.forward(x)
    grad = rng.normal(size=out.shape)
    dx = layer.backward(grad)
    xt = torch.tensor(x, requires_grad=True)
    ref = _pool_reference(kind, xt, pool, stride, padding, hw)
    ref.backward(torch.tensor(grad))
    assert out.shape == ref.shape and out.shape[1:] == layer.compute_output_shape(shape[1:])
    np.testing.assert_allclose(out, ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-12, atol=1e-12)
