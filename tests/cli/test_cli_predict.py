"""``glassnet predict`` on real CSV files (scikit-learn's breast-cancer and wine data with string
labels), ``--exclude``, the preprocessing sidecar and close-match suggestions."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from cli_csv import read_rows, write_rows

import glassnet as gn
from glassnet.cli import main
from glassnet.cli._common import CLIError
from glassnet.cli._preprocessing import load

QUICK = ["--epochs", "80", "--layers", "8", "--quiet"]


@pytest.fixture(scope="module")
def cancer_run(cancer_csv, tmp_path_factory):
    out = tmp_path_factory.mktemp("cancer_run")
    assert main(["train", "--csv", str(cancer_csv), "--target", "diagnosis", "--exclude",
                 "id,ward", "--out", str(out), *QUICK]) == 0
    return out


def test_exclude_leaves_the_columns_out(cancer_run):
    result = json.loads((cancer_run / "metrics.json").read_text())
    assert len(result["features"]) == 30
    assert "id" not in result["features"] and "ward" not in result["features"]
    assert result["features"][0] == "mean radius"
    assert result["classes"] == ["benign", "malignant"]
    assert result["scores"]["test"]["accuracy"] > 0.9


def test_train_writes_a_json_sidecar_predict_can_check(cancer_run):
    prep = load(cancer_run / "model.preprocessing.json")
    assert prep.target == "diagnosis" and prep.task == "classification"
    assert prep.classes == ["benign", "malignant"]
    assert sorted(prep.other_columns) == ["diagnosis", "id", "ward"]
    assert len(prep.feature_mean) == len(prep.feature_scale) == 30


def test_predict_applies_scaling_and_label_names(cancer_run, cancer_csv, tmp_path, capsys):
    rows = read_rows(cancer_csv)[:40]
    new = write_rows(tmp_path / "new.csv", rows)
    out = tmp_path / "pred.csv"
    assert main(["predict", str(cancer_run / "model.glassnet"), "--csv", str(new),
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "40 predictions of 'diagnosis'" in printed and "accuracy" in printed
    got = read_rows(out)
    assert [r["id"] for r in got] == [r["id"] for r in rows]
    assert {r["predicted_diagnosis"] for r in got} <= {"benign", "malignant"}
    # the same answers as the model on the training run's own predictions.csv
    train_pred = {r["line"]: r["predicted"] for r in read_rows(cancer_run / "predictions.csv")}
    assert [r["predicted_diagnosis"] for r in got] == [train_pred[str(i + 2)]
                                                       for i in range(40)]
    p = np.array([[float(r["probability_benign"]), float(r["probability_malignant"])]
                  for r in got])
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-5)


def test_predict_without_the_target_column_to_stdout(cancer_run, cancer_csv, tmp_path, capsys):
    rows = read_rows(cancer_csv)[:5]
    columns = [c for c in rows[0] if c not in ("diagnosis", "id", "ward")][::-1]   # any order
    new = write_rows(tmp_path / "new.csv", rows, columns)
    assert main(["predict", str(cancer_run / "model.glassnet"), "--csv", str(new)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert len(lines) == 6 and lines[0].endswith("predicted_diagnosis,probability_benign,"
                                                 "probability_malignant")
    assert "accuracy" not in captured.err


@pytest.mark.parametrize("drop, add, message", [
    (["mean radius"], [], r"missing column\(s\) 'mean radius'; the model reads the columns "
                          r"mean radius, mean texture"),
    ([], ["colour"], r"extra column\(s\) 'colour' that the model was not trained with"),
    (["mean area"], ["Mean Area"], r"missing column\(s\) 'mean area' \(did you mean "
                                   r"'Mean Area'\?\); extra column\(s\) 'Mean Area'"),
])
def test_predict_names_missing_and_extra_columns(drop, add, message, cancer_run, cancer_csv,
                                                 tmp_path, capsys):
    rows = read_rows(cancer_csv)[:5]
    for r in rows:
        for c in add:
            r[c] = "1.0"
    columns = [c for c in rows[0] if c not in drop]
    new = write_rows(tmp_path / "bad.csv", rows, columns)
    assert main(["predict", str(cancer_run / "model.glassnet"), "--csv", str(new)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("glassnet: error: ")
    assert re.search(message, err), err


def test_predict_allow_extra_copies_unknown_columns(cancer_run, cancer_csv, tmp_path):
    rows = read_rows(cancer_csv)[:3]
    for r in rows:
        r["note"] = "x"
    new = write_rows(tmp_path / "extra.csv", rows)
    out = tmp_path / "p.csv"
    assert main(["predict", str(cancer_run / "model.glassnet"), "--csv", str(new), "--out",
                 str(out), "--allow-extra"]) == 0
    assert [r["note"] for r in read_rows(out)] == ["x"] * 3


def test_wine_three_classes_round_trip(wine_csv, tmp_path, capsys):
    run = tmp_path / "wine"
    assert main(["train", "--csv", str(wine_csv), "--target", "cultivar", "--out", str(run),
                 *QUICK]) == 0
    out = tmp_path / "wine_pred.csv"
    assert main(["predict", str(run / "model.glassnet"), "--csv", str(wine_csv), "--out",
                 str(out)]) == 0
    got = read_rows(out)
    assert {r["predicted_cultivar"] for r in got} <= {"barbera", "barolo", "grignolino"}
    acc = np.mean([r["predicted_cultivar"] == r["cultivar"] for r in got])
    assert acc > 0.9
    assert f"accuracy on the 'cultivar' column of the file: {acc:.4f}" in capsys.readouterr().out
    model = gn.load_model(run / "model.glassnet")
    assert model.output_shape == (3,)


@pytest.mark.parametrize("content, message", [
    ("[1, 2]", "expected a JSON object"),
    ("not json", "not JSON text"),
    ('{"format": "glassnet-preprocessing", "version": 99}', "version 99"),
    ("PICKLE", "not JSON text"),
    ("[" * 100_000 + "]" * 100_000, "not JSON text"),               # nested too deep to parse
    ('{"format": "glassnet-preprocessing", "version": 1, "features": [1]}',
     "'features' must be a list of non-empty strings"),
])
def test_predict_refuses_a_bad_sidecar(content, message, cancer_run, cancer_csv, tmp_path,
                                       capsys):
    bad = tmp_path / "bad.preprocessing.json"
    bad.write_text(content)
    assert main(["predict", str(cancer_run / "model.glassnet"), "--csv", str(cancer_csv),
                 "--preprocessing", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "not a valid glassnet preprocessing file" in err and message in err


@pytest.mark.parametrize("key, value, message", [
    ("feature_scale", "zero", "'feature_scale' must be a list of 30 positive finite numbers"),
    ("features", "short", "'feature_mean' must be a list of 29 finite numbers"),
    ("classes", ["benign"], "'classes' must list at least 2 distinct class labels"),
    ("task", "clustering", "'task' must be 'classification' or 'regression'"),
])
def test_sidecar_values_are_checked(key, value, message, cancer_run, tmp_path):
    data = json.loads((cancer_run / "model.preprocessing.json").read_text())
    if value == "zero":
        data[key][3] = 0.0
    elif value == "short":
        data[key] = data[key][:-1]
    else:
        data[key] = value
    path = tmp_path / "m.preprocessing.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CLIError, match=message):
        load(path)


def test_sidecar_of_another_model_is_refused(cancer_run, wine_csv, tmp_path, capsys):
    run = tmp_path / "wine"
    assert main(["train", "--csv", str(wine_csv), "--target", "cultivar", "--out", str(run),
                 *QUICK]) == 0
    assert main(["predict", str(run / "model.glassnet"), "--csv", str(wine_csv),
                 "--preprocessing", str(cancer_run / "model.preprocessing.json")]) == 1
    assert "describes 30 features, but the model" in capsys.readouterr().err


def test_predict_without_sidecar_says_where_it_looked(cancer_run, cancer_csv, tmp_path, capsys):
    model = tmp_path / "alone.glassnet"
    model.write_bytes((cancer_run / "model.glassnet").read_bytes())
    assert main(["predict", str(model), "--csv", str(cancer_csv)]) == 1
    assert "no preprocessing file" in capsys.readouterr().err


def test_regression_round_trip_restores_the_target_scale(cancer_csv, tmp_path, capsys):
    run = tmp_path / "reg"
    assert main(["train", "--csv", str(cancer_csv), "--target", "mean area", "--task",
                 "regression", "--exclude", "id,ward,diagnosis,mean radius,mean perimeter",
                 "--out", str(run), *QUICK]) == 0
    out = tmp_path / "area.csv"
    assert main(["predict", str(run / "model.glassnet"), "--csv", str(cancer_csv), "--out",
                 str(out)]) == 0
    got = read_rows(out)
    truth = np.array([float(r["mean area"]) for r in got])
    pred = np.array([float(r["predicted_mean area"]) for r in got])
    assert abs(pred.mean() - truth.mean()) < 0.2 * truth.std()      # not in standard units
    assert "R²" in capsys.readouterr().out


@pytest.mark.parametrize("argv, message", [
    (["--target", "Diagnosis"], "no target column 'Diagnosis' (did you mean 'diagnosis'?)"),
    (["--target", "diagnosis", "--exclude", "idd"],
     "--exclude names no column(s) 'idd' (did you mean 'id'?)"),
    (["--target", "diagnosis", "--features", "mean radius,mean textur"],
     "--features names no column(s) 'mean textur' (did you mean 'mean texture'?)"),
    (["--target", "diagnosis", "--exclude", "diagnosis"], "--exclude names the target column"),
    (["--target", "diagnosis"], "column 'ward' must hold numbers"),
])
def test_train_column_errors_suggest_close_names(argv, message, cancer_csv, tmp_path, capsys):
    assert main(["train", "--csv", str(cancer_csv), *argv, "--out", str(tmp_path / "o"),
                 "--quiet"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err, err


@pytest.mark.parametrize("argv, message", [
    (["train", "--dataset", "flowr"], "unknown dataset 'flowr' (did you mean 'flower'?)"),
    (["demo", "--dataset", "Moons"], "unknown dataset 'Moons' (did you mean 'moons'?)"),
    (["train", "--optimizer", "adma"], "(did you mean 'adam'?)"),
])
def test_names_on_the_command_line_suggest_close_ones(argv, message, capsys):
    assert main(argv) == 2
    assert message in capsys.readouterr().err
