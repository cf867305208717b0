"""When the convolution and pooling layers use their compiled kernels, and the wrappers that
call them.

The kernels (:mod:`glassnet.conv._numba_conv`, numba) compute the same bits as the NumPy
reference, a few times faster: max pooling forward and backward, col2im, the bias and ReLU of a
convolution, and ReLU's backward. Importing numba and loading them from its cache costs about
:data:`LOAD_SECONDS`, once per process, which only a long enough run repays; so, as for the
optimizer kernels of :mod:`glassnet.accel`:

* nothing here imports numba when glassnet is imported, or for a run that does not repay it;
* inside ``fit`` (``glassnet.accel.planned_steps()`` tells the steps it plans), the first
  training step runs on the NumPy path and adds up the estimated saving of each kernel call
  (:data:`SAVING_NS` per number it touches); when the planned steps × that saving per step
  exceed :data:`LOAD_SECONDS`, the kernels are loaded at the second step, else not in this
  run;
* outside ``fit`` (a loop of ``train_step`` calls, of unknown length), they are loaded once the
  calls made on the NumPy path add up to :data:`LOAD_SECONDS` of estimated saving;
* :func:`load` loads them at once (``benchmarks/bench.py`` does, before it times anything);
* the global switch of :mod:`glassnet.accel` (``GLASSNET_ACCEL=0``, ``accel.set_enabled``,
  ``accel.disabled()``) turns them off: the layers then run the NumPy reference.

Either way the results are the same bits: the switch changes nothing but the speed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any

import numpy as np

from glassnet import accel

KERNELS = ("bias_relu", "relu_backward", "col2im", "max_pool_forward", "max_pool_backward")
DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
LOAD_SECONDS = 0.6
"""What importing numba and loading the kernels of one dtype is taken to cost (measured
0.43-0.54 s in a fresh process: numba 0.14-0.18 s, the five kernels 0.29-0.35 s)."""
SAVING_NS = {"bias_relu": 0.3, "relu_backward": 0.1, "col2im": 0.2,
             "max_pool_forward": 0.2, "max_pool_backward": 0.3}
"""Nanoseconds a kernel saves per number of the array it is called for, measured on the
layers of bench.py's cnn_acc one call at a time and rounded down (whole training steps save
about twice as much: 22.8 → 17.1 ms per cnn_acc step, 7.7 → 2.9 ms per cnn step)."""

_module: ModuleType | None = None
unavailable_reason: str | None = None
_ready: dict[tuple[str, str], Callable[..., Any]] = {}
_state: dict[str, Any] = {"plan": None, "calls": set(), "saving": 0.0, "decision": None,
                          "work": 0.0}


def _load_module() -> ModuleType | None:
    """Import numba and the kernel module, once; None if impossible (see unavailable_reason)."""
    global _module, unavailable_reason
    if _module is None and unavailable_reason is None:
        _module, unavailable_reason = accel.import_kernels("glassnet.conv._numba_conv")
    return _module


def _warm(name: str, dtype: np.dtype) -> None:
    """Load kernel ``name`` for ``dtype`` and keep it (nothing when numba is unavailable)."""
    global unavailable_reason
    module = _load_module()
    if module is None or (name, dtype.char) in _ready:
        return
    fn, unavailable_reason = accel.warm_kernel(module, name, dtype)
    if fn is not None:
        _ready[(name, dtype.char)] = fn


def load(dtypes: Sequence[Any] | None = None) -> bool:
    """Load every kernel for ``dtypes`` (default float32 and float64) now; True when all are
    ready (False, e.g., when numba is not installed: see ``unavailable_reason``)."""
    dts = list(DTYPES) if dtypes is None else [np.dtype(d) for d in dtypes]
    for dt in dts:
        if dt not in DTYPES:
            raise TypeError(f"dtypes must be float32 or float64, got {dt}")
        for name in KERNELS:
            _warm(name, dt)
    return all((n, dt.char) in _ready for n in KERNELS for dt in dts)


def loaded() -> list[tuple[str, str]]:
    """The kernels ready to run, as ``(name, dtype name)`` pairs."""
    return [(name, np.dtype(char).name) for name, char in _ready]


def _repays(call: Any, name: str, numbers: int) -> bool:
    """Whether the run repays loading the kernels, told that ``call`` (a layer's call site)
    would save ``SAVING_NS[name]`` per number on ``numbers`` numbers (see the module
    docstring)."""
    saving = numbers * SAVING_NS[name] * 1e-9
    plan = accel.planned_steps()
    state = _state
    if plan is None:                                # unknown length: a work counter
        state["plan"] = None
        state["work"] += saving
        return state["work"] >= LOAD_SECONDS
    run = (accel.planned_run(), plan)
    if state["plan"] != run:                        # a new fit: start its first step
        state.update(plan=run, calls=set(), saving=0.0, decision=None)
    if state["decision"] is None:
        if call not in state["calls"]:              # still in the first step
            state["calls"].add(call)
            state["saving"] += saving
            return False
        state["decision"] = plan * state["saving"] > LOAD_SECONDS
    return state["decision"]


def kernel(name: str, dtype: Any, call: Any = None, numbers: int = 0
           ) -> Callable[..., Any] | None:
    """The compiled kernel ``name`` for ``dtype`` when it is to be used now, else None (run
    the NumPy reference).

    ``call`` identifies the call site (e.g. ``(id(layer), name)``) and ``numbers`` the size of
    the array the kernel would work on: they feed the decision to load (module docstring).
    """
    if not accel._enabled:
        return None
    dt = np.dtype(dtype)
    fn = _ready.get((name, dt.char))
    if fn is not None or unavailable_reason is not None or dt not in DTYPES:
        return fn
    if _repays(call, name, numbers):
        load([dt])
        fn = _ready.get((name, dt.char))
    return fn


# ----------------------------------------------------------------------------- wrappers


def memory_view(x: np.ndarray) -> tuple[np.ndarray, tuple[int, ...]] | None:
    """``x: (N, C, H, W)`` as the C-contiguous ``(O, H, W, I)`` array of its memory and the
    layout (outermost axis first), when its height and width are adjacent in memory and it is
    contiguous; else None."""
    layout = tuple(sorted(range(4), key=lambda a: -abs(x.strides[a])))
    mem = x.transpose(layout)
    if not mem.flags.c_contiguous:
        return None
    n, c, h, w = x.shape
    if layout == (1, 2, 3, 0):
        return mem.reshape(c, h, w, n), layout
    if layout in ((0, 1, 2, 3), (1, 0, 2, 3)):
        return mem.reshape(n * c, h, w, 1), layout
    return None


def col2im(fn: Callable[..., Any], dcols: np.ndarray, x_shape: tuple[int, ...],
           kernel_hw: tuple[int, int], stride: tuple[int, int], pads, out: np.ndarray,
           batch_last: bool) -> np.ndarray:
    """:func:`glassnet.conv.im2col.col2im` run by the compiled kernel ``fn``, same bits; ``out``
    is required, a transposed view of a C-contiguous ``(C, H, W, N)`` array (``(C, N, H, W)``
    when not ``batch_last``)."""
    n, c, h, w = x_shape
    kh, kw = kernel_hw
    (top, bottom), (left, right) = pads
    ho = (h + top + bottom - kh) // stride[0] + 1
    wo = (w + left + right - kw) // stride[1] + 1
    a, b = (1, n) if batch_last else (n, 1)
    order = (1, 2, 3, 0) if batch_last else (1, 0, 2, 3)
    dx_mem = out.transpose(order)
    fn(dcols.reshape(c, kh, kw, a, ho, wo, b), dx_mem.reshape(c, a, h, w, b),
       stride[0], stride[1], top, left)
    return out


__all__ = ["KERNELS", "DTYPES", "LOAD_SECONDS", "SAVING_NS", "load", "loaded", "kernel",
           "memory_view", "col2im"]
