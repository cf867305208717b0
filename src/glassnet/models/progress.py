"""What ``fit`` shows while it trains (``verbose``): the only module that imports tqdm.

As Keras does:

* ``verbose=1`` in a terminal or a notebook: a bar over the steps of each epoch with the running
  loss and metrics, replaced when the epoch ends by one plain line with every logged value, so
  the metrics are never cut off however narrow the terminal. Full-batch training (one step per
  epoch) gets a single bar over the epochs instead, and one closing line.
* ``verbose=1`` when the output is not a terminal (a pipe, a file, a CI log): no bar and no
  ``\\r``; plain lines as ``verbose=2`` (for full-batch runs about ten of them, evenly spaced,
  and the last epoch's).
* ``verbose=2``: one line per epoch.  ``verbose=0``: nothing.
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

_REFRESH_S = 0.2          # the bar's text is updated at most this often


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


def format_logs(logs: dict[str, float]) -> str:
    """``loss: 0.1234 - accuracy: 0.9800 - ...`` (Keras' epoch line)."""
    return " - ".join(f"{k}: {v:.4f}" for k, v in logs.items())


class Progress:
    """The display of one ``fit`` call.

    Parameters
    ----------
    verbose : {0, 1, 2}
    initial_epoch, epochs : int
        The epochs ``initial_epoch .. epochs-1`` about to run.
    n_batches : int
        Steps per epoch.
    stream : text stream, optional
        Where to write (default ``sys.stdout``).
    """

    def __init__(self, verbose: int, initial_epoch: int, epochs: int, n_batches: int,
                 stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.epochs, self.n_batches = epochs, n_batches
        live = verbose == 1 and (_in_notebook() or _is_terminal(self.stream))
        self.step_bars = live and n_batches > 1
        self.epoch_bar = None
        self.lines = verbose == 2 or (verbose == 1 and not live)
        n_epochs = epochs - initial_epoch
        # full-batch runs without a live bar print ~10 evenly spaced lines, not one per epoch
        self.line_every = (max(1, n_epochs // 10)
                           if verbose == 1 and n_batches == 1 and self.lines else 1)
        if live and n_batches == 1:
            self.epoch_bar = self._bar(n_epochs, "Training", "epoch", leave=True)
        self.bar = None
        self._refresh = 0.0
        self._epoch_start = 0.0

    def _bar(self, total: int, desc: str, unit: str, leave: bool):
        from tqdm.auto import tqdm

        return tqdm(total=total, desc=desc, unit=unit, leave=leave, dynamic_ncols=True,
                    mininterval=0.1, file=self.stream)

    def epoch_begin(self, epoch: int) -> None:
        self._epoch, self._steps, self._running = epoch, 0, None
        self._epoch_start = time.monotonic()
        if self.step_bars:
            self.bar = self._bar(self.n_batches, f"Epoch {epoch + 1}/{self.epochs}", "step",
                                 leave=False)

    def batch_end(self, batch: int, running: dict[str, float]) -> None:
        """After step ``batch`` of the epoch; ``running`` are the epoch's means so far."""
        if self.bar is None:
            return
        self._steps, self._running = batch + 1, running
        self.bar.update(1)
        now = time.monotonic()
        if now - self._refresh > _REFRESH_S:
            self._refresh = now
            self.bar.set_postfix({k: f"{v:.4f}" for k, v in running.items()}, refresh=False)

    def epoch_end(self, epoch: int, logs: dict[str, Any]) -> None:
        seconds = time.monotonic() - self._epoch_start
        if self.bar is not None:
            self.bar.close()
            self.bar = None
            self._line(f"Epoch {epoch + 1}/{self.epochs} - {seconds:.1f}s - {format_logs(logs)}")
        elif self.epoch_bar is not None:
            self.epoch_bar.update(1)
            now = time.monotonic()
            if now - self._refresh > _REFRESH_S or epoch == self.epochs - 1:
                self._refresh = now
                self.epoch_bar.set_postfix({k: f"{v:.4f}" for k, v in logs.items()},
                                           refresh=False)
            self._last = (epoch, logs)
        elif self.lines and ((epoch + 1) % self.line_every == 0 or epoch == self.epochs - 1):
            self._line(f"Epoch {epoch + 1}/{self.epochs} - {format_logs(logs)}")

    def _line(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """End the display (also after an error): close the bars, print the closing line."""
        if self.bar is not None:                 # stopped inside an epoch (Ctrl-C, an error)
            self.bar.close()
            self.bar = None
            done = f"stopped after step {self._steps}/{self.n_batches}"
            if self._running is not None:
                done += f" - {format_logs(dict(self._running.items()))}"
            self._line(f"Epoch {self._epoch + 1}/{self.epochs} - {done}")
        if self.epoch_bar is not None:
            self.epoch_bar.close()
            self.epoch_bar = None
            last = getattr(self, "_last", None)
            if last is not None:
                self._line(f"Epoch {last[0] + 1}/{self.epochs} - {format_logs(last[1])}")
