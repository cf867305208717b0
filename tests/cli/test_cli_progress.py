"""The command line's progress display on stderr: a live bar in a terminal, plain lines in a
pipe, the metrics always whole (models/progress.py draws both)."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

SRC = str(Path(__file__).resolve().parents[2] / "src")
ARGS = ["-m", "glassnet", "train", "--dataset", "moons", "--epochs", "300", "--layers", "8"]
VALUES = ("loss", "accuracy", "val_loss", "val_accuracy")


def _env():
    env = {**os.environ, "PYTHONPATH": SRC, "MPLBACKEND": "Agg"}
    env.pop("COLUMNS", None)
    return env


def _pty_stderr(argv, cols, tmp_path):
    """stderr of ``python argv`` on a pseudo-terminal ``cols`` wide (None: no size)."""
    master, slave = os.openpty()
    if cols is not None:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, cols, 0, 0))
    proc = subprocess.Popen([sys.executable, *argv], stdout=subprocess.DEVNULL, stderr=slave,
                            stdin=subprocess.DEVNULL, env=_env(), cwd=tmp_path)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=300) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.mark.parametrize("cols, width", [(None, 80), (120, 120)], ids=["no-size", "120"])
def test_train_in_a_terminal(cols, width, tmp_path):
    err = _pty_stderr([*ARGS, "--out", "o"], cols, tmp_path)
    live = re.findall(r"([^\r\n]*)\r", err)
    assert live and all(len(s) < width for s in live)
    assert any(re.search(r"Training \d+/300 \[=*>?\.*\]", s) for s in live)
    lines = [line.split("\r")[-1].rstrip() for line in err.split("\n")]
    epochs = [line for line in lines if line.startswith("Training: Epoch")]
    assert len(epochs) == 10 and epochs[-1].startswith("Training: Epoch 300/300")
    assert all(all(f" {k}: " in line for k in VALUES) for line in epochs)
    assert "" not in lines[:-1]


def test_train_through_a_pipe(tmp_path):
    out = subprocess.run([sys.executable, *ARGS, "--out", "o"], capture_output=True, text=True,
                         env=_env(), cwd=tmp_path, timeout=300, check=True)
    assert "\r" not in out.stderr
    epochs = [line for line in out.stderr.splitlines() if line.startswith("Training: Epoch")]
    assert len(epochs) == 10 and all(" val_accuracy: " in line for line in epochs)
