"""What the classic models share: the estimator API and the one-layer gradient-descent loop.

The three models of :mod:`glassnet.linear` are the same one-layer network ``Z = X @ W + b`` with
three different heads, trained by the same full-batch gradient descent:

========================  ==============  ============================  =========================
model                     head ``A=g(Z)``  loss (mean over samples)      ``dZ = dLoss/dZ``
========================  ==============  ============================  =========================
LinearRegression (gd)     identity        ``mean((A − Y)²)``            ``2 (A − Y) / (m·k)``
LogisticRegression        sigmoid         binary cross-entropy          ``(A − Y) / m``
SoftmaxRegression         softmax         categorical cross-entropy     ``(A − Y) / m``
========================  ==============  ============================  =========================

:func:`gradient_descent` is that loop; the estimator classes only check their inputs, encode
labels and store the results.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._validation import as_float_array
from glassnet.activations import sigmoid, softmax
from glassnet.errors import DivergenceError, NotFittedError
from glassnet.losses import bce_with_logits, cce_with_logits, head_gradient

__all__ = [
    "BaseEstimator",
    "ClassifierMixin",
    "DivergenceError",
    "GDResult",
    "NotFittedError",
    "encode_labels",
    "gradient_descent",
]

# ----------------------------------------------------------------------------- the GD loop


def _identity_loss(z: np.ndarray, y: np.ndarray) -> float:
    d = z - y
    return float(np.mean(d * d))


def _identity_gradient(a: np.ndarray, y: np.ndarray) -> np.ndarray:
    return (a - y) * (2.0 / a.size)


# head name -> (activation, loss from logits, dLoss/dZ from the activation's output)
_HEADS = {
    "identity": (lambda z: z, _identity_loss, _identity_gradient),
    "sigmoid": (sigmoid, bce_with_logits, head_gradient),
    "softmax": (softmax, cce_with_logits, head_gradient),
}


@dataclass
class GDResult:
    """Output of :func:`gradient_descent`.

    Attributes
    ----------
    W : ndarray, shape (n_features, k)
    b : ndarray, shape (k,)
    loss_curve : ndarray, shape (n_iter,)
        Objective (mean loss + penalty) at the start of each epoch, before its update.
    n_iter : int
        Number of updates made.
    path : ndarray, shape (n_iter + 1, k, n_features + 1), or None
        ``(b, W)`` before the first and after every update (when ``record_path`` is set):
        ``path[t, j] = [b_j, W[0, j], ..., W[n-1, j]]``.
    """

    W: np.ndarray
    b: np.ndarray
    loss_curve: np.ndarray
    n_iter: int
    path: np.ndarray | None = None


def gradient_descent(
    X: np.ndarray,
    Y: np.ndarray,
    W: np.ndarray,
    b: np.ndarray,
    *,
    head: str,
    lr: float,
    epochs: int,
    l2: float = 0.0,
    tol: float = 0.0,
    fit_intercept: bool = True,
    record_path: bool = False,
) -> GDResult:
    """Full-batch gradient descent for the one-layer network ``A = g(X @ W + b)``.

    Parameters
    ----------
    X : ndarray, shape (m, n_features)
    Y : ndarray
        Targets: ``(m, k)`` floats for ``"identity"``, ``(m, 1)`` of 0/1 for ``"sigmoid"``,
        ``(m,)`` integer labels for ``"softmax"``.
    W : ndarray, shape (n_features, k)
        Initial weights (updated in place).
    b : ndarray, shape (k,)
        Initial bias (updated in place; stays as given when ``fit_intercept`` is False).
    head : {"identity", "sigmoid", "softmax"}
    lr : float
        Step size.
    epochs : int
        Largest number of updates.
    l2 : float
        Penalty ``l2 · ΣW²`` added to the objective (the bias is not penalised).
    tol : float
        Stop after the first update whose gradient has no entry larger than ``tol`` in absolute
        value; ``0`` runs all epochs.
    fit_intercept : bool
        Learn ``b``.
    record_path : bool
        Keep ``(b, W)`` after every update (see :class:`GDResult`).

    Returns
    -------
    GDResult

    Raises
    ------
    DivergenceError
        When the objective or the weights become non-finite (``lr`` too large).

    Notes
    -----
    One epoch, in glassnet's row convention (one sample per row)::

        Z  = X @ W + b                      (m, k)
        A  = g(Z)
        dZ = dLoss/dZ                       (A − Y)/m for the sigmoid and softmax heads
        dW = Xᵀ @ dZ + 2·l2·W               (n_features, k)
        db = Σ_rows dZ                      (k,)
        W ← W − lr·dW,   b ← b − lr·db
    """
    g, loss_fn, grad_fn = _HEADS[head]
    n_features, k = W.shape
    losses = np.empty(epochs, dtype=np.float64)
    path = None
    if record_path:
        path = np.empty((epochs + 1, k, n_features + 1), dtype=W.dtype)
        path[0, :, 0] = b
        path[0, :, 1:] = W.T
    n_iter = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for epoch in range(epochs):
            Z = X @ W + b                                   # (m, k)
            loss = loss_fn(Z, Y)
            if l2:
                loss += l2 * float(np.sum(W * W))
            if not np.isfinite(loss):
                raise DivergenceError(
                    f"gradient descent diverged at epoch {epoch} (objective = {loss}); "
                    f"lower lr (got {lr}) or standardise X"
                )
            losses[epoch] = loss
            dZ = grad_fn(g(Z), Y)                           # (m, k), the 1/m is inside
            dW = X.T @ dZ                                   # (n_features, k)
            if l2:
                dW += (2.0 * l2) * W
            W -= lr * dW
            step = float(np.max(np.abs(dW)))
            if fit_intercept:
                db = dZ.sum(axis=0)                         # (k,)
                b -= lr * db
                step = max(step, float(np.max(np.abs(db))))
            n_iter = epoch + 1
            if path is not None:
                path[n_iter, :, 0] = b
                path[n_iter, :, 1:] = W.T
            if step < tol:
                break
    if not (np.isfinite(W).all() and np.isfinite(b).all()):
        raise DivergenceError(
            f"gradient descent diverged: the weights are not finite after {n_iter} epochs; "
            f"lower lr (got {lr}) or standardise X"
        )
    if path is not None and n_iter < epochs:
        path = path[: n_iter + 1].copy()
    return GDResult(W, b, losses[:n_iter].copy(), n_iter, path)


# ----------------------------------------------------------------------------- labels


def encode_labels(y: Any, name: str = "y") -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct class labels and each sample's index into them.

    Parameters
    ----------
    y : array-like, shape (m,)
        Class labels of any one kind: integers, whole-number floats, bools or strings.

    Returns
    -------
    classes : ndarray, shape (k,)
        Sorted distinct labels (``np.unique``).
    indices : ndarray of int64, shape (m,)
        ``classes[indices] == y``.
    """
    if y is None or isinstance(y, (str, bytes)):
        raise TypeError(f"{name} must be an array of class labels, got {type(y).__name__}")
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D class labels, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    if arr.dtype.kind not in "biufUSO":
        raise TypeError(
            f"{name} must hold class labels (numbers or strings), got dtype {arr.dtype}"
        )
    if arr.dtype.kind == "f":
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite, got NaN or infinite labels")
        if not np.array_equal(arr, np.round(arr)):
            bad = np.unique(arr[arr != np.round(arr)])[:3]
            raise ValueError(
                f"{name} must hold class labels, got non-integer values such as {bad.tolist()}; "
                "for a continuous target use LinearRegression"
            )
    try:
        classes, indices = np.unique(arr, return_inverse=True)
    except TypeError:
        raise TypeError(
            f"{name} must hold labels of one kind (all numbers or all strings), "
            f"got mixed types such as {sorted({type(v).__name__ for v in arr.tolist()})}"
        ) from None
    return classes, indices.reshape(-1).astype(np.int64)


