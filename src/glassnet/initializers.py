"""Weight initializers and their registry.

Each initializer is a function ``init(shape, fan_in, fan_out, rng, dtype) -> array``.
``fan_in`` is the number of inputs that feed one unit (``n_in`` for Dense, ``channels·kh·kw`` for
Conv2D) and ``fan_out`` the number of units one input feeds.

=============  ===============================================  ==========================
name           distribution                                     used by
=============  ===============================================  ==========================
zeros          0                                                biases
normal         N(0, 1)                                          post 001 (plain Gaussian)
small_normal   N(0, 0.01²)                                      posts 000 and 002 (×0.01)
glorot_uniform U(−l, l), l = √(6 / (fan_in + fan_out))          Keras' default
glorot_normal  N(0, 2 / (fan_in + fan_out))                     Glorot & Bengio
he_normal      N(0, 2 / fan_in)                                 ReLU nets, post 003
he_uniform     U(−l, l), l = √(6 / fan_in)                      ReLU nets
lecun_normal   N(0, 1 / fan_in)                                 post 004 (1/√n)
=============  ===============================================  ==========================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from glassnet._suggest import did_you_mean

Initializer = Callable[[tuple[int, ...], int, int, np.random.Generator, Any], np.ndarray]


def zeros(shape, fan_in, fan_out, rng, dtype=np.float32):
    """All zeros."""
    return np.zeros(shape, dtype=dtype)


def normal(shape, fan_in, fan_out, rng, dtype=np.float32):
    """Standard normal N(0, 1)."""
    return rng.standard_normal(shape).astype(dtype, copy=False)


def small_normal(shape, fan_in, fan_out, rng, dtype=np.float32):
    """N(0, 1) scaled by 0.01, as ``randn(...) * 0.01`` in the posts."""
    return (rng.standard_normal(shape) * 0.01).astype(dtype, copy=False)


def glorot_uniform(shape, fan_in, fan_out, rng, dtype=np.float32):
    """Uniform on ±√(6 / (fan_in + fan_out))."""
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, shape).astype(dtype, copy=False)


def glorot_normal(shape, fan_in, fan_out, rng, dtype=np.float32):
    """Normal with variance 2 / (fan_in + fan_out)."""
    std = np.sqrt(2.0 / (fan_in + fan_out))
    return (rng.standard_normal(shape) * std).astype(dtype, copy=False)


def he_normal(shape, fan_in, fan_out, rng, dtype=np.float32):
    """Normal with variance 2 / fan_in."""
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(dtype, copy=False)


def he_uniform(shape, fan_in, fan_out, rng, dtype=np.float32):
    """Uniform on ±√(6 / fan_in)."""
    limit = np.sqrt(6.0 / fan_in)
    return rng.uniform(-limit, limit, shape).astype(dtype, copy=False)


def lecun_normal(shape, fan_in, fan_out, rng, dtype=np.float32):
    """Normal with variance 1 / fan_in (the ``1/sqrt(n)`` scaling of post 004)."""
    return (rng.standard_normal(shape) / np.sqrt(fan_in)).astype(dtype, copy=False)


_REGISTRY: dict[str, Initializer] = {
    f.__name__: f
    for f in (zeros, normal, small_normal, glorot_uniform, glorot_normal, he_normal, he_uniform,
              lecun_normal)
}


def names() -> list[str]:
    """Names of all registered initializers."""
    return list(_REGISTRY)


def get(name: str) -> Initializer:
    """Look an initializer up by name; the error lists the valid names."""
    if not isinstance(name, str):
        raise TypeError(f"kernel_initializer must be a string name, got {type(name).__name__}")
    try:
        return _REGISTRY[name.lower()]
    except KeyError:
        raise ValueError(
            f"unknown kernel_initializer {name!r}; valid names are: {', '.join(_REGISTRY)}"
            + did_you_mean(name, _REGISTRY)
        ) from None
