"""The floor under the overhead-bound workloads, and why a compiled step is not glassnet's.

Usage::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/bench_floor.py
    python benchmarks/bench_floor.py --rounds 3 --toy-steps 1000 --tiny     # to test the script

Three measurements, interleaved round by round in one process (medians reported):

* ``toy`` (BENCHMARKS.md): glassnet's ``fit``; the very NumPy operations of glassnet's step
  written inline, with no layer, loss, guard or optimizer objects (its floor in NumPy: the same
  bits); the posts' loop; and ``toy_floor``, the step as numba kernels (forward,
  backward, update, the cost every step) around NumPy's ``tanh``.
* ``mlp_sgd``: glassnet's ``fit`` against its step's NumPy operations inline.
* Whether a compiled step could give the NumPy path's bits: the fraction of inputs on which
  numba's ``exp`` and ``tanh`` (the C library's) differ from NumPy's (vectorised) ones.

A measurement, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

import numpy as np

import glassnet as gn
from glassnet import activations, losses

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from peers import PlainNumpyToy  # noqa: E402

L = gn.layers


# ----------------------------------------------------------------------------- toy
def toy_model() -> gn.Sequential:
    model = gn.Sequential([L.Dense(40, "tanh", kernel_initializer="small_normal"),
                           L.Dense(1, "sigmoid", kernel_initializer="small_normal")],
                          seed=0, dtype=np.float64)
    model.compile(optimizer=gn.optimizers.SGD(lr=1.2), loss="binary_crossentropy")
    return model


def toy_inline(model: gn.Sequential, X: np.ndarray, Y: np.ndarray, steps: int) -> None:
    """glassnet's toy step, operation for operation, with nothing around it."""
    (W0, b0), (W1, b1) = ((lay.params["W"], lay.params["b"]) for lay in model.layers)
    (dW0, db0), (dW1, db1) = ((lay.grads["W"], lay.grads["b"]) for lay in model.layers)
    P, G = model._flat_params, model._flat_grads
    ones, lr, tmp = np.ones(len(X)), np.float64(1.2), np.empty_like(P)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for _ in range(steps):
            # forward
            z0 = np.matmul(X, W0)
            z0 += b0
            a0 = np.tanh(z0, out=z0)
            z1 = np.matmul(a0, W1)
            z1 += b1
            a1 = activations.sigmoid(z1)
            # loss and dZ
            losses.bce_with_logits(z1, Y, a1)
            dz1 = a1 - Y
            dz1 *= 1.0 / len(X)
            # backward
            np.matmul(a0.T, dz1, out=dW1)
            np.matmul(ones, dz1, out=db1)
            dz0 = activations.tanh_backward(np.dot(dz1, W1.T), a0)
            np.matmul(X.T, dz0, out=dW0)
            np.matmul(ones, dz0, out=db0)
            # update (and the guard's one look at the gradients)
            float(np.dot(G, G))
            np.multiply(G, lr, out=tmp)
            P -= tmp


