"""Optimizers with PyTorch's update rules and defaults (``torch.optim``).

An optimizer is separate from the model and keeps its own state per parameter array.
``step(params, grads)`` updates each array of ``params`` in place from the matching ``grads``.
A :class:`~glassnet.Sequential` packs all its weights into one flat buffer, so in practice each
step is a handful of in-place passes over one contiguous array, written with ``out=`` so that
no temporaries are allocated in the training loop; with numba installed, one fused pass
(:mod:`glassnet.accel`).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet import accel
from glassnet._suggest import did_you_mean
from glassnet._validation import check_number


class Optimizer:
    """Base class: holds the learning rate, the step count and per-parameter state.

    Each subclass writes its update twice: ``_update`` in NumPy (the reference, a few in-place
    passes with ``out=``) and, through :mod:`glassnet.accel`, as one fused loop doing the same
    operations. Every scalar of a step is cast to the parameters' dtype first, so both paths
    compute in that dtype alone and give the same bits.
    """

    def __init__(self, lr: float | None, learning_rate: float | None = None,
                 default: float | None = None) -> None:
        if lr is not None and learning_rate is not None:
            raise TypeError(f"give the learning rate once, as lr or as learning_rate (Keras' "
                            f"name), got lr={lr!r} and learning_rate={learning_rate!r}")
        lr = lr if lr is not None else learning_rate if learning_rate is not None else default
        if lr is None:
            raise TypeError(f"{type(self).__name__} needs a learning rate: lr=...")
        self.lr = check_number(lr, "lr", low=0.0, low_inclusive=False)
        self.iterations = 0
        self.state: list[dict[str, np.ndarray]] = []
        self._owner = None            # the model compiled with it (see Sequential.compile)

    @property
    def learning_rate(self) -> float:
        """Keras' name for :attr:`lr` (the same number)."""
        return self.lr

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.lr = check_number(value, "learning_rate", low=0.0, low_inclusive=False)

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_owner"] = None          # a weak reference does not pickle; the model re-claims
        return state

    def _state_for(self, i: int, p: np.ndarray) -> dict[str, np.ndarray]:
        while len(self.state) <= i:
            self.state.append({})
        return self.state[i]

    @staticmethod
    def _scratch(st: dict[str, np.ndarray], p: np.ndarray) -> np.ndarray:
        """A work array shaped like ``p`` (the NumPy path's only temporary; not saved)."""
        tmp = st.get("_tmp")
        if tmp is None or tmp.shape != p.shape or tmp.dtype != p.dtype:
            tmp = st["_tmp"] = np.empty_like(p)
        return tmp

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Apply one update to every array in ``params`` (in place)."""
        if len(params) != len(grads):
            raise ValueError(f"params and grads must be lists of the same length, got "
                             f"{len(params)} and {len(grads)}")
        self._check_state(params)
        self.iterations += 1
        for i, (p, g) in enumerate(zip(params, grads, strict=True)):
            self._update(p, g, self._state_for(i, p))

    def _check_state(self, params: list[np.ndarray]) -> None:
        """Refuse, before changing anything, parameters that do not match the state kept."""
        for i, st in enumerate(self.state[:len(params)]):
            for key, value in st.items():
                if not key.startswith("_") and value.shape != params[i].shape:
                    raise ValueError(
                        f"this {type(self).__name__} keeps state {key!r} of shape {value.shape} "
                        f"for params[{i}], got an array of shape {params[i].shape}; an optimizer "
                        f"belongs to one model: create a new one for another model")

    def _update(self, p: np.ndarray, g: np.ndarray, st: dict[str, np.ndarray]) -> None:
        raise NotImplementedError

    def update_bound(self, grad_norm: float) -> float | None:
        """An upper bound of ``‖Δp‖₂`` for the next step given ``‖g‖₂ = grad_norm``, or None when
        the optimizer does not give one (its state enters the step). The model's divergence
        guard skips the weight backup when the bound rules an overflow out."""
        return None

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


def _zeros_state(st: dict[str, np.ndarray], key: str, p: np.ndarray) -> np.ndarray:
    if key not in st:
        st[key] = np.zeros_like(p)
    return st[key]


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    Notes
    -----
    As ``torch.optim.SGD`` (dampening 0)::

        v ← g                 on the first step,   v ← μ·v + g   afterwards
        d ← g + μ·v  (nesterov)   or   d ← v   (plain momentum)   or   d ← g (μ = 0)
        p ← p − lr·d
    """

    def __init__(self, lr: float | None = None, momentum: float = 0.0, nesterov: bool = False,
                 *, learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate, default=0.01)
        self.momentum = check_number(momentum, "momentum", low=0.0, high=1.0, high_inclusive=False)
        if not isinstance(nesterov, bool):
            raise TypeError(f"nesterov must be a bool, got {type(nesterov).__name__}")
        if nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs momentum > 0, got momentum=0.0")
        self.nesterov = nesterov

    def _update(self, p, g, st):
        f = p.dtype.type
        lr = f(self.lr)
        if self.momentum == 0.0:
            if accel.run("sgd", (p, g), lr):
                return
            tmp = np.multiply(g, lr, out=self._scratch(st, p))
            p -= tmp
            return
        mu = f(self.momentum)
        first = "momentum_buffer" not in st
        v = _zeros_state(st, "momentum_buffer", p)
        if accel.run("sgd_momentum", (p, g, v), mu, lr, first, self.nesterov):
            return
        if first:
            np.copyto(v, g)
        else:
            v *= mu
            v += g
        tmp = self._scratch(st, p)
        if self.nesterov:
            np.multiply(v, mu, out=tmp)
            tmp += g
            tmp *= lr
        else:
            np.multiply(v, lr, out=tmp)
        p -= tmp

    def update_bound(self, grad_norm: float) -> float | None:
        """``lr·‖g‖₂`` without momentum (``Δp = −lr·g``); None with it."""
        return self.lr * grad_norm if self.momentum == 0.0 else None

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

    def __init__(self, lr: float | None = None, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8, *, learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate, default=1e-3)
        self.beta1 = check_number(beta1, "beta1", low=0.0, high=1.0, high_inclusive=False)
        self.beta2 = check_number(beta2, "beta2", low=0.0, high=1.0, high_inclusive=False)
        self.eps = check_number(eps, "eps", low=0.0)

    def _update(self, p, g, st):
        m, v = _zeros_state(st, "m", p), _zeros_state(st, "v", p)
        t = self.iterations
        f = p.dtype.type
        b1, c1 = f(self.beta1), f(1.0 - self.beta1)
        b2, c2 = f(self.beta2), f(1.0 - self.beta2)
        k = f(1.0 / math.sqrt(1.0 - self.beta2 ** t))      # 1/√(1 − β2^t)
        eps = f(self.eps)
        step = f(self.lr / (1.0 - self.beta1 ** t))         # lr/(1 − β1^t)
        if accel.run("adam", (p, g, m, v), b1, c1, b2, c2, k, eps, step):
            return
        tmp = self._scratch(st, p)
        m *= b1                                           # m ← β1·m + (1 − β1)·g
        np.multiply(g, c1, out=tmp)
        m += tmp
        v *= b2                                           # v ← β2·v + (1 − β2)·g²
        np.multiply(g, g, out=tmp)
        tmp *= c2
        v += tmp
        np.sqrt(v, out=tmp)                               # tmp ← √v/√(1−β2^t) + ε
        tmp *= k
        tmp += eps
        np.divide(m, tmp, out=tmp)                        # p ← p − step·m/tmp
        tmp *= step
        p -= tmp

    def get_config(self):
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


