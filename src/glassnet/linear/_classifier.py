"""What the two gradient-descent classifiers share: their hyper-parameters and their fit.

:class:`~glassnet.linear.LogisticRegression` (sigmoid head) and
:class:`~glassnet.linear.SoftmaxRegression` (softmax head) differ only in how they read the
labels and in their head; both then run :func:`glassnet.linear._base.gradient_descent` from the
same start and store the same fitted attributes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import check_int, check_number, check_seed
from glassnet.linear._base import BaseEstimator, ClassifierMixin, gradient_descent


def check_common_params(est: Any) -> dict[str, Any]:
    """Check the hyper-parameters shared by the two classifiers and return them converted."""
    if not isinstance(est.fit_intercept, (bool, np.bool_)):
        raise TypeError(f"fit_intercept must be a bool, got {type(est.fit_intercept).__name__}")
    return {
        "lr": check_number(est.lr, "lr", low=0, low_inclusive=False),
        "epochs": check_int(est.epochs, "epochs", low=1),
        "l2": check_number(est.l2, "l2", low=0),
        "tol": check_number(est.tol, "tol", low=0),
        "fit_intercept": bool(est.fit_intercept),
        "seed": check_seed(est.seed),
    }


def initial_weights(n_features: int, k: int, seed: int | None, dtype: Any) -> np.ndarray:
    """Starting weights ``(n_features, k)``: zeros, or ``N(0, 0.01²)`` draws for an int seed.

    The random start is centred across the ``k`` columns (each row sums to zero), which keeps
    the softmax solution the one of scikit-learn (see :class:`SoftmaxRegression`).
    """
    if seed is None:
        return np.zeros((n_features, k), dtype=dtype)
    W = np.random.default_rng(seed).normal(0.0, 0.01, size=(n_features, k))
    if k > 1:
        W -= W.mean(axis=1, keepdims=True)
    return W.astype(dtype)


class GradientDescentClassifier(ClassifierMixin, BaseEstimator):
    """Base of the linear classifiers: parameters and the shared end of ``fit``."""

    def __init__(
        self,
        lr: float = 0.1,
        epochs: int = 1000,
        l2: float = 0.0,
        fit_intercept: bool = True,
        tol: float = 1e-7,
        seed: int | None = None,
    ) -> None:
        self.lr = lr
        self.epochs = epochs
        self.l2 = l2
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.seed = seed

    def _fit_encoded(self, X: np.ndarray, targets: np.ndarray, classes: np.ndarray,
                     head: str, params: dict[str, Any]):
        """Gradient descent on checked ``X`` and encoded targets; sets the fitted attributes.

        ``targets`` are ``(m, 1)`` 0/1 for the sigmoid head, ``(m,)`` class indices for softmax.
        """
        k = 1 if head == "sigmoid" else len(classes)
        W = initial_weights(X.shape[1], k, params["seed"], X.dtype)
        b = np.zeros(k, dtype=X.dtype)
        res = gradient_descent(X, targets, W, b, head=head, lr=params["lr"],
                               epochs=params["epochs"], l2=params["l2"], tol=params["tol"],
                               fit_intercept=params["fit_intercept"])
        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(res.W.T)             # (k, n_features)
        self.intercept_ = res.b                                # (k,)
        self.loss_curve_ = res.loss_curve
        self.n_iter_ = res.n_iter
        self.n_features_in_ = X.shape[1]
        return self
