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
    zero = np.zeros(1, dtype=g.dtype)[0]
    for k in range(g.shape[0]):
        gk = g[k]
        out[k] = gk if a[k] > 0 else gk * zero
    return out


@_jit
def col2im(dcols, dx, stride_h, stride_w, top, left):  # pragma: no cover - compiled
    """Adjoint of im2col, the reference's tap-by-tap ``+=``: ``dx`` starts at 0 and each tap
    ``(i, j)`` in turn adds its columns onto the pixels they read, so every pixel sums the
    same numbers in the same order. ``dcols: (C, kh, kw, A, Ho, Wo, B)``, ``dx: (C, A, H, W,
    B)``, both C-contiguous; ``dx`` is overwritten. ``dcols`` is read once, in order."""
    c_n, kh, kw, a_n, ho, wo, b_n = dcols.shape
    h_n, w_n = dx.shape[2], dx.shape[3]
    for c in range(c_n):
        for a in range(a_n):
            plane = dx[c, a]
            for h in range(h_n):
                for w in range(w_n):
                    row = plane[h, w]
                    for k in range(b_n):
                        row[k] = 0
        for i in range(kh):
            # outputs p whose pixel h = p·sh + i − top lies in 0 <= h < H
            p0 = max(0, -((i - top) // stride_h))
            p1 = min(ho, (h_n - 1 + top - i) // stride_h + 1)
            for j in range(kw):
                q0 = max(0, -((j - left) // stride_w))
                q1 = min(wo, (w_n - 1 + left - j) // stride_w + 1)
                for a in range(a_n):
                    src_plane = dcols[c, i, j, a]
                    dst_plane = dx[c, a]
                    for p in range(p0, p1):
                        h = p * stride_h + i - top
                        for q in range(q0, q1):
                            src = src_plane[p, q]
                            dst = dst_plane[h, q * stride_w + j - left]
                            for k in range(b_n):
                                dst[k] = dst[k] + src[k]
    return dx


@_jit
def _take(rem, hit, zero):                          # pragma: no cover - compiled
    return rem if hit else rem * zero               # the reference's rem · 1.0 or rem · 0.0


@_jit
def max_pool_forward(x, out, ph, pw):               # pragma: no cover - compiled
    """Non-overlapping ``ph × pw`` max pooling of ``x: (O, H, W, I)`` into ``out: (O, Ho, Wo,
    I)``, in the reference's order: the maximum of each window row over its columns
    (``row_max``), then of those over the rows. The innermost loops run over ``I``."""
    o_n, ho, wo, i_n = out.shape
    if ph == 2 and pw == 2:
        for o in range(o_n):
            for p in range(ho):
                for q in range(wo):
                    a, b = x[o, 2 * p, 2 * q], x[o, 2 * p, 2 * q + 1]
                    c, d = x[o, 2 * p + 1, 2 * q], x[o, 2 * p + 1, 2 * q + 1]
                    dst = out[o, p, q]
                    for k in range(i_n):
                        dst[k] = _max(_max(a[k], b[k]), _max(c[k], d[k]))
        return out
    row = np.empty(i_n, dtype=x.dtype)
    for o in range(o_n):
        for p in range(ho):
            for q in range(wo):
                dst = out[o, p, q]
                for r in range(ph):
                    src = x[o, p * ph + r]
                    first = src[q * pw]
                    for k in range(i_n):
                        row[k] = first[k]
                    for j in range(1, pw):
                        col = src[q * pw + j]
                        for k in range(i_n):
                            row[k] = _max(row[k], col[k])
                    if r == 0:
                        for k in range(i_n):
                            dst[k] = row[k]
                    else:
                        for k in range(i_n):
                            dst[k] = _max(dst[k], row[k])
    return out


@_jit
def max_pool_backward(grad, x, out, dx, ph, pw):    # pragma: no cover - compiled
    """Gradient of :func:`max_pool_forward`, the reference's ``_route`` twice: to the first
    window row whose maximum equals the window's, then to the first column of that row that
    equals the row's maximum, with the reference's arithmetic (``taken = remaining · [hit]``,
    ``remaining −= taken``; the last row / column gets what remains). ``grad, out: (O, Ho, Wo,
    I)``, ``x, dx: (O, H, W, I)``; cells outside every window are left as they are."""
    o_n, ho, wo, i_n = out.shape
    zero = np.zeros(1, dtype=grad.dtype)[0]
    if ph == 2 and pw == 2:
        for o in range(o_n):
            for p in range(ho):
                for q in range(wo):
                    a, b = x[o, 2 * p, 2 * q], x[o, 2 * p, 2 * q + 1]
                    c, d = x[o, 2 * p + 1, 2 * q], x[o, 2 * p + 1, 2 * q + 1]
                    da, db = dx[o, 2 * p, 2 * q], dx[o, 2 * p, 2 * q + 1]
                    dc, dd = dx[o, 2 * p + 1, 2 * q], dx[o, 2 * p + 1, 2 * q + 1]
                    g, best = grad[o, p, q], out[o, p, q]
                    for k in range(i_n):
                        r0 = _max(a[k], b[k])
                        r1 = _max(c[k], d[k])
                        d0 = _take(g[k], r0 == best[k], zero)
                        d1 = g[k] - d0
                        t0 = _take(d0, a[k] == r0, zero)
                        da[k] = t0
                        db[k] = d0 - t0
                        t1 = _take(d1, c[k] == r1, zero)
                        dc[k] = t1
                        dd[k] = d1 - t1
        return dx
    row = np.empty(i_n, dtype=x.dtype)
    rem_rows = np.empty(i_n, dtype=grad.dtype)
    rem = np.empty(i_n, dtype=grad.dtype)
    for o in range(o_n):
        for p in range(ho):
            for q in range(wo):
                g, best = grad[o, p, q], out[o, p, q]
                for k in range(i_n):
                    rem_rows[k] = g[k]
                for r in range(ph):
                    src, dst = x[o, p * ph + r], dx[o, p * ph + r]
                    first = src[q * pw]
                    for k in range(i_n):
                        row[k] = first[k]
                    for j in range(1, pw):              # this row's maximum, as forward
                        col = src[q * pw + j]
                        for k in range(i_n):
                            row[k] = _max(row[k], col[k])
                    if r < ph - 1:
                        for k in range(i_n):
                            rem[k] = _take(rem_rows[k], row[k] == best[k], zero)
                            rem_rows[k] = rem_rows[k] - rem[k]
                    else:
                        for k in range(i_n):
                            rem[k] = rem_rows[k]
                    for j in range(pw - 1):
                        col, target = src[q * pw + j], dst[q * pw + j]
                        for k in range(i_n):
                            taken = _take(rem[k], col[k] == row[k], zero)
                            target[k] = taken
                            rem[k] = rem[k] - taken
                    target = dst[q * pw + pw - 1]
                    for k in range(i_n):
                        target[k] = rem[k]
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
