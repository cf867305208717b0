"""The callbacks of training itself: ``Callback``, ``History``, ``EarlyStopping``, ``Snapshots``,
``ModelCheckpoint``, ``LearningRateScheduler`` (with ``cosine_decay``)."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet._validation import check_choice, check_int, check_number


class Callback:
    """Base class; ``self.model`` is set by ``fit`` before training begins."""

    model: Any = None

    def set_model(self, model) -> None:
        self.model = model

    def check_setup(self, model, logged: list[str]) -> None:
        """Raise ``ValueError`` if this callback cannot work with ``model`` and the quantities
        ``fit`` will log (``"loss"``, the metrics, ``"val_*"`` with validation data)."""

    def on_train_begin(self, logs: dict | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int) -> None: ...
    def on_train_batch_begin(self, step: int) -> None: ...
    def on_train_batch_end(self, step: int, logs: dict) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict) -> None: ...
    def on_train_end(self, logs: dict | None = None) -> None: ...

    def _overrides(self, hook: str) -> bool:
        return getattr(type(self), hook) is not getattr(Callback, hook)


class History(Callback):
    """Records the per-epoch logs: ``history["loss"]``, ``history["val_accuracy"]``, ...

    Attributes
    ----------
    history : dict[str, list[float]]
        One list per quantity, one entry per epoch.
    epoch : list[int]
        The epoch numbers recorded.
    diagnostics : dict
        Per-epoch layer statistics, filled by :class:`Diagnostics` (empty without it).
    """

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epoch: list[int] = []
        self.diagnostics: dict[str, Any] = {}

    def on_epoch_end(self, epoch, logs):
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(float(value))

    def __repr__(self) -> str:
        return f"History(epochs={len(self.epoch)}, keys={list(self.history)})"


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by ``min_delta`` for ``patience`` epochs.

    Parameters
    ----------
    monitor : str
        A key of the epoch logs, e.g. ``"val_loss"`` or ``"val_accuracy"``.
    patience : int
        Epochs without improvement before stopping.
    min_delta : float
        Smallest change that counts as an improvement.
    mode : {"auto", "min", "max"}
        Whether lower or higher is better; "auto" picks "max" for accuracy-like names.
    restore_best_weights : bool
        Put back the weights of the best epoch when stopping (or at the end of training).
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 0, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = False) -> None:
        if not isinstance(monitor, str):
            raise TypeError(f"monitor must be a str, got {type(monitor).__name__}")
        self.monitor = monitor
        self.patience = check_int(patience, "patience", low=0)
        self.min_delta = abs(check_number(min_delta, "min_delta"))
        check_choice(mode, "mode", ("auto", "min", "max"))
        if mode == "auto":
            mode = "max" if any(s in monitor for s in ("acc", "f1", "precision", "recall",
                                                       "auc")) else "min"
        self.mode = mode
        self.restore_best_weights = bool(restore_best_weights)
        self.stopped_epoch: int | None = None

    def check_setup(self, model, logged):
        _check_monitor("EarlyStopping", self.monitor, logged)

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_weights = None
        self.best_epoch = None
        self.stopped_epoch = None

    def _improved(self, value: float) -> bool:
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def on_epoch_end(self, epoch, logs):
        if self.monitor not in logs:
            raise ValueError(f"EarlyStopping monitor {self.monitor!r} is not among the logged "
                             f"quantities {sorted(logs)}; pass validation_data for val_* names")
        value = float(logs[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            return
        self.wait += 1
        if self.wait >= max(self.patience, 1):
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.restore_best_weights and self.best_weights is not None:
            self.model.set_weights(self.best_weights)


class Snapshots(Callback):
    """Keep copies of the weights and the loss every ``every`` update steps (for animations).

    The weights kept for step ``s`` are those *used* at step ``s`` and ``losses`` holds the loss
    they gave on that step's batch, so weights and loss always match.

    Attributes
    ----------
    steps : list[int]
        Update-step numbers at which a snapshot was taken (0 = the initial weights).
    weights : list[list[np.ndarray]]
        ``model.get_weights()`` at those steps.
    losses : list[float]
        The loss at those steps.
    step_losses : list[float]
        The loss of every step (for a full cost curve).
    """

    def __init__(self, every: int = 1, max_snapshots: int | None = None) -> None:
        self.every = check_int(every, "every", low=1)
        self.max_snapshots = None if max_snapshots is None else check_int(
            max_snapshots, "max_snapshots", low=1)
        self.steps: list[int] = []
        self.weights: list[list[np.ndarray]] = []
        self.losses: list[float] = []
        self.step_losses: list[float] = []
        self._pending = False

    def on_train_batch_begin(self, step):
        full = self.max_snapshots is not None and len(self.steps) >= self.max_snapshots
        self._pending = step % self.every == 0 and not full
        if self._pending:
            self.steps.append(step)
            self.weights.append(self.model.get_weights())

    def on_train_batch_end(self, step, logs):
        loss = float(logs["loss"])
        self.step_losses.append(loss)
        if self._pending:
            self.losses.append(loss)
            self._pending = False

    def __len__(self) -> int:
        return len(self.steps)


class ModelCheckpoint(Callback):
    """Save the model (weights, optimizer state, training position) every ``every`` epochs.

    Parameters
    ----------
    path : str or os.PathLike
        File to write; may contain ``{epoch}`` (1-based, e.g. ``"ckpt-{epoch:03d}.glassnet"``).
    every : int
        Save after every ``every``-th epoch.
    save_best_only : bool
        Only save when ``monitor`` improves.
    monitor : str
        Quantity watched by ``save_best_only``.
    """

    def __init__(self, path: str | os.PathLike, every: int = 1, save_best_only: bool = False,
                 monitor: str = "val_loss") -> None:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or path, got {type(path).__name__}")
        self.path = os.fspath(path)
        self.every = check_int(every, "every", low=1)
        self.save_best_only = bool(save_best_only)
        self.monitor = monitor
        self.best = math.inf
        self.saved: list[str] = []
        self.path_for(1)                # an unknown {placeholder} fails here, not after epoch 1

    def path_for(self, epoch: int) -> str:
        """The file written after epoch ``epoch`` (1-based)."""
        try:
            return self.path.format(epoch=epoch)
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"path may contain only the placeholder {{epoch}} (e.g. "
                             f"'ckpt-{{epoch:03d}}.glassnet'), got {self.path!r} ({exc!r})"
                             ) from None

    def check_setup(self, model, logged):
        if self.save_best_only:
            _check_monitor("ModelCheckpoint", self.monitor, logged)

    def on_epoch_end(self, epoch, logs):
        if (epoch + 1) % self.every:
            return
        if self.save_best_only:
            value = logs.get(self.monitor)
            if value is None:
                raise ValueError(f"ModelCheckpoint monitor {self.monitor!r} is not logged; "
                                 f"available: {sorted(logs)}")
            sign = -1.0 if any(s in self.monitor for s in ("acc", "f1", "auc")) else 1.0
            if not sign * value < self.best:
                return
            self.best = sign * value
        path = self.path_for(epoch + 1)
        self.model.save(path)
        self.saved.append(path)


_FIT_VAL_NAMES = ("val_loss", "val_accuracy", "val_mse", "val_mae")


def _check_monitor(who: str, monitor: str, logged: list[str]) -> None:
    """Before training: a validation quantity that ``fit`` logs needs validation data. (Other
    names may be added to the logs by another callback: they are checked after the first epoch.)"""
    if monitor in _FIT_VAL_NAMES and not any(k.startswith("val_") for k in logged):
        raise ValueError(f"{who} monitor {monitor!r} is not among the logged quantities "
                         f"{sorted(logged)}; pass validation_data (or validation_split) for "
                         f"val_* names")


class LearningRateScheduler(Callback):
    """Set the optimizer's learning rate at the start of each epoch to ``schedule(epoch, lr)``.

    Example: ``LearningRateScheduler(lambda epoch, lr: 1e-3 * 0.5 ** (epoch // 5))``.
    """

    def __init__(self, schedule: Callable[[int, float], float]) -> None:
        if not callable(schedule):
            raise TypeError(f"schedule must be callable (epoch, lr) -> lr, got "
                            f"{type(schedule).__name__}")
        self.schedule = schedule

    def on_epoch_begin(self, epoch):
        opt = self.model.optimizer
        lr = check_number(self.schedule(epoch, opt.lr), "schedule(epoch, lr)", low=0.0,
                          low_inclusive=False)
        opt.lr = lr


def cosine_decay(initial_lr: float, epochs: int,
                 final_lr: float = 0.0) -> Callable[[int, float], float]:
    """A schedule for :class:`LearningRateScheduler` that falls from ``initial_lr`` along a cosine.

    ``lr(e) = final_lr + (initial_lr − final_lr) · (1 + cos(π e / epochs)) / 2`` for epoch ``e``
    (0-based), as Keras' ``CosineDecay`` per epoch.

    Example: ``LearningRateScheduler(cosine_decay(1e-3, epochs=15))``.
    """
    initial_lr = check_number(initial_lr, "initial_lr", low=0.0, low_inclusive=False)
    final_lr = check_number(final_lr, "final_lr", low=0.0)
    epochs = check_int(epochs, "epochs", low=1)

    def schedule(epoch: int, lr: float) -> float:
        return final_lr + (initial_lr - final_lr) * 0.5 * (1.0 + math.cos(math.pi * epoch / epochs))

    return schedule
