"""Convolution arithmetic: output sizes, padding, im2col / col2im and the Conv2D passes.

Everything here is a pure NumPy function on NCHW batches; :class:`glassnet.layers.Conv2D` is a
thin class around :func:`conv2d_forward` and :func:`conv2d_backward`.

The im2col trick
----------------
A 2-D cross-correlation of a batch ``x: (N, C, H, W)`` with ``F`` filters ``W: (F, C, kh, kw)``
is one matrix product once every receptive field is laid out as a column::

    cols[(c, i, j), (n, p, q)] = x_pad[n, c, p·sh + i, q·sw + j]      (C·kh·kw, N·Ho·Wo)
    z = W.reshape(F, C·kh·kw) @ cols                                  (F, N·Ho·Wo)

``cols`` is read from a :func:`numpy.lib.stride_tricks.sliding_window_view` of the input (a view,
no copy) and made contiguous once, in the order that keeps the big GEMM fast.
The backward pass is the same product transposed, plus col2im, which adds every column back
onto the pixels it was read from: one strided ``+=`` per kernel offset ``(i, j)`` (kh·kw of
them), never a loop over pixels.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

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


def im2col(x_pad: np.ndarray, kernel: Pair, stride: Pair, out: np.ndarray | None = None
           ) -> np.ndarray:
    """Lay out every receptive field of an (already padded) batch as a column.

    Parameters
    ----------
    x_pad : ndarray, shape (N, C, Hp, Wp)
    kernel : (kh, kw)
    stride : (sh, sw)
    out : ndarray, shape (C·kh·kw, N·Ho·Wo), optional
        C-contiguous buffer to fill (saves allocating a large array at every step).

    Returns
    -------
    cols : ndarray, shape (C·kh·kw, N·Ho·Wo), C-contiguous
        Rows ordered ``(c, i, j)`` like ``W.reshape(F, -1)``, columns ordered ``(n, p, q)``,
        with ``Ho = (Hp − kh)//sh + 1`` and ``Wo = (Wp − kw)//sw + 1``.
    """
    n, c = x_pad.shape[:2]
    kh, kw = kernel
    sh, sw = stride
    windows = sliding_window_view(x_pad, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    ho, wo = windows.shape[2:4]                       # (N, C, Ho, Wo, kh, kw), a view
    fields = windows.transpose(1, 4, 5, 0, 2, 3)                 # (C, kh, kw, N, Ho, Wo)
    if out is None:
        return np.ascontiguousarray(fields).reshape(c * kh * kw, n * ho * wo)
    np.copyto(out.reshape(fields.shape), fields)      # reshape of a C-contiguous out: a view
    return out


def col2im(dcols: np.ndarray, x_shape: tuple[int, ...], kernel: Pair, stride: Pair,
           pads: Pads) -> np.ndarray:
    """Adjoint of :func:`im2col`: add each column back onto the pixels it was read from.

    Parameters
    ----------
    dcols : ndarray, shape (C·kh·kw, N·Ho·Wo)
        Gradient with respect to ``cols``.
    x_shape : (N, C, H, W)
        Shape of the unpadded input.
    kernel, stride : (int, int)
    pads : ((top, bottom), (left, right))

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
        A view (channel-first memory) of the accumulated gradient, padding cropped away.

    Notes
    -----
    Pixel ``(p·sh + i, q·sw + j)`` received ``x`` for output ``(p, q)`` through kernel offset
    ``(i, j)``; summing over offsets gives
    ``dx_pad[:, :, i + sh·p, j + sw·q] += dcols[(·, i, j), (·, p, q)]``. Overlapping windows
    (stride < kernel) add up, as the chain rule requires.
    """
    n, c, h, w = x_shape
    kh, kw = kernel
    sh, sw = stride
    (top, bottom), (left, right) = pads
    hp, wp = h + top + bottom, w + left + right
    ho, wo = (hp - kh) // sh + 1, (wp - kw) // sw + 1
    d6 = dcols.reshape(c, kh, kw, n, ho, wo)
    dx_pad = np.zeros((c, n, hp, wp), dtype=dcols.dtype)         # channel-first: slices of d6
    for i in range(kh):                                           # fit without a transpose
        for j in range(kw):
            dx_pad[:, :, i:i + sh * (ho - 1) + 1:sh, j:j + sw * (wo - 1) + 1:sw] += d6[:, i, j]
    return dx_pad[:, :, top:top + h, left:left + w].transpose(1, 0, 2, 3)


# ----------------------------------------------------------------------------- Conv2D passes


def conv2d_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: Pair = (1, 1),
                   pads: Pads = ((0, 0), (0, 0)), keep_cols: bool = True,
                   chunk: int | None = None, cols_out: np.ndarray | None = None
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

    Returns
    -------
    z : ndarray, shape (N, F, Ho, Wo)
        A transposed view of a filter-major ``(F, N, Ho, Wo)`` buffer, so
        ``z.transpose(1, 0, 2, 3).reshape(F, -1)`` is free.
    cols : ndarray, shape (C·kh·kw, N·Ho·Wo) or None

    Notes
    -----
    ``z[n, f, p, q] = b[f] + Σ_{c,i,j} W[f, c, i, j] · x_pad[n, c, p·sh + i, q·sw + j]``,
    computed as one GEMM ``W.reshape(F, -1) @ cols``.
    """
    n = x.shape[0]
    f = W.shape[0]
    kernel = W.shape[2:]
    w_mat = W.reshape(f, -1)                                      # (F, C·kh·kw)
    x_pad = pad_images(x, pads)
    ho = (x_pad.shape[2] - kernel[0]) // stride[0] + 1
    wo = (x_pad.shape[3] - kernel[1]) // stride[1] + 1
    if keep_cols or chunk is None or chunk >= n:
        cols = im2col(x_pad, kernel, stride, out=cols_out)        # (K, N·Ho·Wo)
        z = w_mat @ cols                                          # (F, N·Ho·Wo)
    else:
        cols = None
        z = np.empty((f, n * ho * wo), dtype=np.result_type(x, W))
        for s in range(0, n, chunk):
            e = min(s + chunk, n)
            z[:, s * ho * wo:e * ho * wo] = w_mat @ im2col(x_pad[s:e], kernel, stride)
    z += b[:, None]
    z = z.reshape(f, n, ho, wo).transpose(1, 0, 2, 3)
    return z, (cols if keep_cols else None)


