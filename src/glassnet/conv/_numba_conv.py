"""Compiled (numba) kernels of the convolution and pooling layers. Imported only through
:mod:`glassnet.conv.compiled`, which decides when loading them repays.

Each kernel does, number by number, *exactly* the floating-point operations of the NumPy
reference it replaces, in the same order and in the arrays' dtype (no fast-math, no fused
multiply-add), so both paths give the same bits; ``tests/conv/test_conv_compiled.py`` checks
that they do, with NaN, ±inf and ±0 among the inputs. What a kernel saves is the passes
through memory and the per-call overhead of a dozen NumPy calls on strided views. They are
serial on purpose: with ``parallel=True`` their threads fight OpenBLAS's for the cores and the
training step got 2.7× slower.

NumPy's ``maximum(a, b)`` is ``a if (a > b or a != a) else b`` (NaN propagates; of two equal
numbers, e.g. ``-0.0`` and ``+0.0``, the second), as ``_max`` here.

Memory layouts: the pooling kernels take a C-contiguous ``(O, H, W, I)`` array, the memory of
an NCHW batch whose two spatial axes are adjacent: ``(C, H, W, N)`` for the batch-last maps of
:class:`glassnet.layers.Conv2D` (``O = C, I = N``), ``(N, C, H, W)`` for a C-contiguous batch
(``O = N·C, I = 1``). :func:`col2im` takes ``dcols`` as ``(C, kh, kw, A, Ho, Wo, B)`` and
``dx`` as ``(C, A, H, W, B)``, with ``A, B = 1, N`` batch-last and ``N, 1`` otherwise.
"""

from __future__ import annotations

import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True, error_model="numpy", boundscheck=False)


@_jit
def _max(a, b):                                     # pragma: no cover - compiled
    return a if (a > b or a != a) else b            # np.maximum(a, b), bit for bit


@_jit
def bias_relu(z, b):                                # pragma: no cover - compiled
    """``z[f, :] = maximum(z[f, :] + b[f], 0)`` in place, ``z: (F, P)`` C-contiguous: the
    reference's ``z += b[:, None]`` then ``np.maximum(z, 0, out=z)``."""
    for f in range(z.shape[0]):
        bf = b[f]
        row = z[f]
        for p in range(row.shape[0]):
            v = row[p] + bf
            row[p] = v if (v > 0 or v != v) else 0
    return z


@_jit
def bias_add(z, b):                                 # pragma: no cover - compiled
    """``z[f, :] += b[f]`` in place, ``z: (F, P)`` C-contiguous."""
    for f in range(z.shape[0]):
        bf = b[f]
        row = z[f]
        for p in range(row.shape[0]):
            row[p] = row[p] + bf
    return z


@_jit
def relu_backward(g, a, out):                       # pragma: no cover - compiled
    """``out = g · [a > 0]`` for flat arrays: the reference's ``np.multiply(g, a > 0)`` (the
    mask is 1.0 or 0.0, so a NaN or ±inf gradient times 0 is NaN there too)."""
    for k in range(g.shape[0]):
        gk = g[k]
        out[k] = gk * 1 if a[k] > 0 else gk * 0
    return out


@_jit
def col2im(dcols, dx, stride_h, stride_w, top, left):  # pragma: no cover - compiled
    """Adjoint of im2col, the reference's tap-by-tap ``+=``: each pixel starts at 0 and adds
    the columns that read it in tap order ``(i, j)``. ``dcols: (C, kh, kw, A, Ho, Wo, B)``,
    ``dx: (C, A, H, W, B)``, both C-contiguous; ``dx`` is overwritten."""
    c_n, kh, kw, a_n, ho, wo, b_n = dcols.shape
    h_n, w_n = dx.shape[2], dx.shape[3]
    for c in range(c_n):
        for a in range(a_n):
            for h in range(h_n):
                for w in range(w_n):
                    acc = dx[c, a, h, w]
                    for k in range(b_n):
                        acc[k] = 0
                    for i in range(kh):
                        num_h = h + top - i                 # p·sh = h + top − i
                        if num_h < 0 or num_h % stride_h:
                            continue
                        p = num_h // stride_h
                        if p >= ho:
                            continue
                        for j in range(kw):
                            num_w = w + left - j
                            if num_w < 0 or num_w % stride_w:
                                continue
                            q = num_w // stride_w
                            if q >= wo:
                                continue
                            src = dcols[c, i, j, a, p, q]
                            for k in range(b_n):
                                acc[k] = acc[k] + src[k]
    return dx


