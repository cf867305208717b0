"""Shared fixtures for the engine tests: the posts' "flower" data and a PyTorch mirror of a model.

The flower generator is written here (not taken from ``glassnet.datasets``) so that the engine is
checked against data that no glassnet code produced. The PyTorch mirror rebuilds a glassnet
``Sequential`` from its layers and weights in float64 autograd, so every loss and gradient of the
engine can be compared with PyTorch's.
"""

from __future__ import annotations

import numpy as np
import pytest


def make_flower(n_per_class: int = 200, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """The planar "flower" of Andrew Ng's ``load_planar_dataset`` (two classes, 4 petals).

    Returns ``X: (2·n_per_class, 2)`` and ``y: (2·n_per_class,)`` of 0/1 (class j holds the
    samples ``j·n_per_class ... (j+1)·n_per_class − 1``).
    """
    rng = np.random.default_rng(seed)
    a, n = 4.0, n_per_class
    parts, labels = [], []
    for j in range(2):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + 0.2 * rng.standard_normal(n)
        r = a * np.sin(4 * t) + 0.2 * rng.standard_normal(n)
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
        labels.append(np.full(n, j))
    return np.concatenate(parts), np.concatenate(labels)


@pytest.fixture(scope="session")
def flower() -> tuple[np.ndarray, np.ndarray]:
    """400 flower points, ``default_rng(1)``."""
    return make_flower(200, seed=1)


class TorchMirror:
    """A float64 PyTorch copy of a built glassnet ``Sequential`` (inference mode: no dropout).

    ``leaves[i]`` maps each key of ``model.layers[i].params`` to a leaf tensor holding a copy of
    that parameter, so after ``loss(X, y).backward()`` the reference gradient of
    ``layer.grads[key]`` is ``leaves[i][key].grad``.
    """

    def __init__(self, model) -> None:
        import torch

        self.torch = torch
        self.model = model
        self.leaves = [
            {k: torch.tensor(np.array(v, dtype=np.float64), requires_grad=True)
             for k, v in layer.params.items()}
            for layer in model.layers
        ]

    def parameters(self) -> list:
        """All leaves in ``model.get_weights()`` order."""
        return [t for group in self.leaves for t in group.values()]

    def _activate(self, name: str, z):
        F = self.torch.nn.functional
        return {
            "linear": lambda t: t,
            "sigmoid": self.torch.sigmoid,
            "tanh": self.torch.tanh,
            "relu": self.torch.relu,
            "leaky_relu": lambda t: F.leaky_relu(t, 0.01),
            "softmax": lambda t: self.torch.softmax(t, dim=-1),
        }[name](z)

    def forward(self, X):
        """Outputs ``a`` and the input ``z`` of the last activation (the logits of the head)."""
        torch = self.torch
        a = torch.as_tensor(np.asarray(X, dtype=np.float64))
        z = a
        for layer, leaf in zip(self.model.layers, self.leaves, strict=True):
            kind = type(layer).__name__
            if kind == "Flatten":
                a = a.reshape(a.shape[0], -1)
            elif kind == "Dropout":
                pass
            elif "W" in leaf:                                   # Dense and its subclasses
                z = a @ leaf["W"] + leaf["b"]
                a = self._activate(layer.activation.name, z)
            else:                                               # Activation
                z = a
                a = self._activate(layer.activation.name, z)
        return a, z

    def penalty(self):
        """Σ over Dense layers of ``l1·Σ|W| + l2·ΣW²`` (biases are not penalised)."""
        total = self.torch.zeros((), dtype=self.torch.float64)
        for layer, leaf in zip(self.model.layers, self.leaves, strict=True):
            if "W" in leaf:
                W = leaf["W"]
                total = total + layer.l1 * W.abs().sum() + layer.l2 * (W * W).sum()
        return total

    def loss(self, X, y):
        """The model's compiled loss (mean over samples) plus the penalties, in PyTorch."""
        torch = self.torch
        F = torch.nn.functional
        a, z = self.forward(X)
        last = self.model.layers[-1].activation.name
        y = np.asarray(y)
        name = self.model.loss.name
        if name == "binary_crossentropy":
            t = torch.as_tensor(y.reshape(-1, 1).astype(np.float64))
            value = (F.binary_cross_entropy_with_logits(z, t) if last == "sigmoid"
                     else F.binary_cross_entropy(a, t))
        elif name == "categorical_crossentropy":
            if y.ndim == 1:
                t = torch.as_tensor(y.astype(np.int64))
                value = (F.cross_entropy(z, t) if last == "softmax"
                         else F.nll_loss(torch.log(a), t))
            else:
                t = torch.as_tensor(y.astype(np.float64))
                value = (F.cross_entropy(z, t) if last == "softmax"
                         else -(t * torch.log(a)).sum(dim=1).mean())
        elif name == "mse":
            t = torch.as_tensor(y.reshape(len(y), -1).astype(np.float64))
            value = F.mse_loss(a, t)
        else:
            raise AssertionError(f"no PyTorch reference for loss {name!r}")
        return value + self.penalty()

    def weights(self) -> list[np.ndarray]:
        """Current leaf values as NumPy arrays, in ``model.get_weights()`` order."""
        return [t.detach().numpy().copy() for t in self.parameters()]


@pytest.fixture
def torch_mirror():
    """The :class:`TorchMirror` class: ``torch_mirror(model)`` mirrors a built model."""
    return TorchMirror
