"""The multi-layer perceptron of the estimators as pure functions: parameters, forward, backprop.

The parameters live in one flat vector ``θ`` laid out as scikit-learn's ``_pack`` lays them out,
every weight matrix first, then every bias vector::

    θ = [vec(W_0), vec(W_1), …, vec(W_L), b_0, b_1, …, b_L]

``coefs_[i]`` (``W_i: (n_in, n_out)``) and ``intercepts_[i]`` (``b_i: (n_out,)``) are views into
``θ``, so an optimizer updates the whole network in one pass over one array and L-BFGS works on
``θ`` itself. Layer ``i`` computes ``A_{i+1} = g(A_i @ W_i + b_i)`` with glassnet's
``dense_forward`` / ``dense_backward`` and activation functions; the first layer multiplies a
scipy.sparse ``X`` directly (``X @ W_0`` and ``Xᵀ @ δ_0``), without densifying it.

The objective and its gradient are scikit-learn's, with sample weights ``s`` (all 1 when none are
given) and ``S = Σ s``::

    J(θ) = Σ_k (1/S) Σ_n s_n ℓ(y_nk, a_nk)  [mean over outputs for squared error]
           + α/(2S) Σ_i ‖W_i‖²
    δ_L = s ⊙ (A_L − Y)  [/ n_outputs for squared error] (each loss has its canonical link)
    δ_{i-1} = (δ_i @ W_iᵀ) ⊙ g'(A_i)
    ∂J/∂W_i = (A_iᵀ @ δ_i + α W_i) / S,       ∂J/∂b_i = Σ_n δ_i / S

scikit-learn (1.9) reports the squared error as a mean over outputs but back-propagates
``A_L − Y`` unscaled, the gradient of the sum: with several targets its L-BFGS gets a gradient
``n_outputs`` times too large for its objective. Here the gradient is the objective's (checked by
central differences), so multi-target regressors train like scikit-learn's with
``learning_rate_init / n_outputs`` for "sgd", and agree exactly for one target.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp
from scipy.special import xlogy

from glassnet import activations
from glassnet.layers.dense import dense_backward, dense_forward

# scikit-learn's hidden activation names -> glassnet's activation functions
HIDDEN = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}


def _exp(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """``exp(z)``: the inverse of the log link of the Poisson loss."""
    return np.exp(z, out=out)


OUTPUT = {
    "identity": activations.linear,
    "logistic": activations.sigmoid,
    "softmax": activations.softmax,
    "exp": _exp,
}


# ----------------------------------------------------------------------------- parameters


def layer_shapes(layer_units: Sequence[int]) -> list[tuple[int, ...]]:
    """Shapes of the arrays in ``θ``, in order: every ``W_i`` then every ``b_i``."""
    pairs = list(zip(layer_units[:-1], layer_units[1:], strict=True))
    return [(a, b) for a, b in pairs] + [(b,) for _, b in pairs]


def views(theta: np.ndarray, layer_units: Sequence[int]) -> tuple[list, list]:
    """``(coefs, intercepts)``: lists of views into the flat vector ``theta``."""
    arrays, start = [], 0
    for shape in layer_shapes(layer_units):
        size = int(np.prod(shape))
        arrays.append(theta[start:start + size].reshape(shape))
        start += size
    n = len(layer_units) - 1
    return arrays[:n], arrays[n:]


def pack(coefs: Sequence[np.ndarray], intercepts: Sequence[np.ndarray], dtype) -> np.ndarray:
    """A new flat vector ``θ`` of ``dtype`` holding copies of ``coefs`` and ``intercepts``."""
    parts = [np.asarray(a, dtype=dtype).ravel() for a in [*coefs, *intercepts]]
    return np.concatenate(parts) if parts else np.zeros(0, dtype=dtype)


def init_theta(layer_units: Sequence[int], activation: str, rs: np.random.RandomState,
               dtype) -> np.ndarray:
    """scikit-learn's initialisation, draw for draw: ``W_i, b_i ~ U(−r, r)`` layer by layer.

    ``r = sqrt(f / (n_in + n_out))`` with ``f = 2`` for a logistic hidden activation and 6
    otherwise (Glorot-uniform, biases included). The numbers are drawn in float64 from ``rs`` and
    then cast, so a float32 and a float64 network start from the same weights, and the same
    ``random_state`` gives scikit-learn's starting point.
    """
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(layer_units[:-1], layer_units[1:], strict=True):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rs.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rs.uniform(-bound, bound, fan_out))
    return pack(coefs, intercepts, dtype)


# ----------------------------------------------------------------------------- forward


def _affine(a, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ W + b`` for a dense or scipy.sparse ``a`` (the sparse product gives a dense array)."""
    if not isinstance(a, np.ndarray) and sp.issparse(a):
        z = np.asarray(a @ W)
        z += b
        return z
    return dense_forward(a, W, b)


