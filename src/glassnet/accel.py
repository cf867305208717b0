"""Optional accelerator: one-pass optimizer updates compiled with numba, loaded only where a run
repays it.

The NumPy code in :mod:`glassnet.optimizers` is the reference and always works. Written with
NumPy, Adam's update is a dozen passes over every weight (``m *= β1``, ``tmp = g·(1 − β1)``,
``m += tmp``, ...), each a trip through memory; for the 235 146 weights of a 784-256-128-10 net
that is a third of a training step. When `numba <https://numba.pydata.org>`_ is installed
(``pip install glassnet[fast]``), the optimizers run the same arithmetic as one fused loop
instead (``glassnet/_numba_updates.py``): same operations, same order, same dtype, hence the
same bits, which the tests check for every optimizer.

When the kernels are used
-------------------------
Loading them costs about 0.4-1 s (importing numba, then each kernel from numba's on-disk cache)
and about 115 MiB of memory, once per process; a fused update saves about half a nanosecond per
weight and step for Adam, RMSprop and Adagrad, and far less for SGD (:data:`SAVING_NS`, measured
on a 784-256-128-10 net). A run repays the load only when it makes enough updates of enough weights,
so:

* an update of fewer than :data:`MIN_SIZE` parameters never loads anything (numba is not even
  imported): small models train on the NumPy path, with no start-up cost;
* inside ``fit`` (which says how many steps it plans, with :func:`planning`), a kernel is loaded
  at the first step when the planned steps × parameters × :data:`SAVING_NS` come to more than
  :data:`LOAD_SECONDS`, and never during that run otherwise: a first ``fit`` pays the load only
  when the run wins it back (a 313-step 784-256-128-10 Adam fit would save 0.03-0.06 s, so it
  stays on the NumPy path; one of 8 000 steps saves 0.8-1.6 s, so it loads at once);
* outside ``fit`` (a loop of ``train_step`` calls, of unknown length), updates of
  :data:`MIN_SIZE` parameters or more run on the NumPy path until they have updated
  :data:`START_WORK` numbers in all (about 85 steps of a 784-256-128-10 net); then the kernel
  is loaded and the run goes on with it;
* a kernel that is loaded (that way or by :func:`load`) is used for arrays of any size.

Both paths give the same bits, so the switch changes nothing but the speed.

Loading on a background thread instead was measured and lost: the loader is Python code that
holds the GIL and takes a core from the two-thread BLAS, which slowed the training thread by
more than the load itself costs (a 313-step 784-256-128-10 fit: +0.40 s against +0.22 s).

Nothing changes for the user but the speed. To run the reference path alone, call
``glassnet.accel.set_enabled(False)``, use ``with glassnet.accel.disabled(): ...``, or set the
environment variable ``GLASSNET_ACCEL=0`` before importing glassnet. To pay the start-up at a
chosen moment (a benchmark, a long run), call :func:`load`.
"""

from __future__ import annotations

import contextlib
import importlib
import os
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

LOAD_SECONDS = 0.7
"""What loading numba and a kernel is taken to cost (measured 0.4-0.9 s). With the savings of
:data:`SAVING_NS` rounded down, a run that loads a kernel wins the load back."""
SAVING_NS = {"sgd": 0.015, "sgd_momentum": 0.05, "adam": 0.4, "rmsprop": 0.3, "adagrad": 0.25}
"""Nanoseconds a fused update saves per parameter, per kernel, in a whole training step
(float32, the 235 146 parameters of ``benchmarks/bench_startup.py``'s net: 0.1-0.2 ms a step for
Adam, 0.43-0.9 ns a parameter; the update alone saves 1.1 ns; rounded down)."""

KERNELS = ("sgd", "sgd_momentum", "adam", "rmsprop", "adagrad")
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

_kernels: ModuleType | None = None
unavailable_reason: str | None = None     # why the kernels cannot run here, once known
_ready: dict[tuple[str, str], Callable[..., None]] = {}    # (name, dtype char) -> loaded kernel
_work: dict[tuple[str, str], int] = {}          # numbers updated on the NumPy path so far
_plan: int | None = None                        # steps the running fit plans (None: unknown)
_decided: dict[tuple[str, str], bool] = {}      # per kernel: does the planned run repay it?
_runs = 0                                       # planning contexts opened so far


