"""The training loop behind ``Sequential.fit``: forward → loss → backward → update.

Reproducibility: the order of the samples in epoch ``e`` comes from
``default_rng([seed, e])`` and dropout masks from ``default_rng([seed, e, layer_index])``, so a run
resumed at ``initial_epoch=k`` from a checkpoint repeats the uninterrupted run bit for bit.

Safety: a non-finite loss or gradient stops training *before* the update, so the weights stay
those of the last finite step, and :class:`~glassnet.DivergenceError` is raised. Ctrl-C is held
until the current step has finished, so an interrupted model is always at a completed step.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from typing import Any

import numpy as np

from glassnet._validation import check_int, check_seed
from glassnet.callbacks import Callback, History, LearningRateScheduler
from glassnet.errors import DivergenceError
from glassnet.layers.dropout import Dropout
from glassnet.models import _metrics


def _finite(x: np.ndarray) -> bool:
    """Cheap test that every entry is finite: one BLAS dot product (NaN/inf propagate)."""
    return math.isfinite(np.dot(x, x))


class _InterruptGuard:
    """Defer SIGINT while a training step runs; re-raise it between steps."""

    def __init__(self) -> None:
        self.requested = False
        self._old = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            try:
                self._old = signal.signal(signal.SIGINT, self._handler)
            except ValueError:          # not allowed here (e.g. some embedded interpreters)
                self._old = None
        return self

    def _handler(self, signum, frame):
        if self.requested:              # second Ctrl-C: stop at once
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc):
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
        return False


def _progress_bar(total: int, desc: str, unit: str):
    """A tqdm bar that works in a terminal and in a notebook (``tqdm.auto``)."""
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc, unit=unit, leave=True, dynamic_ncols=True,
                mininterval=0.1)


def fit(model, X: Any, y: Any, epochs: int = 1, batch_size: int | None = None,
        validation_data: tuple[Any, Any] | None = None, shuffle: bool = True,
        seed: int | None = None, initial_epoch: int = 0, verbose: int = 1,
        callbacks: list[Callback] | None = None) -> History:
    """Train ``model`` on ``(X, y)`` for epochs ``initial_epoch, ..., epochs − 1``.

    Parameters
    ----------
    X : array-like, shape (n, ...)
    y : array-like, shape (n,) or (n, k)
    epochs : int
        Index of the last epoch + 1 (as in Keras: with ``initial_epoch=k`` it is the final epoch).
    batch_size : int or None
        Samples per update; None means the full batch (plain gradient descent).
    validation_data : (X_val, y_val), optional
        Evaluated after every epoch, logged as ``val_loss`` and ``val_<metric>``.
    shuffle : bool
        Shuffle the samples every epoch (mini-batches only).
    seed : int, optional
        Seed of the shuffling and dropout; None reuses the model's seed, else a fresh one.
    initial_epoch : int
        Epoch to start from (to resume training).
    verbose : {0, 1, 2}
        0 silent, 1 a progress bar per epoch, 2 one line per epoch.
    callbacks : list of Callback

    Returns
    -------
    History
        Also stored as ``model.history``.
    """
    X, y = model._check_Xy(X, y)
    epochs = check_int(epochs, "epochs", low=1)
    initial_epoch = check_int(initial_epoch, "initial_epoch", low=0)
    if initial_epoch >= epochs:
        raise ValueError(f"epochs must be greater than initial_epoch (epochs counts up to the "
                         f"final epoch), got epochs={epochs}, initial_epoch={initial_epoch}")
    n = len(X)
    if batch_size is None:
        batch_size = n
    batch_size = check_int(batch_size, "batch_size", low=1)
    if batch_size > n:
        raise ValueError(f"batch_size must be at most the number of samples ({n}), got "
                         f"{batch_size}; use batch_size=None for full-batch training")
    verbose = check_int(verbose, "verbose", low=0, high=2)
    if not isinstance(shuffle, bool):
        raise TypeError(f"shuffle must be a bool, got {type(shuffle).__name__}")
    seed = check_seed(seed)
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise TypeError("validation_data must be a tuple (X_val, y_val)")
        Xv, yv = model._check_Xy(validation_data[0], validation_data[1], "X_val", "y_val")
        if Xv.shape[1:] != X.shape[1:]:
            what = f"{X.shape[1]} features" if X.ndim == 2 else f"per-sample shape {X.shape[1:]}"
            raise ValueError(f"X_val must have {what} like X, got shape {Xv.shape}")
    if callbacks is not None and not isinstance(callbacks, (list, tuple)):
        raise TypeError(f"callbacks must be a list of Callback objects, got "
                        f"{type(callbacks).__name__}")
    callbacks = list(callbacks or [])
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"callbacks must be glassnet Callback objects, got "
                            f"{type(cb).__name__}")

    if not model.built:                 # only now: a failed call leaves the model as it was
        model.build(X.shape[1:])
    if seed is None:
        seed = model.fit_seed if model.fit_seed is not None else model.seed
    if seed is None:
        seed = int(np.random.SeedSequence().entropy % (2**63))
    model.fit_seed = seed

    history = History()
    model.history = history
    all_cbs = [history, *callbacks]
    for cb in all_cbs:
        cb.set_model(model)
    batch_begin = [cb for cb in all_cbs if cb._overrides("on_train_batch_begin")]
    batch_end = [cb for cb in all_cbs if cb._overrides("on_train_batch_end")]
    log_lr = any(isinstance(cb, LearningRateScheduler) for cb in callbacks)
    dropouts = [(i, layer) for i, layer in enumerate(model.layers) if isinstance(layer, Dropout)]

    n_batches = math.ceil(n / batch_size)
    full_batch = batch_size == n
    params, grads = model._flat_params, model._flat_grads
    backup = params.copy()              # the weights before the last update
    metric_names = model.metrics
    model.stop_training = False
    epoch_logs: dict[str, float] = {}

    epoch_begin = [cb for cb in all_cbs if cb._overrides("on_epoch_begin")]
    # verbose=1: one bar per epoch over its steps, or, for full-batch training (one step per
    # epoch), a single bar over the epochs.
    step_bars = verbose == 1 and n_batches > 1
    epoch_bar = (_progress_bar(epochs - initial_epoch, "Training", "epoch")
                 if verbose == 1 and n_batches == 1 else None)
    epoch_refresh = time.monotonic()
    for cb in all_cbs:
        cb.on_train_begin({})
    bar = None
    try:
        # Overflow on the way to a divergence is reported as DivergenceError, not as warnings.
        with _InterruptGuard() as guard, np.errstate(over="ignore", invalid="ignore",
                                                     divide="ignore"):
            for epoch in range(initial_epoch, epochs):
                for cb in epoch_begin:
                    cb.on_epoch_begin(epoch)
                for i, layer in dropouts:
                    layer.rng = np.random.default_rng([seed, epoch, i + 1])
                order = (np.random.default_rng([seed, epoch]).permutation(n)
                         if shuffle and not full_batch else None)
                if step_bars:
                    bar = _progress_bar(n_batches, f"Epoch {epoch + 1}/{epochs}", "step")
                loss_sum, seen = 0.0, 0
                metric_sums = [0.0] * len(metric_names)
                last_refresh = time.monotonic()
                for b in range(n_batches):
                    start, stop = b * batch_size, min((b + 1) * batch_size, n)
                    m = stop - start
                    if full_batch:
                        xb, yb = X, y
                    elif order is None:
                        xb, yb = X[start:stop], y[start:stop]
                    else:                           # fancy indexing: faster than np.take(out=)
                        idx = order[start:stop]
                        xb, yb = X[idx], y[idx]
                    for cb in batch_begin:
                        cb.on_train_batch_begin(model.step)

                    # forward -> loss -> backward -> update
                    a = model._forward(xb, training=True)
                    loss, grad = model._loss_and_grad(a, yb)
                    model._backward(grad)
                    loss += model._penalty()
                    if not (math.isfinite(loss) and _finite(grads)):
                        what = "loss" if not math.isfinite(loss) else "gradient"
                        if not _finite(params):       # a weight was changed between steps
                            np.copyto(params, backup)
                        raise DivergenceError(
                            f"training diverged at epoch {epoch + 1}, step {model.step}: the "
                            f"{what} became non-finite (loss={loss}); the weights of the last "
                            f"finite step were kept. Try a lower learning rate (lr="
                            f"{model.optimizer.lr}), standardise the inputs, or check the data.",
                            epoch=epoch + 1, step=model.step)
                    np.copyto(backup, params)
                    model.optimizer.step([params], [grads])
                    if not _finite(params):           # the update overflowed a weight
                        np.copyto(params, backup)
                        raise DivergenceError(
                            f"training diverged at epoch {epoch + 1}, step {model.step}: the "
                            f"update made a weight non-finite; the weights of the last finite "
                            f"step were restored. Try a lower learning rate (lr="
                            f"{model.optimizer.lr}), standardise the inputs, or check the data.",
                            epoch=epoch + 1, step=model.step)
                    model.step += 1

                    loss_sum += loss * m
                    seen += m
                    if metric_names:
                        for j, v in enumerate(_metrics.batch_sums(metric_names, a, yb)):
                            metric_sums[j] += v
                    if batch_end:
                        logs = {"loss": loss}
                        for cb in batch_end:
                            cb.on_train_batch_end(model.step - 1, logs)
                    if bar is not None:
                        bar.update(1)
                        now = time.monotonic()
                        if now - last_refresh > 0.2 or b == n_batches - 1:
                            last_refresh = now
                            post = {"loss": f"{loss_sum / seen:.4f}"}
                            post.update({k: f"{s / seen:.4f}"
                                         for k, s in zip(metric_names, metric_sums, strict=True)})
                            bar.set_postfix(post, refresh=False)
                    if guard.requested:
                        raise KeyboardInterrupt(
                            f"training interrupted at epoch {epoch + 1}, step {model.step}; the "
                            "model keeps the weights of the last completed step")

                epoch_logs = {"loss": loss_sum / seen}
                epoch_logs.update({k: s / seen
                                   for k, s in zip(metric_names, metric_sums, strict=True)})
                if validation_data is not None:
                    val = model._evaluate_checked(Xv, yv)
                    epoch_logs.update({f"val_{k}": v for k, v in val.items()})
                if log_lr:
                    epoch_logs["lr"] = model.optimizer.lr
                model.epoch = epoch + 1
                if bar is not None:
                    bar.set_postfix({k: f"{v:.4f}" for k, v in epoch_logs.items()},
                                    refresh=True)
                    bar.close()
                    bar = None
                elif epoch_bar is not None:
                    epoch_bar.update(1)
                    now = time.monotonic()
                    if now - epoch_refresh > 0.2 or epoch == epochs - 1:
                        epoch_refresh = now
                        epoch_bar.set_postfix({k: f"{v:.4f}" for k, v in epoch_logs.items()},
                                              refresh=False)
                elif verbose == 2:
                    text = " - ".join(f"{k}: {v:.4f}" for k, v in epoch_logs.items())
                    print(f"Epoch {epoch + 1}/{epochs} - {text}")
                for cb in all_cbs:
                    cb.on_epoch_end(epoch, epoch_logs)
                if model.stop_training:
                    break
    finally:
        if bar is not None:
            bar.close()
        if epoch_bar is not None:
            epoch_bar.close()
    for cb in all_cbs:
        cb.on_train_end(epoch_logs)
    return history
