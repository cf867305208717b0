"""Max and average pooling on NCHW batches, forward and backward, as pure NumPy functions.

Both poolings loop over the ``ph·pw`` offsets of the window (4 for a 2×2 pool), never over
pixels: for offset ``(i, j)`` the strided view ``x[:, :, i::sh, j::sw]`` holds that element of
every window at once.

* Non-overlapping windows (``stride == pool_size``, no padding), the common case, are separable
  for the maximum: first the maximum over the ``pw`` columns of each window row
  (``row_max: (N, C, Ho·ph, Wo)``), then over its ``ph`` rows. The backward pass routes the
  gradient back through the same two steps. Each step is a handful of whole-array NumPy calls
  on strided views, with no per-window bookkeeping.
* Any other stride or ``padding="same"`` reads the windows from a ``sliding_window_view`` of the
  padded input, and the backward pass adds up where windows overlap.

The fast path allocates its arrays in the memory layout of its input (:func:`like`): the
batch-last ``(C, H, W, N)`` maps of :class:`glassnet.layers.Conv2D` stay batch-last, so the
layers around a pooling layer never copy them to another layout, and every pass walks long
contiguous runs.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from glassnet.conv.ops import Pads, Pair, pad_images
from glassnet.conv.workspace import Workspace


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


def _interleaved(x: np.ndarray, axis: int, k: int) -> list[np.ndarray]:
    """The ``k`` views ``x[..., j::k, ...]`` (along ``axis``) of a length that ``k`` divides."""
    index = [slice(None)] * x.ndim
    parts = []
    for j in range(k):
        index[axis] = slice(j, None, k)
        parts.append(x[tuple(index)])
    return parts


def layout_of(x: np.ndarray) -> tuple[int, ...]:
    """The axes of ``x`` from the outermost to the innermost in memory (by decreasing stride).

    ``(0, 1, 2, 3)`` for an NCHW array, ``(1, 2, 3, 0)`` for the batch-last ``(C, H, W, N)``
    buffers of :class:`glassnet.layers.Conv2D` seen as NCHW.
    """
    return tuple(sorted(range(x.ndim), key=lambda a: -abs(x.strides[a])))


def like(x: np.ndarray, shape: tuple[int, ...], dtype=None) -> np.ndarray:
    """A new array of ``shape`` (same number of axes as ``x``) in the memory layout of ``x``.

    Keeping the layout of the input keeps every elementwise pass a walk through contiguous
    memory, and hands the next layer the layout it produced.
    """
    layout = layout_of(x)
    base = np.empty([shape[a] for a in layout], dtype=x.dtype if dtype is None else dtype)
    return base.transpose(np.argsort(layout))


def _max_of(parts: list[np.ndarray], out: np.ndarray) -> np.ndarray:
    """Elementwise maximum of equally shaped arrays, written into ``out``."""
    if len(parts) == 1:
        np.copyto(out, parts[0])
        return out
    np.maximum(parts[0], parts[1], out=out)
    for part in parts[2:]:
        np.maximum(out, part, out=out)
    return out


def _route(grad: np.ndarray, best: np.ndarray, parts: list[np.ndarray],
           targets: list[np.ndarray], mask: np.ndarray, hit: np.ndarray) -> None:
    """Write ``grad`` into ``targets[k]`` where ``parts[k]`` is the first that equals ``best``.

    ``best`` is the elementwise maximum of ``parts``; the other targets get 0 there.
    ``mask`` (floats) and ``hit`` (bools), shaped like ``grad``, are scratch space.

    Notes
    -----
    ``remaining`` is the gradient that no earlier part has taken: part ``k`` takes
    ``remaining · [part_k == best]`` and leaves ``remaining − taken`` (exact: each is ``g − g``
    or ``g − 0``). The last part takes what remains, without a comparison. The arithmetic is
    done in the contiguous scratch and only copied into the strided targets.
    """
    remaining = grad
    for part, target in zip(parts[:-1], targets[:-1], strict=True):
        np.equal(part, best, out=hit)
        np.multiply(remaining, hit, out=mask)
        np.copyto(target, mask)
        remaining = np.subtract(remaining, mask, out=targets[-1])
    if remaining is grad:                                     # a single part: it takes it all
        np.copyto(targets[-1], grad)


def tiled_max_pool_forward(x: np.ndarray, pool: Pair, out: np.ndarray | None = None,
                           row_max: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Max pooling with non-overlapping ``pool`` windows (stride = pool, no padding).

    Parameters
    ----------
    x : ndarray, shape (N, C, H, W)
    pool : (ph, pw)
    out, row_max : ndarray, optional
        Arrays to write the results into (any memory layout; by default new ones in the
        layout of ``x``, see :func:`like`).

    Returns
    -------
    out : ndarray, shape (N, C, Ho, Wo)
        ``Ho = H // ph``, ``Wo = W // pw`` (a remainder that fits no window is dropped).
    row_max : ndarray, shape (N, C, Ho·ph, Wo)
        The maximum over the columns of each window row, for :func:`tiled_max_pool_backward`.

    Notes
    -----
    ``max`` over a window is ``max`` over its rows of ``max`` over each row's columns:
    ``row_max[n, c, r, q] = max_j x[n, c, r, q·pw + j]``, then
    ``out[n, c, p, q] = max_i row_max[n, c, p·ph + i, q]``.
    """
    ph, pw = pool
    n, c, h, w = x.shape
    ho, wo = h // ph, w // pw
    x = x[:, :, :ho * ph, :wo * pw]
    if row_max is None:
        row_max = like(x, (n, c, ho * ph, wo))
    if out is None:
        out = like(x, (n, c, ho, wo))
    _max_of(_interleaved(x, 3, pw), row_max)
    _max_of(_interleaved(row_max, 2, ph), out)
    return out, row_max


