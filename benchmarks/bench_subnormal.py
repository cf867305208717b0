"""Why Adam slows down in later epochs: first moments that decay into float32's subnormals.

Usage::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_subnormal.py
    python benchmarks/bench_subnormal.py --epochs 1 --samples 2000 --repeats 3   # to test it

Two measurements:

* **In training** (``mlp_adam`` of BENCHMARKS.md, glassnet's ``fit``): the time of each Adam
  update and, every 100 steps, how many entries of Adam's first moment ``m`` are subnormal. A
  weight whose gradient has become exactly 0 (a ReLU unit that no longer fires) sees ``m`` shrink
  by β1 = 0.9 a step, which takes it below float32's smallest normal number (1.2e-38) about 730
  steps later; CPUs that handle subnormal operands in microcode then slow down.
* **The update alone**, glassnet's against ``torch.optim.Adam`` (when PyTorch is installed) on
  the same 235 146 float32 weights with 0 %, 1 %, 10 % and 50 % of ``m`` subnormal: both compute
  the same numbers, so both pay for them.

A measurement, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

import glassnet as gn

L = gn.layers
TINY = float(np.finfo(np.float32).tiny)         # the smallest normal float32
N_WEIGHTS = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10   # mlp_adam's 235 146


def subnormal_count(a: np.ndarray) -> int:
    """How many entries of ``a`` are subnormal (nonzero and below the smallest normal)."""
    return int(np.count_nonzero((a != 0) & (np.abs(a) < np.finfo(a.dtype).tiny)))


class TimedAdam(gn.optimizers.Adam):
    """Adam that records the time of each update and, every ``every`` steps, the subnormal
    entries of its first moment."""

    def __init__(self, *args, every: int = 100, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.every, self.times, self.subnormal = every, [], []

    def step(self, params, grads) -> None:
        start = time.perf_counter()
        super().step(params, grads)
        self.times.append(time.perf_counter() - start)
        if len(self.times) % self.every == 0:
            self.subnormal.append(subnormal_count(self.state[0]["m"]))


def in_training(epochs: int, samples: int) -> TimedAdam:
    (X, y), _, _ = gn.datasets.load_mnist()
    X, y = np.ascontiguousarray(X[:samples]), y[:samples]
    model = gn.Sequential([L.Dense(256, "relu", kernel_initializer="he_uniform"),
                           L.Dense(128, "relu", kernel_initializer="he_uniform"),
                           L.Dense(10, "softmax")], seed=0)
    opt = TimedAdam(1e-3)
    model.compile(optimizer=opt, loss="categorical_crossentropy")
    model.fit(X, y, batch_size=128, epochs=epochs, seed=0, verbose=0)
    return opt


def with_subnormal_moments(fraction: float, n: int = N_WEIGHTS, seed: int = 0):
    """Weights, gradients and Adam moments where ``fraction`` of ``m``, at random places, is
    subnormal and the gradient of those weights is 0 (as for a unit that no longer fires)."""
    rng = np.random.default_rng(seed)
    p = rng.normal(0, 0.05, n).astype(np.float32)
    g = rng.normal(0, 1e-3, n).astype(np.float32)
    m = rng.normal(0, 1e-4, n).astype(np.float32)
    v = np.full(n, 1e-8, np.float32)
    dead = rng.choice(n, int(fraction * n), replace=False)   # scattered, as in training
    m[dead], g[dead], v[dead] = 1e-39, 0.0, 1e-12
    return p, g, m, v


def time_glassnet(fraction: float, repeats: int) -> float:
    p, g, m, v = with_subnormal_moments(fraction)
    opt = gn.optimizers.Adam(1e-3)
    opt.step([p.copy()], [g])                   # create the state, then put the moments in
    opt.state[0]["m"][:], opt.state[0]["v"][:] = m, v
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        opt.step([p], [g])
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_torch(fraction: float, repeats: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    p, g, m, v = with_subnormal_moments(fraction)
    w = torch.nn.Parameter(torch.from_numpy(p))
    opt = torch.optim.Adam([w], lr=1e-3)
    w.grad = torch.from_numpy(g)
    opt.step()
    opt.state[w]["exp_avg"].copy_(torch.from_numpy(m))
    opt.state[w]["exp_avg_sq"].copy_(torch.from_numpy(v))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        opt.step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    if gn.accel.available():
        gn.accel.load()          # as bench.py does: no timed step pays numba's start-up
    opt = in_training(args.epochs, args.samples)
    t = np.array(opt.times) * 1e3
    print(f"mlp_adam, {args.epochs} epochs of {args.samples} samples, "
          f"glassnet.accel {'on' if gn.accel.enabled() else 'off'}: {len(t)} Adam updates")
    print("  median ms per update, by 200-step block:",
          [round(float(np.median(t[i:i + 200])), 2) for i in range(0, len(t), 200)])
    print("  subnormal entries of m, every 100 steps:", opt.subnormal)
    print(f"the update alone, {N_WEIGHTS} float32 weights (median of {args.repeats}, ms):")
    print(f"  {'m subnormal':<12} {'glassnet':>9} {'torch':>9}")
    for fraction in (0.0, 0.01, 0.1, 0.5):
        ours, theirs = time_glassnet(fraction, args.repeats), time_torch(fraction, args.repeats)
        torch_ms = "—" if theirs is None else f"{theirs * 1e3:.3f}"
        print(f"  {fraction:>11.0%} {ours * 1e3:>9.3f} {torch_ms:>9}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
