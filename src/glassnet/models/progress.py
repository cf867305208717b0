"""What ``fit`` shows while it trains (``verbose``), and the command line's bar over epochs.

As Keras does, and so that the bar never hides the metrics:

* ``verbose=1`` in a terminal or a notebook: one live line, rewritten in place, with a bar
  over the steps of each epoch and the running loss and metrics; when the epoch ends it is
  replaced by one plain line with every logged value (``Epoch 3/10 - 0.4s - loss: ... -
  val_accuracy: ...``), printed whole however narrow the terminal. The live line always fits
  the terminal: the bar shrinks first (down to nothing), then the running values that still do
  not fit wait for the epoch's line. Full-batch training (one step per epoch) gets one live
  bar over the epochs with the loss, and above it about ten plain lines with every value,
  evenly spaced, the last epoch's included.
* ``verbose=1`` when the output is not a terminal (a pipe, a file, a CI log): no live line and
  no ``\\r``, only the plain lines (one per epoch; about ten for full-batch runs).
* ``verbose=2``: one plain line per epoch.  ``verbose=0``: nothing.

The width is the terminal's; a pseudo-terminal that reports no size (0 columns) counts as
``$COLUMNS`` or 80 columns. Notebooks get the live line too (they honour ``\\r``), 100 columns
wide, and nothing else: no widget, no warning. The bar is drawn in ASCII (``[=====>....]``),
which every terminal and log shows. No module but this one draws progress.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from typing import Any, TextIO

_REFRESH_S = 0.1          # the live line is redrawn at most this often
_BAR_MAX = 30             # widest bar, in characters
_BAR_MIN = 10             # a bar narrower than this (brackets included) is left out
_NOTEBOOK_COLUMNS = 100
_DEFAULT_COLUMNS = 80


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


def _is_terminal(stream: TextIO) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def terminal_columns(stream: TextIO) -> int:
    """Columns of the terminal behind ``stream``: its size, else ``$COLUMNS``, else 80.

    A pseudo-terminal created without a size reports 0 columns; that counts as unknown.
    """
    try:
        cols = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):      # not a file, or not a terminal
        cols = 0
    if cols <= 0:
        try:
            cols = int(os.environ.get("COLUMNS", ""))
        except ValueError:
            cols = 0
    return cols if cols > 0 else _DEFAULT_COLUMNS


def format_logs(logs: Mapping[str, float]) -> str:
    """``loss: 0.1234 - accuracy: 0.9800 - ...`` (Keras' epoch line)."""
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.1f}s" if seconds < 10 else f"{seconds:.0f}s"
    minutes, s = divmod(int(round(seconds)), 60)
    return f"{minutes}:{s:02d}" if minutes < 60 else f"{minutes // 60}:{minutes % 60:02d}:{s:02d}"


def bar(fraction: float, width: int) -> str:
    """``[=====>....]`` of ``width`` characters in all (brackets included)."""
    inner = width - 2
    done = int(min(max(fraction, 0.0), 1.0) * inner)
    if done >= inner:
        return "[" + "=" * inner + "]"
    return "[" + "=" * done + ">" + "." * (inner - done - 1) + "]"


def fit_line(head: str, fraction: float, tail: str, values: list[str], width: int) -> str:
    """One live line of at most ``width`` characters: ``head [bar] tail - v1 - v2 ...``.

    The bar takes what is left once ``head``, ``tail`` and the values fit (at most
    :data:`_BAR_MAX` characters): it shrinks first. Below :data:`_BAR_MIN` the values that do
    not fit are left off the end of the live line instead (the epoch's plain line shows them
    all); in a terminal too narrow for even that, the line has no bar.
    """
    def text(bar_w: int, vals: list[str]) -> str:
        parts = [head] + ([bar(fraction, bar_w)] if bar_w else []) + ([tail] if tail else [])
        return " ".join(parts) + "".join(f" - {v}" for v in vals)

    for keep in range(len(values), -1, -1):
        spare = width - len(text(0, values[:keep])) - 1          # the space before the bar
        if spare >= _BAR_MIN:
            return text(min(spare, _BAR_MAX), values[:keep])
    keep = len(values)
    while keep and len(text(0, values[:keep])) > width:
        keep -= 1
    return text(0, values[:keep])[:width]


class _LiveLine:
    """A line rewritten in place with ``\\r``, always shorter than the terminal."""

    def __init__(self, stream: TextIO, width: int) -> None:
        self.stream, self.width = stream, width
        self.shown = 0

    def show(self, text: str) -> None:
        text = text[: self.width]
        pad = max(0, self.shown - len(text))
        self.stream.write("\r" + text + " " * pad)
        self.stream.flush()
        self.shown = len(text)

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r" + " " * self.shown + "\r")
            self.shown = 0

    def println(self, text: str) -> None:
        """Put ``text`` on its own line where the live line was (the live line goes)."""
        pad = max(0, self.shown - len(text))
        self.stream.write("\r" + text + " " * pad + "\n")
        self.stream.flush()
        self.shown = 0