@_jit
def max_pool_forward(x, out, ph, pw):               # pragma: no cover - compiled
    """Non-overlapping ``ph × pw`` max pooling of ``x: (O, H, W, I)`` into ``out: (O, Ho, Wo,
    I)``, in the reference's order: the maximum of each window row over its columns
    (``row_max``), then of those over the rows."""
    o_n, ho, wo, i_n = out.shape
    for o in range(o_n):
        for p in range(ho):
            for q in range(wo):
                dst = out[o, p, q]
                for k in range(i_n):
                    best = x[o, p * ph, q * pw, k]
                    for j in range(1, pw):
                        best = _max(best, x[o, p * ph, q * pw + j, k])
                    for r in range(1, ph):
                        row = x[o, p * ph + r, q * pw, k]
                        for j in range(1, pw):
                            row = _max(row, x[o, p * ph + r, q * pw + j, k])
                        best = _max(best, row)
                    dst[k] = best
    return out


@_jit
def max_pool_backward(grad, x, out, dx, ph, pw):    # pragma: no cover - compiled
    """Gradient of :func:`max_pool_forward`, the reference's ``_route`` twice: to the first
    window row whose maximum equals the window's, then to the first column of that row that
    equals the row's maximum, with the reference's arithmetic (``taken = remaining · [hit]``,
    ``remaining −= taken``; the last row / column gets what remains). ``grad, out: (O, Ho, Wo,
    I)``, ``x, dx: (O, H, W, I)``; cells outside every window are left as they are."""
    o_n, ho, wo, i_n = out.shape
    for o in range(o_n):
        for p in range(ho):
            for q in range(wo):
                for k in range(i_n):
                    best = out[o, p, q, k]
                    rem_rows = grad[o, p, q, k]
                    for r in range(ph):
                        r0 = p * ph + r
                        row = x[o, r0, q * pw, k]           # this row's maximum, as forward
                        for j in range(1, pw):
                            row = _max(row, x[o, r0, q * pw + j, k])
                        if r < ph - 1:
                            d_row = rem_rows * 1 if row == best else rem_rows * 0
                            rem_rows = rem_rows - d_row
                        else:
                            d_row = rem_rows
                        rem = d_row
                        for j in range(pw - 1):
                            c0 = q * pw + j
                            taken = rem * 1 if x[o, r0, c0, k] == row else rem * 0
                            dx[o, r0, c0, k] = taken
                            rem = rem - taken
                        dx[o, r0, q * pw + pw - 1, k] = rem
    return dx


# Arguments each kernel is warmed with: arrays of these ranks, then int scalars.
SIGNATURES = {
    "bias_relu": ((2, 1), 0), "bias_add": ((2, 1), 0), "relu_backward": ((1, 1, 1), 0),
    "col2im": ((7, 5), 4), "max_pool_forward": ((4, 4), 2),
    "max_pool_backward": ((4, 4, 4, 4), 2),
}


def warm(name: str, dtype: np.dtype):
    """Kernel ``name`` made ready for arrays of ``dtype`` (from numba's cache, or compiled):
    one call on arrays of ones with the argument types the layers pass."""
    ranks, n_ints = SIGNATURES[name]
    fn = globals()[name]
    fn(*(np.ones((1,) * r, dtype=dtype) for r in ranks), *([1] * n_ints))
    return fn
