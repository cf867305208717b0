"""Inverted dropout: identity at inference, scaled random mask in training, matching backward."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Dense, Dropout


def seeded(rate, seed=0):
    layer = Dropout(rate)
    layer.build((100,), rng=np.random.default_rng(seed), dtype=np.float64)
    return layer


def test_inference_is_the_identity():
    x = np.random.default_rng(0).normal(size=(4, 100))
    layer = seeded(0.5)
    np.testing.assert_array_equal(layer.forward(x), x)
    np.testing.assert_array_equal(layer.backward(np.ones_like(x)), 1.0)


def test_rate_zero_keeps_everything_in_training():
    x = np.random.default_rng(0).normal(size=(4, 100))
    np.testing.assert_array_equal(seeded(0.0).forward(x, training=True), x)


@pytest.mark.parametrize("rate", [0.2, 0.5, 0.8])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_training_drops_a_fraction_and_rescales_the_rest(rate, dtype):
    x = np.ones((500, 100), dtype=dtype)
    out = seeded(rate).forward(x, training=True)
    assert out.dtype == dtype
    kept = out != 0
    np.testing.assert_allclose(out[kept], 1 / (1 - rate), rtol=1e-6)
    assert 1 - kept.mean() == pytest.approx(rate, abs=0.01)       # 50 000 draws
    assert out.mean() == pytest.approx(1.0, abs=0.03)              # expectation preserved


def test_backward_uses_the_same_mask():
    rng = np.random.default_rng(1)
    x, grad = rng.normal(size=(6, 100)), rng.normal(size=(6, 100))
    layer = seeded(0.4)
    out = layer.forward(x, training=True)
    scale = out / x
    np.testing.assert_allclose(layer.backward(grad), grad * scale, rtol=1e-12)


def test_masks_are_seeded_and_change_between_calls():
    x = np.ones((3, 100))
    first, again = seeded(0.5, seed=3), seeded(0.5, seed=3)
    a, b = first.forward(x, training=True), again.forward(x, training=True)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, first.forward(x, training=True))


def test_dropout_in_a_model_only_acts_in_training():
    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(20, 3)), rng.integers(0, 2, 20)
    model = gn.Sequential([Dense(50, "relu"), Dropout(0.5), Dense(1, "sigmoid")], seed=0,
                          dtype=np.float64)
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    model.build((3,))
    np.testing.assert_array_equal(model.predict(X), model.predict(X))
    plain = model.compute_gradients(X, y, training=False)
    assert model.evaluate(X, y)["loss"] == pytest.approx(plain, rel=1e-14)
    noisy = [model.compute_gradients(X, y, training=True) for _ in range(2)]
    assert noisy[0] != noisy[1] and plain not in noisy


def test_rate_errors():
    with pytest.raises(ValueError, match="rate must be < 1.0, got 1.0"):
        Dropout(1.0)
    with pytest.raises(ValueError, match="rate must be >= 0.0, got -0.1"):
        Dropout(-0.1)
    with pytest.raises(TypeError, match="rate must be a real number, got str"):
        Dropout("0.5")
    assert Dropout(0.3, name="d").get_config() == {"rate": 0.3, "name": "d"}
