"""glassnet: neural networks from scratch on NumPy — readable, verified, fast.

>>> import glassnet as gn
>>> X, y = gn.datasets.make_flower(400, seed=1)
>>> model = gn.Sequential([gn.layers.Dense(40, activation="tanh"),
...                        gn.layers.Dense(1, activation="sigmoid")], seed=0)
>>> model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=0.9),
...               metrics=["accuracy"])
>>> history = model.fit(X, y, epochs=100, verbose=0)

The plotting modules ``glassnet.plot`` and ``glassnet.animate`` import matplotlib lazily, on first
use; the engine never needs it.
"""

from __future__ import annotations

import importlib

from glassnet import (
    accel,
    activations,
    callbacks,
    conv,
    datasets,
    initializers,
    layers,
    linear,
    losses,
    metrics,
    optimizers,
)
from glassnet.diagnostics import diagnose, lr_find
from glassnet.errors import DivergenceError, ModelFileError, NotFittedError
from glassnet.gradcheck import gradcheck
from glassnet.models import Sequential, load_model

__version__ = "0.1.0"

_LAZY = {"plot", "animate", "sklearn"}
_LAZY |= {"export"}
# importers, living in glassnet.export (imported on first use)
_LAZY_FUNCTIONS = {"load_torch_state_dict": "glassnet.export", "load_keras": "glassnet.export"}


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(f"glassnet.{name}")
        globals()[name] = module
        return module
    if name in _LAZY_FUNCTIONS:
        function = getattr(importlib.import_module(_LAZY_FUNCTIONS[name]), name)
        globals()[name] = function
        return function
    raise AttributeError(f"module 'glassnet' has no attribute {name!r}")


__all__ = [
    "Sequential", "load_model", "gradcheck", "DivergenceError", "ModelFileError", "NotFittedError",
    "accel", "activations", "callbacks", "conv", "datasets", "initializers", "layers", "linear",
    "losses", "metrics", "optimizers", "plot", "animate", "sklearn", "__version__",
]
__all__ += ["export", "load_torch_state_dict", "load_keras"]
__all__ += ["diagnose", "lr_find"]