class Progress:
    """The display of one ``fit`` call (or of the command line's epochs, ``desc=``).

    Parameters
    ----------
    verbose : {0, 1, 2}
    initial_epoch, epochs : int
        The epochs ``initial_epoch .. epochs-1`` about to run.
    n_batches : int
        Steps per epoch.
    stream : text stream, optional
        Where to write (default ``sys.stdout``).
    desc : str, optional
        Name of what trains, shown before the full-batch bar and the plain lines
        (default ``"Training"`` on the bar and nothing on the lines, as Keras).
    """

    def __init__(self, verbose: int, initial_epoch: int, epochs: int, n_batches: int,
                 stream: TextIO | None = None, desc: str | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.epochs, self.n_batches = epochs, n_batches
        self.first = initial_epoch
        self.desc = desc
        notebook = verbose == 1 and _in_notebook()
        live = verbose == 1 and (notebook or _is_terminal(self.stream))
        self.live = None
        if live:
            width = _NOTEBOOK_COLUMNS if notebook else terminal_columns(self.stream)
            self.live = _LiveLine(self.stream, width - 1)
        self.full_batch = n_batches == 1
        self.lines = verbose == 2 or verbose == 1
        n_epochs = epochs - initial_epoch
        # full-batch runs at verbose=1 print ~10 evenly spaced lines, not one per epoch
        self.line_every = max(1, n_epochs // 10) if verbose == 1 and self.full_batch else 1
        self.verbose = verbose
        self._refresh = 0.0
        self._start = time.monotonic()
        self._epoch_start = self._start
        self._epoch, self._steps, self._running = initial_epoch, 0, None
        self._in_epoch = False
        self._last_line = None

    # ------------------------------------------------------------------ text
    def _prefix(self) -> str:
        return f"{self.desc}: " if self.desc else ""

    def _epoch_line(self, epoch: int, logs: Mapping[str, float], seconds: float | None) -> str:
        took = f" - {_duration(seconds)}" if seconds is not None else ""
        return f"{self._prefix()}Epoch {epoch + 1}/{self.epochs}{took} - {format_logs(logs)}"

    def _values(self, logs: Mapping[str, float]) -> list[str]:
        return [f"{k}: {v:.4f}" for k, v in logs.items()]

    def _draw_steps(self) -> None:
        elapsed = time.monotonic() - self._epoch_start
        done, n = self._steps, self.n_batches
        eta = _duration(elapsed / done * (n - done)) if done else "?"
        head = f"Epoch {self._epoch + 1}/{self.epochs} {done}/{n}"
        self.live.show(fit_line(head, done / n, f"ETA {eta}",
                                self._values(self._running or {}), self.live.width))

    def _draw_epochs(self, epoch: int, logs: Mapping[str, float] | None) -> None:
        done, n = epoch + 1 - self.first, self.epochs - self.first
        elapsed = time.monotonic() - self._start
        eta = elapsed / done * (n - done) if done else 0.0
        head = f"{self.desc or 'Training'} {epoch + 1}/{self.epochs}"
        tail = f"{_duration(elapsed)}<{_duration(eta)}" if done < n else _duration(elapsed)
        self.live.show(fit_line(head, done / n, tail, self._values(logs or {}),
                                self.live.width))

    # ------------------------------------------------------------------ events
    def epoch_begin(self, epoch: int) -> None:
        self._epoch, self._steps, self._running = epoch, 0, None
        self._epoch_start = time.monotonic()
        self._in_epoch = True
        if self.live is not None and not self.full_batch:
            self._draw_steps()

    def batch_end(self, batch: int, running: Mapping[str, float]) -> None:
        """After step ``batch`` of the epoch; ``running`` are the epoch's means so far."""
        self._steps, self._running = batch + 1, running
        if self.live is None or self.full_batch:
            return
        now = time.monotonic()
        if now - self._refresh > _REFRESH_S or batch + 1 == self.n_batches:
            self._refresh = now
            self._draw_steps()

    def epoch_end(self, epoch: int, logs: Mapping[str, Any]) -> None:
        self._in_epoch = False
        if not self.lines:
            return
        seconds = time.monotonic() - self._epoch_start
        last = epoch == self.epochs - 1
        if self.full_batch and self.verbose == 1:
            due = (epoch + 1 - self.first) % self.line_every == 0 or last
            if due:
                self._print(self._epoch_line(epoch, logs, None))
            if self.live is not None:
                now = time.monotonic()
                if due or now - self._refresh > _REFRESH_S:
                    self._refresh = now
                    self._draw_epochs(epoch, {k: v for k, v in logs.items() if k == "loss"})
            self._last_line = (epoch, dict(logs))
            return
        self._print(self._epoch_line(epoch, logs, seconds if self.verbose == 1 else None))

    def _print(self, text: str) -> None:
        if self.live is not None:
            self.live.println(text)
        else:
            print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """End the display (also after an error): the live line goes, a stop is reported."""
        if self.lines and self._in_epoch and self._steps and not self.full_batch:
            done = f"stopped after step {self._steps}/{self.n_batches}"
            if self._running is not None:
                done += f" - {format_logs(dict(self._running.items()))}"
            self._print(f"{self._prefix()}Epoch {self._epoch + 1}/{self.epochs} - {done}")
        elif self.lines and self._in_epoch and self.full_batch and self.verbose == 1:
            last = self._last_line
            done = f"stopped in epoch {self._epoch + 1}/{self.epochs}"
            if last is not None:
                done += f"; epoch {last[0] + 1}: {format_logs(last[1])}"
            self._print(f"{self.desc or 'Training'} {done}")
        if self.live is not None:
            self.live.clear()
            self.stream.flush()
            self.live = None
        self._in_epoch = False
