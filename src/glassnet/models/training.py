"""The training loop behind ``Sequential.fit``: epochs × batches × ``model.train_step``.

Reproducibility: the order of the samples in epoch ``e`` comes from
``default_rng([seed, e])`` and dropout masks from ``default_rng([seed, e, layer_index])``, so a run
resumed at ``initial_epoch=k`` from a checkpoint repeats the uninterrupted run bit for bit.

Safety: every argument and every callback's set-up is checked before anything changes. A
non-finite loss, gradient or weight stops training with :class:`~glassnet.DivergenceError` and
the weights of the last finite step (see :mod:`glassnet.models.guards`); Ctrl-C is held until the
current step has finished, so an interrupted model is always at a completed step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet import accel
from glassnet._validation import check_int, check_number
from glassnet.callbacks import Callback, History, LearningRateScheduler
from glassnet.datasets.labels import explain_text_labels
from glassnet.layers.dropout import Dropout
from glassnet.models import batch_metrics
from glassnet.models.guards import InterruptGuard
from glassnet.models.limits import MAX_EPOCHS, check_model_seed
from glassnet.models.progress import Progress
from glassnet.models.sequential import Sequential


@dataclass
class _Plan:
    """Everything ``fit`` checked, ready to run."""

    X: np.ndarray
    y: np.ndarray
    val: tuple[np.ndarray, np.ndarray] | None
    epochs: int
    initial_epoch: int
    batch_size: int
    shuffle: bool
    seed: int | None
    verbose: int
    callbacks: list[Callback]


def fit(model, X: Any, y: Any, epochs: int = 1, batch_size: int | None = None,
        validation_data: tuple[Any, Any] | None = None, validation_split: float = 0.0,
        shuffle: bool = True, seed: int | None = None, initial_epoch: int = 0, verbose: int = 1,
        callbacks: list[Callback] | None = None) -> History:
    """Train ``model`` on ``(X, y)`` for epochs ``initial_epoch, ..., epochs − 1``.

    Parameters
    ----------
    model : Sequential
        A compiled model (built from ``X`` if it is not yet).
    X : array-like, shape (n, ...)
    y : array-like, shape (n,) or (n, k)
    epochs : int
        Index of the last epoch + 1 (as in Keras: with ``initial_epoch=k`` it is the final epoch).
    batch_size : int or None
        Samples per update; None means the full batch (plain gradient descent).
    validation_data : (X_val, y_val), optional
        Evaluated after every epoch, logged as ``val_loss`` and ``val_<metric>``.
    validation_split : float in [0, 1)
        As Keras: hold out this fraction of ``(X, y)``, the *last* samples before shuffling, as
        the validation data (not with ``validation_data``).
    shuffle : bool
        Shuffle the samples every epoch (mini-batches only).
    seed : int, optional
        Seed of the shuffling and dropout; None reuses the model's seed, else a fresh one.
    initial_epoch : int
        Epoch to start from (to resume training).
    verbose : {0, 1, 2}
        0 silent, 1 a progress bar per epoch (plain lines when not in a terminal), 2 one line
        per epoch; see :mod:`glassnet.models.progress`.
    callbacks : list of Callback

    Returns
    -------
    History
        Also stored as ``model.history``.
    """
    plan = _check(model, X, y, epochs, batch_size, validation_data, validation_split, shuffle,
                  seed, initial_epoch, verbose, callbacks)
    if not model.built:                 # only now: a failed call leaves the model as it was
        model.build(plan.X.shape[1:])
    seed = plan.seed
    if seed is None:
        seed = model.fit_seed if model.fit_seed is not None else model.seed
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    model.fit_seed = seed

    history = History()
    model.history = history
    cbs = [history, *plan.callbacks]
    for cb in cbs:
        cb.set_model(model)
    hooks = _Hooks.of(model, cbs)
    model.stop_training = False
    n_batches = math.ceil(len(plan.X) / plan.batch_size)
    progress = Progress(plan.verbose, plan.initial_epoch, plan.epochs, n_batches)
    logs: dict[str, float] = {}
    for cb in cbs:
        cb.on_train_begin({"x": plan.X, "y": plan.y, "validation_data": plan.val})
    model._guard.weights_unknown()      # the weights may have been written since the last step
    try:
        # Overflow on the way to a divergence is reported as DivergenceError, not as warnings.
        with InterruptGuard() as interrupt, np.errstate(over="ignore", invalid="ignore",
                                                        divide="ignore"), \
                accel.planning((plan.epochs - plan.initial_epoch) * n_batches):
            for epoch in range(plan.initial_epoch, plan.epochs):
                logs = _epoch(model, plan, epoch, seed, hooks, progress, interrupt)
                if model.stop_training:
                    break
    finally:
        progress.close()
    for cb in cbs:
        cb.on_train_end(logs)
    return history


@dataclass
class _Hooks:
    """The callbacks of one ``fit``, sorted once by the hooks they override."""

    epoch_begin: list[Callback]
    batch_begin: list[Callback]
    batch_end: list[Callback]
    epoch_end: list[Callback]
    dropouts: list[tuple[int, Dropout]]
    scheduler: bool             # a LearningRateScheduler: the epoch logs get "lr"
    user_code: bool             # a callback other than History: it may write the weights

    @classmethod
    def of(cls, model, cbs: list[Callback]) -> _Hooks:
        def overriding(hook: str) -> list[Callback]:
            return [cb for cb in cbs if cb._overrides(hook)]

        return cls(overriding("on_epoch_begin"), overriding("on_train_batch_begin"),
                   overriding("on_train_batch_end"), list(cbs),
                   [(i, lay) for i, lay in enumerate(model.layers) if isinstance(lay, Dropout)],
                   any(isinstance(cb, LearningRateScheduler) for cb in cbs),
                   any(type(cb) is not History for cb in cbs))


def _epoch(model, plan: _Plan, epoch: int, seed: int, hooks: _Hooks, progress: Progress,
           interrupt: InterruptGuard) -> dict[str, float]:
    """One epoch: its batches through the step of ``model.train_step``, then the epoch's logs.

    The batches are rows of the ``X`` and ``y`` that ``fit`` checked, so they skip the check of
    ``train_step``; the divergence guard is told whenever a callback ran since the last step (it
    may have written the weights), and then looks at the weights again.
    """
    model.epoch = epoch
    for cb in hooks.epoch_begin:
        cb.on_epoch_begin(epoch)
    for i, layer in hooks.dropouts:
        layer.rng = np.random.default_rng([seed, epoch, i + 1])
    guard = model._guard
    if hooks.user_code:
        guard.weights_unknown()
    batch_begin, batch_end = hooks.batch_begin, hooks.batch_end
    batch_code = bool(batch_begin or batch_end)
    # A train_step of one's own (a subclass's, or set on the model) is what fit runs: the hook
    # for other tools.
    own = getattr(model.train_step, "__func__", None) is not Sequential.train_step
    step = model.train_step if own else model._step
    means = RunningMeans(model.metrics)
    progress.epoch_begin(epoch)
    for b, (xb, yb) in enumerate(batches(plan.X, plan.y, plan.batch_size,
                                         _order(plan, seed, epoch))):
        if batch_code:
            for cb in batch_begin:
                cb.on_train_batch_begin(model.iterations)
            guard.weights_unknown()
        loss = step(xb, yb)
        means.add(loss, model.last_output, yb)
        for cb in batch_end:
            cb.on_train_batch_end(model.iterations - 1, {"loss": loss})
        progress.batch_end(b, means)
        interrupt.check(model)

    logs = means.result()
    if plan.val is not None:
        logs.update({f"val_{k}": v for k, v in model._evaluate_checked(*plan.val).items()})
    if hooks.scheduler:
        logs["lr"] = model.optimizer.lr
    model.epoch = epoch + 1
    progress.epoch_end(epoch, logs)
    for cb in hooks.epoch_end:
        cb.on_epoch_end(epoch, logs)
    return logs


def _order(plan: _Plan, seed: int, epoch: int) -> np.ndarray | None:
    """The epoch's sample order (None: as stored, for full batches or ``shuffle=False``)."""
    if not plan.shuffle or plan.batch_size == len(plan.X):
        return None
    return np.random.default_rng([seed, epoch]).permutation(len(plan.X))


