"""im2col and col2im: every receptive field of a batch as one column of a matrix, and back.

A 2-D cross-correlation of a batch ``x: (N, C, H, W)`` with ``F`` filters ``W: (F, C, kh, kw)``
is one matrix product once every receptive field is laid out as a column::

    cols[(c, i, j), (n, p, q)] = x_pad[n, c, p·sh + i, q·sw + j]      (C·kh·kw, N·Ho·Wo)
    z = W.reshape(F, C·kh·kw) @ cols                                  (F, N·Ho·Wo)

:func:`im2col` writes ``cols`` with one strided copy per kernel tap ``(i, j)`` (kh·kw NumPy
calls, never a loop over pixels or samples); the zero padding is never materialised, only the
cells that read it are zero (:func:`tap_range` says which). :func:`col2im` is its adjoint: it
adds every column back onto the pixels it was read from, one strided ``+=`` per tap.

Both work in one of two column orders: ``(n, p, q)`` (the textbook one) or batch-last
``(p, q, n)``, which makes every copy a few long contiguous runs instead of many short ones
(see :func:`im2col`). :class:`glassnet.layers.Conv2D` trains batch-last.
"""

from __future__ import annotations

import numpy as np

Pair = tuple[int, int]
Pads = tuple[Pair, Pair]


