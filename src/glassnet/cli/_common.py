"""Pieces shared by the ``glassnet`` commands: errors, argument types, data sets, progress,
tables and the files a command writes.

Nothing here imports matplotlib at module level: :func:`use_agg` selects the headless ``Agg``
backend before any command imports ``matplotlib.pyplot``.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from glassnet import datasets
from glassnet._suggest import did_you_mean
from glassnet.callbacks import Callback


# --------------------------------------------------------------------------- errors
class CLIError(Exception):
    """A runtime problem (bad file, bad data): ``main`` prints it in one line, exit code 1."""


class UsageError(Exception):
    """A bad command line: ``main`` prints it in one line, exit code 2."""


# --------------------------------------------------------------------------- argument types
def _int_at_least(text: str, low: int, want: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected {want}, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"expected {want}, got {value}")
    return value


def positive_int(text: str) -> int:
    """argparse type: an integer >= 1."""
    return _int_at_least(text, 1, "a positive integer")


def non_negative_int(text: str) -> int:
    """argparse type: an integer >= 0 (seeds)."""
    return _int_at_least(text, 0, "an integer >= 0")


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0 (learning rates)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0.0):
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    """argparse type: a finite number >= 0 (penalties)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}") from None
    if not (math.isfinite(value) and value >= 0.0):
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    """argparse type: a number strictly between 0 and 1 (test-set size)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}"
                                         ) from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1, got {text!r}")
    return value


def int_list(text: str) -> tuple[int, ...]:
    """argparse type: comma-separated positive integers, e.g. ``"40,20"`` -> ``(40, 20)``."""
    parts = [p.strip() for p in text.split(",")]
    try:
        values = tuple(int(p) for p in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer sizes such as 40,20, got {text!r}") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"layer sizes must be positive integers, got {text!r}")
    return values


def name_list(text: str) -> list[str]:
    """argparse type: comma-separated names, e.g. ``"emboss,sharpen"``."""
    names = [p.strip() for p in text.split(",") if p.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected comma-separated names, got {text!r}")
    return names


def suggest_choice(message: str) -> str:
    """argparse's ``invalid choice: 'x' (choose from 'a', 'b')`` with ``did you mean`` added."""
    found = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if found is None:
        return message
    choices = re.findall(r"'([^']*)'", found.group(2))
    return message + did_you_mean(found.group(1), choices)


# --------------------------------------------------------------------------- data sets
#: Built-in planar data sets: name -> (description, loader(binary) -> (X, y)). The data are
#: fixed (the posts' flower uses seed 1, the others seed 0); ``--seed`` moves the split and the
#: weights. ``binary=True`` asks for two classes (the demo compares with a binary logistic
#: regression).
DATASETS: dict[str, tuple[str, Callable[[bool], tuple[np.ndarray, np.ndarray]]]] = {
    "flower": ("the posts' planar flower: 400 points, 2 classes",
               lambda binary: datasets.make_flower(400, noise=0.2, seed=1)),
    "moons": ("two interleaved half-moons: 400 points, 2 classes",
              lambda binary: datasets.make_moons(400, noise=0.2, seed=0)),
    "circles": ("a circle inside a ring: 400 points, 2 classes",
                lambda binary: datasets.make_circles(400, noise=0.1, factor=0.5, seed=0)),
    "spirals": ("interleaved spiral arms: 400 points, 3 classes (2 in the demo)",
                lambda binary: datasets.make_spirals(400, noise=0.2,
                                                     n_classes=2 if binary else 3, seed=0)),
    "xor": ("the XOR pattern: 400 points, 2 classes",
            lambda binary: datasets.make_xor(400, noise=0.1, seed=0)),
}