def batches(X: np.ndarray, y: np.ndarray, batch_size: int, order: np.ndarray | None = None):
    """Yield the mini-batches ``(xb, yb)`` of one epoch, in ``order`` when given.

    The full batch is ``(X, y)`` itself; slices are views; a shuffled batch is gathered with
    fancy indexing (faster than ``np.take(out=)``).
    """
    n = len(X)
    if batch_size >= n:
        yield X, y
        return
    for start in range(0, n, batch_size):
        if order is None:
            yield X[start:start + batch_size], y[start:start + batch_size]
        else:
            idx = order[start:start + batch_size]
            yield X[idx], y[idx]


class RunningMeans:
    """The epoch's loss and metrics so far, weighted by batch size (what the bar shows)."""

    def __init__(self, metric_names: list[str]) -> None:
        self.names = metric_names
        self.loss_sum, self.seen = 0.0, 0
        self.metric_sums = [0.0] * len(metric_names)

    def add(self, loss: float, a: np.ndarray, yb: np.ndarray) -> None:
        m = len(yb)
        self.loss_sum += loss * m
        self.seen += m
        if self.names:
            for j, v in enumerate(batch_metrics.batch_sums(self.names, a, yb)):
                self.metric_sums[j] += v

    def result(self) -> dict[str, float]:
        out = {"loss": self.loss_sum / self.seen}
        out.update({k: s / self.seen for k, s in zip(self.names, self.metric_sums, strict=True)})
        return out

    def items(self):
        return self.result().items()


