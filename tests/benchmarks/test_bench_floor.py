"""benchmarks/bench_floor.py measures what it says: its inline steps are glassnet's step, bit for
bit, and its numba ``toy_floor`` is the posts' loop (a check, not a timing)."""

import sys

import numpy as np
import pytest

import glassnet as gn


@pytest.fixture(scope="module")
def floor(load_benchmark):
    yield load_benchmark("bench_floor")
    sys.modules.pop("peers", None)


def test_toy_inline_is_glassnets_step_bit_for_bit(floor):
    X, y = gn.datasets.make_flower(400, seed=1)
    fitted, inline = floor.toy_model(), floor.toy_model()
    fitted.fit(X, y, batch_size=None, epochs=25, verbose=0)
    inline.build((2,))
    floor.toy_inline(inline, *inline._check_Xy(X, y), 25)
    assert np.array_equal(fitted._flat_params, inline._flat_params)


def test_sgd_inline_is_glassnets_step_bit_for_bit(floor):
    rng = np.random.default_rng(0)
    X = rng.random((200, 784), dtype=np.float32)
    y = rng.integers(0, 10, 200)
    models = []
    for _ in range(2):
        m = gn.Sequential([gn.layers.Dense(30, "sigmoid"), gn.layers.Dense(10, "softmax")],
                          seed=0)
        m.compile(optimizer=gn.optimizers.SGD(lr=0.5), loss="categorical_crossentropy")
        m.build((784,))
        models.append(m)
    models[0].fit(X, y, batch_size=10, epochs=1, verbose=0)
    order = np.random.default_rng([0, 0]).permutation(len(X))      # fit's order, seed 0
    floor.sgd_inline(models[1], *models[1]._check_Xy(X, y), order, 10)
    assert np.array_equal(models[0]._flat_params, models[1]._flat_params)


def test_toy_floor_kernel_is_the_posts_loop(floor):
    pytest.importorskip("numba")
    X, y = gn.datasets.make_flower(400, seed=1)
    posts = floor.PlainNumpyToy(X, y, iterations=30)
    W1, b1 = posts.W1.T.copy(), posts.b1[:, 0].copy()       # rows convention, same numbers
    W2, b2 = posts.W2.T.copy(), posts.b2[0].copy()
    posts.epoch()
    cost = floor.toy_floor_kernel()(X, y.astype(np.float64), W1, b1, W2, b2, 1.2, 30)
    np.testing.assert_allclose(W1, posts.W1.T, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(W2, posts.W2.T, rtol=1e-10, atol=1e-13)
    assert cost == pytest.approx(posts.cost, rel=1e-10)


def test_the_script_runs_at_tiny_size(floor, capsys):
    assert floor.main(["--rounds", "1", "--toy-steps", "5", "--tiny"]) == 0
    out = capsys.readouterr().out
    for line in ("glassnet fit", "its NumPy operations inline", "the posts' loop",
                 "toy_floor (numba + np.tanh)", "exp float32", "tanh float64"):
        assert line in out