# ----------------------------------------------------------------------------- estimators


class BaseEstimator:
    """scikit-learn style parameters: ``get_params``/``set_params`` read ``__init__``'s signature.

    ``__init__`` of a subclass only stores its arguments under the same names; they are checked
    by ``fit``. Fitted results end with an underscore.
    """

    _estimator_type: str | None = None

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        names = []
        for p in sig.parameters.values():
            if p.name == "self":
                continue
            if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__ must not take *args or **kwargs")
            names.append(p.name)
        return sorted(names)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Parameters of this estimator as a dict (``deep`` is accepted for scikit-learn)."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> BaseEstimator:
        """Set parameters by name and return self; they are checked by the next ``fit``."""
        valid = self._param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(
                    f"invalid parameter {key!r} for {type(self).__name__}; "
                    f"valid parameters are: {', '.join(valid)}"
                )
            setattr(self, key, value)
        return self

    def __repr__(self) -> str:
        defaults = {
            p.name: p.default for p in inspect.signature(type(self).__init__).parameters.values()
        }
        shown = []
        for name, value in self.get_params().items():
            default = defaults.get(name, inspect.Parameter.empty)
            try:
                same = bool(value == default) and type(value) is type(default)
            except (TypeError, ValueError):
                same = value is default
            if not same:
                shown.append(f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def __sklearn_tags__(self):
        """Tags read by scikit-learn's model selection tools (imported only when sklearn asks)."""
        from sklearn.utils import ClassifierTags, RegressorTags, Tags, TargetTags

        tags = Tags(estimator_type=self._estimator_type, target_tags=TargetTags(required=True),
                    transformer_tags=None, regressor_tags=None, classifier_tags=None)
        if self._estimator_type == "classifier":
            tags.classifier_tags = ClassifierTags()
        elif self._estimator_type == "regressor":
            tags.regressor_tags = RegressorTags()
        return tags

    # ------------------------------------------------------------------ helpers for subclasses
    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet; call fit(X, y) first"
            )

    def _check_predict_X(self, X: Any) -> np.ndarray:
        """Check ``X`` for prediction: fitted model, 2-D finite numbers, fitted feature count."""
        self._check_fitted()
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} was fitted with "
                f"{self.n_features_in_} features"
            )
        return X


class ClassifierMixin:
    """``predict`` and ``score`` (accuracy) from ``predict_proba`` and ``classes_``."""

    _estimator_type = "classifier"

    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like, shape (m, n_features)

        Returns
        -------
        ndarray, shape (m,)
            Labels taken from ``classes_`` (same kind as the ``y`` given to ``fit``).
        """
        proba = self.predict_proba(X)                          # checks that the model is fitted
        return self.classes_[np.argmax(proba, axis=1)]

    def score(self, X: Any, y: Any) -> float:
        """Accuracy: the fraction of samples whose predicted label equals ``y``.

        Parameters
        ----------
        X : array-like, shape (m, n_features)
        y : array-like, shape (m,)
        """
        pred = self.predict(X)
        y = np.asarray(y)
        if y.shape != pred.shape:
            raise ValueError(f"y must have shape {pred.shape} (one label per row of X), "
                             f"got {y.shape}")
        return float(np.mean(pred == y))
