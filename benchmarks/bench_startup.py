"""The start-up a user pays: a fresh process's first ``fit``, with and without numba usable.

Usage::

    python benchmarks/bench_startup.py                # 7 interleaved rounds
    python benchmarks/bench_startup.py --rounds 11 --src /tmp/base/src

Each round starts fresh processes that ``import glassnet``, build a small net and time its
first ``fit`` (one epoch; the import of glassnet itself is not timed): once with the default
set-up (numba importable, ``GLASSNET_ACCEL`` unset) and once with ``GLASSNET_ACCEL=0`` (the NumPy
path alone). The order alternates between rounds; the medians and their difference (the
start-up tax) are printed, per model:

* ``tiny``: 4-8-1, 64 rows, Adam (BENCHMARKS.md's ``first_fit``);
* ``mlp``: 784-256-128-10 on 2 048 random rows, Adam, batch 128 (16 steps: too short to load
  the kernel);
* ``mlp_long``: the same on 40 000 rows (313 steps: ``fit`` plans them, and they would save
  0.03-0.06 s against a load of 0.4-0.9 s, so the kernel is not loaded; see ``glassnet.accel``);
* ``mlp_many`` (not run by default): 500 epochs on the 2 048 rows (8 000 steps: they repay the
  load, so the kernel is loaded at the first step).

The child also reports the peak RSS of the process and whether numba got imported. A
measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"

CHILD = r"""
import json, sys, time, resource
import numpy as np
import glassnet as gn
kind = sys.argv[1]
rng = np.random.default_rng(0)
L = gn.layers
if kind == "tiny":
    X = rng.normal(size=(64, 4)).astype(np.float32); y = (X[:, 0] > 0).astype(int)
    model = gn.Sequential([L.Dense(8, "tanh"), L.Dense(1, "sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.Adam(1e-2))
    batch = None
else:
    n = 40_000 if kind == "mlp_long" else 2048
    X = rng.random((n, 784), dtype=np.float32); y = rng.integers(0, 10, n)
    model = gn.Sequential([L.Dense(256, "relu"), L.Dense(128, "relu"), L.Dense(10, "softmax")],
                          seed=0)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(1e-3))
    batch = 128
t = time.perf_counter()
model.fit(X, y, epochs=500 if kind == "mlp_many" else 1, batch_size=batch, verbose=0, seed=0)
fit_s = time.perf_counter() - t
w = model.get_weights()
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM:")]
rss = int(hwm[0].split()[1]) / 1024 if hwm else (
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)   # survives exec: last resort
print(json.dumps({"fit_s": fit_s, "numba": "numba" in sys.modules, "rss_mib": rss,
                  "checksum": float(sum(float(np.abs(a).sum()) for a in w))}))
"""


def child(src: str, kind: str, accel: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=os.path.abspath(src))
    env.pop("GLASSNET_ACCEL", None)
    if not accel:
        env["GLASSNET_ACCEL"] = "0"
    out = subprocess.run([sys.executable, "-c", CHILD, kind], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--src", default=str(SRC), help="the glassnet source tree to time")
    parser.add_argument("--models", nargs="+", default=["tiny", "mlp", "mlp_long"],
                        choices=["tiny", "mlp", "mlp_long", "mlp_many"])
    args = parser.parse_args(argv)
    for kind in args.models:                      # warm numba's on-disk cache once, untimed
        child(args.src, kind, True)
    runs: dict[str, dict[str, list[dict]]] = {k: {"numba": [], "numpy": []} for k in args.models}
    for r in range(args.rounds):
        for kind in args.models:
            order = (True, False) if r % 2 == 0 else (False, True)
            for accel in order:
                runs[kind]["numba" if accel else "numpy"].append(child(args.src, kind, accel))
    result = {}
    print(f"{'model':<9}{'numba s':>10}{'numpy s':>10}{'tax s':>9}{'RSS numba':>11}"
          f"{'RSS numpy':>11}  numba imported  same weights")
    for kind in args.models:
        a, b = runs[kind]["numba"], runs[kind]["numpy"]
        ta = statistics.median(x["fit_s"] for x in a)
        tb = statistics.median(x["fit_s"] for x in b)
        ra = statistics.median(x["rss_mib"] for x in a)
        rb = statistics.median(x["rss_mib"] for x in b)
        same = {x["checksum"] for x in a} == {x["checksum"] for x in b}
        imported = sum(x["numba"] for x in a)
        result[kind] = {"numba_s": ta, "numpy_s": tb, "tax_s": ta - tb, "rss_numba_mib": ra,
                        "rss_numpy_mib": rb, "numba_imported": imported, "same_weights": same}
        print(f"{kind:<9}{ta:>10.3f}{tb:>10.3f}{ta - tb:>9.3f}{ra:>10.0f}M{rb:>10.0f}M  "
              f"{imported}/{len(a):<14}{same}")
    return result


if __name__ == "__main__":
    main()
