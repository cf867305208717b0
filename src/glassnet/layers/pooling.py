"""Pooling layers: MaxPool2D and AvgPool2D on NCHW image batches (no parameters)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import check_choice
from glassnet.conv import compiled
from glassnet.conv.ops import PADDINGS, as_pair, conv_geometry, pair_to_config
from glassnet.conv.pool_ops import (
    avg_pool_backward,
    avg_pool_forward,
    layout_of,
    max_pool_backward,
    max_pool_forward,
    tiled_max_pool_forward,
)
from glassnet.layers.image import ImageLayer, check_image_shape


class _Pool2D(ImageLayer):
    """Shared arguments, shapes and checks of the 2-D pooling layers."""

    def __init__(self, pool_size: int | tuple[int, int] = 2, stride: int | tuple | None = None,
                 padding: str = "valid", name: str | None = None) -> None:
        super().__init__(name)
        self.pool_size = as_pair(pool_size, "pool_size")
        self.stride = self.pool_size if stride is None else as_pair(stride, "stride")
        self.padding = check_choice(padding, "padding", PADDINGS)

    def _geometry(self, hw):
        return conv_geometry(hw, self.pool_size, self.stride, self.padding, window="pool")

    def compute_output_shape(self, input_shape):
        c, h, w = check_image_shape(input_shape, self._who)
        (ho, wo), _ = self._geometry((h, w))
        return (c, ho, wo)

    def _prepare(self, x: np.ndarray) -> tuple[np.ndarray, Any]:
        x = self._input_batch(x)
        _, pads = self._geometry(x.shape[2:])
        return x, pads

    def _check_grad(self, grad: np.ndarray, x_shape: tuple[int, ...]) -> None:
        (ho, wo), _ = self._geometry(x_shape[2:])
        expected = (x_shape[0], x_shape[1], ho, wo)
        if grad.shape != expected:
            raise ValueError(f"{self._who}: grad must have the output's shape {expected}, "
                             f"got {grad.shape}")

    def get_config(self) -> dict[str, Any]:
        return {"pool_size": pair_to_config(self.pool_size), "stride": pair_to_config(self.stride),
                "padding": self.padding, "name": self.name}


class MaxPool2D(_Pool2D):
    """Maximum over ``pool_size`` windows, per channel.

    Parameters
    ----------
    pool_size : int or (int, int)
        Window ``(ph, pw)``.
    stride : int or (int, int), optional
        Step between windows; defaults to ``pool_size`` (non-overlapping windows).
    padding : {"valid", "same"}
        ``"same"`` pads with −inf (never a maximum) so that ``out = ceil(in / stride)``.

    Shapes
    ------
    input ``(n, C, H, W)`` → output ``(n, C, Ho, Wo)``.

    Notes
    -----
    The gradient of each output goes to the element that was its maximum. On ties it goes to
    the *first* maximum in row-major window order (as PyTorch does), so exactly one element of
    a window receives it. With overlapping windows (stride < pool_size) an element that is the
    maximum of several windows receives the sum of their gradients.
    """

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x, pads = self._prepare(x)
        row_max = None
        compiled_fwd = False
        if self.stride == self.pool_size and not any(pads[0] + pads[1]):
            out = row_max = None                                # the separable fast path
            if training:                                        # arrays kept between steps
                (ho, wo), _ = self._geometry(x.shape[2:])
                n, c = x.shape[:2]
                layout = layout_of(x)
                out = self._work.output("out", (n, c, ho, wo), x.dtype, layout)
                fn = compiled.kernel("max_pool_forward", x.dtype, (id(self), "forward"),
                                     x.size)
                views = None if fn is None else compiled.memory_view(x)
                if views is not None and views[1] == layout:
                    # one compiled pass, same bits; the backward recomputes the row maxima
                    fn(views[0], compiled.memory_view(out)[0], *self.pool_size)
                    compiled_fwd = True
                else:
                    row_max = self._work.scratch("row_max", (n, c, ho * self.pool_size[0], wo),
                                                 x.dtype, layout)
            if not compiled_fwd:
                out, row_max = tiled_max_pool_forward(x, self.pool_size, out, row_max)
        else:
            out = max_pool_forward(x, self.pool_size, self.stride, pads)
        self._cache = (x, out, pads, row_max, compiled_fwd)
        return out

    def backward(self, grad: np.ndarray) -> np.ndarray:
        x, out, pads, row_max, compiled_fwd = self._cache
        self._check_grad(grad, x.shape)
        dx = None
        if row_max is not None or compiled_fwd:
            dx = self._work.output("dx", x.shape, x.dtype, layout_of(x))
        if compiled_fwd:
            fn = compiled.kernel("max_pool_backward", x.dtype, (id(self), "backward"), x.size)
            g = None if fn is None else compiled.memory_view(grad)
            if fn is not None and (g is None or g[1] != layout_of(x)):
                # e.g. from Flatten, C-ordered: one small copy into the layout of x
                g_copy = self._work.scratch("grad", grad.shape, grad.dtype, layout_of(x))
                np.copyto(g_copy, grad)
                g = compiled.memory_view(g_copy)
            if g is not None:
                if (out.shape[2] * self.pool_size[0], out.shape[3] * self.pool_size[1]) \
                        != x.shape[2:]:
                    dx[...] = 0                                 # cells in no window get 0
                fn(g[0], compiled.memory_view(x)[0], compiled.memory_view(out)[0],
                   compiled.memory_view(dx)[0], *self.pool_size)
                return dx
        return max_pool_backward(grad, x, out, self.pool_size, self.stride, pads, row_max,
                                 dx=dx, work=self._work)


class AvgPool2D(_Pool2D):
    """Mean over ``pool_size`` windows, per channel.

    Parameters
    ----------
    pool_size : int or (int, int)
        Window ``(ph, pw)``.
    stride : int or (int, int), optional
        Step between windows; defaults to ``pool_size``.
    padding : {"valid", "same"}
        With ``"same"`` a window that overlaps the border averages its real cells only
        (TensorFlow's rule; PyTorch's ``count_include_pad=False``).

    Shapes
    ------
    input ``(n, C, H, W)`` → output ``(n, C, Ho, Wo)``.

    Notes
    -----
    ``out = Σ_window x / count`` and each cell of a window receives ``grad / count``.
    """

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x, pads = self._prepare(x)
        self._cache = (x.shape, pads)
        return avg_pool_forward(x, self.pool_size, self.stride, pads)

    def backward(self, grad: np.ndarray) -> np.ndarray:
        x_shape, pads = self._cache
        self._check_grad(grad, x_shape)
        return avg_pool_backward(grad, x_shape, self.pool_size, self.stride, pads)
