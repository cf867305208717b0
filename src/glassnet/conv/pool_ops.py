"""Max and average pooling on NCHW batches, forward and backward, as pure NumPy functions.

Both poolings loop over the ``ph·pw`` offsets of the window (4 for a 2×2 pool), never over
pixels: for offset ``(i, j)`` the strided view ``x[:, :, i::sh, j::sw]`` holds that element of
every window at once.

* Non-overlapping windows (``stride == pool_size``, no padding), the common case, reshape the
  input to ``(N, C, Ho, ph, Wo, pw)``: a view, and the backward pass writes each gradient once.
* Any other stride or ``padding="same"`` reads the windows from a ``sliding_window_view`` of the
  padded input, and the backward pass adds up where windows overlap.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from glassnet.conv.ops import Pads, Pair, pad_images


def _is_tiling(pool: Pair, stride: Pair, pads: Pads) -> bool:
    """True when the windows tile the image without overlap or padding (the fast path)."""
    return tuple(stride) == tuple(pool) and not any(pads[0]) and not any(pads[1])


def _windows(x: np.ndarray, pool: Pair, stride: Pair, pads: Pads, fill: float) -> np.ndarray:
    """All pooling windows of ``x: (N, C, H, W)`` as an array ``(N, C, Ho, Wo, ph, pw)``.

    A view in both cases; ``windows[..., i, j]`` is offset ``(i, j)`` of every window.
    """
    ph, pw = pool
    if _is_tiling(pool, stride, pads):
        n, c, h, w = x.shape
        ho, wo = h // ph, w // pw                      # a remainder that fits no window is dropped
        tiles = x[:, :, :ho * ph, :wo * pw].reshape(n, c, ho, ph, wo, pw)
        return tiles.transpose(0, 1, 2, 4, 3, 5)
    x_pad = pad_images(x, pads, value=fill)
    return sliding_window_view(x_pad, pool, axis=(2, 3))[:, :, ::stride[0], ::stride[1]]


def _scatter(contribution, x_shape, pool: Pair, stride: Pair, pads: Pads, dtype) -> np.ndarray:
    """Build ``dx: (N, C, H, W)`` from ``contribution(i, j) -> (N, C, Ho, Wo)``, per window offset.

    Non-overlapping windows are written once into a reshaped view of ``dx``; overlapping ones
    are added onto the padded gradient and the padding is cropped away.
    """
    n, c, h, w = x_shape
    ph, pw = pool
    sh, sw = stride
    if _is_tiling(pool, stride, pads):
        ho, wo = h // ph, w // pw
        dx = np.zeros(x_shape, dtype=dtype) if (h % ph or w % pw) else np.empty(x_shape, dtype)
        tiles = dx[:, :, :ho * ph, :wo * pw].reshape(n, c, ho, ph, wo, pw)   # a view of dx
        for i in range(ph):
            for j in range(pw):
                tiles[:, :, :, i, :, j] = contribution(i, j)
        return dx
    (top, bottom), (left, right) = pads
    dx_pad = np.zeros((n, c, h + top + bottom, w + left + right), dtype=dtype)
    ho = (dx_pad.shape[2] - ph) // sh + 1
    wo = (dx_pad.shape[3] - pw) // sw + 1
    for i in range(ph):
        for j in range(pw):
            rows = slice(i, i + sh * (ho - 1) + 1, sh)
            cols = slice(j, j + sw * (wo - 1) + 1, sw)
            dx_pad[:, :, rows, cols] += contribution(i, j)
    return dx_pad[:, :, top:top + h, left:left + w]


def max_pool_forward(x: np.ndarray, pool: Pair, stride: Pair,
                     pads: Pads = ((0, 0), (0, 0))) -> np.ndarray:
    """Maximum of every window.

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    pool, stride : (int, int)
    pads : ((top, bottom), (left, right))
        Padding with ``-inf`` (a padded cell never wins).

    Returns
    -------
    out : ndarray, shape (N, C, Ho, Wo)
    """
    ph, pw = pool
    win = _windows(x, pool, stride, pads, fill=-np.inf)          # (N, C, Ho, Wo, ph, pw)
    out = win[..., 0, 0].copy()
    for k in range(1, ph * pw):
        np.maximum(out, win[..., k // pw, k % pw], out=out)
    return out


def max_pool_backward(grad: np.ndarray, x: np.ndarray, out: np.ndarray, pool: Pair,
                      stride: Pair, pads: Pads = ((0, 0), (0, 0))) -> np.ndarray:
    """Route each output gradient to its window's maximum.

    Parameters
    ----------
    grad : ndarray, shape (N, C, Ho, Wo)
    x : ndarray, shape (N, C, H, W)
        The forward input.
    out : ndarray, shape (N, C, Ho, Wo)
        The forward output (each window's maximum).

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
        ``dx[x_max] = grad`` for each window; cells that won no window get 0, cells that won
        several overlapping windows get the sum.

    Notes
    -----
    Ties go to the *first* maximum in row-major window order (as PyTorch does): walking the
    offsets in that order, offset ``(i, j)`` wins a window when it equals the maximum and no
    earlier offset has won it yet, so exactly one cell per window receives the gradient.
    """
    ph, pw = pool
    win = _windows(x, pool, stride, pads, fill=-np.inf)
    taken = np.zeros(out.shape, dtype=bool)
    hits = []
    for k in range(ph * pw):                      # the argmax mask of each offset, in order
        hit = win[..., k // pw, k % pw] == out
        hit &= ~taken
        taken |= hit
        hits.append(hit)
    return _scatter(lambda i, j: np.multiply(grad, hits[i * pw + j]), x.shape, pool, stride,
                    pads, grad.dtype)


def window_counts(hw: Pair, pool: Pair, stride: Pair, pads: Pads) -> np.ndarray:
    """Number of real (unpadded) cells in each window, shape ``(Ho, Wo)``."""
    counts = []
    for size, k, s, (before, after) in zip(hw, pool, stride, pads, strict=True):
        starts = np.arange(0, size + before + after - k + 1, s) - before
        counts.append(np.minimum(starts + k, size) - np.maximum(starts, 0))
    return np.outer(counts[0], counts[1])


def avg_pool_forward(x: np.ndarray, pool: Pair, stride: Pair,
                     pads: Pads = ((0, 0), (0, 0))) -> np.ndarray:
    """Mean of every window; with padding, the mean of its real cells only (as TensorFlow).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    pool, stride : (int, int)
    pads : ((top, bottom), (left, right))

    Returns
    -------
    out : ndarray, shape (N, C, Ho, Wo)
    """
    ph, pw = pool
    win = _windows(x, pool, stride, pads, fill=0.0)
    out = win[..., 0, 0].copy()
    for k in range(1, ph * pw):
        out += win[..., k // pw, k % pw]
    out /= window_counts(x.shape[2:], pool, stride, pads).astype(x.dtype)
    return out


def avg_pool_backward(grad: np.ndarray, x_shape: tuple[int, ...], pool: Pair, stride: Pair,
                      pads: Pads = ((0, 0), (0, 0))) -> np.ndarray:
    """Spread each output gradient evenly over its window's real cells.

    Parameters
    ----------
    grad : ndarray, shape (N, C, Ho, Wo)
    x_shape : (N, C, H, W)

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)
    """
    share = grad / window_counts(x_shape[2:], pool, stride, pads).astype(grad.dtype)
    return _scatter(lambda i, j: share, x_shape, pool, stride, pads, grad.dtype)


__all__ = ["max_pool_forward", "max_pool_backward", "avg_pool_forward", "avg_pool_backward",
           "window_counts"]
