"""Loss functions: pure NumPy math, a small ``Loss`` class per loss, and a registry.

Every loss is the *mean over samples*. Its gradient is taken with respect to the network output
``a`` (shape ``(n, k)``), or — for the fused heads — directly with respect to the logits ``z``:

* sigmoid + binary cross-entropy:   ``dZ = (A − Y) / m``
* softmax + categorical cross-entropy: ``dZ = (A − Y) / m``

which is the posts' ``dZ2 = A2 − Y`` with the ``1/m`` of ``dW = 1/m · dZ · Aᵀ`` moved into ``dZ``.
The fused forms are computed from the logits, so they stay finite for any logits (±1e4 included);
the plain ``log(A)`` of the posts gives ``-inf``/NaN as soon as a sigmoid saturates.
"""

from __future__ import annotations

import numpy as np

from glassnet._suggest import did_you_mean
from glassnet._validation import as_array, as_float_array, as_label_array, describe
from glassnet.activations import log_softmax

# ----------------------------------------------------------------------------- pure functions

_ROWS: dict[int, np.ndarray] = {}
# Target probabilities above this are far from underflow: −log a_y is then exact enough.
_SAFE_PROBABILITY = {np.dtype(t).char: 1e3 * np.finfo(t).tiny for t in (np.float32, np.float64)}


def _rows(m: int) -> np.ndarray:
    """``np.arange(m)`` (read-only, cached: every mini-batch of a size uses the same one)."""
    rows = _ROWS.get(m)
    if rows is None:
        if len(_ROWS) > 64:
            _ROWS.clear()
        rows = _ROWS[m] = np.arange(m)
        rows.flags.writeable = False
    return rows


def bce_with_logits(z: np.ndarray, y: np.ndarray, a: np.ndarray | None = None) -> float:
    """Mean binary cross-entropy from logits ``z: (m, 1)`` and 0/1 targets ``y: (m, 1)``.

    Notes
    -----
    ``−[y log σ(z) + (1 − y) log(1 − σ(z))] = log(1 + e^z) − z·y``, with ``log(1 + e^z)``
    computed by ``np.logaddexp(0, z)``, which never overflows.

    When the sigmoid ``a = σ(z)`` is given and none of it underflows, ``1 − σ(z) = e^{−z}·σ(z)``
    gives the same loss as ``z·(1 − y) − log a`` for less than half the work (``np.log`` is
    vectorised, ``np.logaddexp`` is not). Both forms are as accurate: each subtracts two
    numbers of size ``|z|`` in one case (``y = 1, z > 0`` here ``y = 0, z < 0``).
    """
    if a is not None and np.minimum.reduce(a, axis=None) > _SAFE_PROBABILITY[a.dtype.char]:
        per = np.multiply(z, y)                 # z·y
        np.subtract(z, per, out=per)            # z·(1 − y): z where y = 0, exactly 0 where y = 1
        per -= np.log(a)
    else:
        per = np.logaddexp(0.0, z)              # (m, 1) softplus
        per -= z * y
    return float(np.add.reduce(per, axis=None)) / per.size


def cce_with_logits(z: np.ndarray, y: np.ndarray, a: np.ndarray | None = None) -> float:
    """Mean categorical cross-entropy from logits ``z: (m, k)``.

    ``y`` is either integer labels ``(m,)`` or one-hot / probability rows ``(m, k)``.
    Uses ``−log softmax(z)_y = logsumexp(z) − z_y``. When the softmax ``a`` of ``z`` is given and
    no target probability underflows, ``−log a_y`` is the same number for a third of the work.
    """
    if a is not None and y.ndim == 1:
        p = a[_rows(len(y)), y]                             # (m,) probability of the target
        safe = _SAFE_PROBABILITY.get(a.dtype.char)
        if safe is None:
            safe = 1e3 * np.finfo(a.dtype).tiny
        if np.minimum.reduce(p) > safe:
            return float(-np.add.reduce(np.log(p))) / len(y)
    logp = log_softmax(z)                                   # (m, k)
    if y.ndim == 1:
        return float(-logp[np.arange(len(y)), y].mean())
    return float(-(y * logp).sum(axis=1).mean())


