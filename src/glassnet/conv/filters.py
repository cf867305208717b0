"""Convolution as the posts show it: one grey image, one kernel (or a bank of them).

These functions are for looking at what a filter does; the trainable, batched version is
:class:`glassnet.layers.Conv2D` (built on :mod:`glassnet.conv.ops`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from glassnet._validation import as_float_array, check_choice
from glassnet.conv.ops import PADDINGS, Pair, as_pair

_ITU_R_601 = np.array([0.299, 0.587, 0.114])


def _pad_same(image: np.ndarray, kernel_shape: Pair) -> np.ndarray:
    """Zero-pad ``image`` by ``(k−1)//2`` before and the rest after, on both axes."""
    pads = [((k - 1) // 2, k - 1 - (k - 1) // 2) for k in kernel_shape]
    return np.pad(image, pads)


def _windows(image: np.ndarray, kernel_shape: Pair, padding: str, stride: Any) -> np.ndarray:
    """Receptive fields ``(H', W', kh, kw)`` of a 2-D image (a view of it, or of its padding)."""
    check_choice(padding, "padding", PADDINGS)
    sh, sw = as_pair(stride, "stride")
    if padding == "same":
        image = _pad_same(image, kernel_shape)
    for axis, (size, k) in enumerate(zip(image.shape, kernel_shape, strict=True)):
        if k > size:
            what = ("height", "width")[axis]
            raise ValueError(f"kernel {what} {k} is larger than the image {what} {size} "
                             "(use padding='same' or a smaller kernel)")
    return sliding_window_view(image, kernel_shape)[::sh, ::sw]


def convolve2d(image: Any, kernel: Any, padding: str = "valid", stride: int | tuple = 1
               ) -> np.ndarray:
    """Slide ``kernel`` over ``image`` and take the weighted sum at each position.

    Parameters
    ----------
    image : array-like, shape (H, W)
        One grey image (see :func:`to_grayscale` for colour ones).
    kernel : array-like, shape (kh, kw)
    padding : {"valid", "same"}
        ``"valid"``: only positions where the kernel fits, output ``(H − kh + 1, W − kw + 1)``.
        ``"same"``: zero padding of ``(k − 1)//2`` before and the rest after, output ``(H, W)``
        (``scipy.signal.correlate2d`` conventions, also for even kernels).
    stride : int or (int, int)
        Keep every ``stride``-th output: the result is the stride-1 result ``[::sh, ::sw]``.

    Returns
    -------
    ndarray, shape (H', W')
        Float (float32 stays float32, everything else becomes float64).

    Notes
    -----
    This is a *cross-correlation*, as in every deep-learning framework (and in the post)::

        out[p, q] = Σ_{i,j} image[p·sh + i, q·sw + j] · kernel[i, j]

    A true convolution flips the kernel: ``convolve2d(image, kernel[::-1, ::-1])`` equals
    ``scipy.signal.convolve2d(image, kernel, mode="valid")``. For symmetric kernels the two agree.
    With ``stride > 1`` the ``"same"`` output is the stride-1 output subsampled, centred like it;
    :class:`glassnet.layers.Conv2D` instead follows TensorFlow's padding rule for strides.

    Examples
    --------
    >>> from glassnet.conv import KERNELS
    >>> img = np.arange(25.0).reshape(5, 5)
    >>> convolve2d(img, KERNELS["identity"]).shape
    (3, 3)
    """
    img = as_float_array(image, "image", ndim=2)
    ker = as_float_array(kernel, "kernel", ndim=2)
    dtype = np.result_type(img, ker)
    windows = _windows(img.astype(dtype, copy=False), ker.shape, padding, stride)
    return np.tensordot(windows, ker.astype(dtype, copy=False), axes=([2, 3], [0, 1]))


def feature_maps(image: Any, filters: Any, padding: str = "valid", stride: int | tuple = 1
                 ) -> np.ndarray:
    """Apply every filter of a bank to one image, all at once.

    Parameters
    ----------
    image : array-like, shape (H, W)
    filters : array-like, shape (n_filters, kh, kw)
        E.g. :func:`glassnet.conv.random_filter_bank`. For one kernel use ``kernel[None]``.
    padding, stride
        As in :func:`convolve2d`.

    Returns
    -------
    ndarray, shape (n_filters, H', W')
        ``maps[k] == convolve2d(image, filters[k], padding, stride)``.

    Notes
    -----
    One ``einsum`` over the window view: ``maps[k, p, q] = Σ_{i,j} windows[p, q, i, j] ·
    filters[k, i, j]``.
    """
    img = as_float_array(image, "image", ndim=2)
    bank = as_float_array(filters, "filters", ndim=3)
    dtype = np.result_type(img, bank)
    windows = _windows(img.astype(dtype, copy=False), bank.shape[1:], padding, stride)
    return np.einsum("pqij,kij->kpq", windows, bank.astype(dtype, copy=False), optimize=True)


def to_grayscale(rgb: Any, dtype: Any = np.float32) -> np.ndarray:
    """Luma of an RGB(A) image with the ITU-R BT.601 weights, scaled to [0, 1].

    Parameters
    ----------
    rgb : array-like, shape (H, W, 3) or (H, W, 4)
        uint8 values in 0..255, or floats in [0, 1]. An alpha channel is ignored.
        A 2-D array is taken as already grey and only scaled.
    dtype : float32 or float64

    Returns
    -------
    ndarray, shape (H, W)
        ``0.299·R + 0.587·G + 0.114·B`` in [0, 1].
    """
    arr = rgb if isinstance(rgb, np.ndarray) else np.asarray(rgb)
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] in (3, 4))):
        raise ValueError(f"rgb must have shape (H, W, 3) or (H, W, 4) (or (H, W) for grey), "
                         f"got shape {arr.shape}")
    if np.dtype(dtype) not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {np.dtype(dtype)}")
    if arr.dtype == np.uint8:
        scaled = arr.astype(np.float64) / 255.0
    else:
        scaled = as_float_array(arr, "rgb", dtype=np.float64)
        if scaled.min() < 0.0 or scaled.max() > 1.0:
            raise ValueError(f"rgb must hold uint8 values or floats in [0, 1], got floats in "
                             f"[{scaled.min():g}, {scaled.max():g}] (divide by 255 first?)")
    grey = scaled if arr.ndim == 2 else scaled[..., :3] @ _ITU_R_601
    return np.clip(grey, 0.0, 1.0).astype(dtype)


__all__ = ["convolve2d", "feature_maps", "to_grayscale"]
