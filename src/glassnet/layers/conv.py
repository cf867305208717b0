"""2-D convolution layer: ``A = g(W ⋆ X + b)`` on NCHW image batches."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from glassnet import activations, initializers
from glassnet._validation import check_choice, check_int, check_number
from glassnet.conv import compiled
from glassnet.conv.ops import (
    PADDINGS,
    as_pair,
    conv2d_backward,
    conv2d_forward,
    conv_geometry,
    im2col,
    inference_chunk,
    pair_to_config,
)
from glassnet.layers.image import ImageLayer, check_image_shape
from glassnet.layers.regularization import Penalized


def _filters_last(z: np.ndarray, batch_last: bool) -> np.ndarray:
    """``(N, F, Ho, Wo)`` maps as a ``(pixels, F)`` matrix: one row per position, one column per
    filter (a view when ``z`` is filter-major in memory, else a copy)."""
    f = z.shape[1]
    order = (1, 2, 3, 0) if batch_last else (1, 0, 2, 3)
    return z.transpose(order).reshape(f, -1).T


def _from_filters_last(z_pf: np.ndarray, shape: tuple[int, ...], batch_last: bool
                       ) -> np.ndarray:
    """Inverse of :func:`_filters_last`: back to ``(N, F, Ho, Wo)`` of the given ``shape``."""
    n, f, ho, wo = shape
    if batch_last:
        return z_pf.T.reshape(f, ho, wo, n).transpose(3, 0, 1, 2)
    return z_pf.T.reshape(f, n, ho, wo).transpose(1, 0, 2, 3)


def _flat(a: np.ndarray) -> np.ndarray:
    """The 1-D memory of ``a``, which is the transpose of a C-contiguous array."""
    return a.T.reshape(-1)


def _same_memory(g: np.ndarray, a: np.ndarray) -> bool:
    """Both ``(pixels, F)`` matrices are transposes of C-contiguous arrays, so their flat
    memories line up number for number."""
    return g.T.flags.c_contiguous and a.T.flags.c_contiguous and g.shape == a.shape


class Conv2D(Penalized, ImageLayer):
    """2-D convolution (cross-correlation) with ``filters`` learned kernels and a fused activation.

    Parameters
    ----------
    filters : int
        Number of kernels, i.e. output channels ``F``.
    kernel_size : int or (int, int)
        ``(kh, kw)``.
    stride : int or (int, int)
        Step between receptive fields.
    padding : {"valid", "same"}
        ``"valid"``: no padding. ``"same"``: zero padding so that ``out = ceil(in / stride)``
        (TensorFlow/Keras rule; for stride 1, ``(k−1)//2`` before and the rest after, which for
        odd ``k`` is PyTorch's ``padding=k//2``).
    activation : str or None
        One of ``glassnet.activations.names()``; None means linear. It is applied at every
        position across channels (this matters for ``"softmax"`` only: per pixel over filters).
    kernel_initializer : str
        One of ``glassnet.initializers.names()``, with ``fan_in = C·kh·kw`` and
        ``fan_out = F·kh·kw``; biases start at zero.
    l1, l2 : float
        Penalties ``l1·Σ|W| + l2·ΣW²`` added to the loss (biases are not penalised).

    Shapes
    ------
    input ``(n, C, H, W)`` → output ``(n, F, Ho, Wo)``; ``W: (F, C, kh, kw)``, ``b: (F,)``.

    Notes
    -----
    ``z[n, f, p, q] = b[f] + Σ_{c,i,j} W[f, c, i, j] · x_pad[n, c, p·sh + i, q·sw + j]``, computed
    with im2col and one matrix product (see :mod:`glassnet.conv.ops`); ``a = activation(z)``.

    In training mode the im2col matrix is kept for the backward pass, and the layer works
    batch-last: its output is an NCHW view of a ``(F, Ho, Wo, N)`` array, which the pooling
    layers keep and the next convolution reads with long contiguous copies. Its large arrays
    are kept between steps (:class:`glassnet.conv.workspace.Workspace`; a returned array is
    reused only once nothing refers to it any more). At inference the batch is processed in
    chunks of samples to bound memory, and a later ``backward`` rebuilds the matrix from the
    input.
    """

    def __init__(self, filters: int, kernel_size: int | tuple[int, int], stride: int | tuple = 1,
                 padding: str = "valid", activation: str | None = None,
                 kernel_initializer: str = "glorot_uniform", l1: float = 0.0, l2: float = 0.0,
                 name: str | None = None, input_shape: tuple[int, ...] | None = None) -> None:
        super().__init__(name)
        self._declare_input_shape(input_shape)
        self.filters = check_int(filters, "filters", low=1)
        self.kernel_size = as_pair(kernel_size, "kernel_size")
        self.stride = as_pair(stride, "stride")
        self.padding = check_choice(padding, "padding", PADDINGS)
        self.activation = activations.get(activation)
        initializers.get(kernel_initializer)          # validate the name now
        self.kernel_initializer = kernel_initializer
        self.l1 = check_number(l1, "l1", low=0.0)
        self.l2 = check_number(l2, "l2", low=0.0)

    def build(self, input_shape, rng=None, dtype=np.float32):
        super().build(input_shape, rng, dtype)
        shape = self.input_shape
        rng = rng if rng is not None else np.random.default_rng()
        c = shape[0]
        kh, kw = self.kernel_size
        init = initializers.get(self.kernel_initializer)
        W = init((self.filters, c, kh, kw), c * kh * kw, self.filters * kh * kw, rng, self.dtype)
        self.params = {"W": np.ascontiguousarray(W, dtype=self.dtype),
                       "b": np.zeros(self.filters, dtype=self.dtype)}
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}

    def compute_output_shape(self, input_shape):
        _, h, w = check_image_shape(input_shape, self._who)
        (ho, wo), _ = conv_geometry((h, w), self.kernel_size, self.stride, self.padding)
        return (self.filters, ho, wo)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        x = self._input_batch(x)
        if x.shape[1] != self.input_shape[0]:
            raise ValueError(f"{self._who} was built for inputs with {self.input_shape[0]} "
                             f"channel(s), got x with {x.shape[1]} (shape {x.shape})")
        (ho, wo), pads = conv_geometry(x.shape[2:], self.kernel_size, self.stride, self.padding)
        W, f = self.params["W"], self.filters
        chunk = None if training else inference_chunk(len(x), W[0].size * ho * wo)
        cols_out = z_out = None
        if training:                               # arrays kept between steps (see Workspace)
            # Made zero, and only the cells that read x are ever written: the cells that read
            # the padding stay zero for every batch of this shape.
            cols_out = self._work.scratch("cols", (W[0].size, len(x) * ho * wo), self.dtype,
                                          tag=x.shape, zeros=True)
            z_out = self._work.output("z", (f, len(x) * ho * wo), self.dtype)
        # Bias and ReLU in one compiled pass over z (same bits), where that is loaded.
        fused = None
        if training and self.activation.name == "relu" and not self.fused_head:
            fused = compiled.kernel("bias_relu", self.dtype, (id(self), "bias_relu"),
                                    z_out.size)
        # Training works batch-last (fast im2col/col2im, see conv.im2col); inference goes
        # batch-first, in chunks of samples that bound the memory of the im2col matrix.
        z, cols = conv2d_forward(x, W, None if fused else self.params["b"], self.stride, pads,
                                 keep_cols=training, chunk=chunk, cols_out=cols_out,
                                 cols_ready=training, out=z_out, batch_last=training)
        z_pf = _filters_last(z, training)                              # (n·Ho·Wo, F), a view
        if fused is not None:
            a_pf = z_pf
            fused(z_out, self.params["b"])                  # z_out is z_pf's memory, (F, P)
        elif self.fused_head:
            self.logits = z
            a_pf = self.activation.forward(z_pf)
        else:
            a_pf = self.activation.forward(z_pf, out=z_pf)
        self._cache = (x, cols, pads, a_pf, training)
        return _from_filters_last(a_pf, z.shape, training)

    def backward(self, grad: np.ndarray) -> np.ndarray | None:
        x, cols, pads, a_pf, batch_last = self._cache
        n, f = len(x), self.filters
        expected = (n, f) + tuple(self.output_shape_for(x.shape))
        if grad.shape != expected:
            raise ValueError(f"{self._who}: grad must have the output's shape {expected}, "
                             f"got {grad.shape}")
        g_pf = _filters_last(grad, batch_last)                         # (n·Ho·Wo, F)
        if self.fused_head or self.activation.name == "linear":
            dz_pf = g_pf                                                # dL/dz given directly
        elif self.activation.name == "relu" and (
                step := compiled.kernel("relu_backward", self.dtype, (id(self), "relu_bwd"),
                                        a_pf.size)) is not None and _same_memory(g_pf, a_pf):
            dz_pf = self._work.scratch("dz", (a_pf.shape[1], a_pf.shape[0]), self.dtype).T
            step(_flat(g_pf), _flat(a_pf), _flat(dz_pf))        # = g · [a > 0], same bits
        else:
            dz_pf = self.activation.backward(g_pf, a_pf)
        dz = _from_filters_last(dz_pf, expected, batch_last)
        W = self.params["W"]
        if cols is None:                        # forward ran in inference mode: rebuild cols
            cols = im2col(x, self.kernel_size, self.stride, pads=pads, batch_last=batch_last)
        dcols = dx = scatter = None
        if self.need_input_grad:
            fn = compiled.kernel("col2im", self.dtype, (id(self), "col2im"), cols.size)
            if fn is not None:
                scatter = functools.partial(compiled.col2im, fn)
            dcols = self._work.scratch("dcols", cols.shape, self.dtype)
            dx = self._work.output("dx", x.shape, self.dtype,
                                   layout=(1, 2, 3, 0) if batch_last else (1, 0, 2, 3))
        dx = conv2d_backward(dz, cols, W, x.shape, self.stride, pads, self.grads["W"],
                             self.grads["b"], need_dx=self.need_input_grad, dcols_out=dcols,
                             dx_out=dx, batch_last=batch_last, col2im_fn=scatter)
        self._add_penalty_gradient()
        return dx

    def output_shape_for(self, x_shape: tuple[int, ...]) -> tuple[int, int]:
        """Spatial output size ``(Ho, Wo)`` for a batch of shape ``x_shape``."""
        (ho, wo), _ = conv_geometry(x_shape[2:], self.kernel_size, self.stride, self.padding)
        return ho, wo

    def get_config(self) -> dict[str, Any]:
        return {"filters": self.filters, "kernel_size": pair_to_config(self.kernel_size),
                "stride": pair_to_config(self.stride), "padding": self.padding,
                "activation": self.activation.name,
                "kernel_initializer": self.kernel_initializer, "l1": self.l1, "l2": self.l2,
                "name": self.name}