def conv2d_backward(dz: np.ndarray, cols: np.ndarray, W: np.ndarray, x_shape: tuple[int, ...],
                    stride: Pair, pads: Pads, dW: np.ndarray, db: np.ndarray,
                    need_dx: bool = True) -> np.ndarray | None:
    """Gradients of :func:`conv2d_forward` given ``dz = dL/dz``.

    Parameters
    ----------
    dz : ndarray, shape (N, F, Ho, Wo)
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
        Compute dL/dx (False for the first layer: nobody needs the data's gradient).

    Returns
    -------
    dx : ndarray, shape (N, C, H, W), or None

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
    dcols = W.reshape(f, -1).T @ dz_mat                           # (C·kh·kw, N·Ho·Wo)
    return col2im(dcols, x_shape, W.shape[2:], stride, pads)


def inference_chunk(n_rows: int, per_sample: int, budget: int = 1 << 22) -> int:
    """Samples per im2col chunk so that a chunk holds about ``budget`` numbers (at least 1)."""
    return max(1, min(n_rows, budget // max(per_sample, 1)))


__all__ = [
    "PADDINGS", "as_pair", "pair_to_config", "output_geometry", "conv_geometry", "pad_images",
    "as_image_batch", "im2col", "col2im", "conv2d_forward", "conv2d_backward", "inference_chunk",
]
