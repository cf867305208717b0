"""Backpropagation against central differences, and proof that the check can fail."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Activation, Dense, Dropout, Flatten

HIDDEN = ["linear", "sigmoid", "tanh", "relu", "leaky_relu",
          "softmax"]


def classification_data(n=12, d=3, k=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)), rng.integers(0, k, n)


def compiled(layers, loss, input_shape=(3,), seed=0, dtype=np.float64):
    """A compiled model with random weights *and biases*.

    Zero biases would put ReLU units exactly on their kink for samples that the layer below
    maps to 0, where a central difference sees only half the slope.
    """
    model = gn.Sequential(layers, seed=seed, dtype=dtype)
    model.compile(loss=loss, optimizer="sgd")
    model.build(input_shape)
    rng = np.random.default_rng(seed + 100)
    model.set_weights([rng.normal(scale=0.5, size=w.shape) for w in model.get_weights()])
    return model


@pytest.mark.parametrize("hidden", HIDDEN)
def test_every_hidden_activation(hidden):
    X, y = classification_data()
    model = compiled([Dense(5, hidden), Dense(4, hidden), Dense(3, "softmax")],
                     "categorical_crossentropy")
    assert gn.gradcheck(model, X, y) < 1e-6


@pytest.mark.parametrize("head, loss, k, target", [
    ("sigmoid", "binary_crossentropy", 1, "binary"),
    ("softmax", "categorical_crossentropy", 3, "labels"),
    ("softmax", "categorical_crossentropy", 3, "one-hot"),
    ("linear", "mse", 2, "real"),
    ("sigmoid", "mse", 2, "unit"),
    ("tanh", "mse", 2, "real"),
    ("sigmoid", "categorical_crossentropy", 3, "labels"),
])
def test_every_head(head, loss, k, target):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(10, 3))
    y = {"binary": lambda: rng.integers(0, 2, 10),
         "labels": lambda: rng.integers(0, k, 10),
         "one-hot": lambda: np.eye(k)[rng.integers(0, k, 10)],
         "real": lambda: rng.normal(size=(10, k)),
         "unit": lambda: rng.uniform(size=(10, k))}[target]()
    model = compiled([Dense(4, "tanh"), Dense(k, head)], loss)
    assert gn.gradcheck(model, X, y) < 1e-6


def test_activation_and_dropout_layers():
    X, y = classification_data()
    model = compiled([Dense(6), Activation("tanh"), Dropout(0.5), Dense(3), Activation("softmax")],
                     "categorical_crossentropy")
    assert gn.gradcheck(model, X, y) < 1e-6


def test_flatten_with_image_input():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(6, 2, 3, 3)), rng.integers(0, 2, 6)
    model = compiled([Flatten(), Dense(4, "relu"), Dense(1, "sigmoid")], "binary_crossentropy",
                     input_shape=(2, 3, 3))
    assert gn.gradcheck(model, X, y, max_entries=None) < 1e-6


def test_l1_and_l2_penalties():
    X, y = classification_data()
    model = compiled([Dense(5, "tanh", l1=0.01, l2=0.05), Dense(3, "softmax", l2=0.1)],
                     "categorical_crossentropy")
    assert gn.gradcheck(model, X, y) < 1e-6


def test_a_float32_model_is_checked_in_float64_and_left_untouched():
    X, y = classification_data()
    model = compiled([Dense(5, "relu"), Dense(3, "softmax")], "categorical_crossentropy",
                     dtype=np.float32)
    before = model.get_weights()
    assert gn.gradcheck(model, X, y) < 1e-6
    assert model.dtype == np.float32
    for a, b in zip(before, model.get_weights(), strict=True):
        assert b.dtype == np.float32
        np.testing.assert_array_equal(a, b)


def test_an_unbuilt_model_is_built_from_X():
    X, y = classification_data()
    model = gn.Sequential([Dense(4, "tanh"), Dense(3, "softmax")], seed=0, dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    assert gn.gradcheck(model, X, y) < 1e-6
    assert model.built and model.input_shape == (3,)


class SummedBiasDense(Dense):
    """The bias bug of posts 000 and 002: one sum over all units and samples for every unit."""

    def backward(self, grad):
        dx = super().backward(grad)
        self.grads["b"][...] = self.grads["b"].sum()
        return dx


class DoubledWeightDense(Dense):
    """A backward pass whose weight gradient is twice too large."""

    def backward(self, grad):
        dx = super().backward(grad)
        self.grads["W"] *= 2.0
        return dx


class TransposedDense(Dense):
    """Post 004's slip: back-propagates through the weight *gradient* instead of the weights."""

    def backward(self, grad):
        super().backward(grad)
        return grad @ self.grads["W"].T


@pytest.mark.parametrize("broken", [SummedBiasDense, DoubledWeightDense, TransposedDense])
def test_a_wrong_backward_pass_is_caught(broken):
    X, y = classification_data()
    model = compiled([Dense(5, "tanh"), broken(4, "tanh"), Dense(3, "softmax")],
                     "categorical_crossentropy")
    assert gn.gradcheck(model, X, y) > 1e-2
    healthy = compiled([Dense(5, "tanh"), Dense(4, "tanh"), Dense(3, "softmax")],
                       "categorical_crossentropy")
    assert gn.gradcheck(healthy, X, y) < 1e-6


def test_a_coarser_step_still_agrees_to_second_order():
    """With eps = 1e-4 the central difference is exact to ~eps² ≈ 1e-8 for a smooth network."""
    X, y = classification_data()
    model = compiled([Dense(5, "tanh"), Dense(4, "sigmoid"), Dense(3, "softmax")],
                     "categorical_crossentropy")
    assert gn.gradcheck(model, X, y, eps=1e-4) < 1e-7


def test_subsets_are_seeded():
    X, y = classification_data()
    model = compiled([Dense(40, "tanh", l2=0.01), Dense(3, "softmax")],
                     "categorical_crossentropy")
    a = gn.gradcheck(model, X, y, max_entries=10, seed=1)
    assert a == gn.gradcheck(model, X, y, max_entries=10, seed=1)
    assert a < 1e-6


def test_argument_errors():
    X, y = classification_data()
    model = compiled([Dense(3, "softmax")], "categorical_crossentropy")
    with pytest.raises(ValueError, match="eps must be > 0.0, got 0.0"):
        gn.gradcheck(model, X, y, eps=0.0)
    with pytest.raises(ValueError, match="max_entries must be >= 1, got 0"):
        gn.gradcheck(model, X, y, max_entries=0)
    with pytest.raises(ValueError, match="not compiled"):
        gn.gradcheck(gn.Sequential([Dense(3)]), X, y)