def tap_range(size: int, offset: int, stride: int, before: int, out_len: int
              ) -> tuple[slice, slice]:
    """Which outputs of one axis read a real (unpadded) cell through kernel tap ``offset``.

    Output ``p`` reads input index ``r = p·stride + offset − before``; only ``0 <= r < size``
    are real cells, the rest is zero padding.

    Returns
    -------
    outputs : slice
        The outputs ``p0:p1`` that read real cells (possibly empty).
    inputs : slice
        The input cells they read, ``r0 : r0 + (p1−p0−1)·stride + 1 : stride``.
    """
    p0 = max(0, -(-(before - offset) // stride))                      # ceil((before − i) / s)
    p1 = min(out_len, (size - 1 + before - offset) // stride + 1)
    if p1 <= p0:
        return slice(0, 0), slice(0, 0)
    r0 = p0 * stride + offset - before
    return slice(p0, p1), slice(r0, r0 + (p1 - p0 - 1) * stride + 1, stride)


def _taps(x_shape: tuple[int, ...], kernel: Pair, stride: Pair, pads: Pads):
    """Yield ``(i, j, out_rows, out_cols, in_rows, in_cols)`` for every kernel tap ``(i, j)``."""
    h, w = x_shape[2:]
    (top, bottom), (left, right) = pads
    ho = (h + top + bottom - kernel[0]) // stride[0] + 1
    wo = (w + left + right - kernel[1]) // stride[1] + 1
    cols_of = [tap_range(w, j, stride[1], left, wo) for j in range(kernel[1])]
    for i in range(kernel[0]):
        out_rows, in_rows = tap_range(h, i, stride[0], top, ho)
        for j in range(kernel[1]):
            yield (i, j, out_rows, cols_of[j][0], in_rows, cols_of[j][1])


def _blocks(batch_last: bool):
    """How to cut an ``(C, N, H, W)``-like block: returns ``(to_memory_order, crop)``.

    ``to_memory_order`` turns an NCHW view into the channel-major order of the columns
    (``(C, N, H, W)``, or ``(C, H, W, N)`` with the batch last); ``crop(a, rows, cols)`` slices
    the spatial axes of an array in that order.
    """
    if batch_last:
        return (lambda a: a.transpose(1, 2, 3, 0)), (lambda a, r, c: a[:, r, c])
    return (lambda a: a.transpose(1, 0, 2, 3)), (lambda a, r, c: a[:, :, r, c])


def im2col(x: np.ndarray, kernel: Pair, stride: Pair, out: np.ndarray | None = None,
           pads: Pads = ((0, 0), (0, 0)), fill_padding: bool = True,
           batch_last: bool = False) -> np.ndarray:
    """Lay out every receptive field of a batch as a column.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
        The images, in any memory layout.
    kernel : (kh, kw)
    stride : (sh, sw)
    out : ndarray, shape (C·kh·kw, N·Ho·Wo), optional
        C-contiguous buffer to fill (saves allocating a large array at every step).
    pads : ((top, bottom), (left, right))
        Zero padding around ``x``. It is never built: the cells of ``cols`` that read it are
        set to zero, and the rest are copied from ``x``.
    fill_padding : bool
        Write the zeros of the padding cells. A buffer that held the columns of a batch of the
        same shape already has them, so a layer that reuses its buffer passes False.
    batch_last : bool
        Order the columns ``(p, q, n)`` instead of ``(n, p, q)`` (see Notes).

    Returns
    -------
    cols : ndarray, shape (C·kh·kw, N·Ho·Wo), C-contiguous
        Rows ordered ``(c, i, j)`` like ``W.reshape(F, -1)``, columns ordered ``(n, p, q)``
        (or ``(p, q, n)``), with ``Ho = (H + top + bottom − kh)//sh + 1`` and ``Wo`` alike.

    Notes
    -----
    ``cols[(c, i, j), (n, p, q)] = x_pad[n, c, p·sh + i, q·sw + j]``. For each of the kh·kw
    taps ``(i, j)`` the block ``cols[(·, i, j), ·]`` is one strided copy of ``x`` (the outputs
    that read padding are left out, see :func:`tap_range`): kh·kw NumPy calls, no Python loop
    over pixels or samples, and no padded copy of the input.

    The column order decides how long the contiguous runs of those copies are. With ``(n, p,
    q)`` a run is one image row (``Wo`` numbers, 14 for a 14×14 map); with the batch last,
    ``(p, q, n)``, it is a whole row of every image at once (``Wo·N`` numbers), and NumPy's
    per-run overhead vanishes: about 3× faster for small maps. The copy reads ``x`` in the
    ``(C, H, W, N)`` order then, so ``x`` is first copied to that order unless it is in it
    already (as :class:`glassnet.layers.Conv2D` and the pooling layers leave their outputs).
    """
    n, c, h, w = x.shape
    kh, kw = kernel
    (top, bottom), (left, right) = pads
    ho = (h + top + bottom - kh) // stride[0] + 1
    wo = (w + left + right - kw) // stride[1] + 1
    if out is None:
        out = np.empty((c * kh * kw, n * ho * wo), dtype=x.dtype)
        fill_padding = True
    order, crop = _blocks(batch_last)
    src = order(x)                                            # (C, N, H, W) or (C, H, W, N)
    if batch_last and not src.flags.c_contiguous:
        src = np.ascontiguousarray(src)                       # one copy makes long runs
    fields = out.reshape((c, kh, kw) + ((ho, wo, n) if batch_last else (n, ho, wo)))
    for i, j, out_rows, out_cols, in_rows, in_cols in _taps(x.shape, kernel, stride, pads):
        tap = fields[:, i, j]                                 # (C, N, Ho, Wo) or (C, Ho, Wo, N)
        if fill_padding:
            everything = slice(None)
            crop(tap, slice(None, out_rows.start), everything)[...] = 0
            crop(tap, slice(out_rows.stop, None), everything)[...] = 0
            crop(tap, everything, slice(None, out_cols.start))[...] = 0
            crop(tap, everything, slice(out_cols.stop, None))[...] = 0
        crop(tap, out_rows, out_cols)[...] = crop(src, in_rows, in_cols)
    return out


def col2im(dcols: np.ndarray, x_shape: tuple[int, ...], kernel: Pair, stride: Pair,
           pads: Pads, out: np.ndarray | None = None, batch_last: bool = False) -> np.ndarray:
    """Adjoint of :func:`im2col`: add each column back onto the pixels it was read from.

    Parameters
    ----------
    dcols : ndarray, shape (C·kh·kw, N·Ho·Wo)
        Gradient with respect to ``cols`` (columns in the order ``batch_last`` says).
    x_shape : (N, C, H, W)
        Shape of the (unpadded) input.
    kernel, stride : (int, int)
    pads : ((top, bottom), (left, right))
    out : ndarray, shape (N, C, H, W), optional
        Array to write ``dx`` into, best a transposed view of a C-contiguous ``(C, N, H, W)``
        array (``(C, H, W, N)`` with ``batch_last``).
    batch_last : bool
        The columns are ordered ``(p, q, n)``, see :func:`im2col`.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
        By default a transposed view of a new ``(C, N, H, W)`` (or ``(C, H, W, N)``) array:
        the layout in which the slices of ``dcols`` fit without a transpose.

    Notes
    -----
    Pixel ``(p·sh + i − top, q·sw + j − left)`` was read for output ``(p, q)`` through tap
    ``(i, j)``; summing over taps gives ``dx[:, :, in_rows, in_cols] += dcols[(·, i, j), (·, p,
    q)]`` over the outputs that read real cells (what fell on the padding is dropped). That is
    kh·kw strided additions, never a loop over pixels; overlapping windows (stride < kernel)
    add up, as the chain rule requires.
    """
    n, c, h, w = x_shape
    kh, kw = kernel
    (top, bottom), (left, right) = pads
    ho = (h + top + bottom - kh) // stride[0] + 1
    wo = (w + left + right - kw) // stride[1] + 1
    order, crop = _blocks(batch_last)
    fields = dcols.reshape((c, kh, kw) + ((ho, wo, n) if batch_last else (n, ho, wo)))
    if out is None:
        shape = (c, h, w, n) if batch_last else (c, n, h, w)
        dx = np.zeros(shape, dtype=dcols.dtype)
    else:
        dx = order(out)
        dx[...] = 0
    for i, j, out_rows, out_cols, in_rows, in_cols in _taps(x_shape, kernel, stride, pads):
        target = crop(dx, in_rows, in_cols)                   # a view: += writes into dx
        target += crop(fields[:, i, j], out_rows, out_cols)
    return dx.transpose(3, 0, 1, 2) if batch_last else dx.transpose(1, 0, 2, 3)


__all__ = ["Pair", "Pads", "tap_range", "im2col", "col2im"]