def forward(X, coefs: Sequence[np.ndarray], intercepts: Sequence[np.ndarray], activation: str,
            out_activation: str, keep: bool = False):
    """Outputs ``A_L`` of the network for ``X`` (or every ``A_i`` when ``keep``, ``A_0 = X``)."""
    hidden = activations.get(HIDDEN[activation]).forward
    acts = [X]
    a = X
    last = len(coefs) - 1
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
        z = _affine(a, W, b)
        a = (OUTPUT[out_activation] if i == last else hidden)(z, out=z)
        if keep:
            acts.append(a)
    return acts if keep else a


# ----------------------------------------------------------------------------- losses


def loss_value(name: str, Y: np.ndarray, A: np.ndarray, sw: np.ndarray | None) -> float:
    """scikit-learn's loss of outputs ``A`` for targets ``Y`` (weighted mean over samples).

    ==================  ========================================================  ============
    name                per sample and output                                     over outputs
    ==================  ========================================================  ============
    squared_error       ``½ (y − a)²``                                            mean
    poisson             ``y log(y/a) − y + a``                                    sum
    log_loss            ``−y log a`` (softmax outputs)                            sum
    binary_log_loss     ``−y log a − (1 − y) log(1 − a)`` (sigmoid outputs)       sum
    ==================  ========================================================  ============

    Probabilities are clipped to ``[eps, 1 − eps]`` of their dtype first, as scikit-learn does.
    """
    if name == "squared_error":
        return float(0.5 * np.average((Y - A) ** 2, weights=sw, axis=0).mean())
    if name == "poisson":
        return float(np.average(xlogy(Y, Y / A) - Y + A, weights=sw, axis=0).sum())
    eps = np.finfo(A.dtype).eps
    A = np.clip(A, eps, 1 - eps)
    if name == "log_loss":
        return float(-np.average(xlogy(Y, A), weights=sw, axis=0).sum())
    return float(-np.average(xlogy(Y, A) + xlogy(1 - Y, 1 - A), weights=sw, axis=0).sum())


def loss_name(loss: str, out_activation: str) -> str:
    """The loss function for an estimator's ``loss`` and output activation."""
    return "binary_log_loss" if loss == "log_loss" and out_activation == "logistic" else loss


# ----------------------------------------------------------------------------- backprop


def _affine_backward(a, W, dz, dW, db, need_dx: bool):
    """``dense_backward`` for a dense or scipy.sparse input ``a`` (fills ``dW`` and ``db``)."""
    if not isinstance(a, np.ndarray) and sp.issparse(a):
        dW[...] = a.T @ dz
        np.add.reduce(dz, axis=0, out=db)
        return None
    return dense_backward(a, W, dz, dW, db, need_dx=need_dx)


def _derivative_inplace(activation: str, delta: np.ndarray, a: np.ndarray) -> None:
    """``δ ← δ ⊙ g'`` from the hidden output ``a``, in place (``glassnet.activations``' table).

    logistic ``a (1 − a)``, tanh ``1 − a²``, relu ``[a > 0]``, identity 1.
    """
    if activation == "relu":
        np.multiply(delta, a > 0, out=delta)
    elif activation == "tanh":
        d = np.multiply(a, a)
        np.subtract(1.0, d, out=d)
        delta *= d
    elif activation == "logistic":
        d = np.subtract(1.0, a)
        d *= a
        delta *= d


def backprop(X, Y: np.ndarray, sw: np.ndarray | None, coefs, intercepts, coef_grads,
             intercept_grads, activation: str, out_activation: str, loss: str,
             alpha: float) -> float:
    """Objective ``J(θ)`` on ``(X, Y)``; fills ``coef_grads`` and ``intercept_grads`` in place.

    See the module's docstring for the equations. ``Y`` is ``(n, n_outputs)`` in the network's
    dtype, ``sw`` the sample weights (or None for all 1). The ``1/S`` is applied to the
    gradients at the end (small arrays) rather than to every ``δ``.
    """
    acts = forward(X, coefs, intercepts, activation, out_activation, keep=True)
    A = acts[-1]
    S = float(X.shape[0] if sw is None else sw.sum())
    value = loss_value(loss_name(loss, out_activation), Y, A, sw)
    value += 0.5 * alpha * sum(float(np.dot(W.ravel(), W.ravel())) for W in coefs) / S
    delta = np.subtract(A, Y, out=A)                 # (n, n_outputs); A is not needed any more
    if sw is not None:
        delta *= sw.reshape(-1, 1)
    if loss == "squared_error" and delta.shape[1] > 1:
        delta /= delta.dtype.type(delta.shape[1])    # the objective is a mean over outputs
    for i in range(len(coefs) - 1, -1, -1):
        dx = _affine_backward(acts[i], coefs[i], delta, coef_grads[i], intercept_grads[i],
                              need_dx=i > 0)
        if alpha:
            coef_grads[i] += alpha * coefs[i]
        coef_grads[i] /= S
        intercept_grads[i] /= S
        if i > 0:
            _derivative_inplace(activation, dx, acts[i])
            delta = dx
    return value
