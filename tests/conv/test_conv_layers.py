"""Conv2D / MaxPool2D / AvgPool2D: central differences, penalties, the layer contract, errors."""

import json

import numpy as np
import pytest

from glassnet.conv.ops import conv2d_forward, im2col
from glassnet.layers.conv import Conv2D
from glassnet.layers.pooling import AvgPool2D, MaxPool2D


def numeric_gradient(loss, arr, eps=1e-6):
    """Central differences of ``loss()`` with respect to every element of ``arr`` (in place)."""
    grad = np.zeros_like(arr)
    flat, gflat = arr.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        orig = flat[i]
        flat[i] = orig + eps
        up = loss()
        flat[i] = orig - eps
        down = loss()
        flat[i] = orig
        gflat[i] = (up - down) / (2 * eps)
    return grad


def analytic_and_numeric(layer, x, R, penalty=False):
    """Backprop vs central differences for ``L = Σ out·R (+ penalty)``, for x and each param."""
    def loss():
        value = float(np.sum(layer.forward(x, training=True) * R))
        return value + (layer.penalty() if penalty else 0.0)

    layer.forward(x, training=True)
    dx = layer.backward(R)
    pairs = [(dx, numeric_gradient(loss, x))]
    for key in layer.params:
        pairs.append((layer.grads[key].copy(), numeric_gradient(loss, layer.params[key])))
    return pairs


@pytest.mark.parametrize("stride, padding, activation", [
    (1, "valid", "tanh"), (2, "same", None), (1, "same", "sigmoid"), ((2, 1), "valid", None),
])
def test_conv2d_central_differences(stride, padding, activation):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 2, 5, 6))
    layer = Conv2D(3, (3, 2), stride=stride, padding=padding, activation=activation)
    layer.build(x.shape[1:], rng=rng, dtype=np.float64)
    layer.params["b"][...] = rng.normal(size=3)
    R = rng.normal(size=(2,) + layer.output_shape)
    for analytic, numeric in analytic_and_numeric(layer, x, R):
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
@pytest.mark.parametrize("pool, stride, padding", [(2, None, "valid"), (3, 2, "same"),
                                                   (2, 1, "valid")])
def test_pooling_central_differences(cls, pool, stride, padding):
    rng = np.random.default_rng(1)
    # distinct values 0.01 apart: no ties, so max pooling is differentiable at x
    x = rng.permutation(2 * 2 * 5 * 5).reshape(2, 2, 5, 5) * 0.01
    layer = cls(pool, stride, padding)
    R = rng.normal(size=layer.forward(x).shape)
    [(analytic, numeric)] = analytic_and_numeric(layer, x, R)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


def test_conv2d_penalty_and_its_gradient():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 1, 5, 5))
    layer = Conv2D(2, 3, activation="relu", l1=0.03, l2=0.2)
    layer.build(x.shape[1:], rng=rng, dtype=np.float64)
    W = layer.params["W"]
    assert layer.penalty() == pytest.approx(0.03 * np.abs(W).sum() + 0.2 * (W ** 2).sum())
    R = rng.normal(size=(2,) + layer.output_shape)
    for analytic, numeric in analytic_and_numeric(layer, x, R, penalty=True):
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)
    plain = Conv2D(2, 3, activation="relu")
    plain.build(x.shape[1:], dtype=np.float64)
    plain.params["W"][...] = W
    plain.forward(x, training=True)
    plain.backward(R)
    assert plain.penalty() == 0.0
    np.testing.assert_allclose(layer.grads["W"] - plain.grads["W"],
                               0.03 * np.sign(W) + 0.4 * W, atol=1e-12)


def test_conv2d_build_init_and_determinism():
    layer = Conv2D(6, (3, 5), kernel_initializer="he_normal")
    layer.build((4, 10, 10), rng=np.random.default_rng(0), dtype=np.float32)
    W = layer.params["W"]
    assert W.shape == (6, 4, 3, 5) and W.dtype == np.float32 and W.flags.c_contiguous
    np.testing.assert_array_equal(layer.params["b"], np.zeros(6, np.float32))
    assert {k: v.shape for k, v in layer.grads.items()} == {"W": W.shape, "b": (6,)}
    assert not any(g.any() for g in layer.grads.values())
    assert layer.output_shape == (6, 8, 6) and layer.n_params == 6 * 4 * 15 + 6
    again = Conv2D(6, (3, 5), kernel_initializer="he_normal")
    again.build((4, 10, 10), rng=np.random.default_rng(0), dtype=np.float32)
    np.testing.assert_array_equal(W, again.params["W"])
    glorot = Conv2D(50, 3)
    glorot.build((20, 8, 8), rng=np.random.default_rng(0), dtype=np.float64)
    limit = np.sqrt(6.0 / (20 * 9 + 50 * 9))                # fan_in = C·kh·kw, fan_out = F·kh·kw
    assert np.abs(glorot.params["W"]).max() <= limit
    assert np.abs(glorot.params["W"]).max() > 0.95 * limit


