"""Where one training step's time goes: glassnet's ``fit`` loop taken apart, phase by phase.

Usage::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/profile_step.py mlp_adam
    python benchmarks/profile_step.py mlp_sgd --numpy-only --epochs 2

Runs the steps of :func:`glassnet.models.training.fit` by hand (gather, each layer's forward,
loss and head gradient, each layer's backward, the divergence checks and backup, the optimizer)
on the workloads of ``bench.py`` and prints the milliseconds per epoch and per step of each phase,
from the last epoch (the first one also loads numba's kernel). A measurement, not a test.
"""

from __future__ import annotations

import argparse
import math
import time

import numpy as np

import glassnet as gn
from glassnet import losses
from glassnet.models.guards import all_finite as _finite

L = gn.layers
MODELS = {
    "mlp_adam": (lambda: [L.Dense(256, "relu", kernel_initializer="he_uniform"),
                          L.Dense(128, "relu", kernel_initializer="he_uniform"),
                          L.Dense(10, "softmax")], lambda: gn.optimizers.Adam(1e-3), 128),
    "mlp_sgd": (lambda: [L.Dense(30, "sigmoid"), L.Dense(10, "softmax")],
                lambda: gn.optimizers.SGD(lr=0.5), 10),
    "cnn": (lambda: [L.Conv2D(8, 3, padding="same", activation="relu"), L.MaxPool2D(2),
                     L.Conv2D(16, 3, padding="same", activation="relu"), L.MaxPool2D(2),
                     L.Flatten(), L.Dense(10, "softmax")], lambda: gn.optimizers.Adam(1e-3), 64),
    "cnn_acc": (lambda: [L.Conv2D(16, 5, padding="same", activation="relu"), L.MaxPool2D(2),
                         L.Conv2D(32, 5, padding="same", activation="relu"), L.MaxPool2D(2),
                         L.Flatten(), L.Dense(128, "relu"), L.Dense(10, "softmax")],
                lambda: gn.optimizers.Adam(1e-3), 64),
}
SAMPLES = {"cnn": 10_000}          # bench.py's sizes (default: all of MNIST's training set)


class Clock:
    """Adds the time since the last tick to a named phase."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self.start = self.last = time.perf_counter()

    def tick(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - self.last
        self.last = now


def profile(name: str, epochs: int) -> tuple[dict[str, float], int, float]:
    """Seconds per phase in the last of ``epochs`` epochs, the number of steps, the total."""
    layers, optimizer, batch = MODELS[name]
    (Xtr, ytr), _, _ = gn.datasets.load_mnist(flatten=not name_is_cnn(name))
    Xtr, ytr = np.ascontiguousarray(Xtr[:SAMPLES.get(name)]), ytr[:SAMPLES.get(name)]
    model = gn.Sequential(layers(), seed=0)
    model.compile(loss="categorical_crossentropy", optimizer=optimizer())
    X, y = model._check_Xy(Xtr, ytr)
    model.build(X.shape[1:])
    params, grads = model._flat_params, model._flat_grads
    backup = params.copy()
    for epoch in range(epochs):
        clock = Clock()
        order = np.random.default_rng([0, epoch]).permutation(len(X))
        for s in range(0, len(X), batch):
            idx = order[s:s + batch]
            xb, yb = X[idx], y[idx]
            clock.tick("gather the batch")
            a = xb
            for i, layer in enumerate(model.layers):
                a = layer.forward(a, training=True)
                clock.tick(f"forward  {i} {layer.name}")
            loss = model.loss.value_from_logits(model.layers[-1].logits, yb, a)
            g = losses.head_gradient(a, yb)
            clock.tick("loss and dZ = A - Y")
            for i in range(len(model.layers) - 1, -1, -1):
                g = model.layers[i].backward(g)
                clock.tick(f"backward {i} {model.layers[i].name}")
            ok = math.isfinite(loss) and _finite(grads)
            np.copyto(backup, params)
            clock.tick("safety: check grads, back up weights")
            model.optimizer.step([params], [grads])
            clock.tick(f"update ({type(model.optimizer).__name__})")
            ok = ok and _finite(params)
            clock.tick("safety: check weights")
        phases, total = clock.phases, time.perf_counter() - clock.start
    return phases, math.ceil(len(X) / batch), total


def name_is_cnn(name: str) -> bool:
    return name.startswith("cnn")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("workload", choices=list(MODELS))
    parser.add_argument("--epochs", type=int, default=3, help="epochs to run (default 3)")
    parser.add_argument("--numpy-only", action="store_true",
                        help="run the NumPy reference code, not numba's kernels")
    args = parser.parse_args(argv)
    if args.numpy_only:
        gn.accel.set_enabled(False)
    elif gn.accel.available():
        gn.accel.load()          # as bench.py does: no timed step pays numba's start-up
        if name_is_cnn(args.workload):
            from glassnet.conv import compiled

            compiled.load([np.float32])
    phases, steps, total = profile(args.workload, args.epochs)
    print(f"{args.workload}: {total:.3f} s for one epoch of {steps} steps "
          f"(glassnet.accel {'on' if gn.accel.enabled() else 'off'})")
    for phase, seconds in phases.items():
        print(f"  {phase:<40} {1e3 * seconds:8.1f} ms  {1e6 * seconds / steps:8.1f} µs/step  "
              f"{100 * seconds / total:5.1f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
