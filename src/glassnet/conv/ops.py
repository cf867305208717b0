"""Convolution arithmetic: output sizes, padding, im2col / col2im and the Conv2D passes.

Everything here is a pure NumPy function on NCHW batches; :class:`glassnet.layers.Conv2D` is a
thin class around :func:`conv2d_forward` and :func:`conv2d_backward`.

The im2col trick
----------------
A 2-D cross-correlation of a batch ``x: (N, C, H, W)`` with ``F`` filters ``W: (F, C, kh, kw)``
is one matrix product once every receptive field is laid out as a column::

    cols[(c, i, j), (n, p, q)] = x_pad[n, c, p·sh + i, q·sw + j]      (C·kh·kw, N·Ho·Wo)
    z = W.reshape(F, C·kh·kw) @ cols                                  (F, N·Ho·Wo)

``cols`` is written once, in the order the GEMM reads, with one strided copy per kernel tap
``(i, j)`` (kh·kw NumPy calls); the zero padding is never materialised, only the cells that read
it are zero. The output comes out filter-major, ``(F, N, Ho, Wo)`` in memory (seen as NCHW
through a transpose), and the backward pass keeps that layout: ``dW = dZ @ colsᵀ`` and
``dcols = Wᵀ @ dZ`` read it without a copy. col2im, the adjoint of im2col, adds every column
back onto the pixels it was read from: one strided ``+=`` per tap, never a loop over pixels.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from glassnet._validation import as_float_array, check_int, describe

Pair = tuple[int, int]
Pads = tuple[Pair, Pair]

PADDINGS = ("valid", "same")


def as_pair(value: Any, name: str, low: int = 1) -> Pair:
    """Return ``value`` (an int or a pair of ints, each ``>= low``) as a tuple ``(a, b)``."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair of ints, got {value!r}")
        return (check_int(value[0], f"{name}[0]", low=low),
                check_int(value[1], f"{name}[1]", low=low))
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int or a pair of ints, got {type(value).__name__} "
                        f"{describe(value)}")
    v = check_int(value, name, low=low)
    return (v, v)


def pair_to_config(pair: Pair) -> int | list[int]:
    """``(3, 3)`` → ``3``, ``(3, 5)`` → ``[3, 5]``: the JSON form used by ``get_config``."""
    return pair[0] if pair[0] == pair[1] else [pair[0], pair[1]]


def output_geometry(size: int, k: int, stride: int, padding: str, what: str = "input",
                    window: str = "kernel") -> tuple[int, int, int]:
    """Output length and padding along one axis.

    Parameters
    ----------
    size : int
        Input length (height or width).
    k : int
        Kernel (or pool window) length.
    stride : int
        Step between windows.
    padding : {"valid", "same"}
        ``"valid"``: no padding, only windows that fit. ``"same"``: zero padding such that
        ``out = ceil(size / stride)`` (TensorFlow/Keras rule).
    what, window : str
        Words for error messages, e.g. ``"input height"`` and ``"kernel"`` or ``"pool"``.

    Returns
    -------
    out, before, after : int
        Output length and the padding added before and after the input.

    Notes
    -----
    ``valid``: ``out = ⌊(size − k) / stride⌋ + 1``.
    ``same``: ``total = max((out − 1)·stride + k − size, 0)``, ``before = ⌊total / 2⌋``,
    ``after = total − before``. With stride 1 this is ``k − 1`` split ``(k−1)//2`` before and the
    rest after: for odd ``k`` PyTorch's ``padding=k//2``, for even ``k`` one more after than before
    (as TensorFlow and ``scipy.signal.correlate2d(mode="same")``).
    """
    if padding == "same":
        out = -(-size // stride)
        total = max((out - 1) * stride + k - size, 0)
        before = total // 2
        return out, before, total - before
    if k > size:
        raise ValueError(f"{window} size {k} is larger than the {what} {size} "
                         f"(use padding='same' or a smaller {window})")
    return (size - k) // stride + 1, 0, 0


def conv_geometry(hw: Pair, kernel: Pair, stride: Pair, padding: str,
                  window: str = "kernel") -> tuple[Pair, Pads]:
    """Output size ``(Ho, Wo)`` and paddings ``((top, bottom), (left, right))`` for an image."""
    ho, top, bottom = output_geometry(hw[0], kernel[0], stride[0], padding, "input height", window)
    wo, left, right = output_geometry(hw[1], kernel[1], stride[1], padding, "input width", window)
    return (ho, wo), ((top, bottom), (left, right))


def pad_images(x: np.ndarray, pads: Pads, value: float = 0.0) -> np.ndarray:
    """Pad the two spatial axes of ``x: (N, C, H, W)``; returns ``x`` itself when pads are zero."""
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, h + top + bottom, w + left + right), value, dtype=x.dtype)
    out[:, :, top:top + h, left:left + w] = x
    return out


