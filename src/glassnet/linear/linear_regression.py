"""Linear regression: least squares by SVD, or gradient descent on the mean squared error."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import (
    as_float_array,
    check_choice,
    check_int,
    check_number,
    check_same_length,
)
from glassnet.linear._base import BaseEstimator, gradient_descent

__all__ = ["LinearRegression", "least_squares", "r2_score"]


def least_squares(
    X: np.ndarray, Y: np.ndarray, fit_intercept: bool = True
) -> tuple[np.ndarray, np.ndarray, int, np.ndarray]:
    """Ordinary least squares ``min ‖X W + b − Y‖²`` by ``np.linalg.lstsq`` (SVD).

    Parameters
    ----------
    X : ndarray, shape (m, n_features)
    Y : ndarray, shape (m, k)
    fit_intercept : bool
        Solve for ``b`` too; otherwise ``b = 0``.

    Returns
    -------
    W : ndarray, shape (n_features, k)
        The minimum-norm solution when ``X`` (centred, with an intercept) is rank deficient.
    b : ndarray, shape (k,)
    rank : int
        Rank of the (centred) design matrix.
    singular : ndarray, shape (min(m, n_features),)
        Its singular values, largest first.

    Notes
    -----
    With an intercept, ``X`` and ``Y`` are centred first: the least-squares ``b`` is
    ``ȳ − x̄ W`` for any ``W``, so ``W`` solves the centred problem and the intercept is not part
    of the norm that is minimised.

    The normal equations ``W = (XᵀX)⁻¹ XᵀY`` of the posts square the condition number and fail
    when ``XᵀX`` is singular (collinear or duplicated features, more features than samples).
    The SVD ``X = U Σ Vᵀ`` gives ``W = V Σ⁺ Uᵀ Y`` instead, with ``Σ⁺`` inverting only the
    singular values above ``eps · max(m, n) · σ_max``: among all minimisers it is the one of
    smallest ``‖W‖`` (the pseudo-inverse solution).
    """
    if fit_intercept:
        x_mean = X.mean(axis=0)
        y_mean = Y.mean(axis=0)
        W, _, rank, singular = np.linalg.lstsq(X - x_mean, Y - y_mean, rcond=None)
        b = y_mean - x_mean @ W
    else:
        W, _, rank, singular = np.linalg.lstsq(X, Y, rcond=None)
        b = np.zeros(Y.shape[1], dtype=W.dtype)
    return W, b, int(rank), singular


def r2_score(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Coefficient of determination ``1 − SS_res / SS_tot``, averaged over targets.

    Parameters
    ----------
    y_true, y_pred : ndarray, shape (m, k)

    Notes
    -----
    As scikit-learn: a target with no variance scores 1 when predicted exactly and 0 otherwise.
    """
    ss_res = np.sum((y_true - y_pred) ** 2, axis=0, dtype=np.float64)
    ss_tot = np.sum((y_true - y_true.mean(axis=0)) ** 2, axis=0, dtype=np.float64)
    ok = ss_tot > 0
    scores = np.where(ss_res == 0, 1.0, 0.0)
    scores[ok] = 1.0 - ss_res[ok] / ss_tot[ok]
    return float(scores.mean())


