"""The layer contract every glassnet layer follows.

A layer is a small object with

* ``forward(x, training=False) -> y`` that keeps in ``self._cache`` what the backward pass needs,
* ``backward(grad_y) -> grad_x`` that fills ``self.grads`` and returns the gradient for the layer
  below,
* ``params`` and ``grads``: dicts of arrays with the same keys and shapes,
* lazy ``build(input_shape, rng, dtype)`` from the first input's per-sample shape.

Write it the obvious way: ``self.grads["w"] = x.T @ grad`` works. Once a model is built it keeps
every parameter (and every gradient) in one flat buffer and each ``params[key]`` / ``grads[key]``
is a view into it; the dicts are then :class:`BoundArrays`, whose assignment *copies into* that
view (so the optimizer sees it) and refuses an array of another shape at once. Writing into the
array in place (``np.matmul(..., out=self.grads["w"])``) saves the copy.

The model may set three attributes on a layer, declared here with their defaults:
``fused_head`` (the loss hands this layer ``dL/dz`` directly, so its backward skips the
activation), ``logits`` (the pre-activation output the fused loss reads) and ``need_input_grad``
(False for the lowest trainable layer, whose input needs no gradient).
"""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np


class BoundArrays(dict):
    """A ``params``/``grads`` dict whose arrays are views into a model's flat buffer.

    ``d[key] = value`` copies ``value`` into the existing view instead of replacing it, so a
    layer that assigns its gradient the natural way still trains. A new key, or a value of
    another shape, is refused with a ``ValueError`` naming the layer and the key.
    """

    def __init__(self, arrays: dict[str, np.ndarray], owner: str) -> None:
        super().__init__(arrays)
        self.owner = owner

    def __setitem__(self, key: str, value: Any) -> None:
        target = self.get(key)
        if value is target:             # ``grads[k] += ...`` rebinds the same array: done
            return
        if target is None:
            raise ValueError(f"{self.owner}: cannot add the new array {key!r} after the model "
                             f"was built; create every entry of params/grads in build() "
                             f"(keys: {sorted(self)})")
        value = np.asarray(value)
        if value.shape != target.shape:
            raise ValueError(f"{self.owner}[{key!r}] must keep shape {target.shape}, got "
                             f"{value.shape}")
        np.copyto(target, value)

    def __reduce__(self):
        # Copies (pickle, deepcopy) are plain dicts; the model that owns them packs them again.
        return (dict, (dict(self),))


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
    fused_head : bool
        Set by the model: the loss gives this (last) layer ``dL/dz`` directly (``dZ = A − Y``).
    logits : ndarray or None
        With ``fused_head``, the pre-activation output of the last forward pass.
    need_input_grad : bool
        Set by the model: False when nothing below this layer needs ``dL/d(input)``.
    """

    def __init__(self, name: str | None = None) -> None:
        if name is not None:
            from glassnet.models.limits import check_name  # what a model file can store

            if not isinstance(name, str):
                raise TypeError(f"name must be a str or None, got {type(name).__name__}")
            check_name(name)
        self.name = name or type(self).__name__.lower()
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.built = False
        self.input_shape: tuple[int, ...] | None = None
        self.output_shape: tuple[int, ...] | None = None
        self.dtype: np.dtype = np.dtype(np.float32)
        self.fused_head = False
        self.logits: np.ndarray | None = None
        self.need_input_grad = True
        self._cache: Any = None
        self._owner: weakref.ref | None = None      # the model this layer belongs to
        self.declared_input_shape: tuple[int, ...] | None = None

    def _declare_input_shape(self, input_shape: Any) -> None:
        """Keras' ``input_shape=`` on a first layer: per-sample shape (``(None, ...)`` also
        accepted), used to build the model before any data is seen."""
        if input_shape is not None:
            from glassnet.models.building import check_input_shape

            self.declared_input_shape = check_input_shape(input_shape)

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

    @property
    def model(self):
        """The model this layer belongs to, or None."""
        return self._owner() if self._owner is not None else None

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_owner"] = None          # a weak reference does not pickle; the model re-claims
        return state

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"