def tiled_max_pool_backward(grad: np.ndarray, x: np.ndarray, out: np.ndarray,
                            row_max: np.ndarray, pool: Pair, dx: np.ndarray | None = None,
                            work: Workspace | None = None) -> np.ndarray:
    """Gradient of :func:`tiled_max_pool_forward`: each window's gradient to its first maximum.

    Parameters
    ----------
    grad : ndarray, shape (N, C, Ho, Wo)
    x : ndarray, shape (N, C, H, W)
        The forward input.
    out, row_max : ndarray
        The forward results.
    pool : (ph, pw)
    dx : ndarray, shape (N, C, H, W), optional
        Array to write the result into (by default a new one in the layout of ``x``).
    work : Workspace, optional
        Where to keep the scratch arrays between calls (a layer passes its own).

    Returns
    -------
    dx : ndarray, shape (N, C, H, W)

    Notes
    -----
    The gradient goes back through the two maxima of the forward pass: to the first row
    ``i`` whose ``row_max`` equals the window's maximum, then to the first column ``j`` of that
    row holding it. That is the first maximum in row-major window order (PyTorch's choice on
    ties): the first row containing the maximum, and the first place in that row.
    """
    ph, pw = pool
    ho, wo = out.shape[2:]
    tiled = (ho * ph, wo * pw) == x.shape[2:]
    if dx is None:
        dx = like(x, x.shape)
    if not tiled:                                             # cells in no window get 0
        dx[...] = 0
    work = Workspace() if work is None else work
    layout = layout_of(row_max)
    d_row = work.scratch("d_row", row_max.shape, grad.dtype, layout)
    mask = work.scratch("mask", row_max.shape, grad.dtype, layout)
    hit = work.scratch("hit", row_max.shape, bool, layout)
    mask_rows = work.scratch("mask_rows", out.shape, grad.dtype, layout)
    hit_rows = work.scratch("hit_rows", out.shape, bool, layout)
    _route(grad, out, _interleaved(row_max, 2, ph), _interleaved(d_row, 2, ph),
           mask_rows, hit_rows)
    x, d_tiles = x[:, :, :ho * ph, :wo * pw], dx[:, :, :ho * ph, :wo * pw]
    _route(d_row, row_max, _interleaved(x, 3, pw), _interleaved(d_tiles, 3, pw), mask, hit)
    return dx


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
    if _is_tiling(pool, stride, pads):
        return tiled_max_pool_forward(x, pool)[0]
    ph, pw = pool
    win = _windows(x, pool, stride, pads, fill=-np.inf)          # (N, C, Ho, Wo, ph, pw)
    out = win[..., 0, 0].copy(order="K")
    for k in range(1, ph * pw):
        np.maximum(out, win[..., k // pw, k % pw], out=out)
    return out


def max_pool_backward(grad: np.ndarray, x: np.ndarray, out: np.ndarray, pool: Pair,
                      stride: Pair, pads: Pads = ((0, 0), (0, 0)),
                      row_max: np.ndarray | None = None, dx: np.ndarray | None = None,
                      work: Workspace | None = None) -> np.ndarray:
    """Route each output gradient to its window's maximum.

    Parameters
    ----------
    grad : ndarray, shape (N, C, Ho, Wo)
    x : ndarray, shape (N, C, H, W)
        The forward input.
    out : ndarray, shape (N, C, Ho, Wo)
        The forward output (each window's maximum).
    row_max : ndarray, optional
        For non-overlapping windows, the second result of :func:`tiled_max_pool_forward`
        (recomputed when None).
    dx, work : optional
        For non-overlapping windows, passed on to :func:`tiled_max_pool_backward`.

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
    if _is_tiling(pool, stride, pads):
        if row_max is None:
            out, row_max = tiled_max_pool_forward(x, pool)
        return tiled_max_pool_backward(grad, x, out, row_max, pool, dx, work)
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


__all__ = ["layout_of", "like", "max_pool_forward", "max_pool_backward",
           "tiled_max_pool_forward", "tiled_max_pool_backward", "avg_pool_forward",
           "avg_pool_backward", "window_counts"]