def toy_floor_kernel():
    """``toy_floor``: the posts' step as two numba kernels around NumPy's vectorised ``tanh``
    (numba's scalar ``tanh`` alone takes longer than the whole NumPy step)."""
    import numba

    @numba.njit(cache=True)
    def hidden_logits(X, W1, b1, z):
        m, n_in = X.shape
        for i in range(m):
            for j in range(W1.shape[1]):
                z[i, j] = b1[j]
            for k in range(n_in):               # the inner loop runs along a row: vectorised
                xk = X[i, k]
                for j in range(W1.shape[1]):
                    z[i, j] += xk * W1[k, j]

    @numba.njit(cache=True)
    def rest_of_step(X, y, a1, W1, b1, W2, b2, lr, dW1, db1, dW2):
        m, n_in = X.shape
        hidden = W1.shape[1]
        dW1[:] = 0.0
        db1[:] = 0.0
        dW2[:] = 0.0
        db2 = 0.0
        cost = 0.0
        w2 = W2[:, 0]
        dw2 = dW2[:, 0]
        dz1 = np.empty(hidden)
        for i in range(m):
            # forward, the output unit
            z2 = b2[0]
            for j in range(hidden):
                z2 += a1[i, j] * w2[j]
            a2 = 1.0 / (1.0 + np.exp(-z2))
            cost -= np.log(a2) if y[i] == 1.0 else np.log(1.0 - a2)      # y is 0 or 1
            # backward
            dz2 = (a2 - y[i]) / m
            db2 += dz2
            for j in range(hidden):
                dw2[j] += a1[i, j] * dz2
                dz1[j] = dz2 * w2[j] * (1.0 - a1[i, j] * a1[i, j])
                db1[j] += dz1[j]
            for k in range(n_in):
                xk = X[i, k]
                for j in range(hidden):
                    dW1[k, j] += xk * dz1[j]
        # update
        W1 -= lr * dW1
        b1 -= lr * db1
        W2 -= lr * dW2
        b2[0] -= lr * db2
        return cost / m

    def loop(X, y, W1, b1, W2, b2, lr, steps):
        z = np.empty((len(X), W1.shape[1]))
        dW1, db1, dW2 = np.empty_like(W1), np.empty_like(b1), np.empty_like(W2)
        cost = 0.0
        for _ in range(steps):
            hidden_logits(X, W1, b1, z)
            np.tanh(z, out=z)
            cost = rest_of_step(X, y, z, W1, b1, W2, b2, lr, dW1, db1, dW2)
        return cost

    return loop


def bench_toy(rounds: int, steps: int) -> dict[str, list[float]]:
    X, y = gn.datasets.make_flower(400, seed=1)
    floor = toy_floor_kernel()
    rng = np.random.default_rng(0)
    params = lambda: (rng.normal(0, 0.01, (2, 40)), np.zeros(40),  # noqa: E731
                      rng.normal(0, 0.01, (40, 1)), np.zeros(1))
    floor(X, y.astype(np.float64), *params(), 1.2, 2)              # compile (or load) first
    times: dict[str, list[float]] = {}

    def timed(name, fn, *args, **kwargs):
        start = time.perf_counter()
        fn(*args, **kwargs)
        times.setdefault(name, []).append((time.perf_counter() - start) / steps * 1e6)

    for _ in range(rounds):
        model = toy_model()
        timed("glassnet fit", model.fit, X, y, batch_size=None, epochs=steps, verbose=0)
        model = toy_model()
        model.build((2,))
        Xc, Yc = model._check_Xy(X, y)
        timed("its NumPy operations inline", toy_inline, model, Xc, Yc, steps)
        posts = PlainNumpyToy(X, y, iterations=steps)
        timed("the posts' loop", posts.epoch)
        timed("toy_floor (numba + np.tanh)", floor, X, y.astype(np.float64), *params(), 1.2,
              steps)
    return times


# ----------------------------------------------------------------------------- mlp_sgd
def sgd_inline(model: gn.Sequential, X: np.ndarray, y: np.ndarray, order: np.ndarray,
               batch: int) -> None:
    """glassnet's mlp_sgd step (784-30-10, sigmoid, softmax + cross-entropy, SGD), inline."""
    (W0, b0), (W1, b1) = ((lay.params["W"], lay.params["b"]) for lay in model.layers)
    (dW0, db0), (dW1, db1) = ((lay.grads["W"], lay.grads["b"]) for lay in model.layers)
    P, G = model._flat_params, model._flat_grads
    ones = np.ones(batch, dtype=X.dtype)
    lr, tmp = X.dtype.type(0.5), np.empty_like(P)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for s in range(0, len(order) - batch + 1, batch):
            idx = order[s:s + batch]
            xb, yb = X[idx], y[idx]
            # forward
            z0 = np.matmul(xb, W0)
            z0 += b0
            a0 = activations.sigmoid(z0, out=z0)
            z1 = np.matmul(a0, W1)
            z1 += b1
            a1 = activations.softmax(z1)
            # loss and dZ
            losses.cce_with_logits(z1, yb, a1)
            dz1 = losses.head_gradient(a1, yb)
            # backward
            np.matmul(a0.T, dz1, out=dW1)
            np.matmul(ones, dz1, out=db1)
            dz0 = activations.sigmoid_backward(dz1 @ W1.T, a0)
            np.matmul(xb.T, dz0, out=dW0)
            np.matmul(ones, dz0, out=db0)
            # update (and the guard's one look at the gradients)
            float(np.dot(G, G))
            np.multiply(G, lr, out=tmp)
            P -= tmp


