"""Optional accelerator: one-pass optimizer updates compiled with numba, loaded off the training
thread.

The NumPy code in :mod:`glassnet.optimizers` is the reference and always works. Written with
NumPy, Adam's update is a dozen passes over every weight (``m *= β1``, ``tmp = g·(1 − β1)``,
``m += tmp``, ...), each a trip through memory; for the 235 146 weights of a 784-256-128-10 net
that is a third of a training step. When `numba <https://numba.pydata.org>`_ is installed
(``pip install glassnet[fast]``), the optimizers run the same arithmetic as one fused loop
instead (``glassnet/_numba_updates.py``): same operations, same order, same dtype, hence the
same bits, which the tests check for every optimizer.

When the kernels are used
-------------------------
Loading them costs about 0.5-1 s of CPU (importing numba, then each kernel from numba's on-disk
cache) and about 110 MiB of memory, once per process; below :data:`MIN_SIZE` parameters a fused
update saves a few microseconds a step, which never repays that. So:

* an update of fewer than :data:`MIN_SIZE` parameters never loads anything (numba is not even
  imported): small models train on the NumPy path, with no start-up cost;
* updates of :data:`MIN_SIZE` parameters or more run on the NumPy path too until they have
  updated :data:`START_WORK` numbers in all (about 85 steps of a 784-256-128-10 net: a run
  that has come that far is a long one); then a background thread loads the kernel they need
  while training carries on with the NumPy reference, and the first step after it is ready
  switches to the kernel. Both give the same bits, so when the switch happens changes nothing
  but the speed;
* a kernel that is loaded (by that thread or by :func:`load`) is used for arrays of any size.

Nothing changes for the user but the speed. To run the reference path alone, call
``glassnet.accel.set_enabled(False)``, use ``with glassnet.accel.disabled(): ...``, or set the
environment variable ``GLASSNET_ACCEL=0`` before importing glassnet. To pay the start-up at a
chosen moment (a benchmark, a long run), call :func:`load`.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from types import ModuleType
from typing import Any

import numpy as np

_enabled = os.environ.get("GLASSNET_ACCEL", "1").strip().lower() not in ("0", "false", "no",
                                                                          "off")
MIN_SIZE = 50_000
"""Updates of fewer parameters than this do not start loading the kernels (see above)."""
START_WORK = 20_000_000
"""Numbers that updates of :data:`MIN_SIZE` or more parameters update, per kernel and dtype,
on the NumPy path before the kernel is loaded (see above)."""

KERNELS = ("sgd", "sgd_momentum", "adam", "rmsprop", "adagrad")
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

_SWITCH_INTERVAL = 1e-4          # seconds, while the loader thread runs (see _background)

_kernels: ModuleType | None = None
unavailable_reason: str | None = None     # why the kernels cannot run here, once known
_ready: dict[tuple[str, str], Callable[..., None]] = {}    # (name, dtype char) -> loaded kernel
_wanted: list[tuple[str, np.dtype]] = []                   # asked for, not yet loaded
_work: dict[tuple[str, str], int] = {}          # numbers updated on the NumPy path so far
_lock = threading.Condition()
_thread: threading.Thread | None = None
_exit_hook: list[bool] = []


def _load_module() -> ModuleType | None:
    """Import numba and the kernel module (on the calling thread), once; None if impossible."""
    global _kernels, unavailable_reason
    with _lock:
        if _kernels is not None or unavailable_reason is not None:
            return _kernels
    try:
        from glassnet import _numba_updates as module
    except ImportError as exc:              # numba is not installed
        reason = f"numba cannot be imported ({exc})"
        module = None
    except Exception as exc:                # numba is there but cannot set up its kernels
        reason = f"numba failed to set up the kernels ({exc!r})"
        module = None
    with _lock:
        if module is None:
            unavailable_reason = reason
            _wanted.clear()
        else:
            _kernels = module
        _lock.notify_all()
    return module


def _warm(name: str, dtype: np.dtype) -> None:
    """Load kernel ``name`` for ``dtype`` (from numba's cache, or compile it) and publish it."""
    module = _load_module()
    if module is None or (name, dtype.char) in _ready:
        return
    global unavailable_reason
    try:
        fn = module.warm(name, dtype)
    except Exception as exc:                # a compiler failure: stay on the NumPy path
        with _lock:
            unavailable_reason = f"numba failed to compile the kernel {name!r} ({exc!r})"
            _wanted.clear()
            _lock.notify_all()
        return
    with _lock:
        _ready[(name, dtype.char)] = fn
        _lock.notify_all()


def _background() -> None:
    """The loader thread: warm every requested kernel, then stop.

    Loading is Python code that holds the GIL; the training thread gives the GIL up at every
    BLAS call and must win it back each time. With CPython's default switch interval (5 ms)
    each of those hand-overs can wait 5 ms, which made a training step several times slower
    while the loader ran; 0.1 ms keeps the hand-overs short. The interval is restored after.
    """
    global _thread
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, _SWITCH_INTERVAL))
    try:
        while True:
            with _lock:
                if not _wanted or unavailable_reason is not None:
                    break
                name, dtype = _wanted[0]
            _warm(name, dtype)
            with _lock:
                if _wanted and _wanted[0] == (name, dtype):
                    _wanted.pop(0)
    finally:
        if sys.getswitchinterval() == min(before, _SWITCH_INTERVAL):
            sys.setswitchinterval(before)
        with _lock:
            _wanted.clear()
            _thread = None
            _lock.notify_all()