def test_conv2d_uses_rebound_params_and_writes_grads_in_place():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 2, 6, 6))
    layer = Conv2D(3, 3, activation="tanh")
    layer.build(x.shape[1:], rng=rng, dtype=np.float64)
    reference = Conv2D(3, 3, activation="tanh")
    reference.build(x.shape[1:], dtype=np.float64)
    # what a model does: move params and grads into views of flat buffers
    flat_p = np.zeros(layer.n_params)
    flat_g = np.zeros(layer.n_params)
    offset = 0
    for key, value in layer.params.items():
        view = flat_p[offset:offset + value.size].reshape(value.shape)
        view[...] = value + 0.5
        layer.params[key] = view
        layer.grads[key] = flat_g[offset:offset + value.size].reshape(value.shape)
        reference.params[key][...] = view
        offset += value.size
    R = rng.normal(size=(2, 3, 4, 4))
    np.testing.assert_allclose(layer.forward(x, training=True), reference.forward(x, True))
    layer.backward(R)
    reference.backward(R)
    np.testing.assert_allclose(flat_g, np.concatenate([reference.grads["W"].ravel(),
                                                       reference.grads["b"]]))
    flat_p[:] = 0.0                                              # in-place update is seen
    np.testing.assert_array_equal(layer.forward(x), 0.0)


def test_conv2d_fused_head_keeps_logits_and_skips_derivative():
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 2, 5, 5))
    head = Conv2D(2, 3, activation="sigmoid")
    head.build(x.shape[1:], rng=rng, dtype=np.float64)
    linear = Conv2D(2, 3)
    linear.build(x.shape[1:], dtype=np.float64)
    linear.params["W"][...] = head.params["W"]
    head.fused_head = True
    a = head.forward(x, training=True)
    z = linear.forward(x, training=True)
    np.testing.assert_allclose(head.logits, z)
    np.testing.assert_allclose(a, 1.0 / (1.0 + np.exp(-z)))
    dz = rng.normal(size=a.shape)
    np.testing.assert_allclose(head.backward(dz), linear.backward(dz))
    np.testing.assert_allclose(head.grads["W"], linear.grads["W"])


def test_conv2d_inference_mode_then_backward_matches_training_mode():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 2, 7, 7))
    layer = Conv2D(4, 3, padding="same", activation="relu")
    layer.build(x.shape[1:], rng=rng, dtype=np.float64)
    R = rng.normal(size=(3, 4, 7, 7))
    out_train = layer.forward(x, training=True)
    dx_train = layer.backward(R).copy()
    dW_train = layer.grads["W"].copy()
    np.testing.assert_allclose(layer.forward(x, training=False), out_train)
    np.testing.assert_allclose(layer.backward(R), dx_train)
    np.testing.assert_allclose(layer.grads["W"], dW_train)
    layer.need_input_grad = False
    layer.forward(x, training=True)
    assert layer.backward(R) is None
    np.testing.assert_allclose(layer.grads["W"], dW_train)


def test_conv2d_forward_in_chunks_equals_one_gemm():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(5, 3, 8, 8))
    W, b = rng.normal(size=(4, 3, 3, 3)), rng.normal(size=4)
    pads = ((1, 1), (1, 1))
    full, cols = conv2d_forward(x, W, b, (2, 2), pads, keep_cols=True)
    chunked, none = conv2d_forward(x, W, b, (2, 2), pads, keep_cols=False, chunk=2)
    assert none is None and cols.shape == (27, 5 * 4 * 4)
    np.testing.assert_allclose(chunked, full, atol=1e-12)
    x_pad = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    np.testing.assert_array_equal(cols, im2col(x_pad, (3, 3), (2, 2)))
    # column (n, p, q) holds the receptive field of output (p, q) of sample n
    np.testing.assert_array_equal(cols[:, 1 * 16 + 2 * 4 + 3],
                                  x_pad[1, :, 4:7, 6:9].ravel())


def test_max_pool_ties_and_overlaps():
    layer = MaxPool2D(2)
    x = np.array([[[[1.0, 1.0, 1.0, 3.0], [1.0, 1.0, 3.0, 2.0]]]])
    np.testing.assert_array_equal(layer.forward(x), [[[[1.0, 3.0]]]])
    np.testing.assert_array_equal(layer.backward(np.array([[[[5.0, 7.0]]]])),
                                  [[[[5.0, 0.0, 0.0, 7.0], [0.0, 0.0, 0.0, 0.0]]]])
    overlap = MaxPool2D(2, stride=1)
    x = np.zeros((1, 1, 3, 3))
    x[0, 0, 1, 1] = 9.0
    overlap.forward(x)
    dx = overlap.backward(np.array([[[[1.0, 2.0], [3.0, 4.0]]]]))
    expected = np.zeros((1, 1, 3, 3))
    expected[0, 0, 1, 1] = 10.0
    np.testing.assert_array_equal(dx, expected)


