"""Fit time and score of ``glassnet.sklearn`` against scikit-learn's MLPs, solver by solver.

Usage::

    PYTHONPATH=src python benchmarks/bench_sklearn_solvers.py [--repeats 5] [--threads 1]
                                                              [--quick] [--json out.json]

Workloads: digits (1797 × 64, pixels / 16, ``MLPClassifier``) and ``make_regression`` (2000 × 20,
standardised target, ``MLPRegressor``), each with ``solver`` in adam, sgd, lbfgs and the same
parameters for both libraries (``hidden_layer_sizes=(100,)``, ``random_state=0``, a fixed budget
of ``max_iter`` iterations with ``n_iter_no_change=inf`` so that both do the same number of
epochs). The two libraries' fits are interleaved (glassnet, scikit-learn, glassnet, ...) so that
a change in the machine's load hits both; the table gives the median fit time of ``--repeats``
fits, the ratio scikit-learn / glassnet (> 1: glassnet faster), iterations run and the score on
a held-out quarter. BLAS runs on ``--threads`` threads for both (threadpoolctl).
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

import numpy as np
from sklearn.datasets import load_digits, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkClassifier
from sklearn.neural_network import MLPRegressor as SkRegressor

from glassnet.sklearn import MLPClassifier, MLPRegressor

SOLVERS = {
    "adam": {"solver": "adam", "learning_rate_init": 1e-3},
    "sgd": {"solver": "sgd", "learning_rate_init": 0.05},
    "lbfgs": {"solver": "lbfgs", "tol": 0.0},
}


def datasets():
    X, y = load_digits(return_X_y=True)
    digits = train_test_split(X / 16.0, y, test_size=0.25, random_state=0, stratify=y)
    X, y = make_regression(n_samples=2000, n_features=20, n_informative=10, noise=10.0,
                           random_state=0)
    y = (y - y.mean()) / y.std()
    regression = train_test_split(X, y, test_size=0.25, random_state=0)
    return {"digits": (digits, MLPClassifier, SkClassifier),
            "make_regression": (regression, MLPRegressor, SkRegressor)}


def timed_fit(cls, params, X, y):
    est = cls(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        est.fit(X, y)
        return time.perf_counter() - start, est


def run(repeats: int, max_iter: int) -> list[dict]:
    rows = []
    for data_name, ((Xtr, Xte, ytr, yte), ours, theirs) in datasets().items():
        for solver, extra in SOLVERS.items():
            params = {"hidden_layer_sizes": (100,), "random_state": 0, "max_iter": max_iter,
                      "n_iter_no_change": np.inf, **extra}
            times = {"glassnet": [], "sklearn": []}
            fitted = {}
            for _ in range(repeats):
                for name, cls in (("glassnet", ours), ("sklearn", theirs)):
                    seconds, fitted[name] = timed_fit(cls, params, Xtr, ytr)
                    times[name].append(seconds)
            g, s = np.median(times["glassnet"]), np.median(times["sklearn"])
            rows.append({
                "data": data_name, "solver": solver,
                "glassnet_s": float(g), "sklearn_s": float(s), "ratio": float(s / g),
                "glassnet_iter": int(fitted["glassnet"].n_iter_),
                "sklearn_iter": int(fitted["sklearn"].n_iter_),
                "glassnet_score": float(fitted["glassnet"].score(Xte, yte)),
                "sklearn_score": float(fitted["sklearn"].score(Xte, yte)),
            })
            print(format_row(rows[-1]), flush=True)
    return rows


def format_row(r: dict) -> str:
    return (f"{r['data']:<16} {r['solver']:<6} glassnet {r['glassnet_s']:7.3f} s "
            f"({r['glassnet_iter']:>3} it, score {r['glassnet_score']:.4f})   sklearn "
            f"{r['sklearn_s']:7.3f} s ({r['sklearn_iter']:>3} it, score "
            f"{r['sklearn_score']:.4f})   sklearn/glassnet {r['ratio']:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--max-iter", type=int, default=50)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="2 repeats of 10 iterations")
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    args = parser.parse_args()
    repeats, max_iter = (2, 10) if args.quick else (args.repeats, args.max_iter)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:                          # pragma: no cover - bench extra not installed
        limits = None
        print("threadpoolctl not installed: BLAS threads not limited")
    else:
        limits = threadpool_limits(limits=args.threads)
    print(f"median of {repeats} interleaved fits, max_iter={max_iter}, "
          f"BLAS threads={args.threads if limits is not None else 'default'}")
    rows = run(repeats, max_iter)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)


if __name__ == "__main__":
    main()
