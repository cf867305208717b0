"""Weight initializers: distributions, seeding, dtypes, and their use by Dense."""

import numpy as np
import pytest

import glassnet as gn
from glassnet import initializers
from glassnet.layers import Dense

FAN_IN, FAN_OUT = 300, 200
SHAPE = (FAN_IN, FAN_OUT)                        # 60 000 draws: std within ~1 %

# name -> (expected std, uniform limit or None)
EXPECTED = {
    "normal": (1.0, None),
    "small_normal": (0.01, None),
    "glorot_uniform": (np.sqrt(6 / (FAN_IN + FAN_OUT)) / np.sqrt(3),
                       np.sqrt(6 / (FAN_IN + FAN_OUT))),
    "glorot_normal": (np.sqrt(2 / (FAN_IN + FAN_OUT)), None),
    "he_normal": (np.sqrt(2 / FAN_IN), None),
    "he_uniform": (np.sqrt(6 / FAN_IN) / np.sqrt(3), np.sqrt(6 / FAN_IN)),
    "lecun_normal": (np.sqrt(1 / FAN_IN), None),
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_distribution(name):
    std, limit = EXPECTED[name]
    w = initializers.get(name)(SHAPE, FAN_IN, FAN_OUT, np.random.default_rng(0), np.float64)
    assert w.shape == SHAPE
    assert abs(w.mean()) < 4 * std / np.sqrt(w.size)
    assert w.std() == pytest.approx(std, rel=0.02)
    if limit is None:
        assert np.abs(w).max() > 3 * std                 # Gaussian tails, not a box
    else:
        assert np.abs(w).max() <= limit
        assert np.abs(w).max() > 0.99 * limit


def test_zeros():
    w = initializers.zeros((3, 4), 3, 4, np.random.default_rng(0), np.float32)
    assert w.dtype == np.float32 and not w.any()


@pytest.mark.parametrize("name", initializers.names())
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_seeded_and_typed(name, dtype):
    init = initializers.get(name)
    a = init((4, 3), 4, 3, np.random.default_rng(7), dtype)
    b = init((4, 3), 4, 3, np.random.default_rng(7), dtype)
    assert a.dtype == dtype and a.shape == (4, 3)
    np.testing.assert_array_equal(a, b)
    if name != "zeros":
        c = init((4, 3), 4, 3, np.random.default_rng(8), dtype)
        assert not np.array_equal(a, c)


def test_small_normal_is_the_posts_randn_times_0_01():
    w = initializers.small_normal((2, 5), 2, 5, np.random.default_rng(3), np.float64)
    np.testing.assert_array_equal(w, np.random.default_rng(3).standard_normal((2, 5)) * 0.01)


def test_dense_uses_its_initializer_and_zero_biases():
    model = gn.Sequential([Dense(5, kernel_initializer="he_normal"),
                           Dense(2, kernel_initializer="small_normal")], seed=3,
                          dtype=np.float64)
    model.build((4,))
    rng = np.random.default_rng(3)
    np.testing.assert_array_equal(model.layers[0].params["W"],
                                  initializers.he_normal((4, 5), 4, 5, rng, np.float64))
    np.testing.assert_array_equal(model.layers[1].params["W"],
                                  initializers.small_normal((5, 2), 5, 2, rng, np.float64))
    assert not model.layers[0].params["b"].any() and not model.layers[1].params["b"].any()


def test_registry_errors():
    assert initializers.names() == ["zeros", "normal", "small_normal", "glorot_uniform",
                                    "glorot_normal", "he_normal", "he_uniform", "lecun_normal"]
    assert initializers.get("He_Normal") is initializers.he_normal
    with pytest.raises(ValueError, match="unknown kernel_initializer 'xavier'; valid names are: "
                                         "zeros, normal, small_normal, glorot_uniform, "
                                         "glorot_normal, he_normal, he_uniform, lecun_normal"):
        initializers.get("xavier")
    with pytest.raises(TypeError, match="kernel_initializer must be a string name, got float"):
        initializers.get(0.1)
