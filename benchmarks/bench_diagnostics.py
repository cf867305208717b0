"""What ``gn.callbacks.Diagnostics(every=1)`` adds to an ``mlp_adam`` epoch (issue 14: <= 10 %).

The ``mlp_adam`` workload of ``bench.py``: MNIST's 50 000 training images, 784-256-128-10 ReLU,
Adam(1e-3), batches of 128, float32. Two identical models (same seed) train one epoch at a time,
interleaved (plain, watched, plain, watched, ...) so that drift of the machine hits both alike.
An epoch is timed from ``on_epoch_begin`` to ``on_epoch_end`` by a callback placed after
``Diagnostics``, so it includes the statistics of that epoch (the weight copy before the first
update, the update ratio after it, one forward and backward pass over the 1 024-row sample and
every check); the one-time set-up of each ``fit`` (the checks before training) is reported
separately. The table gives medians of wall-clock and of CPU seconds, and the CPU seconds spent
inside the callback's own hooks as a share of a plain epoch: on a machine shared with other
work the wall-clock times of single epochs can vary several-fold, the last figure much less.

    python benchmarks/bench_diagnostics.py                 # 8 epochs of each, ~1 minute
    python benchmarks/bench_diagnostics.py --epochs 4 --tiny   # 2 000 images: a check only
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import warnings

import numpy as np

import glassnet as gn


class EpochTimer(gn.callbacks.Callback):
    """Wall-clock and CPU seconds (all threads of the process) from ``on_epoch_begin`` to
    ``on_epoch_end`` of each epoch."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.cpu: list[float] = []

    def on_epoch_begin(self, epoch):
        self._t0, self._c0 = time.perf_counter(), time.process_time()

    def on_epoch_end(self, epoch, logs):
        self.seconds.append(time.perf_counter() - self._t0)
        self.cpu.append(time.process_time() - self._c0)


class TimedDiagnostics(gn.callbacks.Diagnostics):
    """``Diagnostics`` that adds up the CPU seconds spent in its own epoch hooks: the direct
    measure of its cost, which a loaded machine disturbs far less than the epoch's wall time."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.cpu = 0.0

    def _timed(self, hook, *args):
        c0 = time.process_time()
        hook(*args)
        self.cpu += time.process_time() - c0

    def on_epoch_begin(self, epoch):
        self._timed(super().on_epoch_begin, epoch)

    def on_train_batch_begin(self, step):
        self._timed(super().on_train_batch_begin, step)

    def on_train_batch_end(self, step, logs):
        self._timed(super().on_train_batch_end, step, logs)

    def on_epoch_end(self, epoch, logs):
        self._timed(super().on_epoch_end, epoch, logs)


def mlp_adam(seed: int = 0) -> gn.Sequential:
    L = gn.layers
    model = gn.Sequential([L.Dense(256, "relu", kernel_initializer="he_uniform"),
                           L.Dense(128, "relu", kernel_initializer="he_uniform"),
                           L.Dense(10, "softmax")], seed=seed)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(1e-3),
                  metrics=["accuracy"])
    return model


def run(epochs: int, n_train: int | None) -> dict:
    (X, y), _, _ = gn.datasets.load_mnist()
    if n_train is not None:
        X, y = X[:n_train], y[:n_train]
    X = np.ascontiguousarray(X)
    plain, watched = mlp_adam(), mlp_adam()
    timers = {"plain": EpochTimer(), "Diagnostics(every=1)": EpochTimer()}
    setup, hooks_cpu = [], []
    for model in (plain, watched):                 # warm-up epoch of each, not timed
        model.fit(X, y, epochs=1, batch_size=128, verbose=0, seed=0)
    for e in range(1, epochs + 1):
        plain.fit(X, y, epochs=e + 1, initial_epoch=e, batch_size=128, verbose=0, seed=0,
                  callbacks=[timers["plain"]])
        diag = TimedDiagnostics(every=1, warn=False)
        t0 = time.perf_counter()
        watched.fit(X, y, epochs=e + 1, initial_epoch=e, batch_size=128, verbose=0, seed=0,
                    callbacks=[diag, timers["Diagnostics(every=1)"]])
        setup.append(time.perf_counter() - t0 - timers["Diagnostics(every=1)"].seconds[-1])
        hooks_cpu.append(diag.cpu)
    med = {k: statistics.median(t.seconds) for k, t in timers.items()}
    med_cpu = {k: statistics.median(t.cpu) for k, t in timers.items()}
    overhead = med["Diagnostics(every=1)"] / med["plain"] - 1
    same = all(a.tobytes() == b.tobytes()
               for a, b in zip(plain.get_weights(), watched.get_weights(), strict=True))
    return {"n_train": len(X), "epochs": epochs, "median_epoch_s": med,
            "all_epoch_s": {k: t.seconds for k, t in timers.items()},
            "overhead": overhead, "median_setup_s": statistics.median(setup),
            "median_epoch_cpu_s": med_cpu,
            "all_epoch_cpu_s": {k: t.cpu for k, t in timers.items()},
            "overhead_cpu": med_cpu["Diagnostics(every=1)"] / med_cpu["plain"] - 1,
            "median_hooks_cpu_s": statistics.median(hooks_cpu),
            "hooks_share": statistics.median(hooks_cpu) / med_cpu["plain"],
            "same_weights": same}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=8, help="timed epochs of each model")
    parser.add_argument("--tiny", action="store_true", help="2 000 images (a check only)")
    parser.add_argument("--n-train", type=int, default=None, metavar="N",
                        help="the first N training images (default: all 50 000)")
    parser.add_argument("--json", metavar="FILE", help="write the results as JSON")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gn.diagnostics.DiagnosticWarning)
        r = run(args.epochs, 2000 if args.tiny else args.n_train)
    print(f"mlp_adam, {r['n_train']} images, {r['epochs']} interleaved epochs of each "
          f"(medians per epoch)")
    print(f"  {'':22s} {'wall s':>8s} {'CPU s':>8s}")
    for name, s in r["median_epoch_s"].items():
        print(f"  {name:22s} {s:8.3f} {r['median_epoch_cpu_s'][name]:8.3f}")
    print(f"  overhead of Diagnostics(every=1): {r['overhead']:+.1%} wall, "
          f"{r['overhead_cpu']:+.1%} CPU per epoch (issue 14: <= +10 %)")
    print(f"  CPU inside its hooks: {r['median_hooks_cpu_s'] * 1e3:.0f} ms per epoch = "
          f"{r['hooks_share']:.1%} of a plain epoch; set-up before each fit: "
          f"{r['median_setup_s'] * 1e3:.0f} ms")
    print(f"  same weights with and without it: {'yes' if r['same_weights'] else 'NO'}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(r, fh, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
