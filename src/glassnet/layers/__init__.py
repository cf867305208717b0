"""Layers: each a small class with ``forward``, ``backward``, ``params`` and ``grads``."""

from glassnet._suggest import did_you_mean
from glassnet.layers.activation import Activation
from glassnet.layers.base import Layer
from glassnet.layers.conv import Conv2D
from glassnet.layers.dense import Dense
from glassnet.layers.dropout import Dropout
from glassnet.layers.flatten import Flatten
from glassnet.layers.pooling import AvgPool2D, MaxPool2D

_REGISTRY: dict[str, type[Layer]] = {
    cls.__name__: cls
    for cls in (Dense, Activation, Dropout, Flatten, Conv2D, MaxPool2D, AvgPool2D)
}


def register(cls: type[Layer]) -> type[Layer]:
    """Make a Layer subclass known to ``load_model`` (usable as a class decorator)."""
    if not (isinstance(cls, type) and issubclass(cls, Layer)):
        raise TypeError(f"register expects a Layer subclass, got {cls!r}")
    _REGISTRY[cls.__name__] = cls
    return cls


def get_class(name: str) -> type[Layer]:
    """Layer class by its class name; the error lists the known layers."""
    if not isinstance(name, str) or name not in _REGISTRY:
        raise ValueError(f"unknown layer type {name!r}; known layers are: {', '.join(_REGISTRY)}"
                         + did_you_mean(str(name), _REGISTRY))
    return _REGISTRY[name]


__all__ = ["Layer", "Dense", "Activation", "Dropout", "Flatten", "Conv2D", "MaxPool2D",
           "AvgPool2D", "register", "get_class"]