def _request(name: str, dtype: np.dtype) -> None:
    """Have the loader thread load ``name`` for ``dtype`` (started if it is not running)."""
    global _thread
    with _lock:
        if unavailable_reason is not None or (name, dtype) in _wanted:
            return
        _wanted.append((name, dtype))
        if _thread is None:
            _thread = threading.Thread(target=_background, name="glassnet-accel-loader",
                                       daemon=True)
            _thread.start()
            if not _exit_hook:
                # A process that ends while the loader is inside numba or LLVM waits for it:
                # tearing the interpreter down under it could crash the exit.
                atexit.register(wait, 60.0)
                _exit_hook.append(True)


def load(names: Sequence[str] | None = None, dtypes: Sequence[Any] | None = None) -> bool:
    """Load kernels now, on the calling thread; True when they all are ready.

    Parameters
    ----------
    names : list of str, optional
        Kernels to load, from :data:`KERNELS` (default: all).
    dtypes : list of dtypes, optional
        ``np.float32`` and/or ``np.float64`` (default: both).
    """
    names = list(KERNELS) if names is None else list(names)
    for name in names:
        if name not in KERNELS:
            raise ValueError(f"names must be kernels of {KERNELS}, got {name!r}")
    dts = list(DTYPES) if dtypes is None else [np.dtype(d) for d in dtypes]
    for dt in dts:
        if dt not in DTYPES:
            raise TypeError(f"dtypes must be float32 or float64, got {dt}")
    for name in names:
        for dt in dts:
            _warm(name, dt)
    return all((n, d.char) in _ready for n in names for d in dts)


def wait(timeout: float | None = None) -> bool:
    """Block until the loader thread has loaded every kernel asked for so far (or ``timeout``
    seconds passed); True when nothing is left to load."""
    with _lock:
        return _lock.wait_for(lambda: _thread is None, timeout)


def loaded() -> list[tuple[str, str]]:
    """The kernels ready to run, as ``(name, dtype name)`` pairs."""
    return [(name, np.dtype(char).name) for name, char in _ready]


def available() -> bool:
    """True when numba can be imported, so the fused kernels can run (else see
    ``glassnet.accel.unavailable_reason``). Imports numba if that was not done yet."""
    return _load_module() is not None


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
    """The fused kernel ``name`` if it is loaded and can update ``arrays`` in place, else None.

    It can when the accelerator is enabled and all arrays are C-contiguous, of one float dtype
    and of one size (the kernels are 1-D loops over flat views). A kernel not loaded yet is
    asked of the loader thread once arrays of :data:`MIN_SIZE` elements or more have had
    :data:`START_WORK` numbers updated without it.
    """
    first = arrays[0]
    if not _enabled or (not _ready and first.size < MIN_SIZE):
        return None                             # the common case of a small model: at once
    dtype = first.dtype
    if dtype not in DTYPES:
        return None
    for a in arrays:
        if a.dtype != dtype or a.size != first.size or not a.flags.c_contiguous:
            return None
    key = (name, dtype.char)
    fn = _ready.get(key)
    if fn is None and first.size >= MIN_SIZE and unavailable_reason is None:
        done = _work[key] = _work.get(key, 0) + first.size
        if done >= START_WORK:
            _request(name, dtype)
    return fn


def run(name: str, arrays: tuple[np.ndarray, ...], *scalars) -> bool:
    """Run the fused kernel ``name`` on flat views of ``arrays`` (updated in place) and the
    ``scalars``; False, with nothing done, when :func:`kernel` says it cannot."""
    fused = kernel(name, *arrays)
    if fused is None:
        return False
    fused(*(a.reshape(-1) for a in arrays), *scalars)
    return True
