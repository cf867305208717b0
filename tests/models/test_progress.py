"""The progress display of fit (models/progress.py) as a user sees it: through a pipe, in a
pseudo-terminal with and without a size, in a 120-column terminal with many metrics, and in a
notebook. The live line must always fit, the metrics must always be printed whole."""

from __future__ import annotations

import fcntl
import io
import os
import pty  # noqa: F401  (os.openpty is the pty module's primitive; POSIX only)
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

from glassnet.models import progress as progress_mod
from glassnet.models.progress import Progress, fit_line

SRC = str(Path(__file__).resolve().parents[2] / "src")

TRAIN = """
import numpy as np, glassnet as gn
rng = np.random.default_rng(0)
X = rng.normal(size=(200, 3)); y = (X[:, 0] + X[:, 1] > 0).astype(int)
m = gn.Sequential([gn.layers.Dense(8, activation="tanh"), gn.layers.Dense(1, activation="sigmoid")],
                  seed=0)
m.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy", "mse", "mae"])
m.fit(X[:150], y[:150], epochs={epochs}, batch_size={batch}, validation_data=(X[150:], y[150:]),
      verbose=1)
print("DONE")
"""
VALUES = ("loss", "accuracy", "mse", "mae", "val_loss", "val_accuracy", "val_mse", "val_mae")


def _env():
    env = {**os.environ, "PYTHONPATH": SRC}
    env.pop("COLUMNS", None)
    return env


def run_in_pty(code: str, cols: int | None) -> str:
    """Run ``code`` with stdout and stderr on a new pseudo-terminal (``cols`` wide, or with no
    size at all) and return everything written to it."""
    master, slave = os.openpty()
    if cols is not None:
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, cols, 0, 0))
    assert os.get_terminal_size(slave).columns == (cols or 0)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=slave, stderr=slave,
                            stdin=subprocess.DEVNULL, env=_env())
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:                      # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=120) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


def screen_lines(text: str) -> list[str]:
    """The lines left on screen: each \\r-rewritten line reduced to what was drawn last."""
    out = []
    for line in text.split("\n"):
        out.append(line.split("\r")[-1].rstrip())
    return out


def segments(text: str) -> list[str]:
    """What was drawn and then rewritten in place (ended by \\r): each must fit the terminal,
    or the terminal wraps it and the next rewrite lands on the wrong line."""
    return re.findall(r"([^\r\n]*)\r", text)


@pytest.mark.parametrize("epochs, batch, n_lines", [(3, 10, 3), (50, "None", 10)],
                         ids=["mini-batch", "full-batch"])
def test_through_a_pipe_plain_lines_and_no_carriage_return(epochs, batch, n_lines):
    out = subprocess.run([sys.executable, "-c", TRAIN.format(epochs=epochs, batch=batch)],
                         capture_output=True, text=True, env=_env(), timeout=120, check=True)
    assert "\r" not in out.stdout and out.stderr == ""
    lines = out.stdout.splitlines()
    assert lines[-1] == "DONE" and len(lines) == n_lines + 1
    for line in lines[:-1]:
        assert line.startswith("Epoch ") and all(f" {k}: " in line for k in VALUES)


@pytest.mark.parametrize("cols, width", [(None, 80), (120, 120), (52, 52)],
                         ids=["no-size", "120-columns", "narrow"])
@pytest.mark.parametrize("epochs, batch", [(3, 10), (40, "None")],
                         ids=["mini-batch", "full-batch"])