def import_kernels(module: str) -> tuple[ModuleType | None, str | None]:
    """Import the numba kernel module ``module`` (``"glassnet._numba_updates"``, the conv
    kernels' ``"glassnet.conv._numba_conv"``): ``(module, None)``, or ``(None, why not)`` when
    numba is missing or cannot set the kernels up."""
    try:
        return importlib.import_module(module), None
    except ImportError as exc:              # numba is not installed
        return None, f"numba cannot be imported ({exc})"
    except Exception as exc:                # numba is there but cannot set up its kernels
        return None, f"numba failed to set up the kernels ({exc!r})"


def warm_kernel(module: ModuleType, name: str, dtype: np.dtype
                ) -> tuple[Callable[..., Any] | None, str | None]:
    """Kernel ``name`` of the kernel module ``module`` loaded for ``dtype`` (from numba's cache,
    or compiled): ``(kernel, None)``, or ``(None, why not)`` after a compiler failure."""
    try:
        return module.warm(name, dtype), None
    except Exception as exc:                # a compiler failure: stay on the NumPy path
        return None, f"numba failed to compile the kernel {name!r} ({exc!r})"


def _load_module() -> ModuleType | None:
    """Import numba and the kernel module, once; None if impossible (see unavailable_reason)."""
    global _kernels, unavailable_reason
    if _kernels is None and unavailable_reason is None:
        _kernels, unavailable_reason = import_kernels("glassnet._numba_updates")
    return _kernels


def _warm(name: str, dtype: np.dtype) -> None:
    """Load kernel ``name`` for ``dtype`` (from numba's cache, or compile it) and keep it."""
    global unavailable_reason
    module = _load_module()
    if module is None or (name, dtype.char) in _ready:
        return
    fn, unavailable_reason = warm_kernel(module, name, dtype)
    if fn is not None:
        _ready[(name, dtype.char)] = fn


def load(names: Sequence[str] | None = None, dtypes: Sequence[Any] | None = None) -> bool:
    """Load kernels now; True when they all are ready.

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


@contextlib.contextmanager
def planning(steps: int) -> Iterator[None]:
    """Context in which a run of ``steps`` training steps is made (``fit`` opens it): the
    kernels are loaded at its first step if the run repays them, else not at all (see above)."""
    global _plan, _decided, _runs
    before = _plan, _decided
    _plan, _decided = int(steps), {}
    _runs += 1
    try:
        yield
    finally:
        _plan, _decided = before


def planned_run() -> int:
    """A number that changes with every :func:`planning` context opened (each ``fit``), so
    other kernels can tell one planned run from the next."""
    return _runs


def planned_steps() -> int | None:
    """The training steps of the running ``fit`` (None outside ``fit``)."""
    return _plan


def repays(saving_seconds_per_step: float) -> bool | None:
    """True when the running ``fit``'s planned steps, each ``saving_seconds_per_step`` faster,
    win back :data:`LOAD_SECONDS`; False when not; None outside ``fit`` (length unknown)."""
    if _plan is None:
        return None
    return _plan * saving_seconds_per_step > LOAD_SECONDS


def kernel(name: str, *arrays: np.ndarray) -> Callable[..., None] | None:
    """The fused kernel ``name`` if it is loaded and can update ``arrays`` in place, else None.

    It can when the accelerator is enabled and all arrays are C-contiguous, of one float dtype
    and of one size (the kernels are 1-D loops over flat views). A kernel not loaded yet is
    loaded for arrays of :data:`MIN_SIZE` elements or more when the planned run repays it, or,
    outside ``fit``, once :data:`START_WORK` numbers have been updated without it.
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
        if _should_load(key, first.size):
            _warm(name, dtype)
            fn = _ready.get(key)
    return fn


def _should_load(key: tuple[str, str], size: int) -> bool:
    """Whether to load kernel ``key`` now, for updates of ``size`` numbers (see above)."""
    if _plan is not None:                       # in fit: decided once, at its first step
        if key not in _decided:
            _decided[key] = bool(repays(size * SAVING_NS[key[0]] * 1e-9))
        return _decided[key]
    done = _work[key] = _work.get(key, 0) + size
    return done >= START_WORK


def run(name: str, arrays: tuple[np.ndarray, ...], *scalars) -> bool:
    """Run the fused kernel ``name`` on flat views of ``arrays`` (updated in place) and the
    ``scalars``; False, with nothing done, when :func:`kernel` says it cannot."""
    fused = kernel(name, *arrays)
    if fused is None:
        return False
    fused(*(a.reshape(-1) for a in arrays), *scalars)
    return True
