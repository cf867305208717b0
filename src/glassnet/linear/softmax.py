"""Multinomial (softmax) logistic regression trained by full-batch gradient descent."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import as_float_array, check_same_length
from glassnet.activations import softmax
from glassnet.linear._base import encode_labels
from glassnet.linear._classifier import GradientDescentClassifier, check_common_params

__all__ = ["SoftmaxRegression"]


def _labels_from_one_hot(Y: np.ndarray) -> np.ndarray:
    """Column index of the single 1 in each row of a 0/1 matrix ``(m, k)``."""
    if not (np.isin(Y, (0, 1)).all() and (Y.sum(axis=1) == 1).all()):
        raise ValueError(
            f"y given as a 2-D array must be one-hot (0/1, exactly one 1 per row), got shape "
            f"{Y.shape} with other values; pass 1-D class labels instead"
        )
    return np.argmax(Y, axis=1).astype(np.int64)


class SoftmaxRegression(GradientDescentClassifier):
    """Multinomial logistic regression ``P(y = classes_[j] | x) = softmax(x @ Wᵀ + b)_j``.

    Parameters
    ----------
    lr : float
        Step size. The loss has curvature at most ``λ_max(XᵀX/m) / 2``; on standardised
        features steps around 1 are stable and converge much faster than the default.
    epochs : int
        Largest number of full-batch updates.
    l2 : float
        Penalty ``l2 · ‖W‖²_F`` added to the mean cross-entropy (intercepts are not penalised);
        scikit-learn's ``C`` is ``1 / (2·l2·n_samples)``.
        The penalty adds ``2·l2`` to the curvature: keep ``lr·l2 < 1``.
    fit_intercept : bool
        Learn the intercepts.
    tol : float
        Stop after the first update whose gradient has no entry larger than ``tol`` in absolute
        value; ``0`` runs all ``epochs``.
    seed : int or None
        None starts from zero weights; an int from small normal weights (centred over classes)
        drawn from that seed.

    Attributes
    ----------
    classes_ : ndarray, shape (k,)
        Sorted labels (``arange(k)`` when ``y`` was one-hot).
    coef_ : ndarray, shape (k, n_features)
    intercept_ : ndarray, shape (k,)
    loss_curve_ : ndarray, shape (n_iter_,)
        Objective (mean cross-entropy + ``l2·‖W‖²``) at the start of each epoch.
    n_iter_ : int
    n_features_in_ : int

    Notes
    -----
    Softmax regression is the network with no hidden layer::

        Sequential([Dense(k, activation="softmax", kernel_initializer="zeros", l2=l2)])
        compiled with loss="categorical_crossentropy", optimizer=SGD(lr), batch_size=None

    and ``fit`` runs exactly its training loop. With ``W = coef_ᵀ: (n_features, k)``, one-hot
    targets ``Y: (m, k)`` and ``m`` samples, one epoch is::

        Z  = X @ W + b                                   (m, k)
        A  = softmax(Z)                                  (each row sums to 1)
        L  = −1/m Σ_i Σ_j Y_ij log A_ij + l2·‖W‖²
        dZ = (A − Y) / m
        dW = Xᵀ @ dZ + 2·l2·W,   db = Σ_rows dZ
        W ← W − lr·dW,   b ← b − lr·db

    — the update of :class:`LogisticRegression` with the sigmoid replaced by the softmax. The
    posts write ``Z = W·X + b`` with samples as columns: their ``W: (k, n_features)`` is
    ``coef_`` and their ``X`` is our ``Xᵀ``.

    Adding the same vector to every class's weights leaves the probabilities unchanged, so
    without a penalty the minimiser is not unique. Each row of ``dZ`` sums to zero, hence every
    update keeps ``Σ_j coef_[j]`` and ``Σ_j intercept_[j]`` where they started: at zero. That is
    the solution scikit-learn's ``LogisticRegression(C=np.inf)`` returns as well.
    """

    def fit(self, X: Any, y: Any) -> SoftmaxRegression:
        """Fit the model.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) of labels, or one-hot (n_samples, k)
            At least two distinct labels of any one kind (ints, strings...).

        Returns
        -------
        self
        """
        p = check_common_params(self)
        X = as_float_array(X, "X", ndim=2)
        y_arr = np.asarray(y) if y is not None and not isinstance(y, (str, bytes)) else y
        if isinstance(y_arr, np.ndarray) and y_arr.ndim == 2:
            onehot = as_float_array(y_arr, "y", ndim=2)
            idx = _labels_from_one_hot(onehot)
            classes = np.arange(onehot.shape[1])
        else:
            classes, idx = encode_labels(y_arr, "y")
        check_same_length(X, idx, "X", "y")
        if len(classes) < 2:
            raise ValueError(f"y must contain at least two classes, got only one: "
                             f"{classes.tolist()}")
        return self._fit_encoded(X, idx, classes, "softmax", p)

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits ``Z = X @ coef_ᵀ + intercept_``.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, k)
        """
        X = self._check_predict_X(X)
        return X @ self.coef_.T + self.intercept_

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities ``softmax(Z)``; column ``j`` is ``P(classes_[j])``.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, k)
            Rows sum to 1.
        """
        return softmax(self.decision_function(X))
