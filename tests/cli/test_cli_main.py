"""The ``glassnet`` entry point: help, exit codes, ``python -m glassnet``, table helpers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from glassnet.cli import main
from glassnet.cli._common import format_confusion, format_table, side_by_side

SRC = Path(__file__).resolve().parents[2] / "src"


def test_help_lists_commands_with_an_example_each(capsys):
    assert main(["--help"]) == 0
    text = capsys.readouterr().out
    for command in ("demo", "train", "conv", "predict"):
        assert f"\n    {command} " in text                   # in the list of commands
        assert f"  glassnet {command} " in text              # and an example of it


@pytest.mark.parametrize("command", ["demo", "train", "conv", "predict"])
def test_command_help(command, capsys):
    assert main([command, "--help"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"usage: glassnet {command}")
    assert f"glassnet {command}" in text.split("example")[-1]


def test_no_command_prints_help(capsys):
    assert main([]) == 0
    assert "commands:" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["frobnicate"], ["demo", "--hidden"], ["demo", "--bogus"]])
def test_usage_errors_are_one_line_exit_2(argv, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("glassnet: error: ")
    assert captured.out == ""


def test_python_dash_m_glassnet_help():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(SRC), *filter(None, [os.environ.get("PYTHONPATH")])]))
    proc = subprocess.run([sys.executable, "-m", "glassnet", "--help"], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "glassnet demo" in proc.stdout and "glassnet conv" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "glassnet", "demo", "--dataset", "nope"],
                         capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2
    assert bad.stderr.startswith("glassnet: error: ") and "Traceback" not in bad.stderr


def test_format_table_aligns_columns():
    text = format_table(["name", "value"], [["a", 0.5], ["longer name", 12.25]])
    lines = text.splitlines()
    assert len({len(line) for line in lines}) == 1
    assert lines[2].endswith("0.5000") and lines[3].endswith("12.2500")
    assert lines[3].startswith("longer name")


def test_confusion_blocks_side_by_side():
    cm = np.array([[12, 3], [1, 104]])
    block = format_confusion(cm, ["no", "yes"], "M")
    assert block[0] == "M"
    assert block[2].split() == ["no", "12", "3"] and block[3].split() == ["yes", "1", "104"]
    joined = side_by_side([block, ["N", "x"]]).splitlines()
    assert joined[0].split() == ["M", "N"] and joined[1].split() == ["no", "yes", "x"]