def bench_mlp_sgd(rounds: int, tiny: bool) -> dict[str, list[float]]:
    (X, y), _, _ = gn.datasets.load_mnist()
    n = 2_000 if tiny else 20_000
    X, y = np.ascontiguousarray(X[:n]), y[:n]
    batch, steps = 10, n // 10
    times: dict[str, list[float]] = {}

    def model():
        m = gn.Sequential([L.Dense(30, "sigmoid"), L.Dense(10, "softmax")], seed=0)
        m.compile(optimizer=gn.optimizers.SGD(lr=0.5), loss="categorical_crossentropy")
        m.build((784,))
        return m

    def timed(name, fn, *args, **kwargs):
        start = time.perf_counter()
        fn(*args, **kwargs)
        times.setdefault(name, []).append((time.perf_counter() - start) / steps * 1e6)

    order = np.random.default_rng(0).permutation(n)
    for _ in range(rounds):
        m = model()
        timed("glassnet fit", m.fit, X, y, batch_size=batch, epochs=1, verbose=0)
        m = model()
        Xc, yc = m._check_Xy(X, y)
        timed("its NumPy operations inline", sgd_inline, m, Xc, yc, order, batch)
    return times


# ----------------------------------------------------------------------------- exactness
def mismatch(n: int = 1_000_000) -> dict[str, float]:
    """Fraction of ``n`` inputs uniform in ±20 on which numba's exp/tanh differ from NumPy's."""
    import math

    import numba

    @numba.njit(cache=True)
    def apply_exp(x, out):
        for i in range(x.size):
            out[i] = math.exp(x[i])

    @numba.njit(cache=True)
    def apply_tanh(x, out):
        for i in range(x.size):
            out[i] = math.tanh(x[i])

    rng = np.random.default_rng(0)
    out = {}
    for dtype in (np.float32, np.float64):
        x = rng.uniform(-20, 20, n).astype(dtype)
        got = np.empty_like(x)
        for name, kernel, ref in (("exp", apply_exp, np.exp), ("tanh", apply_tanh, np.tanh)):
            kernel(x, got)
            out[f"{name} {np.dtype(dtype).name}"] = float(np.mean(got != ref(x)))
    return out


def report(title: str, times: dict[str, list[float]], against: str) -> None:
    print(f"\n{title} (µs per step, median of {len(next(iter(times.values())))} rounds)")
    base = statistics.median(times[against])
    for name, values in times.items():
        med = statistics.median(values)
        print(f"  {name:<34} {med:8.1f}   ÷ {against}: {med / base:5.2f}   "
              f"(runs: {', '.join(f'{v:.1f}' for v in values)})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--toy-steps", type=int, default=3_000)
    parser.add_argument("--tiny", action="store_true", help="small sizes, to test the script")
    args = parser.parse_args(argv)
    report("toy: 2-40-1, 400 points, full batch, float64", bench_toy(args.rounds, args.toy_steps),
           "the posts' loop")
    report("mlp_sgd: 784-30-10, batch 10, float32", bench_mlp_sgd(args.rounds, args.tiny),
           "glassnet fit")
    n = 100_000 if args.tiny else 1_000_000
    print(f"\nnumba's exp/tanh against NumPy's, {n} inputs uniform in ±20: they differ on")
    for name, frac in mismatch(n).items():
        print(f"  {name:<14} {100 * frac:6.2f} % of inputs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