class LinearRegression(BaseEstimator):
    """Ordinary least squares linear regression ``ŷ = X @ coef_ᵀ + intercept_``.

    Parameters
    ----------
    solver : {"ols", "gd"}
        ``"ols"``: the exact least-squares solution by SVD (``np.linalg.lstsq``); for a
        rank-deficient ``X`` it is the minimum-norm solution. ``"gd"``: full-batch gradient
        descent on the mean squared error, starting from zero.
    lr : float
        Step size of gradient descent (``"gd"`` only). On standardised features ``lr ≤ 0.1`` is
        usually safe; the largest stable step is ``1 / λ_max(XᵀX / m)`` (with the intercept column).
    epochs : int
        Number of gradient-descent updates (``"gd"`` only).
    fit_intercept : bool
        Learn an intercept; otherwise the model passes through the origin.
    tol : float
        ``"gd"`` stops after the first update whose gradient has no entry larger than ``tol``;
        ``0`` runs all ``epochs``.

    Attributes
    ----------
    coef_ : ndarray, shape (n_features,) for 1-D y, (n_targets, n_features) for 2-D y
    intercept_ : float, or ndarray of shape (n_targets,) for 2-D y (0.0 without an intercept)
    rank_ : int
        Rank of the (centred) ``X`` (``"ols"`` only).
    singular_ : ndarray, shape (min(n_samples, n_features),)
        Singular values of the (centred) ``X`` (``"ols"`` only).
    loss_curve_ : ndarray, shape (n_iter_,)
        Mean squared error at the start of each epoch (``"gd"`` only).
    coef_path_ : ndarray, shape (n_iter_ + 1, n_features + 1)
        ``[intercept, coef...]`` before the first and after every update (``"gd"`` only), for
        drawing the descent; ``(n_iter_ + 1, n_targets, n_features + 1)`` for 2-D y.
    n_iter_ : int
        Number of gradient-descent updates made (0 for ``"ols"``).
    n_features_in_ : int

    Notes
    -----
    The model is the network ``Sequential([Dense(n_targets, kernel_initializer="zeros")])``
    (linear activation) compiled with ``loss="mse"`` and ``SGD(lr)``, trained full batch
    (``batch_size=None``): ``"gd"`` runs exactly that loop. Its loss is the
    engine's ``mse``, the mean over samples *and* targets::

        L  = 1/(m·k) · Σ (X @ W + b − Y)²
        dZ = 2/(m·k) · (X @ W + b − Y)          (m, k)
        W ← W − lr · Xᵀ @ dZ,   b ← b − lr · Σ_rows dZ

    with ``W = coef_ᵀ: (n_features, k)``. The posts write samples as columns,
    ``Ŷ = W·X + b`` with ``W: (k, n_features)`` and ``X: (n_features, m)``: their ``W`` is
    ``coef_`` and their ``X`` is our ``Xᵀ``.

    For ``"ols"`` see :func:`least_squares`: no matrix is ever inverted.

    The computations run in ``X``'s floating dtype (float32 or float64; integers become
    float64).
    """

    _estimator_type = "regressor"

    def __init__(
        self,
        solver: str = "ols",
        lr: float = 0.01,
        epochs: int = 1000,
        fit_intercept: bool = True,
        tol: float = 0.0,
    ) -> None:
        self.solver = solver
        self.lr = lr
        self.epochs = epochs
        self.fit_intercept = fit_intercept
        self.tol = tol

    def fit(self, X: Any, y: Any) -> LinearRegression:
        """Fit the model.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        solver = check_choice(self.solver, "solver", ("ols", "gd"))
        lr = check_number(self.lr, "lr", low=0, low_inclusive=False)
        epochs = check_int(self.epochs, "epochs", low=1)
        tol = check_number(self.tol, "tol", low=0)
        if not isinstance(self.fit_intercept, (bool, np.bool_)):
            raise TypeError(
                f"fit_intercept must be a bool, got {type(self.fit_intercept).__name__}"
            )
        X = as_float_array(X, "X", ndim=2)
        y = as_float_array(y, "y", ndim=(1, 2), dtype=X.dtype)
        check_same_length(X, y, "X", "y")
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        n_features, k = X.shape[1], Y.shape[1]

        for attr in ("rank_", "singular_", "loss_curve_", "coef_path_"):
            self.__dict__.pop(attr, None)
        if solver == "ols":
            W, b, self.rank_, self.singular_ = least_squares(X, Y, bool(self.fit_intercept))
            self.n_iter_ = 0
        else:
            W = np.zeros((n_features, k), dtype=X.dtype)
            b = np.zeros(k, dtype=X.dtype)
            res = gradient_descent(X, Y, W, b, head="identity", lr=lr, epochs=epochs, tol=tol,
                                   fit_intercept=bool(self.fit_intercept), record_path=True)
            self.loss_curve_ = res.loss_curve
            self.coef_path_ = res.path[:, 0, :] if y.ndim == 1 else res.path
            self.n_iter_ = res.n_iter
        self.n_features_in_ = n_features
        if y.ndim == 1:
            self.coef_ = W[:, 0].copy()
            self.intercept_ = b[0] if self.fit_intercept else 0.0
        else:
            self.coef_ = np.ascontiguousarray(W.T)
            self.intercept_ = b if self.fit_intercept else 0.0
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,) or (n_samples, n_targets), as the ``y`` given to ``fit``
        """
        X = self._check_predict_X(X)
        return X @ self.coef_.T + self.intercept_

    def score(self, X: Any, y: Any) -> float:
        """R² of the predictions (averaged over targets), as scikit-learn's ``score``.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) or (n_samples, n_targets)
        """
        pred = self.predict(X)
        y = as_float_array(y, "y", ndim=(1, 2))
        if y.shape != pred.shape:
            raise ValueError(f"y must have shape {pred.shape}, got {y.shape}")
        return r2_score(y.reshape(len(y), -1), pred.reshape(len(pred), -1))