@pytest.mark.parametrize("cls", [MaxPool2D, AvgPool2D])
def test_pooling_shapes_dtypes_and_config(cls):
    x = np.random.default_rng(7).normal(size=(2, 3, 9, 8)).astype(np.float32)
    layer = cls(3, 2, "same")
    out = layer.forward(x)
    assert out.dtype == np.float32 and out.shape == (2, 3, 5, 4)
    assert layer.backward(np.ones_like(out)).dtype == np.float32
    assert layer.compute_output_shape((3, 9, 8)) == (3, 5, 4) and layer.n_params == 0
    config = layer.get_config()
    assert config == {"pool_size": 3, "stride": 2, "padding": "same", "name": layer.name}
    assert cls(**json.loads(json.dumps(config))).get_config() == config
    assert cls((2, 3)).get_config()["stride"] == [2, 3]


def test_conv2d_config_round_trip():
    layer = Conv2D(8, (3, 5), stride=2, padding="same", activation="relu",
                   kernel_initializer="he_uniform", l1=0.1, l2=0.2, name="c1")
    config = layer.get_config()
    assert config == {"filters": 8, "kernel_size": [3, 5], "stride": 2, "padding": "same",
                      "activation": "relu", "kernel_initializer": "he_uniform", "l1": 0.1,
                      "l2": 0.2, "name": "c1"}
    assert Conv2D(**json.loads(json.dumps(config))).get_config() == config
    assert Conv2D(4, 3).get_config()["activation"] == "linear"


@pytest.mark.parametrize("make, exc, match", [
    (lambda: Conv2D(0, 3), ValueError, "filters must be >= 1"),
    (lambda: Conv2D(4, (3,)), ValueError, "kernel_size must be an int or a pair of ints"),
    (lambda: Conv2D(4, 3.0), TypeError, "kernel_size must be an int or a pair of ints"),
    (lambda: Conv2D(4, 3, stride=(1, 0)), ValueError, r"stride\[1\] must be >= 1"),
    (lambda: Conv2D(4, 3, padding="full"), ValueError, "padding must be one of"),
    (lambda: Conv2D(4, 3, activation="swish"), ValueError, "unknown activation 'swish'"),
    (lambda: Conv2D(4, 3, kernel_initializer="xavier"), ValueError, "unknown kernel_initializer"),
    (lambda: Conv2D(4, 3, l2=-1.0), ValueError, "l2 must be >= 0"),
    (lambda: MaxPool2D(0), ValueError, "pool_size must be >= 1"),
    (lambda: AvgPool2D(2, padding="causal"), ValueError, "padding must be one of"),
])
def test_constructor_errors(make, exc, match):
    with pytest.raises(exc, match=match):
        make()


def test_input_errors():
    conv = Conv2D(2, 3)
    with pytest.raises(ValueError, match=r"got 3-D array of shape \(5, 28, 28\).*"
                                         r"x.reshape\(5, 1, 28, 28\)"):
        conv.forward(np.zeros((5, 28, 28)))
    with pytest.raises(ValueError, match=r"reshape \(n, 28, 28\) to \(n, 1, 28, 28\)"):
        conv.build((28, 28))
    conv.forward(np.zeros((2, 3, 6, 6)))
    with pytest.raises(ValueError, match=r"built for inputs with 3 channel\(s\), got x with 1"):
        conv.forward(np.zeros((2, 1, 6, 6)))
    with pytest.raises(ValueError, match=r"grad must have the output's shape \(2, 2, 4, 4\)"):
        conv.backward(np.zeros((2, 2, 5, 5)))
    with pytest.raises(ValueError, match="kernel size 5 is larger than the input height 4"):
        Conv2D(2, 5).forward(np.zeros((1, 1, 4, 9)))
    with pytest.raises(ValueError, match="kernel size 5 is larger than the input width 3"):
        Conv2D(2, 5).build((1, 8, 3))
    assert Conv2D(2, 5, padding="same").forward(np.zeros((1, 1, 4, 3))).shape == (1, 2, 4, 3)
    with pytest.raises(ValueError, match="pool size 3 is larger than the input height 2"):
        MaxPool2D(3).forward(np.zeros((1, 1, 2, 6)))
    pool = MaxPool2D(2)
    pool.build((1, 2, 2), dtype=np.float64)
    with pytest.raises(ValueError, match="x must be finite"):        # converted, so checked
        pool.forward(np.array([[[[1.0, np.nan], [0.0, 0.0]]]], dtype=np.float32))
    with pytest.raises(TypeError, match="x must hold numbers"):
        pool.forward(np.full((1, 1, 2, 2), "a"))
    with pytest.raises(TypeError, match="dtype must be float32 or float64"):
        Conv2D(2, 3).build((1, 5, 5), dtype=np.int32)
