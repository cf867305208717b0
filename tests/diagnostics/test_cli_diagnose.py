"""``glassnet train ... --diagnose`` prints the report after training."""

from __future__ import annotations

from glassnet.cli import main


def test_train_diagnose_prints_the_report(tmp_path, capsys):
    code = main(["train", "--dataset", "moons", "--layers", "8", "--epochs", "30",
                 "--out", str(tmp_path / "m"), "--quiet", "--diagnose"])
    assert code == 0
    out = capsys.readouterr().out
    assert "glassnet diagnose: no problem found" in out
    assert out.index("glassnet diagnose") < out.index("metrics.json")   # before the listing


def test_train_diagnose_names_a_learning_rate_far_too_high(tmp_path, capsys):
    code = main(["train", "--dataset", "moons", "--layers", "8", "--epochs", "30",
                 "--optimizer", "sgd", "--lr", "50", "--batch-size", "16",
                 "--out", str(tmp_path / "m"), "--quiet", "--diagnose"])
    assert code == 0
    assert "lr_too_high" in capsys.readouterr().out
