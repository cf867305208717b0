"""What every image layer (Conv2D, MaxPool2D, AvgPool2D) shares: NCHW checks and set-up.

Images are ``(n, channels, height, width)`` batches (NCHW, as PyTorch); a layer's per-sample
shape is ``(channels, height, width)``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.conv.ops import as_image_batch
from glassnet.conv.workspace import Workspace
from glassnet.layers.base import Layer


def check_build_dtype(dtype: Any) -> np.dtype:
    """The dtype a layer computes in: float32 or float64."""
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64, got {dt}")
    return dt


def check_image_shape(input_shape: tuple[int, ...], who: str) -> tuple[int, int, int]:
    """Check a per-sample shape ``(channels, height, width)``."""
    shape = tuple(int(s) for s in input_shape)
    if len(shape) != 3:
        hint = ""
        if len(shape) == 2:
            hint = (f"; for single-channel images add the channel axis: reshape (n, {shape[0]}, "
                    f"{shape[1]}) to (n, 1, {shape[0]}, {shape[1]})")
        raise ValueError(f"{who} expects per-sample input shape (channels, height, width), "
                         f"got {shape}{hint}")
    return shape  # type: ignore[return-value]


class ImageLayer(Layer):
    """Base of the NCHW layers: the checked input batch, the shape checks, a work-array store."""

    def __init__(self, name: str | None = None) -> None:
        super().__init__(name)
        self._work = Workspace()           # arrays kept between training steps

    @property
    def _who(self) -> str:
        return f"{type(self).__name__} layer {self.name!r}"

    def build(self, input_shape, rng=None, dtype=np.float32):
        super().build(check_image_shape(input_shape, self._who), rng, check_build_dtype(dtype))

    def _input_batch(self, x: Any) -> np.ndarray:
        """``x`` as a checked ``(n, c, h, w)`` array of the layer's dtype (building the layer
        from it when used on its own)."""
        x = as_image_batch(x, self._who, self.dtype if self.built else None)
        self._ensure_built(x)
        return as_image_batch(x, self._who, self.dtype)
