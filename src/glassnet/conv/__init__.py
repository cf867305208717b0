"""Convolutions: the post's picture-level functions and the batched arithmetic behind Conv2D.

* :func:`convolve2d`, :func:`feature_maps`, :func:`to_grayscale`: one grey image at a time.
* :data:`KERNELS`, :func:`random_filter_bank`: classic kernels and the post's random filters.
* :mod:`glassnet.conv.im2col`, :mod:`glassnet.conv.ops`, :mod:`glassnet.conv.pool_ops`:
  im2col / col2im, the convolution and pooling passes used by :class:`glassnet.layers.Conv2D`,
  ``MaxPool2D`` and ``AvgPool2D``; :mod:`glassnet.conv.workspace`: the arrays those layers keep
  between training steps.
* :mod:`glassnet.conv.compiled`: numba kernels for max pooling, col2im and the bias + ReLU of a
  convolution (same bits as the NumPy code), loaded only when a run repays loading them.
"""

from glassnet.conv.filters import convolve2d, feature_maps, to_grayscale
from glassnet.conv.kernels import KERNELS, random_filter_bank
from glassnet.conv.ops import col2im, conv2d_backward, conv2d_forward, im2col
from glassnet.conv.pool_ops import (
    avg_pool_backward,
    avg_pool_forward,
    max_pool_backward,
    max_pool_forward,
)

__all__ = [
    "convolve2d", "feature_maps", "to_grayscale", "KERNELS", "random_filter_bank",
    "im2col", "col2im", "conv2d_forward", "conv2d_backward",
    "max_pool_forward", "max_pool_backward", "avg_pool_forward", "avg_pool_backward",
]