def as_image_batch(x: Any, who: str, dtype: Any = None) -> np.ndarray:
    """Check a batch of images ``(N, C, H, W)`` and return it as a floating array.

    ``dtype`` is the layer's dtype (other numbers are converted to it, after a finiteness check).
    """
    arr = x if isinstance(x, np.ndarray) else np.asarray(x)
    if arr.ndim != 4:
        hint = ""
        if arr.ndim == 3:
            hint = (f"; for single-channel images add the channel axis, e.g. "
                    f"x.reshape({arr.shape[0]}, 1, {arr.shape[1]}, {arr.shape[2]})")
        raise ValueError(f"{who} expects input x of shape (n, channels, height, width) (NCHW), "
                         f"got {arr.ndim}-D array of shape {arr.shape}{hint}")
    if arr.dtype.kind != "f" or (dtype is not None and arr.dtype != dtype):
        arr = as_float_array(arr, "x", ndim=4, dtype=dtype)
    return arr


# ----------------------------------------------------------------------------- im2col / col2im


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


def im2col(x: np.ndarray, kernel: Pair, stride: Pair, out: np.ndarray | None = None,
           pads: Pads = ((0, 0), (0, 0)), fill_padding: bool = True) -> np.ndarray:
    """Lay out every receptive field of a batch as a column.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
        The images; any memory layout (a channel-first ``(C, N, H, W)`` buffer seen through
        ``transpose(1, 0, 2, 3)`` copies fastest).
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

    Returns
    -------
    cols : ndarray, shape (C·kh·kw, N·Ho·Wo), C-contiguous
        Rows ordered ``(c, i, j)`` like ``W.reshape(F, -1)``, columns ordered ``(n, p, q)``,
        with ``Ho = (H + top + bottom − kh)//sh + 1`` and ``Wo`` alike.

    Notes
    -----
    ``cols[(c, i, j), (n, p, q)] = x_pad[n, c, p·sh + i, q·sw + j]``. For each of the kh·kw
    taps ``(i, j)`` the block ``cols[(·, i, j), ·]`` is one strided copy of ``x`` (the outputs
    that read padding are left out, see :func:`tap_range`): kh·kw NumPy calls, no Python loop
    over pixels or samples, and no padded copy of the input.
    """
    n, c, h, w = x.shape
    kh, kw = kernel
    (top, bottom), (left, right) = pads
    ho = (h + top + bottom - kh) // stride[0] + 1
    wo = (w + left + right - kw) // stride[1] + 1
    if out is None:
        out = np.empty((c * kh * kw, n * ho * wo), dtype=x.dtype)
        fill_padding = True
    fields = out.reshape(c, kh, kw, n, ho, wo)                # a view of the C-contiguous out
    x_cn = x.transpose(1, 0, 2, 3)                            # (C, N, H, W), a view
    for i, j, out_rows, out_cols, in_rows, in_cols in _taps(x.shape, kernel, stride, pads):
        tap = fields[:, i, j]                                 # (C, N, Ho, Wo)
        if fill_padding:
            tap[:, :, :out_rows.start] = 0
            tap[:, :, out_rows.stop:] = 0
            tap[:, :, :, :out_cols.start] = 0
            tap[:, :, :, out_cols.stop:] = 0
        tap[:, :, out_rows, out_cols] = x_cn[:, :, in_rows, in_cols]
    return out


