"""Optimizers with PyTorch's update rules and defaults (``torch.optim``).

An optimizer is separate from the model and keeps its own state per parameter array.
``step(params, grads)`` updates each array of ``params`` in place from the matching ``grads``.
A :class:`~glassnet.Sequential` packs all its weights into one flat buffer, so in practice each
step is a handful of in-place passes over one contiguous array, written with ``out=`` so that
no temporaries are allocated in the training loop.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import check_number


class Optimizer:
    """Base class: holds the learning rate, the step count and per-parameter state."""

    def __init__(self, lr: float) -> None:
        self.lr = check_number(lr, "lr", low=0.0, low_inclusive=False)
        self.iterations = 0
        self.state: list[dict[str, np.ndarray]] = []

    def _state_for(self, i: int, p: np.ndarray) -> dict[str, np.ndarray]:
        while len(self.state) <= i:
            self.state.append({})
        st = self.state[i]
        if "_tmp" not in st or st["_tmp"].shape != p.shape:
            st["_tmp"] = np.empty_like(p)        # scratch, not saved
        return st

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Apply one update to every array in ``params`` (in place)."""
        self.iterations += 1
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            self._update(p, g, self._state_for(i, p))

    def _update(self, p: np.ndarray, g: np.ndarray, st: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    # -- persistence --------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """Constructor arguments (JSON-serialisable)."""
        return {"lr": self.lr}

    def state_arrays(self) -> dict[str, np.ndarray]:
        """Saved state as ``{"<index>/<name>": array}`` (scratch buffers excluded)."""
        return {f"{i}/{k}": v for i, st in enumerate(self.state) for k, v in st.items()
                if not k.startswith("_")}

    def load_state_arrays(self, arrays: dict[str, np.ndarray], iterations: int) -> None:
        """Restore what :meth:`state_arrays` returned."""
        self.state = []
        for key, value in arrays.items():
            i, name = key.split("/", 1)
            i = int(i)
            while len(self.state) <= i:
                self.state.append({})
            self.state[i][name] = np.array(value)
        self.iterations = int(iterations)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    Notes
    -----
    As ``torch.optim.SGD`` (dampening 0)::

        v ← g                 on the first step,   v ← μ·v + g   afterwards
        d ← g + μ·v  (nesterov)   or   d ← v   (plain momentum)   or   d ← g (μ = 0)
        p ← p − lr·d
    """

    def __init__(self, lr: float = 0.01, momentum: float = 0.0, nesterov: bool = False) -> None:
        super().__init__(lr)
        self.momentum = check_number(momentum, "momentum", low=0.0, high=1.0, high_inclusive=False)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be a bool, got {type(nesterov).__name__}")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = nesterov

    def _update(self, p, g, st):
        if self.momentum == 0.0:
            tmp = np.multiply(g, self.lr, out=st["_tmp"])
            p -= tmp
            return
        if "momentum_buffer" not in st:
            st["momentum_buffer"] = g.copy()
        else:
            v = st["momentum_buffer"]
            v *= self.momentum
            v += g
        v = st["momentum_buffer"]
        tmp = st["_tmp"]
        if self.nesterov:
            np.multiply(v, self.momentum, out=tmp)
            tmp += g
            tmp *= self.lr
        else:
            np.multiply(v, self.lr, out=tmp)
        p -= tmp

    def get_config(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}


class Adam(Optimizer):
    """Adam (Kingma & Ba), as ``torch.optim.Adam``.

    Notes
    -----
    With t the step count::

        m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
        p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)

    Note the square root of ``v``: post 003 divides by ``v`` itself, which is wrong.
    """

    def __init__(self, lr: float = 1e-3, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.beta1 = check_number(beta1, "beta1", low=0.0, high=1.0, high_inclusive=False)
        self.beta2 = check_number(beta2, "beta2", low=0.0, high=1.0, high_inclusive=False)
        self.eps = check_number(eps, "eps", low=0.0)

    def _update(self, p, g, st):
        if "m" not in st:
            st["m"] = np.zeros_like(p)
            st["v"] = np.zeros_like(p)
        m, v, tmp = st["m"], st["v"], st["_tmp"]
        t = self.iterations
        b1, b2 = self.beta1, self.beta2
        m *= b1                                           # m ← β1·m + (1 − β1)·g
        np.multiply(g, 1.0 - b1, out=tmp)
        m += tmp
        v *= b2                                           # v ← β2·v + (1 − β2)·g²
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - b2
        v += tmp
        bias2 = np.sqrt(1.0 - b2 ** t)
        step_size = self.lr / (1.0 - b1 ** t)
        np.sqrt(v, out=tmp)                               # tmp ← √v/√(1−β2^t) + ε
        tmp *= 1.0 / bias2
        tmp += self.eps
        np.divide(m, tmp, out=tmp)
        tmp *= step_size
        p -= tmp

    def get_config(self):
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop`` (no momentum, not centred).

    Notes
    -----
    ``v ← ρ·v + (1 − ρ)·g²``,  ``p ← p − lr · g / (√v + ε)``.
    """

    def __init__(self, lr: float = 1e-2, rho: float = 0.99, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.rho = check_number(rho, "rho", low=0.0, high=1.0, high_inclusive=False)
        self.eps = check_number(eps, "eps", low=0.0)

    def _update(self, p, g, st):
        if "square_avg" not in st:
            st["square_avg"] = np.zeros_like(p)
        v, tmp = st["square_avg"], st["_tmp"]
        v *= self.rho
        np.multiply(g, g, out=tmp)
        tmp *= 1.0 - self.rho
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += self.eps
        np.divide(g, tmp, out=tmp)
        tmp *= self.lr
        p -= tmp

    def get_config(self):
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps}


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad`` (no learning-rate decay, accumulator starts at 0).

    Notes
    -----
    ``s ← s + g²``,  ``p ← p − lr · g / (√s + ε)``.
    """

    def __init__(self, lr: float = 1e-2, eps: float = 1e-10) -> None:
        super().__init__(lr)
        self.eps = check_number(eps, "eps", low=0.0)

    def _update(self, p, g, st):
        if "sum" not in st:
            st["sum"] = np.zeros_like(p)
        s, tmp = st["sum"], st["_tmp"]
        np.multiply(g, g, out=tmp)
        s += tmp
        np.sqrt(s, out=tmp)
        tmp += self.eps
        np.divide(g, tmp, out=tmp)
        tmp *= self.lr
        p -= tmp

    def get_config(self):
        return {"lr": self.lr, "eps": self.eps}


_REGISTRY: dict[str, type[Optimizer]] = {
    "sgd": SGD, "adam": Adam, "rmsprop": RMSprop, "adagrad": Adagrad,
}


def names() -> list[str]:
    """Names of all registered optimizers."""
    return list(_REGISTRY)


def get(name: str | Optimizer, **kwargs: Any) -> Optimizer:
    """An optimizer by name (with default arguments unless given) or the object itself."""
    if isinstance(name, Optimizer):
        return name
    if not isinstance(name, str):
        raise TypeError(f"optimizer must be a string name or an Optimizer, got "
                        f"{type(name).__name__}")
    key = name.lower()
    if key not in _REGISTRY:
        raise ValueError(f"unknown optimizer {name!r}; valid names are: {', '.join(_REGISTRY)}")
    return _REGISTRY[key](**kwargs)


def from_config(class_name: str, config: dict[str, Any]) -> Optimizer:
    """Rebuild an optimizer from its class name and :meth:`Optimizer.get_config`."""
    classes = {cls.__name__: cls for cls in _REGISTRY.values()}
    if class_name not in classes:
        raise ValueError(f"unknown optimizer class {class_name!r}; known: {', '.join(classes)}")
    return classes[class_name](**config)
