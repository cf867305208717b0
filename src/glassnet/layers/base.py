"""The layer contract every glassnet layer follows.

A layer is a small object with

* ``forward(x, training=False) -> y`` that keeps in ``self._cache`` what the backward pass needs,
* ``backward(grad_y) -> grad_x`` that fills ``self.grads`` and returns the gradient for the layer
  below,
* ``params`` and ``grads``: dicts of arrays with the same keys and shapes,
* lazy ``build(input_shape, rng, dtype)`` from the first input's per-sample shape.

Two rules keep the engine fast and let a model pack every parameter into one buffer
(see :mod:`glassnet.models.sequential`):

1. ``backward`` writes gradients *into* the existing arrays of ``self.grads``
   (``np.matmul(..., out=self.grads["W"])`` or ``self.grads["b"][...] = ...``), never rebinds them.
2. Parameters are read through ``self.params[key]`` each time and changed only in place.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class Layer:
    """Base class of all layers.

    Subclasses override :meth:`build` (when they own parameters), :meth:`forward`,
    :meth:`backward`, :meth:`compute_output_shape` and :meth:`get_config`.

    Attributes
    ----------
    params : dict[str, np.ndarray]
        Trainable arrays, empty for layers without parameters.
    grads : dict[str, np.ndarray]
        Gradient of the loss with respect to each entry of ``params`` (same keys, same shapes),
        filled by the last :meth:`backward`.
    input_shape, output_shape : tuple[int, ...] or None
        Per-sample shapes (without the batch axis), known once the layer is built.
    """

    def __init__(self, name: str | None = None) -> None:
        if name is not None and not isinstance(name, str):
            raise TypeError(f"name must be a str or None, got {type(name).__name__}")
        self.name = name or type(self).__name__.lower()
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.built = False
        self.input_shape: tuple[int, ...] | None = None
        self.output_shape: tuple[int, ...] | None = None
        self.dtype: np.dtype = np.dtype(np.float32)
        self._cache: Any = None

    # ------------------------------------------------------------------ building
    def build(
        self,
        input_shape: tuple[int, ...],
        rng: np.random.Generator | None = None,
        dtype: Any = np.float32,
    ) -> None:
        """Create the parameters for inputs of per-sample shape ``input_shape``.

        Parameters
        ----------
        input_shape : tuple of int
            Shape of one sample, e.g. ``(n_features,)`` or ``(channels, height, width)``.
        rng : numpy.random.Generator, optional
            Source of randomness for initial weights (a fresh unseeded one if None).
        dtype : numpy dtype
            Floating dtype of parameters and computations (float32 or float64).
        """
        self.dtype = np.dtype(dtype)
        self.input_shape = tuple(int(s) for s in input_shape)
        self.output_shape = self.compute_output_shape(self.input_shape)
        self.built = True

    def _ensure_built(self, x: np.ndarray) -> None:
        """Build from ``x`` when the layer is used on its own, outside a model."""
        if not self.built:
            dtype = x.dtype if x.dtype in (np.float32, np.float64) else np.float32
            self.build(x.shape[1:], rng=np.random.default_rng(), dtype=dtype)

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Per-sample output shape for a per-sample input shape (identity by default)."""
        return tuple(input_shape)

    # ------------------------------------------------------------------ passes
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Compute the layer's output for a batch ``x`` of shape ``(n, *input_shape)``."""
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> np.ndarray:
        """Given dL/d(output), shape ``(n, *output_shape)``: fill ``grads``, return dL/d(input)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ extras
    def penalty(self) -> float:
        """Regularisation term this layer adds to the loss (0 unless it has l1/l2)."""
        return 0.0

    def get_config(self) -> dict[str, Any]:
        """JSON-serialisable constructor arguments: ``type(self)(**config)`` rebuilds the layer."""
        return {"name": self.name}

    @property
    def n_params(self) -> int:
        """Number of trainable scalars."""
        return int(sum(p.size for p in self.params.values()))

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"
