"""``glassnet train`` on built-in data and on CSV files, and its one-line errors."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main
from glassnet.cli._csv import read_csv

PNG = b"\x89PNG\r\n\x1a\n"


def write_csv(path, header, rows):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


@pytest.fixture
def colours_csv(tmp_path):
    """Two blobs with string classes "blue"/"red" and 2 numeric features."""
    rng = np.random.default_rng(0)
    n = 60
    a = rng.normal([-2.0, 0.0], 0.7, size=(n, 2))
    b = rng.normal([2.0, 1.0], 0.7, size=(n, 2))
    rows = [[f"{x:.4f}", f"{y:.4f}", "red"] for x, y in a]
    rows += [[f"{x:.4f}", f"{y:.4f}", "blue"] for x, y in b]
    order = rng.permutation(len(rows))
    return write_csv(tmp_path / "colours.csv", ["width", "height", "colour"],
                     [rows[i] for i in order])


def read_predictions(path):
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))


def test_train_csv_string_classes_round_trip(colours_csv, tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["train", "--csv", str(colours_csv), "--target", "colour", "--epochs", "60",
                 "--lr", "0.05", "--layers", "8", "--out", str(out), "--quiet"])
    assert code == 0
    result = json.loads((out / "metrics.json").read_text())
    assert result["classes"] == ["blue", "red"]
    assert result["features"] == ["width", "height"]
    assert (result["n_train"], result["n_test"]) == (96, 24)
    preds = read_predictions(out / "predictions.csv")
    assert len(preds) == 120
    assert {p["colour"] for p in preds} == {p["predicted"] for p in preds} == {"blue", "red"}
    test = [p for p in preds if p["split"] == "test"]
    acc = np.mean([p["colour"] == p["predicted"] for p in test])
    assert result["scores"]["test"]["accuracy"] == pytest.approx(acc)
    assert acc >= 0.9                                     # two well-separated blobs
    # the pictures that fit 2 features, and the model
    for name in ("cost.png", "network.png", "confusion_matrix.png", "boundary.png",
                 "neurons.png"):
        assert (out / name).read_bytes()[:8] == PNG, name
    model = gn.load_model(out / "model.glassnet")
    prep = json.loads((out / "model.preprocessing.json").read_text())
    rows = np.loadtxt(colours_csv, delimiter=",", skiprows=1, usecols=(0, 1))
    Xs = (rows - prep["feature_mean"]) / prep["feature_scale"]
    back = np.array(prep["classes"])[(model.predict(Xs)[:, 0] > 0.5).astype(int)]
    assert back.tolist() == [p["predicted"] for p in preds]
    printed = capsys.readouterr().out
    assert "blue" in printed and "red" in printed and "accuracy" in printed


def test_train_csv_regression(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 3))
    y = 3.0 * X[:, 0] - 2.0 * X[:, 1] + 0.5 * X[:, 2] + 10.0 + 0.05 * rng.normal(size=150)
    path = write_csv(tmp_path / "lin.csv", ["a", "b", "c", "target"],
                     [[f"{v:.5f}" for v in row] + [f"{t:.5f}"] for row, t in zip(X, y,
                                                                                   strict=True)])
    out = tmp_path / "reg"
    code = main(["train", "--csv", str(path), "--target", "target", "--task", "regression",
                 "--epochs", "300", "--layers", "8", "--out", str(out), "--quiet"])
    assert code == 0
    result = json.loads((out / "metrics.json").read_text())
    assert result["task"] == "regression" and result["network"]["loss"] == "mse"
    assert result["scores"]["test"]["r2"] > 0.95
    preds = read_predictions(out / "predictions.csv")
    truth = np.array([float(p["target"]) for p in preds])
    pred = np.array([float(p["predicted"]) for p in preds])
    test = np.array([p["split"] == "test" for p in preds])
    mse = np.mean((truth[test] - pred[test]) ** 2)
    assert result["scores"]["test"]["mse"] == pytest.approx(mse, rel=1e-3)
    assert (out / "predictions.png").read_bytes()[:8] == PNG
    assert not (out / "boundary.png").exists()
    assert "R²" in capsys.readouterr().out


def test_train_continuous_target_needs_task_regression(tmp_path, capsys):
    path = write_csv(tmp_path / "c.csv", ["x", "y"], [[i, i * 0.37] for i in range(30)])
    assert main(["train", "--csv", str(path), "--target", "y", "--quiet",
                 "--out", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("glassnet: error: ") and "--task regression" in err


def test_train_builtin_multiclass_and_options(tmp_path, capsys):
    out = tmp_path / "sp"
    code = main(["train", "--dataset", "spirals", "--layers", "6,4", "--activation", "relu",
                 "--optimizer", "sgd", "--lr", "0.3", "--batch-size", "32", "--epochs", "5",
                 "--seed", "2", "--out", str(out), "--quiet"])
    assert code == 0
    result = json.loads((out / "metrics.json").read_text())
    assert result["network"]["layers"] == [2, 6, 4, 3]
    assert result["network"]["batch_size"] == 32
    assert result["classes"] == [0, 1, 2]
    assert result["scores"]["average"] == "macro"
    assert len(result["scores"]["confusion_matrix_test"]) == 3
    model = gn.load_model(out / "model.glassnet")
    assert [layer.activation.name for layer in model.layers] == ["relu", "relu", "softmax"]
    assert "3 classes" in capsys.readouterr().out


def test_train_iris_has_no_boundary(tmp_path):
    out = tmp_path / "iris"
    assert main(["train", "--dataset", "iris", "--epochs", "20", "--out", str(out),
                 "--quiet"]) == 0
    assert (out / "confusion_matrix.png").exists()
    assert not (out / "boundary.png").exists() and not (out / "neurons.png").exists()


def test_read_csv_integer_classes_and_feature_subset(tmp_path):
    path = write_csv(tmp_path / "i.csv", ["a", "b", "label", "c"],
                     [[1, 2, 5, 0], [3, 4, 7, 1], [5, 6, 5, 2], [7, 8, 7, 3]])
    data = read_csv(path, "label", features=["c", "a"])
    assert data.task == "classification" and data.classes == [5, 7]
    np.testing.assert_array_equal(data.y, [0, 1, 0, 1])
    np.testing.assert_array_equal(data.X, [[0, 1], [1, 3], [2, 5], [3, 7]])
    np.testing.assert_array_equal(data.lines, [2, 3, 4, 5])


BAD = {
    "not_numeric": (["a", "b", "y"], [[1, 2, "x"], [3, "oops", "y"], [5, 6, "x"]],
                    r"line 3: column 'b' must hold numbers .*'oops'"),
    "missing_value": (["a", "b", "y"], [[1, 2, "x"], [3, "", "y"], [5, 6, "x"]],
                      r"line 3: missing value in column 'b'"),
    "ragged": (["a", "b", "y"], [[1, 2, "x"], [3, 4], [5, 6, "x"]],
               r"line 3: 2 fields, but the header has 3 columns"),
    "no_rows": (["a", "b", "y"], [], r"no data rows after the header"),
    "one_class": (["a", "b", "y"], [[1, 2, "x"], [3, 4, "x"]], r"a single class 'x'"),
    "not_finite": (["a", "b", "y"], [[1, "nan", "x"], [3, 4, "y"]], r"finite numbers"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_train_bad_csv_is_one_line_exit_1(case, tmp_path, capsys):
    header, rows, message = BAD[case]
    path = write_csv(tmp_path / f"{case}.csv", header, rows)
    code = main(["train", "--csv", str(path), "--target", "y", "--out",
                 str(tmp_path / "o"), "--quiet"])
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("glassnet: error: ")
    assert "Traceback" not in err
    assert re.search(message, err), err


@pytest.mark.parametrize("argv, code, message", [
    (["--csv", "{dir}/colours.csv", "--target", "nope"], 1,
     "no target column 'nope'; the columns are width, height, colour"),
    (["--csv", "{dir}/missing.csv", "--target", "y"], 1, "CSV file not found"),
    (["--csv", "{dir}/colours.csv"], 2, "--csv needs --target"),
    (["--dataset", "nope"], 2, "unknown dataset 'nope'; choose one of flower"),
    (["--dataset", "moons", "--target", "y"], 2, "--target goes with --csv"),
    (["--layers", "40,x"], 2, "comma-separated layer sizes"),
    (["--lr", "-1"], 2, "expected a positive number"),
    (["--dataset", "xor", "--batch-size", "1000"], 1, "larger than the training set"),
    (["--dataset", "moons", "--optimizer", "sgd", "--lr", "1e36", "--epochs", "5"], 1,
     "diverged"),
])
def test_train_bad_arguments(argv, code, message, colours_csv, tmp_path, capsys):
    argv = [a.format(dir=colours_csv.parent) for a in argv]
    assert main(["train", *argv, "--out", str(tmp_path / "o"), "--quiet"]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("glassnet: error: ")
    assert message in err


def test_train_boundary_legend_names_the_string_classes(colours_csv, tmp_path, monkeypatch):
    from glassnet.cli import _common

    legends = {}
    save = _common.Outputs.save_figure

    def recording(self, fig, name, dpi=110):
        f = fig if hasattr(fig, "savefig") else np.ravel(fig)[0].figure
        legends[name] = [t.get_text() for ax in f.axes if ax.get_legend()
                         for t in ax.get_legend().get_texts()]
        return save(self, fig, name, dpi)

    monkeypatch.setattr(_common.Outputs, "save_figure", recording)
    code = main(["train", "--csv", str(colours_csv), "--target", "colour", "--epochs", "5",
                 "--layers", "4", "--out", str(tmp_path / "run"), "--quiet"])
    assert code == 0
    assert legends["boundary.png"] == ["class blue", "class red"]
