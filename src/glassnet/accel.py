"""Optional accelerator: one-pass optimizer updates compiled with numba.

The NumPy code in :mod:`glassnet.optimizers` is the reference and always works. Written with
NumPy, Adam's update is a dozen passes over every weight (``m *= β1``, ``tmp = g·(1 − β1)``,
``m += tmp``, ...), each a trip through memory; for the 235 146 weights of a 784-256-128-10 net
that is a third of a training step. When `numba <https://numba.pydata.org>`_ is installed
(``pip install glassnet[fast]``), the optimizers run the same arithmetic as one fused loop
instead (``glassnet/_numba_updates.py``): same operations, same order, same dtype, hence the
same bits, which the tests check for every optimizer.

Nothing changes for the user but the speed. To run the reference path alone, call
``glassnet.accel.set_enabled(False)``, use ``with glassnet.accel.disabled(): ...``, or set the
environment variable ``GLASSNET_ACCEL=0`` before importing glassnet.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from types import ModuleType

import numpy as np

_enabled = os.environ.get("GLASSNET_ACCEL", "1").strip().lower() not in ("0", "false", "no",
                                                                          "off")
_kernels: ModuleType | None = None
unavailable_reason: str | None = None     # why the kernels cannot run here, once known


def _load() -> ModuleType | None:
    global _kernels, unavailable_reason
    if _kernels is None and unavailable_reason is None:
        try:
            from glassnet import _numba_updates as module
        except ImportError as exc:              # numba is not installed
            unavailable_reason = f"numba cannot be imported ({exc})"
        except Exception as exc:                # numba is there but cannot set up its kernels
            unavailable_reason = f"numba failed to set up the kernels ({exc!r})"
        else:
            _kernels = module
    return _kernels


def available() -> bool:
    """True when numba can be imported, so the fused kernels can run (else see
    ``glassnet.accel.unavailable_reason``)."""
    return _load() is not None


def enabled() -> bool:
    """True when the optimizers use the fused kernels (numba available and not switched off)."""
    return _enabled and available()


def set_enabled(flag: bool) -> None:
    """Switch the fused kernels on (when numba is available) or off (NumPy reference only)."""
    global _enabled
    if not isinstance(flag, bool):
        raise TypeError(f"flag must be a bool, got {type(flag).__name__}")
    _enabled = flag


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Context in which every optimizer runs its NumPy reference code."""
    global _enabled
    before = _enabled
    _enabled = False
    try:
        yield
    finally:
        _enabled = before


def kernel(name: str, *arrays: np.ndarray) -> Callable[..., None] | None:
    """The fused kernel ``name`` if it can update ``arrays`` in place, else None.

    It can when the accelerator is enabled and all arrays are C-contiguous, of one float dtype
    and of one size (the kernels are 1-D loops over flat views).
    """
    if not _enabled:
        return None
    module = _load()
    if module is None:
        return None
    first = arrays[0]
    if first.dtype not in (np.float32, np.float64):
        return None
    for a in arrays:
        if a.dtype != first.dtype or a.size != first.size or not a.flags.c_contiguous:
            return None
    return getattr(module, name)


def run(name: str, arrays: tuple[np.ndarray, ...], *scalars) -> bool:
    """Run the fused kernel ``name`` on flat views of ``arrays`` (updated in place) and the
    ``scalars``; False, with nothing done, when :func:`kernel` says it cannot."""
    fused = kernel(name, *arrays)
    if fused is None:
        return False
    fused(*(a.reshape(-1) for a in arrays), *scalars)
    return True