def _check(model, X, y, epochs, batch_size, validation_data, validation_split, shuffle, seed,
           initial_epoch, verbose, callbacks) -> _Plan:
    """Every check of ``fit``'s arguments, before anything changes."""
    with explain_text_labels(y):                        # says how to use gn.datasets.LabelEncoder
        X, y = model._check_Xy(X, y)
    epochs = check_int(epochs, "epochs", low=1, high=MAX_EPOCHS)  # what a file stores
    initial_epoch = check_int(initial_epoch, "initial_epoch", low=0)
    if initial_epoch >= epochs:
        raise ValueError(f"epochs must be greater than initial_epoch (epochs counts up to the "
                         f"final epoch), got epochs={epochs}, initial_epoch={initial_epoch}")
    verbose = check_int(verbose, "verbose", low=0, high=2)
    if not isinstance(shuffle, bool):
        raise TypeError(f"shuffle must be a bool, got {type(shuffle).__name__}")
    seed = check_model_seed(seed)
    X, y, val = _validation(model, X, y, validation_data, validation_split)
    n = len(X)
    if batch_size is None:
        batch_size = n
    batch_size = check_int(batch_size, "batch_size", low=1)
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of samples ({n}), got "
                         f"{batch_size}; use batch_size=None for full-batch training")
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"callbacks must be a list of Callback objects, got "
                        f"{type(callbacks).__name__}")
    callbacks = list(callbacks or [])
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be glassnet Callback objects, got "
                            f"{type(cb).__name__}")
    logged = ["loss", *model.metrics]
    if val is not None:
        logged += [f"val_{k}" for k in logged]
    if any(isinstance(cb, LearningRateScheduler) for cb in callbacks):
        logged.append("lr")
    for cb in callbacks:
        cb.check_setup(model, logged)
    return _Plan(X, y, val, epochs, initial_epoch, batch_size, shuffle, seed, verbose, callbacks)


def _validation(model, X, y, validation_data, validation_split):
    """``(X, y, (X_val, y_val) or None)`` from ``validation_data`` or ``validation_split``."""
    split = check_number(validation_split, "validation_split", low=0.0, high=1.0,
                         high_inclusive=False)
    if validation_data is not None and split:
        raise ValueError("give validation_data or validation_split, not both")
    if split:
        n_val = int(len(X) * split)
        if n_val < 1 or n_val >= len(X):
            raise ValueError(f"validation_split={split} leaves {n_val} validation and "
                             f"{len(X) - n_val} training samples of {len(X)}; both need at "
                             f"least one")
        cut = len(X) - n_val
        return X[:cut], y[:cut], (X[cut:], y[cut:])
    if validation_data is None:
        return X, y, None
    if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
        raise TypeError("validation_data must be a tuple (X_val, y_val)")
    with explain_text_labels(validation_data[1], "y_val"):
        Xv, yv = model._check_Xy(validation_data[0], validation_data[1], "X_val", "y_val")
    if Xv.shape[1:] != X.shape[1:]:
        what = f"{X.shape[1]} features" if X.ndim == 2 else f"per-sample shape {X.shape[1:]}"
        raise ValueError(f"X_val must have {what} like X, got shape {Xv.shape}")
    return X, y, (Xv, yv)