def test_in_a_pseudo_terminal_the_bar_fits_and_metrics_are_whole(cols, width, epochs, batch):
    text = run_in_pty(TRAIN.format(epochs=epochs, batch=batch), cols)
    for seg in segments(text):                               # no live line ever wraps
        assert len(seg) < width, seg
    lines = screen_lines(text)
    assert lines[-2:] == ["DONE", ""]
    assert "" not in lines[:-1], "a blank line on screen"
    epoch_lines = [line for line in lines if line.startswith("Epoch ")]
    assert len(epoch_lines) == (3 if batch == 10 else 10)
    assert epoch_lines[-1].startswith(f"Epoch {epochs}/{epochs}")
    for line in epoch_lines:                                 # every value, never cut
        assert all(f" {k}: " in line for k in VALUES), line
    assert "[" in text and "=" in text and ">" in text     # a live bar was drawn


def test_a_120_column_terminal_shows_the_bar_with_the_running_values():
    text = run_in_pty(TRAIN.format(epochs=2, batch=10), 120)
    live = [s for s in segments(text) if "ETA" in s]
    assert live and all(re.search(r"\[=*>?\.*\]", s) for s in live)
    assert all("loss: " in s and "accuracy: " in s for s in live if "15/15" in s)


def test_the_bar_shrinks_before_values_are_dropped():
    values = ["loss: 0.1234", "accuracy: 0.9000", "val_loss: 0.2345", "val_accuracy: 0.9375"]
    head, tail = "Epoch 3/10 12/40", "ETA 1.2s"
    wide = fit_line(head, 0.3, tail, values, 140)
    assert re.search(r"\[=+>\.+\]", wide) and wide.endswith("val_accuracy: 0.9375")
    bars = []
    for width in range(140, 15, -1):
        line = fit_line(head, 0.3, tail, values, width)
        assert len(line) <= width
        found = re.search(r"\[[=>.]*\]", line)
        bars.append(len(found.group()) if found else 0)
        n_values = line.count(": ")
        if n_values < len(values):        # dropped only once the bar is at its narrowest
            one_more = f"{head} {tail} - " + " - ".join(values[:n_values + 1])
            assert len(one_more) + 1 + progress_mod._BAR_MIN > width, width
    assert bars[0] == progress_mod._BAR_MAX and bars[-1] == 0
    assert min(b for b in bars if b) == progress_mod._BAR_MIN      # never a useless |█| bar


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_in_a_notebook_only_the_live_line_and_the_epoch_lines(monkeypatch, capsys):
    monkeypatch.setattr(progress_mod, "_in_notebook", lambda: True)
    stream = io.StringIO()                                   # a kernel's stdout: no tty
    p = Progress(1, 0, 2, n_batches=4, stream=stream)
    for epoch in range(2):
        p.epoch_begin(epoch)
        for b in range(4):
            p.batch_end(b, {"loss": 0.5, "accuracy": 0.75})
        p.epoch_end(epoch, {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.25,
                            "val_accuracy": 0.875})
    p.close()
    text = stream.getvalue()
    assert capsys.readouterr() == ("", "")                   # no widget, no warning
    assert all(len(s) < 100 for s in segments(text))
    lines = screen_lines(text)
    assert [line.split(" - ")[0] for line in lines if line] == ["Epoch 1/2", "Epoch 2/2"]
    assert all("val_accuracy: 0.8750" in line for line in lines if line)


def test_terminal_without_a_size_uses_columns_or_80(monkeypatch):
    stream = _Terminal()                                     # no fileno: size unknown
    monkeypatch.delenv("COLUMNS", raising=False)
    assert progress_mod.terminal_columns(stream) == 80
    monkeypatch.setenv("COLUMNS", "132")
    assert progress_mod.terminal_columns(stream) == 132


def test_interrupted_epoch_is_reported_on_its_own_line():
    stream = _Terminal()
    p = Progress(1, 0, 3, n_batches=5, stream=stream)
    p.epoch_begin(0)
    p.batch_end(0, {"loss": 0.5})
    p.batch_end(1, {"loss": 0.25})
    p.close()
    lines = [line for line in screen_lines(stream.getvalue()) if line]
    assert lines == ["Epoch 1/3 - stopped after step 2/5 - loss: 0.2500"]
    assert stream.getvalue().endswith("\n")
