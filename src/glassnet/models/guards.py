"""The two guards around a training step: divergence and Ctrl-C.

:class:`DivergenceGuard` keeps non-finite numbers out of the weights. Before the update it looks
at the loss, the gradients and the weights (a non-finite one stops training with the weights
untouched); after it, at the weights again (an update that overflowed is undone from a copy
made just before) — unless the update provably cannot overflow, in which case neither the copy
nor the second look is needed (see :meth:`DivergenceGuard.before_update`). After such a proven
update the guard keeps an upper bound of ``‖w‖₂``; while nothing else can have written the
weights (inside ``fit``, between steps that run no callback), the next step uses that bound
instead of looking at the weights again.

:class:`InterruptGuard` holds Ctrl-C (SIGINT) while a step runs, so an interrupted model is always
at a completed step; a second Ctrl-C stops at once.
"""

from __future__ import annotations

import math
import signal
import threading

import numpy as np

from glassnet.errors import DivergenceError


def all_finite(x: np.ndarray) -> bool:
    """True when every entry of the 1-D array ``x`` is finite.

    One BLAS dot product (NaN and inf propagate into it) answers in one fast pass; only when the
    sum of squares overflows (huge but finite entries, e.g. float32 gradients near 1e20) does an
    exact element-wise test decide.
    """
    if math.isfinite(np.dot(x, x)):
        return True
    return bool(np.isfinite(x).all())


def norm_if_finite(x: np.ndarray) -> float | None:
    """``‖x‖₂`` when every entry of the 1-D array ``x`` is finite and the sum of squares does not
    overflow; ``math.inf`` when the entries are finite but too large for it; None when one is not
    finite. One BLAS pass (an exact element-wise test only after an overflow)."""
    ss = float(np.dot(x, x))
    if math.isfinite(ss):
        return math.sqrt(ss)
    return math.inf if np.isfinite(x).all() else None


class DivergenceGuard:
    """Checks one training step of a model whose weights live in the flat array ``params``.

    Parameters
    ----------
    params, grads : ndarray, shape (n_params,)
        The model's flat parameter and gradient buffers.
    """

    def __init__(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.params, self.grads = params, grads
        self.backup = params.copy()              # the weights before the last checked update
        self.backup_current = False              # the backup holds the weights of the last step
        self.checked = True                      # after_update must look at the weights
        self.w_bound: float | None = None        # ≥ ‖w‖₂ after the last proven-safe update
        info = np.finfo(params.dtype)
        self._limit = float(info.max) / 4
        self._grow = 1.0 + 4.0 * float(info.eps)  # covers the rounding of one update w − lr·g

    def weights_unknown(self) -> None:
        """Forget the bound of ``‖w‖₂``: code outside the step may have written the weights
        (a public ``train_step``, ``set_weights``, a callback), so the next step looks at them."""
        self.w_bound = None

    def before_update(self, loss: float, model) -> None:
        """Raise :class:`DivergenceError` if the loss or a gradient is not finite.

        Otherwise decide whether the update needs the copy and the check of :meth:`after_update`:
        not when the optimizer bounds the update (``optimizer.update_bound``, e.g.
        ``lr·‖g‖₂`` for plain SGD) and ``‖w‖₂ + 2·bound`` stays far below the dtype's largest
        number (a quarter of it): then no weight can overflow, since ``|w_new_i| ≤ ‖w_new‖₂ ≤
        ‖w‖₂ + ‖Δw‖₂`` (the factor 2 covers the rounding). The weights are looked at first in
        that case (one pass, instead of the copy and the check after), or, when
        :attr:`w_bound` is known (nothing has written the weights since the last proven update),
        not at all: ``‖w‖₂ ≤ w_bound``. After a proven update
        ``w_bound ← (‖w‖₂ + 2·bound)·(1 + 4ε)`` bounds the new weights (ε the dtype's machine
        epsilon: the rounding of ``w − lr·g``).
        """
        g_norm = norm_if_finite(self.grads) if math.isfinite(loss) else None
        if g_norm is None:
            self.w_bound = None
            what = "loss" if not math.isfinite(loss) else "gradient"
            if not all_finite(self.params):      # a weight was changed between steps
                self._restore(model)
            raise _diverged(model, f"the {what} became non-finite (loss={loss}); the weights "
                                   f"of the last finite step were kept")
        bound = model.optimizer.update_bound(g_norm)
        safe = False
        if bound is not None:
            w_norm = self.w_bound
            if w_norm is None or w_norm + 2.0 * bound >= self._limit:
                w_norm = norm_if_finite(self.params)
                if w_norm is None:               # a weight was changed between steps
                    self._restore(model)
                    raise _diverged(model, "a weight was made non-finite between steps")
            safe = w_norm + 2.0 * bound < self._limit
        self.w_bound = (w_norm + 2.0 * bound) * self._grow if safe else None
        self.checked = not safe
        if self.checked:
            np.copyto(self.backup, self.params)
        self.backup_current = self.checked

    def _restore(self, model) -> None:
        """Put back the weights of the last checked step, or say that there are none."""
        if not self.backup_current:
            raise _diverged(model, "a weight was made non-finite between steps, after an update "
                                   "that kept no copy of the weights")
        np.copyto(self.params, self.backup)

    def after_update(self, model) -> None:
        """Undo an update that made a weight non-finite (weights and step count), and raise
        :class:`DivergenceError`; nothing to do when :meth:`before_update` ruled it out."""
        if self.checked and not all_finite(self.params):
            np.copyto(self.params, self.backup)
            model.optimizer.iterations -= 1
            if not all_finite(self.backup):      # it was so before the step: set from outside
                raise _diverged(model, "a weight was made non-finite between steps (it was "
                                       "already before this update, which left it so); set "
                                       "finite weights, e.g. with set_weights")
            raise _diverged(model, "the update made a weight non-finite; the weights of the "
                                   "last finite step were restored")


def _diverged(model, what: str) -> DivergenceError:
    epoch, step = model.epoch + 1, model.iterations
    return DivergenceError(
        f"training diverged at epoch {epoch}, step {step}: {what}. Try a lower learning rate "
        f"(lr={model.optimizer.lr}), standardise the inputs, or check the data.",
        epoch=epoch, step=step)


class InterruptGuard:
    """Context manager that defers SIGINT until :meth:`check` is called between steps."""

    def __init__(self) -> None:
        self.requested = False
        self._old = None

    def __enter__(self) -> InterruptGuard:
        if threading.current_thread() is threading.main_thread():
            try:
                self._old = signal.signal(signal.SIGINT, self._handler)
            except ValueError:          # not allowed here (e.g. some embedded interpreters)
                self._old = None
        return self

    def _handler(self, signum, frame) -> None:
        if self.requested:              # second Ctrl-C: stop at once
            raise KeyboardInterrupt
        self.requested = True

    def check(self, model) -> None:
        """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed during the last step."""
        if self.requested:
            raise KeyboardInterrupt(
                f"training interrupted at epoch {model.epoch + 1}, step {model.iterations}; the "
                "model keeps the weights of the last completed step")

    def __exit__(self, *exc) -> bool:
        if self._old is not None:
            signal.signal(signal.SIGINT, self._old)
        return False
