"""Activation functions and their derivatives, as pure NumPy functions plus a registry.

Every derivative here is written in terms of the *output* ``a = g(z)`` (and the incoming
gradient), so a layer only needs to cache its output:

==============  ==========================  ===============================
name            g(z)                        dL/dz given dL/da = G
==============  ==========================  ===============================
linear          z                           G
sigmoid         1 / (1 + e^-z)              G · a (1 − a)
tanh            tanh z                      G · (1 − a²)
relu            max(z, 0)                   G · [a > 0]
leaky_relu      z if z > 0 else α z         G · (1 if a > 0 else α)
softmax         e^z_i / Σ_j e^z_j (per row)  a ⊙ (G − Σ_j G_j a_j)
==============  ==========================  ===============================

All forms are stable for |z| up to 1e4 and beyond: no overflow warnings, no NaN.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from glassnet._suggest import did_you_mean

# ----------------------------------------------------------------------------- forward functions


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic sigmoid ``1 / (1 + exp(-z))``, stable for any ``z``.

    Notes
    -----
    For ``z`` below about −709 (float64) or −88 (float32) ``exp(−z)`` overflows to ``inf`` and
    ``1 / (1 + inf) = 0``, the correctly rounded answer; the overflow is expected, so its warning
    is silenced. Everywhere else the formula keeps full relative precision.
    """
    out = np.negative(z, out=out)
    with np.errstate(over="ignore"):
        np.exp(out, out=out)
    out += 1.0
    return np.reciprocal(out, out=out)


def tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Hyperbolic tangent."""
    return np.tanh(z, out=out)


def relu(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Rectified linear unit ``max(z, 0)``."""
    return np.maximum(z, 0, out=out)


def leaky_relu(z: np.ndarray, out: np.ndarray | None = None, alpha: float = 0.01) -> np.ndarray:
    """Leaky ReLU: ``z`` for positive ``z``, ``alpha * z`` otherwise (``0 < alpha < 1``)."""
    return np.maximum(z, alpha * z, out=out)


def linear(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Identity."""
    if out is None or out is z:
        return z
    np.copyto(out, z)
    return out


def softmax(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Row-wise softmax of ``z: (n, k)`` (last axis), stable by subtracting each row's maximum."""
    out = np.subtract(z, np.maximum.reduce(z, axis=-1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= np.add.reduce(out, axis=-1, keepdims=True)
    return out


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise ``log(softmax(z))`` computed without forming the softmax (finite for any z)."""
    shifted = z - z.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def log_sigmoid(z: np.ndarray) -> np.ndarray:
    """``log(sigmoid(z)) = -log(1 + e^-z)``, finite for any ``z``."""
    return -np.logaddexp(0.0, -z)


# ----------------------------------------------------------------------------- derivatives


def sigmoid_backward(grad: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dL/dz for sigmoid: ``grad * a * (1 - a)``."""
    d = np.subtract(1.0, a)                       # 1 − a -> a(1 − a) -> grad·a(1 − a)
    d *= a
    return np.multiply(grad, d, out=d)


def tanh_backward(grad: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dL/dz for tanh: ``grad * (1 - a**2)``."""
    d = np.multiply(a, a)                         # a² -> 1 − a² -> grad·(1 − a²), one buffer
    np.subtract(1.0, d, out=d)
    return np.multiply(grad, d, out=d)


def relu_backward(grad: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dL/dz for ReLU: the gradient where the unit was active, 0 elsewhere."""
    return np.multiply(grad, a > 0)               # bool mask: 1 where active, 0 elsewhere


def leaky_relu_backward(grad: np.ndarray, a: np.ndarray, alpha: float = 0.01) -> np.ndarray:
    """dL/dz for leaky ReLU (``a`` has the sign of ``z``)."""
    return np.where(a > 0, grad, alpha * grad).astype(grad.dtype, copy=False)


def linear_backward(grad: np.ndarray, a: np.ndarray) -> np.ndarray:
    """dL/dz for the identity: the gradient itself."""
    return grad


def softmax_backward(grad: np.ndarray, a: np.ndarray) -> np.ndarray:
    """Jacobian-vector product of the row-wise softmax: ``a * (grad - sum(grad * a, axis=-1))``."""
    dot = np.einsum("...k,...k->...", grad, a)[..., None]
    return a * (grad - dot)


# ----------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ActivationFn:
    """An activation: its name, forward function and backward (from the output ``a``)."""

    name: str
    forward: Callable[..., np.ndarray]
    backward: Callable[[np.ndarray, np.ndarray], np.ndarray]


_REGISTRY: dict[str, ActivationFn] = {
    fn.name: fn
    for fn in (
        ActivationFn("linear", linear, linear_backward),
        ActivationFn("sigmoid", sigmoid, sigmoid_backward),
        ActivationFn("tanh", tanh, tanh_backward),
        ActivationFn("relu", relu, relu_backward),
        ActivationFn("leaky_relu", leaky_relu, leaky_relu_backward),
        ActivationFn("softmax", softmax, softmax_backward),
    )
}


def names() -> list[str]:
    """Names of all registered activations."""
    return list(_REGISTRY)


def get(name: str | None) -> ActivationFn:
    """Look an activation up by name (None means ``"linear"``).

    Raises
    ------
    TypeError
        If ``name`` is not a string.
    ValueError
        If no activation has that name; the message lists the valid names.
    """
    if name is None:
        name = "linear"
    if isinstance(name, ActivationFn):
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation must be a string name, got {type(name).__name__} {name!r}")
    try:
        return _REGISTRY[name.lower()]
    except KeyError:
        raise ValueError(
            f"unknown activation {name!r}; valid names are: {', '.join(_REGISTRY)}"
            + did_you_mean(name, _REGISTRY)
        ) from None