def col2im(dcols: np.ndarray, x_shape: tuple[int, ...], kernel: Pair, stride: Pair,
           pads: Pads, out: np.ndarray | None = None) -> np.ndarray:
    """Adjoint of :func:`im2col`: add each column back onto the pixels it was read from.

    Parameters
    ----------
    dcols : ndarray, shape (C·kh·kw, N·Ho·Wo)
        Gradient with respect to ``cols``.
    x_shape : (N, C, H, W)
        Shape of the (unpadded) input.
    kernel, stride : (int, int)
    pads : ((top, bottom), (left, right))
    out : ndarray, shape (N, C, H, W), optional
        Array to write ``dx`` into, best a transposed view of a C-contiguous ``(C, N, H, W)``.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
        By default a transposed view of a new channel-first ``(C, N, H, W)`` array (the layout
        in which the slices of ``dcols`` fit without a transpose).

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
    fields = dcols.reshape(c, kh, kw, n, ho, wo)
    if out is None:
        dx = np.zeros((c, n, h, w), dtype=dcols.dtype)        # channel-first, like dcols
    else:
        dx = out.transpose(1, 0, 2, 3)
        dx[...] = 0
    for i, j, out_rows, out_cols, in_rows, in_cols in _taps(x_shape, kernel, stride, pads):
        target = dx[:, :, in_rows, in_cols]                   # a view: += writes into dx
        target += fields[:, i, j, :, out_rows, out_cols]
    return dx.transpose(1, 0, 2, 3)


# ----------------------------------------------------------------------------- Conv2D passes


def conv2d_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: Pair = (1, 1),
                   pads: Pads = ((0, 0), (0, 0)), keep_cols: bool = True,
                   chunk: int | None = None, cols_out: np.ndarray | None = None,
                   cols_ready: bool = False, out: np.ndarray | None = None
                   ) -> tuple[np.ndarray, np.ndarray | None]:
    """Cross-correlate a batch with a bank of filters: ``z = W ⋆ x + b``.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    W : ndarray, shape (F, C, kh, kw)
    b : ndarray, shape (F,)
    stride : (sh, sw)
    pads : ((top, bottom), (left, right))
        Zero padding, see :func:`conv_geometry`.
    keep_cols : bool
        Return the im2col matrix for the backward pass (else None).
    chunk : int, optional
        Process this many samples at a time (bounds memory when ``keep_cols`` is False).
    cols_out : ndarray, shape (C·kh·kw, N·Ho·Wo), optional
        C-contiguous buffer for the im2col matrix.
    cols_ready : bool
        ``cols_out`` already holds the zeros of the padding cells (it held the columns of a
        batch of the same shape), so only the cells read from ``x`` are written.
    out : ndarray, shape (F, N·Ho·Wo), optional
        C-contiguous array to write ``z`` into (filter-major).

    Returns
    -------
    z : ndarray, shape (N, F, Ho, Wo)
        A transposed view of a filter-major ``(F, N, Ho, Wo)`` buffer, so
        ``z.transpose(1, 0, 2, 3).reshape(F, -1)`` is free.
    cols : ndarray, shape (C·kh·kw, N·Ho·Wo) or None

    Notes
    -----
    ``z[n, f, p, q] = b[f] + Σ_{c,i,j} W[f, c, i, j] · x_pad[n, c, p·sh + i, q·sw + j]``,
    computed as one GEMM ``W.reshape(F, -1) @ cols``: ``(F, C·kh·kw) @ (C·kh·kw, N·Ho·Wo)``.
    Its output is already filter-major, the layout the backward GEMMs read without a copy.
    """
    n = x.shape[0]
    f = W.shape[0]
    kernel = W.shape[2:]
    w_mat = W.reshape(f, -1)                                      # (F, C·kh·kw)
    (top, bottom), (left, right) = pads
    ho = (x.shape[2] + top + bottom - kernel[0]) // stride[0] + 1
    wo = (x.shape[3] + left + right - kernel[1]) // stride[1] + 1
    if keep_cols or chunk is None or chunk >= n:
        cols = im2col(x, kernel, stride, out=cols_out, pads=pads,
                      fill_padding=not (cols_ready and cols_out is not None))
        z = np.matmul(w_mat, cols, out=out)                       # (F, N·Ho·Wo)
    else:
        cols = None
        z = np.empty((f, n * ho * wo), dtype=np.result_type(x, W)) if out is None else out
        buf = None
        for s in range(0, n, chunk):
            e = min(s + chunk, n)
            ready = buf is not None and buf.shape[1] == (e - s) * ho * wo
            if not ready:
                buf = np.empty((w_mat.shape[1], (e - s) * ho * wo), dtype=x.dtype)
            im2col(x[s:e], kernel, stride, out=buf, pads=pads, fill_padding=not ready)
            np.matmul(w_mat, buf, out=z[:, s * ho * wo:e * ho * wo])
    z += b[:, None]
    z = z.reshape(f, n, ho, wo).transpose(1, 0, 2, 3)
    return z, (cols if keep_cols else None)


def conv2d_backward(dz: np.ndarray, cols: np.ndarray, W: np.ndarray, x_shape: tuple[int, ...],
                    stride: Pair, pads: Pads, dW: np.ndarray, db: np.ndarray,
                    need_dx: bool = True, dcols_out: np.ndarray | None = None,
                    dx_out: np.ndarray | None = None) -> np.ndarray | None:
    """Gradients of :func:`conv2d_forward` given ``dz = dL/dz``.

    Parameters
    ----------
    dz : ndarray, shape (N, F, Ho, Wo)
        Fastest as a transposed view of a filter-major ``(F, N, Ho, Wo)`` buffer (as
        :func:`conv2d_forward` returns ``z``); any other layout costs one copy.
    cols : ndarray, shape (C·kh·kw, N·Ho·Wo)
        From the forward pass.
    W : ndarray, shape (F, C, kh, kw)
    x_shape : (N, C, H, W)
    stride, pads : as in :func:`conv2d_forward`
    dW : ndarray, shape (F, C, kh, kw)
        Filled in place with dL/dW.
    db : ndarray, shape (F,)
        Filled in place with dL/db.
    need_dx : bool
        Compute dL/dx (False for the first layer: nobody needs the data's gradient, and the
        GEMM and col2im of dx are skipped).
    dcols_out : ndarray, shape (C·kh·kw, N·Ho·Wo), optional
        Scratch buffer for ``dL/dcols``.
    dx_out : ndarray, shape (N, C, H, W), optional
        Array to write ``dx`` into (see :func:`col2im`).

    Returns
    -------
    dx : ndarray, shape (N, C, H, W), or None
        A transposed view of a channel-first buffer (see :func:`col2im`).

    Notes
    -----
    With ``Z = W_mat @ cols`` (``dZ`` laid out as ``(F, N·Ho·Wo)``):
    ``dW_mat = dZ @ colsᵀ``, ``db = Σ_columns dZ``, ``dcols = W_matᵀ @ dZ``, then
    ``dx = col2im(dcols)``.
    """
    f = W.shape[0]
    dz_mat = dz.transpose(1, 0, 2, 3).reshape(f, -1)             # (F, N·Ho·Wo), free if F-major
    dW[...] = (cols @ dz_mat.T).T.reshape(W.shape)              # = dz_mat @ colsᵀ, faster
    np.sum(dz_mat, axis=1, out=db)
    if not need_dx:
        return None
    dcols = np.matmul(W.reshape(f, -1).T, dz_mat, out=dcols_out)  # (C·kh·kw, N·Ho·Wo)
    return col2im(dcols, x_shape, W.shape[2:], stride, pads, out=dx_out)


def inference_chunk(n_rows: int, per_sample: int, budget: int = 1 << 22) -> int:
    """Samples per im2col chunk so that a chunk holds about ``budget`` numbers (at least 1)."""
    return max(1, min(n_rows, budget // max(per_sample, 1)))


__all__ = [
    "PADDINGS", "as_pair", "pair_to_config", "output_geometry", "conv_geometry", "pad_images",
    "as_image_batch", "tap_range", "im2col", "col2im", "conv2d_forward", "conv2d_backward",
    "inference_chunk",
]
