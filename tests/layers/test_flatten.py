"""Flatten: shapes, a reversible backward, and image input into Dense against PyTorch."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Dense, Flatten


def test_forward_and_backward_shapes():
    x = np.arange(2 * 3 * 4 * 5, dtype=np.float64).reshape(2, 3, 4, 5)
    layer = Flatten()
    out = layer.forward(x)
    assert out.shape == (2, 60) and layer.output_shape == (60,)
    np.testing.assert_array_equal(out, x.reshape(2, -1))
    assert np.shares_memory(out, x)                          # a view, no copy
    grad = np.random.default_rng(0).normal(size=(2, 60))
    back = layer.backward(grad)
    assert back.shape == x.shape
    np.testing.assert_array_equal(back.reshape(2, -1), grad)
    assert layer.params == {} and layer.n_params == 0


def test_output_shape_of_any_input():
    assert Flatten().compute_output_shape((3, 7)) == (21,)
    assert Flatten().compute_output_shape((5,)) == (5,)


def test_image_classifier_matches_pytorch(torch_mirror):
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(5, 2, 3, 3)), rng.integers(0, 4, 5)
    model = gn.Sequential([Flatten(), Dense(6, "relu"), Dense(4, "softmax")], seed=0,
                          dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    loss = model.compute_gradients(X, y)
    assert model.input_shape == (2, 3, 3) and model.layers[0].output_shape == (18,)
    mirror = torch_mirror(model)
    ref = mirror.loss(X, y)
    ref.backward()
    assert loss == pytest.approx(ref.item(), rel=1e-12)
    for layer, leaves in zip(model.layers, mirror.leaves, strict=True):
        for key, leaf in leaves.items():
            np.testing.assert_allclose(layer.grads[key], leaf.grad.numpy(), rtol=1e-10,
                                       atol=1e-14)
    assert model.predict(X).shape == (5, 4)
    assert "(None, 18)" in model.summary(print_fn=None)


def test_wrong_image_shape_at_predict():
    model = gn.Sequential([Flatten(), Dense(2)], seed=0)
    model.build((1, 4, 4))
    with pytest.raises(ValueError, match=r"X must have \(1, 4, 4\) per-sample shape as the "
                                         r"model was built with, got \(1, 5, 5\)"):
        model.predict(np.ones((3, 1, 5, 5)))
