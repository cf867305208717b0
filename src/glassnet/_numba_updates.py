"""Compiled one-pass optimizer updates (numba). Imported only through :mod:`glassnet.accel`,
which loads each kernel with :func:`warm` before it lets an optimizer call it.

Each kernel does, element by element, *exactly* the floating-point operations of the matching
NumPy reference in :mod:`glassnet.optimizers`, in the same order and in the parameters' dtype
(every constant arrives already cast to it). No fast-math and no fused multiply-add, so both paths
give the same bits; the tests check that they do. What the kernel saves is memory traffic: NumPy
runs one pass over all the weights per operation (a dozen for Adam), the kernel one in all.

All arrays are 1-D, C-contiguous and of one dtype (the flat buffers of a model).
"""

from __future__ import annotations

import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True, error_model="numpy", boundscheck=False)


@_jit
def sgd(p, g, lr):                                  # pragma: no cover - compiled
    for i in range(p.size):
        p[i] = p[i] - g[i] * lr                     # p ← p − lr·g


@_jit
def sgd_momentum(p, g, buf, mu, lr, first, nesterov):   # pragma: no cover - compiled
    for i in range(p.size):
        gi = g[i]
        b = gi if first else buf[i] * mu + gi       # v ← g (first step) or μ·v + g
        buf[i] = b
        d = (b * mu + gi) if nesterov else b        # d ← g + μ·v (Nesterov) or v
        p[i] = p[i] - d * lr


@_jit
def adam(p, g, m, v, b1, c1, b2, c2, k, eps, step):     # pragma: no cover - compiled
    for i in range(p.size):
        gi = g[i]
        mi = m[i] * b1 + gi * c1                    # m ← β1·m + (1 − β1)·g
        vi = v[i] * b2 + (gi * gi) * c2             # v ← β2·v + (1 − β2)·g²
        m[i] = mi
        v[i] = vi
        p[i] = p[i] - (mi / (np.sqrt(vi) * k + eps)) * step


@_jit
def rmsprop(p, g, v, rho, c, eps, lr):              # pragma: no cover - compiled
    for i in range(p.size):
        gi = g[i]
        vi = v[i] * rho + (gi * gi) * c             # v ← ρ·v + (1 − ρ)·g²
        v[i] = vi
        p[i] = p[i] - (gi / (np.sqrt(vi) + eps)) * lr


@_jit
def adagrad(p, g, s, eps, lr):                      # pragma: no cover - compiled
    for i in range(p.size):
        gi = g[i]
        si = s[i] + gi * gi                         # s ← s + g²
        s[i] = si
        p[i] = p[i] - (gi / (np.sqrt(si) + eps)) * lr


# Arguments of each kernel: (arrays, scalars of the arrays' dtype, bool flags), as the
# optimizers pass them.
ARGUMENTS = {"sgd": (2, 1, 0), "sgd_momentum": (3, 2, 2), "adam": (4, 7, 0),
             "rmsprop": (3, 4, 0), "adagrad": (3, 2, 0)}


def warm(name: str, dtype: np.dtype):
    """Kernel ``name`` made ready for arrays of ``dtype`` (loaded from numba's cache, or
    compiled): one call on 1-element arrays with the argument types the optimizers use."""
    n_arrays, n_scalars, n_flags = ARGUMENTS[name]
    fn = globals()[name]
    one = dtype.type(1)
    fn(*(np.zeros(1, dtype=dtype) for _ in range(n_arrays)), *([one] * n_scalars),
       *([False] * n_flags))
    return fn
