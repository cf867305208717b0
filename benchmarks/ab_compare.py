"""Before/after: glassnet's time on bench.py's workloads for two source trees, interleaved.

Usage::

    git worktree add /tmp/before <commit>
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmarks/ab_compare.py \\
        /tmp/before/src src toy mlp_adam mlp_sgd cnn --rounds 5

Each round runs every workload once from tree A and once from tree B (the order alternates
between rounds), each in a fresh process that imports glassnet from that tree and times
``--epochs`` epochs of bench.py's glassnet runner after one warm-up epoch. Prints the medians
and the ratio B ÷ A per workload (below 1: B is faster). A measurement, not a test.
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

CHILD = """
import json, sys, time
import bench
runners, *_ = getattr(bench, "workload_" + sys.argv[1])(sys.argv[3] == "tiny")
r = runners["glassnet"]
r.start_kernels()
r.epoch()
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter(); r.epoch(); times.append(time.perf_counter() - t)
print(json.dumps(times))
"""


def run_child(src: str, workload: str, epochs: int, tiny: bool) -> list[float]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([os.path.abspath(src), str(HERE)]))
    out = subprocess.run([sys.executable, "-c", CHILD, workload, str(epochs),
                          "tiny" if tiny else "full"], env=env, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("src_a")
    parser.add_argument("src_b")
    parser.add_argument("workloads", nargs="+")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--tiny", action="store_true", help="tiny sizes, to test the script")
    args = parser.parse_args(argv)
    times: dict[str, dict[str, list[float]]] = {w: {"A": [], "B": []} for w in args.workloads}
    for r in range(args.rounds):
        for w in args.workloads:
            order = ("A", "B") if r % 2 == 0 else ("B", "A")
            for side in order:
                src = args.src_a if side == "A" else args.src_b
                times[w][side] += run_child(src, w, args.epochs, args.tiny)
    result = {}
    print(f"{'workload':<10}{'A median s':>12}{'B median s':>12}{'B / A':>8}")
    for w in args.workloads:
        a, b = statistics.median(times[w]["A"]), statistics.median(times[w]["B"])
        result[w] = {"a": a, "b": b, "ratio": b / a, "times": times[w]}
        print(f"{w:<10}{a:>12.4f}{b:>12.4f}{b / a:>8.3f}")
    return result


if __name__ == "__main__":
    main()
