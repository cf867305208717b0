"""benchmarks/bench_subnormal.py measures what it says (checks, not timings): its moments are
subnormal where it claims, its timed Adam is Adam, and a zero gradient takes Adam's first moment
into the subnormals after the number of steps the README gives."""

import numpy as np
import pytest

import glassnet as gn


@pytest.fixture(scope="module")
def bench(load_benchmark):
    return load_benchmark("bench_subnormal")


@pytest.mark.parametrize("fraction", [0.0, 0.01, 0.5])
def test_moments_are_subnormal_where_claimed(bench, fraction):
    p, g, m, v = bench.with_subnormal_moments(fraction, n=10_000)
    dead = bench.subnormal_count(m)
    assert dead == int(fraction * 10_000)
    assert np.count_nonzero(g == 0) == dead
    assert bench.subnormal_count(p) == bench.subnormal_count(v) == 0


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_subnormal_count(bench, dtype):
    tiny = np.finfo(dtype).tiny
    a = np.array([0.0, -0.0, tiny, tiny / 2, -tiny / 4, 1.0, np.nan, np.inf], dtype=dtype)
    assert bench.subnormal_count(a) == 2


def test_timed_adam_is_adam(bench):
    rng = np.random.default_rng(0)
    X, y = rng.random((64, 5), dtype=np.float32), rng.integers(0, 3, 64)
    weights = []
    for opt in (gn.optimizers.Adam(1e-2), bench.TimedAdam(1e-2, every=2)):
        model = gn.Sequential([gn.layers.Dense(4, "relu"), gn.layers.Dense(3, "softmax")], seed=0)
        model.compile(optimizer=opt, loss="categorical_crossentropy")
        model.fit(X, y, batch_size=16, epochs=2, seed=0, verbose=0)
        weights.append(model._flat_params.copy())
    assert np.array_equal(*weights)
    assert len(opt.times) == 8 and opt.subnormal == [0, 0, 0, 0]


def test_a_zero_gradient_makes_m_subnormal_after_about_730_steps():
    p = np.zeros(1, np.float32)
    opt = gn.optimizers.Adam(1e-3)
    opt.step([p], [np.array([1e-4], np.float32)])         # m = (1 − β1)·g = 1e-5
    g = np.zeros(1, np.float32)
    steps = 0
    while opt.state[0]["m"][0] >= np.finfo(np.float32).tiny:
        opt.step([p], [g])
        steps += 1
    assert 700 <= steps <= 760                              # log(1.2e-38 / 1e-5) / log(0.9) ≈ 720
    assert opt.state[0]["m"][0] > 0


def test_script_runs(bench, capsys):
    assert bench.main(["--epochs", "1", "--samples", "512", "--repeats", "2"]) == 0
    out = capsys.readouterr().out
    assert "Adam updates" in out and "m subnormal" in out and "50%" in out
