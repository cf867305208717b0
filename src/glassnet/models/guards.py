"""The two guards around a training step: divergence and Ctrl-C.

:class:`DivergenceGuard` keeps non-finite numbers out of the weights. It looks at the loss and the
gradients *before* the update (a non-finite one stops training with the weights untouched) and at
the weights *after* it (an update that overflowed is undone from a copy made just before).

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


class DivergenceGuard:
    """Checks one training step of a model whose weights live in the flat array ``params``.

    Parameters
    ----------
    params, grads : ndarray, shape (n_params,)
        The model's flat parameter and gradient buffers.
    """

    def __init__(self, params: np.ndarray, grads: np.ndarray) -> None:
        self.params, self.grads = params, grads
        self.backup = params.copy()              # the weights before the last update

    def before_update(self, loss: float, model) -> None:
        """Raise :class:`DivergenceError` if the loss or a gradient is not finite; else keep a
        copy of the weights for :meth:`after_update`."""
        if not (math.isfinite(loss) and all_finite(self.grads)):
            what = "loss" if not math.isfinite(loss) else "gradient"
            if not all_finite(self.params):      # a weight was changed between steps
                np.copyto(self.params, self.backup)
            raise _diverged(model, f"the {what} became non-finite (loss={loss}); the weights "
                                   f"of the last finite step were kept")
        np.copyto(self.backup, self.params)

    def after_update(self, model) -> None:
        """Undo an update that made a weight non-finite (weights and step count), and raise
        :class:`DivergenceError`."""
        if not all_finite(self.params):
            np.copyto(self.params, self.backup)
            model.optimizer.iterations -= 1
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
