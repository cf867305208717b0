"""Callbacks that watch training: :class:`Diagnostics` (the problems ``gn.diagnose`` names, as
they appear) and :class:`LivePlot` (loss curves redrawn in place in a notebook)."""

from __future__ import annotations

from glassnet._validation import check_int
from glassnet.callbacks.base import Callback


class Diagnostics(Callback):
    """Watch training for the problems :func:`glassnet.diagnose` names, as they appear.

    Before the first update and every ``every`` epochs, on a fixed sample of at most
    ``sample_size`` training rows: activation statistics (dead ReLUs, saturated sigmoid/tanh
    units), the gradient reaching each layer, CS231n's update/weight ratio of the epoch's first
    update, and the checks of the loss curves. Each finding is warned about once
    (:class:`~glassnet.diagnostics.DiagnosticWarning`) and kept in :attr:`findings`; the
    statistics go to ``history.diagnostics`` (draw them with ``gn.plot.diagnostics(history)``).

    Parameters
    ----------
    every : int
        Check every ``every`` epochs.
    sample_size : int
        Rows of the training data used (a seeded subset when there are more).
    warn : bool
        Issue a warning for each new finding.
    seed : int
        Seed of the sample.

    Attributes
    ----------
    findings : list of Finding
        Every distinct finding (code and layer) of the last ``fit``, in the order they appeared.
    """

    def __init__(self, every: int = 1, sample_size: int = 1024, warn: bool = True,
                 seed: int = 0) -> None:
        self.every = check_int(every, "every", low=1)
        self.sample_size = check_int(sample_size, "sample_size", low=1)
        if not isinstance(warn, bool):
            raise TypeError(f"warn must be a bool, got {type(warn).__name__}")
        self.warn = warn
        self.seed = check_int(seed, "seed", low=0)
        self.findings: list = []
        self._monitor = None
        self._first = 0
        self._pending = False

    def on_train_begin(self, logs=None):
        from glassnet.diagnostics.monitor import Monitor

        if not logs or "x" not in logs or "y" not in logs:
            raise ValueError("Diagnostics needs the training data: fit passes it in the logs "
                             "of on_train_begin as 'x' and 'y'; call it through model.fit")
        self._monitor = Monitor(self.model, logs["x"], logs["y"], self.sample_size, self.seed,
                                self.warn)
        self._first = self.model.epoch
        self.findings = self._monitor.findings
        self._monitor.begin()
        if self.model.history is not None:
            self.model.history.diagnostics = self._monitor.record

    def _due(self, epoch: int) -> bool:
        return (epoch - self._first) % self.every == 0

    def on_epoch_begin(self, epoch):
        self._pending = self._due(epoch)

    def on_train_batch_begin(self, step):
        if self._pending:
            self._monitor.before_step()

    def on_train_batch_end(self, step, logs):
        if self._pending:
            self._monitor.after_step()
            self._pending = False

    def on_epoch_end(self, epoch, logs):
        if self._due(epoch):
            history = self.model.history.history if self.model.history is not None else None
            self._monitor.epoch_end(epoch, history)


class LivePlot(Callback):
    """Redraw the loss and metrics after every ``every`` epochs, in place, in a notebook.

    In Jupyter (IPython's kernel) the figure of ``gn.plot.history`` is shown once and updated
    in place; anywhere else (a terminal, a script, IPython not installed) the callback does
    nothing, so a notebook's training cell can be run as a script unchanged.

    Parameters
    ----------
    every : int
        Redraw every ``every`` epochs (and after the last).
    keys : list of str, optional
        The quantities to draw (default all).
    log_loss : bool
        Logarithmic loss axis.
    """

    def __init__(self, every: int = 1, keys: list[str] | None = None,
                 log_loss: bool = False) -> None:
        self.every = check_int(every, "every", low=1)
        if keys is not None and (not isinstance(keys, (list, tuple))
                                 or not all(isinstance(k, str) for k in keys)):
            raise TypeError(f"keys must be a list of str or None, got {keys!r}")
        self.keys = None if keys is None else list(keys)
        self.log_loss = bool(log_loss)
        self.active = False
        self.redraws = 0
        self._live = None

    def check_setup(self, model, logged):
        missing = [k for k in self.keys or [] if k not in logged]
        if missing:
            raise ValueError(f"LivePlot keys {missing} are not among the logged quantities "
                             f"{sorted(logged)}")

    def on_train_begin(self, logs=None):
        from glassnet.plotting.diagnostics import LiveFigure, notebook_display

        display = notebook_display()
        self.active = display is not None
        self._live = LiveFigure(display, self.keys, self.log_loss) if self.active else None

    def on_epoch_end(self, epoch, logs):
        if self._live is not None and (epoch + 1) % self.every == 0:
            self._live.update(self.model.history)
            self.redraws += 1

    def on_train_end(self, logs=None):
        if self._live is not None:
            if self.model.history is not None and self.model.history.epoch:
                self._live.update(self.model.history)
                self.redraws += 1
            self._live.close()
            self._live = None
