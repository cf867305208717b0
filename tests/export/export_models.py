"""Models and helpers shared by the export tests.

The models: the MLP, the LeNet-style CNN of ``examples/cnn_mnist.py`` (imported from the file),
a network with "same" padding and even kernels (asymmetric padding in convolutions and pools),
and one network per activation that uses it in a Dense layer, a Conv2D layer (softmax over the
filters), an Activation layer on an image (softmax over the last axis) and on flat rows.
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet.layers import (
    Activation,
    AvgPool2D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def lenet(seed: int = 0, dtype=np.float32) -> gn.Sequential:
    """The network of ``examples/cnn_mnist.py``, built for (1, 28, 28) images."""
    spec = importlib.util.spec_from_file_location("glassnet_example_cnn_mnist_export",
                                                  EXAMPLES / "cnn_mnist.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.lenet(seed)
    if dtype != np.float32:
        model = gn.Sequential(copy.deepcopy(model.layers), seed=seed, dtype=dtype)
    model.build((1, 28, 28))
    return model


def mlp(seed: int = 0, dtype=np.float32) -> gn.Sequential:
    model = gn.Sequential([Dense(16, activation="tanh"), Dense(8, activation="relu",
                                                               kernel_initializer="he_normal"),
                           Dropout(0.2), Dense(3, activation="softmax")], seed=seed, dtype=dtype)
    model.build((5,))
    return model


def same_even(seed: int = 0, dtype=np.float32) -> gn.Sequential:
    """'same' everywhere on odd sizes: even kernels, strides, pools that pad after only."""
    model = gn.Sequential([
        Conv2D(4, 2, padding="same", activation="relu"),                 # pads (0, 1)
        Conv2D(3, (4, 3), stride=2, padding="same", activation="tanh"),  # (1, 2) x (1, 1)
        MaxPool2D(2, padding="same"),                                    # 4x4 -> 2x2, no pad
        AvgPool2D(3, stride=1, padding="same"),                          # (1, 1), edge counts
        Conv2D(2, 2, padding="same"),
        MaxPool2D(3, stride=2, padding="same"),
        Flatten(), Dense(1, activation="sigmoid"),
    ], seed=seed, dtype=dtype)
    model.build((2, 7, 7))
    return model


def pools(seed: int = 0, dtype=np.float32) -> gn.Sequential:
    """Asymmetric 'same' pads for both pools (2x2 windows on a 5x5 map)."""
    model = gn.Sequential([
        Conv2D(3, 3, padding="same"), AvgPool2D(2, padding="same"),      # 5 -> 3, pads (0, 1)
        Conv2D(3, 3, padding="same", activation="relu"), MaxPool2D(2, padding="same"),
        Flatten(), Dense(4),
    ], seed=seed, dtype=dtype)
    model.build((1, 5, 5))
    return model


def with_activation(act: str, seed: int = 0, dtype=np.float32) -> gn.Sequential:
    model = gn.Sequential([
        Conv2D(3, 3, padding="same", activation=act),
        Activation(act),                                   # on (C, H, W): softmax over W
        MaxPool2D(2), Flatten(),
        Dense(6, activation=act), Activation(act), Dense(4, activation=act),
    ], seed=seed, dtype=dtype)
    model.build((2, 6, 6))
    return model


MODELS = {"mlp": mlp, "lenet": lenet, "same_even": same_even, "pools": pools}
MODELS.update({f"act_{a}": (lambda seed=0, dtype=np.float32, a=a: with_activation(a, seed, dtype))
               for a in gn.activations.names()})


def inputs(model: gn.Sequential, n: int = 5, seed: int = 0) -> np.ndarray:
    """Random inputs of the model's per-sample shape, in its dtype."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, *model.input_shape)).astype(model.dtype)
