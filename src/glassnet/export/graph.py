"""A built glassnet model as a list of framework-neutral steps, the common input of every exporter.

Each glassnet layer becomes one :class:`Step` or a few (a ``Dense``/``Conv2D`` with a fused
activation is the linear step followed by its activation). Every size is fixed here, from the
per-sample shapes the model was built with: in particular the explicit zero padding of a
``"same"`` convolution or pooling, ``((top, bottom), (left, right))``, computed by the very
function the layers use (:func:`glassnet.conv.ops.conv_geometry`). With an even kernel the
padding is asymmetric (one more cell after than before, TensorFlow's rule), so exporters must
write it out explicitly; no framework's own ``"same"`` is trusted to agree.

Only the layer classes listed in :data:`SUPPORTED` are accepted, by exact class (a subclass may
compute something else); anything else is refused with a message that names the layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet.conv.ops import conv_geometry
from glassnet.layers import Activation, AvgPool2D, Conv2D, Dense, Dropout, Flatten, MaxPool2D

#: The layer classes every exporter understands.
SUPPORTED = (Dense, Conv2D, MaxPool2D, AvgPool2D, Flatten, Activation, Dropout)

Pads = tuple[tuple[int, int], tuple[int, int]]


@dataclass
class Step:
    """One operation of the exported network.

    Attributes
    ----------
    kind : str
        ``"dense"``, ``"conv"``, ``"maxpool"``, ``"avgpool"``, ``"flatten"``, ``"activation"``
        or ``"dropout"``.
    layer : str
        Name of the glassnet layer it comes from (for messages and node names).
    input_shape, output_shape : tuple of int
        Per-sample shapes (no batch axis).
    params : dict of ndarray
        glassnet layout: ``W (n_in, n_out)`` for dense, ``W (F, C, kh, kw)`` for conv, and ``b``.
    attrs : dict
        ``kernel``, ``stride``, ``pads`` for conv and pooling; ``activation`` and ``axis`` (the
        softmax axis: 1 over the filters of a convolution, −1 otherwise) for activations;
        ``rate`` for dropout.
    """

    kind: str
    layer: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    params: dict[str, np.ndarray] = field(default_factory=dict)
    attrs: dict[str, Any] = field(default_factory=dict)


def describe_layer(layer: Any) -> str:
    """``"layer 'dense_1' (Dense)"``: how messages name a layer."""
    return f"layer {getattr(layer, 'name', '?')!r} ({type(layer).__name__})"


def check_model(model: Any, who: str) -> None:
    """Refuse anything but a built glassnet ``Sequential`` of :data:`SUPPORTED` layers.

    Raises
    ------
    TypeError
        If ``model`` is not a glassnet ``Sequential``.
    ValueError
        If it is not built, or holds a layer no exporter can express (the message names it).
    """
    from glassnet.models import Sequential

    if not isinstance(model, Sequential):
        raise TypeError(f"{who} expects a glassnet Sequential model, got {type(model).__name__}")
    if not model.built:
        raise ValueError(f"{who}: the model is not built, so its input shape is unknown; call "
                         "model.build(input_shape) or fit it first")
    for layer in model.layers:
        if type(layer) not in SUPPORTED:
            names = ", ".join(cls.__name__ for cls in SUPPORTED)
            raise ValueError(f"{who} cannot express {describe_layer(layer)}: only the layers "
                             f"{names} can be exported")


def _activation(layer: Any, act: str, axis: int, shape: tuple[int, ...]) -> Step:
    return Step("activation", layer.name, shape, shape, attrs={"activation": act, "axis": axis})


def _window(layer: Any, kernel, stride, window: str) -> dict[str, Any]:
    (ho, wo), pads = conv_geometry(layer.input_shape[1:], kernel, stride, layer.padding,
                                   window=window)
    return {"kernel": tuple(kernel), "stride": tuple(stride), "pads": pads, "out": (ho, wo)}


def model_steps(model: Any, who: str = "export") -> list[Step]:
    """The steps of a built model, input to output (see :class:`Step`).

    Parameters
    ----------
    model : glassnet.Sequential
        Built, with :data:`SUPPORTED` layers only.
    who : str
        The calling function's name, for error messages.

    Returns
    -------
    list of Step
        Parameters are copies, in the model's dtype.
    """
    check_model(model, who)
    steps: list[Step] = []
    for layer in model.layers:
        shape_in, shape_out = tuple(layer.input_shape), tuple(layer.output_shape)
        params = {k: np.array(v, copy=True) for k, v in layer.params.items()}
        if isinstance(layer, Dense):
            steps.append(Step("dense", layer.name, shape_in, shape_out, params))
            act, axis = layer.activation.name, -1
        elif isinstance(layer, Conv2D):
            attrs = _window(layer, layer.kernel_size, layer.stride, "kernel")
            steps.append(Step("conv", layer.name, shape_in, shape_out, params, attrs))
            act, axis = layer.activation.name, 1            # softmax per pixel, over filters
        elif isinstance(layer, (MaxPool2D, AvgPool2D)):
            kind = "maxpool" if isinstance(layer, MaxPool2D) else "avgpool"
            attrs = _window(layer, layer.pool_size, layer.stride, "pool")
            steps.append(Step(kind, layer.name, shape_in, shape_out, attrs=attrs))
            continue
        elif isinstance(layer, Flatten):
            steps.append(Step("flatten", layer.name, shape_in, shape_out))
            continue
        elif isinstance(layer, Dropout):
            steps.append(Step("dropout", layer.name, shape_in, shape_out,
                              attrs={"rate": layer.rate}))
            continue
        else:                                               # Activation: softmax on the last axis
            act, axis = layer.activation.name, -1
        if act != "linear":
            steps.append(_activation(layer, act, axis, shape_out))
    return steps


def is_symmetric(pads: Pads) -> bool:
    """True when the padding is the same before and after, on both axes."""
    (top, bottom), (left, right) = pads
    return top == bottom and left == right


__all__ = ["SUPPORTED", "Step", "check_model", "describe_layer", "model_steps", "is_symmetric"]
