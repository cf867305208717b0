"""``glassnet train`` labels its pictures with the CSV file's column names."""

from __future__ import annotations

import pytest
from cli_csv import read_rows, write_rows

import glassnet as gn
from glassnet.cli import main


@pytest.fixture
def spied(monkeypatch):
    """The feature_names each gn.plot function was called with."""
    seen = {}
    for name in ("decision_boundary", "network", "neurons"):
        real = getattr(gn.plot, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            seen[_name] = kwargs.get("feature_names")
            return _real(*args, **kwargs)

        monkeypatch.setattr(gn.plot, name, spy)
    return seen


def test_train_passes_the_csv_column_names(cancer_csv, tmp_path, spied):
    rows = read_rows(cancer_csv)
    two = write_rows(tmp_path / "two.csv", rows, ["mean radius", "mean texture", "diagnosis"])
    assert main(["train", "--csv", str(two), "--target", "diagnosis", "--epochs", "20",
                 "--layers", "4", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert spied["decision_boundary"] == ["mean radius", "mean texture"]
    assert spied["network"] == ["mean radius", "mean texture"]
    assert spied["neurons"] == ["mean radius (standardised)", "mean texture (standardised)"]


def test_built_in_planar_data_keep_x1_x2(tmp_path, spied):
    assert main(["train", "--dataset", "moons", "--epochs", "5", "--layers", "3", "--out",
                 str(tmp_path / "o"), "--quiet"]) == 0
    assert spied["decision_boundary"] is None and spied["network"] is None


def test_many_columns_name_the_network_inputs(wine_csv, tmp_path, spied):
    assert main(["train", "--csv", str(wine_csv), "--target", "cultivar", "--epochs", "5",
                 "--layers", "3", "--out", str(tmp_path / "o"), "--quiet"]) == 0
    assert spied["network"][:2] == ["alcohol", "malic_acid"] and len(spied["network"]) == 13
    assert "decision_boundary" not in spied                  # 13 features: no plane to draw