def head_gradient(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Fused-head gradient ``dZ = (A − Y) / m`` for sigmoid+BCE and softmax+CCE.

    Parameters
    ----------
    a : ndarray, shape (m, k)
        Head output (probabilities).
    y : ndarray, shape (m,) of int labels, or (m, k)
        Targets; integer labels are used as indices, so no one-hot matrix is formed.
    """
    m = a.shape[0]
    if y.ndim == 1:                                         # integer labels, softmax head
        dz = a.copy()
        dz[_rows(m), y] -= 1.0
    else:
        dz = a - y
    dz *= 1.0 / m
    return dz


def binary_crossentropy(a: np.ndarray, y: np.ndarray, eps: float | None = None) -> float:
    """Mean binary cross-entropy of probabilities ``a`` (clipped to [eps, 1 − eps])."""
    eps = np.finfo(a.dtype).eps if eps is None else eps
    p = np.clip(a, eps, 1 - eps)
    return float(-(y * np.log(p) + (1 - y) * np.log1p(-p)).mean())


def categorical_crossentropy(a: np.ndarray, y: np.ndarray, eps: float | None = None) -> float:
    """Mean categorical cross-entropy of probability rows ``a: (m, k)`` (clipped below at eps)."""
    eps = np.finfo(a.dtype).eps if eps is None else eps
    logp = np.log(np.clip(a, eps, 1.0))
    if y.ndim == 1:
        return float(-logp[np.arange(len(y)), y].mean())
    return float(-(y * logp).sum(axis=1).mean())


def mean_squared_error(a: np.ndarray, y: np.ndarray) -> float:
    """Mean over samples and outputs of ``(a − y)²`` (as Keras' and PyTorch's ``mse``)."""
    d = a - y
    return float(np.mean(d * d))


# ----------------------------------------------------------------------------- loss objects


class Loss:
    """A loss: its value and gradient with respect to the network output.

    Subclasses with a ``head`` (``"sigmoid"`` or ``"softmax"``) also give the fused value and
    gradient with respect to the logits, which the model uses when the last layer's activation
    matches the head.
    """

    name = "loss"
    head: str | None = None

    def check_targets(self, y, n_outputs: int, dtype, name: str = "y") -> np.ndarray:
        """Validate targets for a network with ``n_outputs`` outputs and convert them once."""
        raise NotImplementedError

    def batch_ready(self, y: np.ndarray, n_outputs: int, dtype) -> bool:
        """True when ``y`` is already in the form :meth:`check_targets` returns (a float
        ``(n, n_outputs)`` array of the model's dtype by default), so a training step can skip
        the full check. Values are not looked at, except class indices (see the subclass)."""
        return y.dtype == dtype and y.ndim == 2 and y.shape[1] == n_outputs

    def value(self, a: np.ndarray, y: np.ndarray) -> float:
        """Mean loss of outputs ``a`` against checked targets ``y``."""
        raise NotImplementedError

    def gradient(self, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """dL/da for outputs ``a`` (same shape as ``a``)."""
        raise NotImplementedError

    def value_from_logits(self, z: np.ndarray, y: np.ndarray,
                          a: np.ndarray | None = None) -> float:
        """Mean loss computed from the head's logits ``z`` (fused heads only); ``a`` is the
        head's output for ``z``, which some losses use as a shortcut."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class BinaryCrossentropy(Loss):
    """Binary cross-entropy for a 1-unit output; targets 0/1 of shape ``(n,)`` or ``(n, 1)``."""

    name = "binary_crossentropy"
    head = "sigmoid"

    def check_targets(self, y, n_outputs, dtype, name="y"):
        if n_outputs != 1:
            raise ValueError(
                f"binary_crossentropy needs a network with 1 output unit, got {n_outputs}; "
                "use categorical_crossentropy with a softmax output for several classes"
            )
        arr = as_float_array(y, name, ndim=(1, 2))      # the given values, not yet cast
        if arr.ndim == 2 and arr.shape[1] != 1:
            raise ValueError(f"{name} must have shape (n,) or (n, 1) for a 1-unit sigmoid output, "
                             f"got {arr.shape}")
        if not np.isin(arr, (0, 1)).all():
            bad = np.unique(arr[~np.isin(arr, (0, 1))])[:5]
            raise ValueError(f"{name} must hold only 0 and 1 for binary_crossentropy, got values "
                             f"such as {bad.tolist()}; encode the two classes as 0/1")
        return arr.astype(dtype, copy=False).reshape(-1, 1)

    def value(self, a, y):
        return binary_crossentropy(a, y)

    def gradient(self, a, y):
        eps = np.finfo(a.dtype).eps
        p = np.clip(a, eps, 1 - eps)
        return (p - y) / (p * (1 - p)) / a.shape[0]

    def value_from_logits(self, z, y, a=None):
        return bce_with_logits(z, y, a)


class CategoricalCrossentropy(Loss):
    """Categorical cross-entropy; targets are integer labels ``(n,)`` or one-hot rows ``(n, k)``."""

    name = "categorical_crossentropy"
    head = "softmax"

    def check_targets(self, y, n_outputs, dtype, name="y"):
        arr = as_array(y, name)
        if arr.ndim == 1:
            labels = as_label_array(arr, name)
            if labels.size and labels.max() >= n_outputs:
                raise ValueError(
                    f"{name} holds class label {int(labels.max())} but the network has only "
                    f"{n_outputs} output units (labels must be 0..{n_outputs - 1})"
                )
            return labels
        onehot = as_float_array(arr, name, ndim=2, dtype=dtype)
        if onehot.shape[1] != n_outputs:
            raise ValueError(f"{name} one-hot rows must have {n_outputs} columns (one per output "
                             f"unit), got shape {onehot.shape}")
        if (onehot < 0).any() or not np.allclose(onehot.sum(axis=1), 1.0, atol=1e-4):
            raise ValueError(f"{name} one-hot rows must be non-negative and sum to 1; "
                             "pass integer labels (n,) or np.eye(k)[labels]")
        return onehot

    def batch_ready(self, y, n_outputs, dtype):
        if y.dtype == np.int64 and y.ndim == 1:
            # One pass: a negative label read as uint64 is huge, so this also refuses those.
            return bool(np.maximum.reduce(y.view(np.uint64)) < n_outputs)
        return super().batch_ready(y, n_outputs, dtype)

    def value(self, a, y):
        return categorical_crossentropy(a, y)

    def gradient(self, a, y):
        eps = np.finfo(a.dtype).eps
        g = np.zeros_like(a)
        m = a.shape[0]
        if y.ndim == 1:
            idx = np.arange(m)
            g[idx, y] = -1.0 / np.clip(a[idx, y], eps, None)
        else:
            g = -y / np.clip(a, eps, None)
        return g / m

    def value_from_logits(self, z, y, a=None):
        return cce_with_logits(z, y, a)


class MeanSquaredError(Loss):
    """Mean squared error; targets have the output's shape ``(n, k)`` (``(n,)`` when k = 1)."""

    name = "mse"

    def check_targets(self, y, n_outputs, dtype, name="y"):
        arr = as_float_array(y, name, ndim=(1, 2), dtype=dtype)
        if arr.ndim == 1:
            if n_outputs != 1:
                raise ValueError(f"{name} must have shape (n, {n_outputs}) for a network with "
                                 f"{n_outputs} outputs, got {describe(arr)}")
            return arr.reshape(-1, 1)
        if arr.shape[1] != n_outputs:
            raise ValueError(f"{name} must have shape (n, {n_outputs}), got {arr.shape}")
        return arr

    def value(self, a, y):
        return mean_squared_error(a, y)

    def gradient(self, a, y):
        return (a - y) * (2.0 / a.size)


_REGISTRY: dict[str, type[Loss]] = {
    "binary_crossentropy": BinaryCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "mse": MeanSquaredError,
}
_ALIASES = {
    "bce": "binary_crossentropy",
    "cross_entropy": "categorical_crossentropy",
    "sparse_categorical_crossentropy": "categorical_crossentropy",
    "mean_squared_error": "mse",
}


def names() -> list[str]:
    """Names of all registered losses."""
    return list(_REGISTRY)


def get(name: str | Loss) -> Loss:
    """Return a loss object by name (or the object itself); the error lists valid names."""
    if isinstance(name, Loss):
        return name
    if not isinstance(name, str):
        raise TypeError(f"loss must be a string name or a Loss, got {type(name).__name__}")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in _REGISTRY:
        raise ValueError(f"unknown loss {name!r}; valid names are: {', '.join(_REGISTRY)}"
                         + did_you_mean(name, [*_REGISTRY, *_ALIASES]))
    return _REGISTRY[key]()
