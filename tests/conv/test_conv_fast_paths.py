"""The fast paths of the convolution layers: batch-last im2col/col2im, blocked weight-gradient
products, arrays kept between training steps, the separable max pool, and a whole CNN against
PyTorch (the layouts the layers hand each other in training)."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import glassnet as gn
from glassnet.conv.im2col import col2im, im2col
from glassnet.conv.ops import conv_geometry, product_nt
from glassnet.conv.pool_ops import layout_of, like, tiled_max_pool_backward, tiled_max_pool_forward
from glassnet.conv.workspace import Workspace
from glassnet.layers.conv import Conv2D
from glassnet.layers.pooling import MaxPool2D

GEOMETRIES = [  # kernel, stride, padding, (H, W)
    ((3, 3), (1, 1), "same", (7, 6)), ((5, 5), (1, 1), "same", (6, 9)),
    ((3, 2), (2, 1), "valid", (8, 7)), ((4, 4), (3, 2), "same", (10, 7)),
    ((2, 3), (2, 3), "same", (5, 8)), ((1, 1), (1, 1), "valid", (3, 4)),
]


def _layouts(x):
    """``x`` as NCHW-contiguous, channel-first and batch-last arrays (same values)."""
    return [np.ascontiguousarray(x),
            np.ascontiguousarray(x.transpose(1, 0, 2, 3)).transpose(1, 0, 2, 3),
            np.ascontiguousarray(x.transpose(1, 2, 3, 0)).transpose(3, 0, 1, 2)]


@pytest.mark.parametrize("kernel, stride, padding, hw", GEOMETRIES)
def test_im2col_orders_and_layouts_agree_and_col2im_is_its_adjoint(kernel, stride, padding, hw):
    rng = np.random.default_rng(sum(hw) + 10 * sum(kernel))
    n, c = 3, 2
    x = rng.normal(size=(n, c) + hw)
    (ho, wo), pads = conv_geometry(hw, kernel, stride, padding)
    reference = im2col(np.pad(x, ((0, 0), (0, 0)) + pads), kernel, stride)   # padded input
    k = c * kernel[0] * kernel[1]
    for arr in _layouts(x):
        np.testing.assert_array_equal(im2col(arr, kernel, stride, pads=pads), reference)
        last = im2col(arr, kernel, stride, pads=pads, batch_last=True)     # columns (p, q, n)
        np.testing.assert_array_equal(
            last, reference.reshape(k, n, ho, wo).transpose(0, 2, 3, 1).reshape(k, -1))
    # a reused buffer keeps the zeros of its padding cells
    buf = np.full((k, n * ho * wo), np.nan)
    im2col(x, kernel, stride, out=buf, pads=pads, batch_last=True)
    im2col(2 * x, kernel, stride, out=buf, pads=pads, fill_padding=False, batch_last=True)
    np.testing.assert_array_equal(buf, 2 * last)
    # <im2col(x), D> == <x, col2im(D)> for any D: col2im is the adjoint (the chain rule)
    for batch_last in (False, True):
        D = rng.normal(size=reference.shape)
        dx = col2im(D, x.shape, kernel, stride, pads, batch_last=batch_last)
        assert dx.shape == x.shape
        lhs = np.vdot(im2col(x, kernel, stride, pads=pads, batch_last=batch_last), D)
        assert lhs == pytest.approx(np.vdot(x, dx), rel=1e-12)
        out = like(_layouts(x)[2 if batch_last else 1], x.shape)
        out[...] = np.nan                                       # col2im must overwrite all
        np.testing.assert_allclose(
            col2im(D, x.shape, kernel, stride, pads, out=out, batch_last=batch_last), dx,
            rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("m, n, k", [(9, 8, 50_000), (25, 16, 20_000), (72, 16, 12_544),
                                     (3, 2, 5)])
def test_product_nt_matches_one_matmul(m, n, k):
    rng = np.random.default_rng(m + n)
    a, b = rng.normal(size=(m, k)), rng.normal(size=(n, k))
    np.testing.assert_allclose(product_nt(a, b), a @ b.T, rtol=1e-10, atol=1e-9)
    a32, b32 = a.astype(np.float32), b.astype(np.float32)
    assert product_nt(a32, b32).dtype == np.float32


def _address(arr):
    return arr.__array_interface__["data"][0]


def test_workspace_hands_out_an_array_again_only_when_nobody_holds_it():
    work = Workspace(depth=2)
    a = work.output("z", (4, 5), np.float32)
    b = work.output("z", (4, 5), np.float32)
    addr_a, addr_b = _address(a), _address(b)
    assert addr_a != addr_b                              # `a` is still referenced
    del a
    c = work.output("z", (4, 5), np.float32)
    assert _address(c) == addr_a                         # released, so handed out again
    view = c[1:]
    del c
    d = work.output("z", (4, 5), np.float32)             # a view keeps the array in use,
    assert _address(d) not in (addr_a, addr_b)           # `b` is held: a new array
    del view
    assert _address(work.output("z", (4, 5), np.float32)) == addr_a
    assert _address(work.output("z", (2, 5), np.float32)) not in (addr_a, addr_b)  # new shape
    maps = work.output("maps", (2, 3, 4, 5), np.float64, layout=(1, 2, 3, 0))
    assert maps.shape == (2, 3, 4, 5) and layout_of(maps) == (1, 2, 3, 0)
    assert maps.base.flags.c_contiguous and maps.base.shape == (3, 4, 5, 2)


def test_workspace_scratch_is_the_same_array_while_its_key_holds():
    work = Workspace()
    a = work.scratch("cols", (6, 7), np.float32, tag=(1, 2), zeros=True)
    assert not a.any()
    a[...] = 5.0
    b = work.scratch("cols", (6, 7), np.float32, tag=(1, 2))
    c = work.scratch("cols", (6, 7), np.float32, tag=(2, 1))     # other tag: another array
    assert b is a and (b == 5.0).all() and not np.shares_memory(a, c)
    d = work.scratch("cols", (6, 7), np.float64, tag=(2, 1))     # a third key drops the oldest
    assert d.dtype == np.float64 and not np.shares_memory(d, c)
    assert work.scratch("cols", (6, 7), np.float32, tag=(2, 1)) is c
    assert work.scratch("cols", (6, 7), np.float32, tag=(1, 2)) is not a


@pytest.mark.parametrize("pool", [(2, 2), (3, 2), (1, 3)])
@pytest.mark.parametrize("layout", [0, 1, 2])
@pytest.mark.parametrize("ties", [False, True])
def test_tiled_max_pool_matches_torch_in_any_layout(pool, layout, ties):
    rng = np.random.default_rng(7 + 3 * layout + sum(pool))
    shape = (3, 2, 7, 9)
    x = rng.integers(0, 3, size=shape).astype(float) if ties else rng.normal(size=shape)
    x = _layouts(x)[layout]
    out, row_max = tiled_max_pool_forward(x, pool)
    assert layout_of(out) == layout_of(x) or min(shape[:2]) == 1
    grad = rng.normal(size=out.shape)
    dx = tiled_max_pool_backward(grad, x, out, row_max, pool)
    xt = torch.tensor(np.ascontiguousarray(x), requires_grad=True)
    ref = F.max_pool2d(xt, pool, pool)
    ref.backward(torch.tensor(grad))
    np.testing.assert_array_equal(out, ref.detach().numpy())
    np.testing.assert_array_equal(dx, xt.grad.numpy())


def test_training_outputs_are_not_overwritten_while_held():
    rng = np.random.default_rng(8)
    conv, pool = Conv2D(3, 3, padding="same", activation="relu"), MaxPool2D(2)
    conv.build((2, 6, 6), rng=rng, dtype=np.float64)
    x1, x2 = rng.normal(size=(4, 2, 6, 6)), rng.normal(size=(4, 2, 6, 6))
    a1 = conv.forward(x1, training=True)
    p1 = pool.forward(a1, training=True)
    kept_a1, kept_p1 = a1.copy(), p1.copy()
    for _ in range(3):                                   # later steps with other data
        pool.forward(conv.forward(x2, training=True), training=True)
        conv.backward(pool.backward(np.ones((4, 3, 3, 3))))
    np.testing.assert_array_equal(a1, kept_a1)
    np.testing.assert_array_equal(p1, kept_p1)
    np.testing.assert_array_equal(conv.forward(x1), kept_a1)         # inference agrees


def _torch_cnn(model):
    """The same network in PyTorch, with the glassnet model's weights."""
    c1, c2, dense = model.layers[0], model.layers[3], model.layers[7]
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(4, 6, 5, padding=2), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(6 * 3 * 3, 5)).double()
    with torch.no_grad():
        for mod, layer in ((net[0], c1), (net[3], c2)):
            mod.weight.copy_(torch.tensor(layer.params["W"]))
            mod.bias.copy_(torch.tensor(layer.params["b"]))
        net[7].weight.copy_(torch.tensor(dense.params["W"].T))
        net[7].bias.copy_(torch.tensor(dense.params["b"]))
    return net