def load_dataset(name: str, binary: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The built-in data set ``name``: ``X`` (n, 2) float64 and ``y`` (n,) int64."""
    if name not in DATASETS:
        raise UsageError(f"unknown dataset {name!r}{did_you_mean(name, DATASETS)}; choose one "
                         f"of {', '.join(DATASETS)}")
    return DATASETS[name][1](binary)


def choice_of(names: Sequence[str], what: str) -> Callable[[str], str]:
    """argparse type: one of ``names``, or an error with the closest name ("did you mean")."""

    def parse(text: str) -> str:
        if text in names:
            return text
        raise argparse.ArgumentTypeError(f"unknown {what} {text!r}{did_you_mean(text, names)};"
                                         f" choose one of {', '.join(names)}")

    parse.__name__ = what
    return parse


# --------------------------------------------------------------------------- matplotlib
def use_agg() -> None:
    """Select matplotlib's headless ``Agg`` backend (the CLI only writes files).

    Only before ``matplotlib.pyplot`` is imported: switching a running pyplot session (when
    ``main`` is called from Python) would close the caller's open figures.
    """
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")


class Outputs:
    """The output folder of a command and the files written into it, in order."""

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        if self.dir.exists() and not self.dir.is_dir():
            raise CLIError(f"output path {str(self.dir)!r} exists and is not a folder")
        try:
            self.dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CLIError(f"cannot create the output folder {str(self.dir)!r}: "
                           f"{exc.strerror or exc}") from None
        self.files: list[Path] = []

    def path(self, name: str) -> Path:
        """Where file ``name`` goes; it is recorded as written."""
        path = self.dir / name
        if path not in self.files:
            self.files.append(path)
        return path

    def save_figure(self, fig: Any, name: str, dpi: int = 110) -> Path:
        """Save a matplotlib figure (or the figure of an Axes) as ``name`` and close it."""
        import matplotlib.pyplot as plt

        if not hasattr(fig, "savefig"):
            fig = np.ravel(fig)[0].figure          # an Axes or an array of Axes
        path = self.path(name)
        # A figure with a layout engine is already tight; "tight" would draw it twice.
        tight = None if fig.get_layout_engine() is not None else "tight"
        try:
            fig.savefig(path, dpi=dpi, bbox_inches=tight)
        finally:
            plt.close(fig)
        return path

    def write_text(self, name: str, text: str) -> Path:
        path = self.path(name)
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        return path

    def write_json(self, name: str, data: Any) -> Path:
        return self.write_text(name, json.dumps(data, indent=2, default=_json_default))

    def listing(self) -> str:
        """``Wrote N files to DIR:`` and one line per file with its size."""
        lines = [f"Wrote {len(self.files)} files to {self.dir}{'/' if self.files else ''}:"]
        width = max((len(p.name) for p in self.files), default=0)
        for p in self.files:
            size = p.stat().st_size if p.exists() else 0
            lines.append(f"  {p.name:<{width}}  {_human_size(size):>9}")
        return "\n".join(lines)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


def _human_size(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024**2:
        return f"{n / 1024:.1f} KiB"
    return f"{n / 1024**2:.1f} MiB"


# --------------------------------------------------------------------------- progress
class EpochProgress(Callback):
    """One display over all epochs on stderr (:class:`glassnet.models.progress.Progress`).

    In a terminal: a live bar over the epochs with the loss, and about ten plain lines with
    every logged value; through a pipe or into a file only those lines, never a ``\r``.
    """

    def __init__(self, epochs: int, desc: str, enabled: bool = True) -> None:
        self.epochs = epochs
        self.desc = desc
        self.enabled = enabled
        self.progress = None

    def on_train_begin(self, logs=None):
        if not self.enabled:
            return
        from glassnet.models.progress import Progress

        self.progress = Progress(1, 0, self.epochs, 1, stream=sys.stderr, desc=self.desc)

    def on_epoch_begin(self, epoch):
        if self.progress is not None:
            self.progress.epoch_begin(epoch)

    def on_epoch_end(self, epoch, logs):
        if self.progress is not None:
            self.progress.epoch_end(epoch, logs)

    def on_train_end(self, logs=None):
        self.close()

    def close(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None


def status(message: str, quiet: bool) -> None:
    """Print a progress message to stderr unless ``quiet`` (stdout keeps the results)."""
    if not quiet:
        print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- tables
def format_table(header: Sequence[str], rows: Sequence[Sequence[Any]],
                 align: str | None = None) -> str:
    """Plain-text table with aligned columns.

    Parameters
    ----------
    header : sequence of str, length c
    rows : sequence of rows, each of length c (floats are written with 4 decimals)
    align : str of length c, optional
        ``"l"`` or ``"r"`` per column; default: first column left, the others right.
    """
    cells = [[_cell(v) for v in row] for row in rows]
    ncol = len(header)
    align = align or "l" + "r" * (ncol - 1)
    widths = [max(len(str(header[j])), *(len(r[j]) for r in cells)) for j in range(ncol)]

    def line(values):
        parts = [f"{v:<{w}}" if a == "l" else f"{v:>{w}}"
                 for v, w, a in zip(values, widths, align, strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(header), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    return "\n".join(out)


def _cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return f"{value:.4f}"
    return str(value)


def format_confusion(cm: np.ndarray, labels: Sequence[Any], title: str) -> list[str]:
    """Lines of one confusion matrix: rows are true classes, columns predicted ones."""
    names = [str(c) for c in labels]
    width = max(max(len(n) for n in names), len(str(int(np.max(cm)))) if cm.size else 1, 3)
    lead = max(len(n) for n in names)
    lines = [title, " " * (lead + 2) + " ".join(f"{n:>{width}}" for n in names)]
    for name, row in zip(names, cm, strict=True):
        lines.append(f"{name:>{lead}}  " + " ".join(f"{int(v):>{width}}" for v in row))
    return lines


def side_by_side(blocks: Sequence[list[str]], gap: int = 6) -> str:
    """Join blocks of lines horizontally, each padded to its widest line."""
    height = max(len(b) for b in blocks)
    widths = [max(len(s) for s in b) for b in blocks]
    lines = []
    for i in range(height):
        parts = [(b[i] if i < len(b) else "").ljust(w) for b, w in zip(blocks, widths,
                                                                       strict=True)]
        lines.append((" " * gap).join(parts).rstrip())
    return "\n".join(lines)


def classification_scores(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int
                          ) -> dict[str, float]:
    """Accuracy, precision, recall and F1 of integer labels ``0..n_classes-1``.

    Binary problems score class 1 (``average="binary"``), more classes the macro average.
    """
    from glassnet import metrics

    labels = list(range(n_classes))
    kw: dict[str, Any] = ({"average": "binary", "pos_label": 1} if n_classes == 2
                          else {"average": "macro", "labels": labels})
    return {
        "accuracy": float(metrics.accuracy_score(y_true, y_pred)),
        "precision": float(metrics.precision_score(y_true, y_pred, zero_division=0, **kw)),
        "recall": float(metrics.recall_score(y_true, y_pred, zero_division=0, **kw)),
        "f1": float(metrics.f1_score(y_true, y_pred, zero_division=0, **kw)),
    }


def seconds(t0: float) -> float:
    """Seconds since ``t0`` (``time.perf_counter``), rounded for reports."""
    return round(time.perf_counter() - t0, 2)
