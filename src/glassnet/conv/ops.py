"""Convolution arithmetic: output sizes, padding, and the Conv2D passes.

Everything here is a pure NumPy function on NCHW batches; :class:`glassnet.layers.Conv2D` is a
thin class around :func:`conv2d_forward` and :func:`conv2d_backward`.

The forward pass is im2col (see :mod:`glassnet.conv.im2col`) and one matrix product,
``z = W.reshape(F, C·kh·kw) @ cols``. Its output comes out filter-major, ``(F, N, Ho, Wo)`` in
memory (``(F, Ho, Wo, N)`` batch-last), seen as NCHW through a transpose, and the backward pass
keeps that layout: ``dW = dZ @ colsᵀ`` and ``dcols = Wᵀ @ dZ`` read it without a copy, and
col2im adds ``dcols`` back onto the input's pixels.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from glassnet._validation import as_float_array, check_int, describe
from glassnet.conv.im2col import Pads, Pair, col2im, im2col, tap_range

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


# ----------------------------------------------------------------------------- Conv2D passes


def conv2d_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, stride: Pair = (1, 1),
                   pads: Pads = ((0, 0), (0, 0)), keep_cols: bool = True,
                   chunk: int | None = None, cols_out: np.ndarray | None = None,
                   cols_ready: bool = False, out: np.ndarray | None = None,
                   batch_last: bool = False) -> tuple[np.ndarray, np.ndarray | None]:
    """Cross-correlate a batch with a bank of filters: ``z = W ⋆ x + b``.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    W : ndarray, shape (F, C, kh, kw)
    b : ndarray, shape (F,), or None
        None: no bias is added (the layer adds it, fused with its activation).
    stride : (sh, sw)
    pads : ((top, bottom), (left, right))
        Zero padding, see :func:`conv_geometry`.
    keep_cols : bool
        Return the im2col matrix for the backward pass (else None).
    chunk : int, optional
        Process this many samples at a time (bounds memory when ``keep_cols`` is False; not
        with ``batch_last``).
    cols_out : ndarray, shape (C·kh·kw, N·Ho·Wo), optional
        C-contiguous buffer for the im2col matrix.
    cols_ready : bool
        ``cols_out`` already holds the zeros of the padding cells (it held the columns of a
        batch of the same shape), so only the cells read from ``x`` are written.
    out : ndarray, shape (F, N·Ho·Wo), optional
        C-contiguous array to write ``z`` into (filter-major).
    batch_last : bool
        Order the columns of ``cols`` and ``z`` ``(p, q, n)``: the layout in which the
        convolution layer works (see :func:`im2col`).

    Returns
    -------
    z : ndarray, shape (N, F, Ho, Wo)
        A transposed view of a filter-major ``(F, N, Ho, Wo)`` buffer (``(F, Ho, Wo, N)``
        with ``batch_last``), so ``z`` as an ``(F, N·Ho·Wo)`` matrix is free.
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
    if keep_cols or batch_last or chunk is None or chunk >= n:
        cols = im2col(x, kernel, stride, out=cols_out, pads=pads,
                      fill_padding=not (cols_ready and cols_out is not None),
                      batch_last=batch_last)
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
    if b is not None:
        z += b[:, None]
    if batch_last:
        return z.reshape(f, ho, wo, n).transpose(3, 0, 1, 2), (cols if keep_cols else None)
    return z.reshape(f, n, ho, wo).transpose(1, 0, 2, 3), (cols if keep_cols else None)


def conv2d_backward(dz: np.ndarray, cols: np.ndarray, W: np.ndarray, x_shape: tuple[int, ...],
                    stride: Pair, pads: Pads, dW: np.ndarray, db: np.ndarray,
                    need_dx: bool = True, dcols_out: np.ndarray | None = None,
                    dx_out: np.ndarray | None = None, batch_last: bool = False,
                    col2im_fn=None) -> np.ndarray | None:
    """Gradients of :func:`conv2d_forward` given ``dz = dL/dz``.

    Parameters
    ----------
    dz : ndarray, shape (N, F, Ho, Wo)
        Fastest in the layout :func:`conv2d_forward` returns ``z`` in; any other layout costs
        one copy.
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
    batch_last : bool
        ``cols`` has its columns ordered ``(p, q, n)``, as in :func:`conv2d_forward`.
    col2im_fn : callable, optional
        Stands in for :func:`col2im` (same arguments, same result): the layer passes the
        compiled one of :mod:`glassnet.conv.compiled`.

    Returns
    -------
    dx : ndarray, shape (N, C, H, W), or None
        A transposed view of a channel-major buffer (see :func:`col2im`).

    Notes
    -----
    With ``Z = W_mat @ cols`` (``dZ`` laid out as ``(F, N·Ho·Wo)``):
    ``dW_mat = dZ @ colsᵀ``, ``db = Σ_columns dZ``, ``dcols = W_matᵀ @ dZ``, then
    ``dx = col2im(dcols)``.
    """
    f = W.shape[0]
    dz_f = dz.transpose(1, 2, 3, 0) if batch_last else dz.transpose(1, 0, 2, 3)
    dz_mat = dz_f.reshape(f, -1)                                 # (F, N·Ho·Wo), free if F-major
    dW[...] = product_nt(cols, dz_mat).T.reshape(W.shape)       # = dz_mat @ colsᵀ, faster
    np.sum(dz_mat, axis=1, out=db)
    if not need_dx:
        return None
    dcols = np.matmul(W.reshape(f, -1).T, dz_mat, out=dcols_out)  # (C·kh·kw, N·Ho·Wo)
    scatter = col2im if col2im_fn is None else col2im_fn
    return scatter(dcols, x_shape, W.shape[2:], stride, pads, out=dx_out, batch_last=batch_last)


def product_nt(a: np.ndarray, b: np.ndarray, block: int = 2048) -> np.ndarray:
    """``a @ b.T`` for ``a: (m, k)``, ``b: (n, k)``, fast also for a small ``(m, n)`` result.

    Notes
    -----
    The weight gradient of a convolution is such a product: a tiny ``(C·kh·kw, F)`` result
    summed over a long ``k = N·Ho·Wo`` (72 × 8 over 50 176 for a first layer on a batch of 64
    MNIST images). OpenBLAS runs that on one thread without blocking the long dimension, 3-4×
    slower than summing the products of ``block``-column slices, which is what this does when
    the result is small (fewer than 1 024 numbers) and ``k`` long; otherwise it is one GEMM.
    """
    m, k = a.shape
    if m * b.shape[0] >= 1024 or k < 2 * block:
        return a @ b.T
    out = a[:, :block] @ b[:, :block].T
    for s in range(block, k, block):
        out += a[:, s:s + block] @ b[:, s:s + block].T
    return out


def inference_chunk(n_rows: int, per_sample: int, budget: int = 1 << 22) -> int:
    """Samples per im2col chunk so that a chunk holds about ``budget`` numbers (at least 1)."""
    return max(1, min(n_rows, budget // max(per_sample, 1)))


__all__ = [
    "PADDINGS", "as_pair", "pair_to_config", "output_geometry", "conv_geometry", "pad_images",
    "as_image_batch", "tap_range", "im2col", "col2im", "conv2d_forward", "conv2d_backward",
    "product_nt", "inference_chunk",
]