def test_a_whole_cnn_matches_torch_over_training_steps():
    """Conv → ReLU → pool → conv → ReLU → pool → dense: the layouts the layers pass each other
    in training (batch-last maps, their gradients) give PyTorch's loss and gradients, step after
    step, also with the ReLU zeros that make pooling ties."""
    rng = np.random.default_rng(9)
    L = gn.layers
    model = gn.Sequential([
        L.Conv2D(4, 3, padding="same"), L.Activation("relu"), L.MaxPool2D(2),
        L.Conv2D(6, 5, padding="same", activation="relu"), L.MaxPool2D(2), L.Dropout(0.0),
        L.Flatten(), L.Dense(5, activation="softmax")], seed=0, dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.SGD(lr=0.1))
    X = rng.normal(size=(16, 1, 12, 12))
    y = rng.integers(0, 5, size=16)
    model.build(X.shape[1:])
    model.layers[0].params["b"][...] = -0.5                          # many dead units: ties
    net = _torch_cnn(model)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    for step in range(3):
        batch = slice(8 * (step % 2), 8 * (step % 2) + 8)
        loss = model.compute_gradients(X[batch], y[batch])
        opt.zero_grad()
        ref = F.cross_entropy(net(torch.tensor(X[batch])), torch.tensor(y[batch]))
        ref.backward()
        assert loss == pytest.approx(ref.item(), rel=1e-12)
        pairs = [(model.layers[0], net[0]), (model.layers[3], net[3])]
        for layer, mod in pairs:
            np.testing.assert_allclose(layer.grads["W"], mod.weight.grad.numpy(), atol=1e-12)
            np.testing.assert_allclose(layer.grads["b"], mod.bias.grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(model.layers[7].grads["W"], net[7].weight.grad.numpy().T,
                                   atol=1e-12)
        model.optimizer.step([model._flat_params], [model._flat_grads])
        opt.step()
