"""Real CSV files for the command-line tests: scikit-learn's breast-cancer and wine data written
out as a user would have them, with string class labels, an id column and a text column."""

from __future__ import annotations

import csv

import numpy as np
import pytest

WINE_NAMES = ("barolo", "grignolino", "barbera")      # the three cultivars of the wine data


def _write(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture(scope="session")
def cancer_csv(tmp_path_factory):
    """breast-cancer: ``id``, 30 features named as scikit-learn names them, ``ward`` (text)
    and ``diagnosis`` ("malignant" / "benign")."""
    datasets = pytest.importorskip("sklearn.datasets")
    data = datasets.load_breast_cancer()
    names = [str(n) for n in data.target_names]
    rng = np.random.default_rng(0)
    wards = np.array(["north", "south", "east"])[rng.integers(0, 3, len(data.target))]
    rows = [[1000 + i, *(f"{v:.6g}" for v in x), wards[i], names[t]]
            for i, (x, t) in enumerate(zip(data.data, data.target, strict=True))]
    header = ["id", *map(str, data.feature_names), "ward", "diagnosis"]
    return _write(tmp_path_factory.mktemp("cancer") / "breast_cancer.csv", header, rows)


@pytest.fixture(scope="session")
def wine_csv(tmp_path_factory):
    """wine: 13 chemical measurements and ``cultivar`` (three names)."""
    datasets = pytest.importorskip("sklearn.datasets")
    data = datasets.load_wine()
    rows = [[*(f"{v:.6g}" for v in x), WINE_NAMES[t]]
            for x, t in zip(data.data, data.target, strict=True)]
    header = [*map(str, data.feature_names), "cultivar"]
    return _write(tmp_path_factory.mktemp("wine") / "wine.csv", header, rows)