class RMSprop(Optimizer):
    """RMSprop, as ``torch.optim.RMSprop`` (no momentum, not centred).

    Notes
    -----
    ``v ← ρ·v + (1 − ρ)·g²``,  ``p ← p − lr · g / (√v + ε)``.
    """

    def __init__(self, lr: float | None = None, rho: float = 0.99, eps: float = 1e-8, *,
                 learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate, default=1e-2)
        self.rho = check_number(rho, "rho", low=0.0, high=1.0, high_inclusive=False)
        self.eps = check_number(eps, "eps", low=0.0)

    def _update(self, p, g, st):
        v = _zeros_state(st, "square_avg", p)
        f = p.dtype.type
        rho, c, eps, lr = f(self.rho), f(1.0 - self.rho), f(self.eps), f(self.lr)
        if accel.run("rmsprop", (p, g, v), rho, c, eps, lr):
            return
        tmp = self._scratch(st, p)
        v *= rho
        np.multiply(g, g, out=tmp)
        tmp *= c
        v += tmp
        np.sqrt(v, out=tmp)
        tmp += eps
        np.divide(g, tmp, out=tmp)
        tmp *= lr
        p -= tmp

    def get_config(self):
        return {"lr": self.lr, "rho": self.rho, "eps": self.eps}


class Adagrad(Optimizer):
    """Adagrad, as ``torch.optim.Adagrad`` (no learning-rate decay, accumulator starts at 0).

    Notes
    -----
    ``s ← s + g²``,  ``p ← p − lr · g / (√s + ε)``.
    """

    def __init__(self, lr: float | None = None, eps: float = 1e-10, *,
                 learning_rate: float | None = None) -> None:
        super().__init__(lr, learning_rate, default=1e-2)
        self.eps = check_number(eps, "eps", low=0.0)

    def _update(self, p, g, st):
        s = _zeros_state(st, "sum", p)
        f = p.dtype.type
        eps, lr = f(self.eps), f(self.lr)
        if accel.run("adagrad", (p, g, s), eps, lr):
            return
        tmp = self._scratch(st, p)
        np.multiply(g, g, out=tmp)
        s += tmp
        np.sqrt(s, out=tmp)
        tmp += eps
        np.divide(g, tmp, out=tmp)
        tmp *= lr
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
        raise ValueError(f"unknown optimizer {name!r}; valid names are: {', '.join(_REGISTRY)}"
                         + did_you_mean(name, _REGISTRY))
    return _REGISTRY[key](**kwargs)


def from_config(class_name: str, config: dict[str, Any]) -> Optimizer:
    """Rebuild an optimizer from its class name and :meth:`Optimizer.get_config`."""
    classes = {cls.__name__: cls for cls in _REGISTRY.values()}
    if class_name not in classes:
        raise ValueError(f"unknown optimizer class {class_name!r}; known: {', '.join(classes)}")
    return classes[class_name](**config)
