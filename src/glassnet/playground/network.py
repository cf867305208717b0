"""The playground's network: a ``gn.Sequential`` with the head and loss the task needs.

============  =================  ==========================  ===============
task          output layer       loss                        dZ of the head
============  =================  ==========================  ===============
binary        Dense(1, sigmoid)  binary_crossentropy         A − Y
multiclass    Dense(k, softmax)  categorical_crossentropy    A − Y
regression    Dense(1, linear)   mse                         2(A − Y)
============  =================  ==========================  ===============

(each ``dZ`` divided by the batch size). The hidden layers are ``Dense(units, activation)``
with the L1 or L2 penalty of the settings, each followed by ``Dropout(rate)`` when the rate
is above 0.
"""

from __future__ import annotations

import numpy as np

from glassnet import optimizers
from glassnet.layers import Dense, Dropout
from glassnet.models import Sequential
from glassnet.models.training import batches
from glassnet.playground.settings import Settings

HEADS = {
    "binary": ("sigmoid", "binary_crossentropy"),
    "multiclass": ("softmax", "categorical_crossentropy"),
    "regression": ("linear", "mse"),
}


def make_optimizer(name: str, lr: float) -> optimizers.Optimizer:
    """The glassnet optimizer of the page's name: ``sgd``, ``momentum`` (SGD, μ = 0.9),
    ``nesterov`` (SGD, μ = 0.9, Nesterov), ``adam``, ``rmsprop``, ``adagrad``."""
    if name == "sgd":
        return optimizers.SGD(lr=lr)
    if name == "momentum":
        return optimizers.SGD(lr=lr, momentum=0.9)
    if name == "nesterov":
        return optimizers.SGD(lr=lr, momentum=0.9, nesterov=True)
    if name in ("adam", "rmsprop", "adagrad"):
        return optimizers.get(name, lr=lr)
    raise ValueError(f"optimizer must be one of sgd, momentum, nesterov, adam, rmsprop, "
                     f"adagrad; got {name!r}")


def output_units(task: str, n_classes: int) -> int:
    """Units of the output layer: k for multi-class, else 1."""
    return n_classes if task == "multiclass" else 1


def build_model(settings: Settings, task: str, n_classes: int = 2,
                dtype=np.float32) -> Sequential:
    """A compiled, built ``Sequential`` for ``settings`` and the ``task``.

    Parameters
    ----------
    settings : Settings
        Features (the input width), hidden layers, activation, regularisation, dropout,
        optimizer, learning rate and seed.
    task : {"binary", "multiclass", "regression"}
    n_classes : int
        Classes of a multi-class task.
    """
    if task not in HEADS:
        raise ValueError(f"task must be one of {', '.join(HEADS)}; got {task!r}")
    l1 = settings.reg_rate if settings.regularization == "l1" else 0.0
    l2 = settings.reg_rate if settings.regularization == "l2" else 0.0
    layers = []
    for units in settings.hidden:
        layers.append(Dense(units, activation=settings.activation, l1=l1, l2=l2))
        if settings.dropout > 0:
            layers.append(Dropout(settings.dropout))
    head, loss = HEADS[task]
    layers.append(Dense(output_units(task, n_classes), activation=head))
    model = Sequential(layers, seed=settings.seed, dtype=dtype, name="playground")
    model.compile(loss=loss, optimizer=make_optimizer(settings.optimizer,
                                                      settings.learning_rate))
    model.build((len(settings.features),))
    return model


def targets(y: np.ndarray, task: str, dtype=np.float32) -> np.ndarray:
    """Targets in the form the loss trains on: int64 labels for multi-class, a float
    ``(n, 1)`` column of 0/1 or of values for the others."""
    if task == "multiclass":
        return np.ascontiguousarray(y, dtype=np.int64)
    return np.ascontiguousarray(y, dtype=dtype).reshape(-1, 1)


def dense_layers(model: Sequential) -> list[Dense]:
    """The model's Dense layers, input to output (the Dropout layers left out)."""
    return [layer for layer in model.layers if isinstance(layer, Dense)]


def epoch_batches(model: Sequential, X: np.ndarray, y: np.ndarray, batch_size: int, seed: int,
                  epoch: int):
    """The mini-batches of ``epoch`` exactly as ``model.fit(..., seed=seed)`` makes them.

    ``fit`` draws the order of epoch ``e`` from ``default_rng([seed, e])`` (no shuffle for a
    full batch) and reseeds each Dropout layer ``i`` with ``default_rng([seed, e, i + 1])``;
    this does the same, so the playground can train step by step, between frames, and still
    match one ``fit`` call bit for bit.
    """
    batch = min(batch_size, len(X))
    model.epoch = epoch
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Dropout):
            layer.rng = np.random.default_rng([seed, epoch, i + 1])
    order = None if batch >= len(X) else np.random.default_rng([seed, epoch]).permutation(len(X))
    return batches(X, y, batch, order)
