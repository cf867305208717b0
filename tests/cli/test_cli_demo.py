"""``glassnet demo``: files, printed table and scores, at reduced sizes (few epochs, few units)."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest
from PIL import Image

import glassnet as gn
from glassnet.cli import main

PNG = b"\x89PNG\r\n\x1a\n"
PICTURES = ["boundaries.png", "cost.png", "network.png", "confusion_matrices.png", "neurons.png"]
OTHER = ["summary.txt", "metrics.json", "model.glassnet"]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """One small demo without the GIF: (exit code, stdout, stderr, output folder)."""
    out = tmp_path_factory.mktemp("demo")
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        code = main(["demo", "--out", str(out), "--epochs", "300", "--hidden", "6",
                     "--no-gif", "--seed", "3"])
    return code, stdout.getvalue(), stderr.getvalue(), out


def test_demo_writes_every_file_non_empty(demo_run):
    code, stdout, _, out = demo_run
    assert code == 0
    for name in PICTURES:
        data = (out / name).read_bytes()
        assert data[:8] == PNG, name
        assert Image.open(out / name).size[0] > 100
    for name in OTHER:
        assert (out / name).stat().st_size > 0, name
    assert not (out / "training.gif").exists()
    # the run ends by listing every file it wrote
    tail = stdout.strip().splitlines()[-len(PICTURES) - len(OTHER) - 1:]
    assert tail[0].startswith("Wrote 8 files to")
    assert sorted(line.split()[0] for line in tail[1:]) == sorted(PICTURES + OTHER)


def test_demo_table_lists_both_models_with_their_scores(demo_run):
    _, stdout, _, out = demo_run
    scores = json.loads((out / "metrics.json").read_text())["scores"]
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("model"))
    table = lines[start:lines.index("", start)]
    assert table[0].split() == ["model", "split", "accuracy", "precision", "recall", "F1"]
    rows = {}
    for line in table[2:]:
        model = next(m for m in ("Neural net", "Logistic regression") if line.startswith(m))
        rows[(model, line.split()[-5])] = line
    assert set(rows) == {(m, s) for m in ("Neural net", "Logistic regression")
                         for s in ("train", "test")}
    for model, key in (("Neural net", "neural_net"), ("Logistic regression",
                                                      "logistic_regression")):
        for split in ("train", "test"):
            numbers = [float(v) for v in rows[(model, split)].split()[-4:]]
            s = scores[key][split]
            np.testing.assert_allclose(numbers, [s["accuracy"], s["precision"], s["recall"],
                                                 s["f1"]], atol=5e-5)
    # the columns are aligned: every row of the table has the same length
    assert len({len(line) for line in table}) == 1
    assert "Confusion matrices on the test set" in stdout


def test_demo_scores_match_the_saved_model(demo_run):
    """metrics.json agrees with the saved network re-scored on the same stratified split."""
    _, _, _, out = demo_run
    result = json.loads((out / "metrics.json").read_text())
    X, y = gn.datasets.make_flower(400, noise=0.2, seed=1)
    Xtr, Xte, ytr, yte = gn.datasets.train_test_split(X, y, test_size=0.2, seed=3, stratify=y)
    assert (result["n_train"], result["n_test"]) == (len(Xtr), len(Xte)) == (320, 80)
    net = gn.load_model(out / "model.glassnet")
    pred = (net.predict(Xte)[:, 0] > 0.5).astype(int)
    nn = result["scores"]["neural_net"]
    assert nn["test"]["accuracy"] == pytest.approx(np.mean(pred == yte))
    cm = gn.metrics.confusion_matrix(yte, pred, labels=[0, 1])
    assert nn["confusion_matrix_test"] == cm.tolist()
    assert result["network"]["layers"] == [2, 6, 1]


def test_demo_shows_a_progress_bar_unless_quiet(demo_run, tmp_path, capsys):
    _, _, stderr, _ = demo_run
    assert "Neural net" in stderr and "300/300" in stderr
    code = main(["demo", "--out", str(tmp_path), "--epochs", "20", "--hidden", "2",
                 "--no-gif", "--quiet"])
    assert code == 0
    assert capsys.readouterr().err == ""


def test_demo_gif_has_the_requested_frames(tmp_path, capsys):
    code = main(["demo", "--out", str(tmp_path), "--epochs", "40", "--hidden", "3",
                 "--frames", "4", "--quiet", "--dataset", "moons"])
    assert code == 0
    gif = tmp_path / "training.gif"
    assert gif.read_bytes()[:6] in (b"GIF87a", b"GIF89a")
    with Image.open(gif) as im:
        assert im.n_frames == 4
    out = capsys.readouterr().out
    assert "moons data" in out
    listing = out[out.index("Wrote 9 files"):].splitlines()[1:]
    assert "training.gif" in [line.split()[0] for line in listing]
