"""Binary logistic regression trained by full-batch gradient descent."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import as_float_array, check_same_length
from glassnet.activations import sigmoid
from glassnet.linear._base import encode_labels
from glassnet.linear._classifier import GradientDescentClassifier, check_common_params

__all__ = ["LogisticRegression"]


class LogisticRegression(GradientDescentClassifier):
    """Binary logistic regression ``P(y = classes_[1] | x) = σ(x · w + b)``, by gradient descent.

    Parameters
    ----------
    lr : float
        Step size. The log-loss has curvature at most ``λ_max(XᵀX/m) / 4``, so on standardised
        features steps of 1 or more are stable and converge much faster than the default.
    epochs : int
        Largest number of full-batch updates.
    l2 : float
        Penalty ``l2 · ‖w‖²`` added to the mean log-loss (the intercept is not penalised).
        scikit-learn writes the same objective as ``½‖w‖² + C · Σ_i loss_i``; dividing it by
        ``C·n`` shows that ``l2 = 1 / (2·C·n)``, i.e. ``C = 1 / (2·l2·n)``.
        The penalty adds ``2·l2`` to the curvature: keep ``lr·l2 < 1`` or the descent oscillates.
    fit_intercept : bool
        Learn the intercept ``b``.
    tol : float
        Stop after the first update whose gradient has no entry larger than ``tol`` in absolute
        value; ``0`` runs all ``epochs``.
    seed : int or None
        None starts from zero weights (the objective is convex, so this is the usual choice);
        an int starts from small normal weights ``N(0, 0.01²)`` drawn from that seed.

    Attributes
    ----------
    classes_ : ndarray, shape (2,)
        The two labels, sorted; ``classes_[1]`` is the "positive" class.
    coef_ : ndarray, shape (1, n_features)
    intercept_ : ndarray, shape (1,)
    loss_curve_ : ndarray, shape (n_iter_,)
        Objective (mean log-loss + ``l2·‖w‖²``) at the start of each epoch.
    n_iter_ : int
        Number of updates made.
    n_features_in_ : int

    Notes
    -----
    Logistic regression is the network with no hidden layer::

        Sequential([Dense(1, activation="sigmoid", kernel_initializer="zeros", l2=l2)])
        compiled with loss="binary_crossentropy", optimizer=SGD(lr), fitted with batch_size=None

    and ``fit`` runs exactly its training loop. With ``y ∈ {0, 1}`` (``classes_[1]`` ↦ 1),
    ``w = coef_ᵀ: (n_features, 1)`` and ``m`` samples, one epoch is::

        z  = X @ w + b                                  (m, 1)
        a  = σ(z)
        L  = −1/m Σ [y log a + (1 − y) log(1 − a)] + l2·‖w‖²
        dz = (a − y) / m                                (the sigmoid and the log cancel)
        dw = Xᵀ @ dz + 2·l2·w,   db = Σ dz
        w ← w − lr·dw,   b ← b − lr·db

    The posts write samples as columns, ``Z = W·X + b`` with ``W: (1, n_features)`` and
    ``X: (n_features, m)``: their ``W`` is ``coef_`` and their ``X`` is our ``Xᵀ``, so
    ``dW = 1/m · dZ · Xᵀ`` there is ``(Xᵀ @ dz)ᵀ`` here. The loss is computed from the logits
    (``max(z, 0) − z·y + log(1 + e^−|z|)``), so it stays finite when the sigmoid saturates.
    """

    def fit(self, X: Any, y: Any) -> LogisticRegression:
        """Fit the model.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) or (n_samples, 1)
            Two distinct labels of any kind (0/1, -1/1, strings...).

        Returns
        -------
        self
        """
        p = check_common_params(self)
        X = as_float_array(X, "X", ndim=2)
        y_arr = np.asarray(y) if y is not None and not isinstance(y, (str, bytes)) else y
        if isinstance(y_arr, np.ndarray) and y_arr.ndim == 2 and y_arr.shape[1] == 1:
            y_arr = y_arr[:, 0]
        classes, idx = encode_labels(y_arr, "y")
        check_same_length(X, idx, "X", "y")
        if len(classes) != 2:
            if len(classes) < 2:
                raise ValueError(f"y must contain two classes, got only one: {classes.tolist()}")
            raise ValueError(
                f"LogisticRegression is binary: y must contain two classes, got {len(classes)} "
                f"({classes[:10].tolist()}); use SoftmaxRegression for more than two classes"
            )
        Y = idx.astype(X.dtype).reshape(-1, 1)                 # (m, 1) of 0/1
        return self._fit_encoded(X, Y, classes, "sigmoid", p)

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits ``z = X @ coef_[0] + intercept_[0]`` (positive means ``classes_[1]``).

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,)
        """
        X = self._check_predict_X(X)
        return X @ self.coef_[0] + self.intercept_[0]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, 2)
            Columns ``P(classes_[0])`` and ``P(classes_[1]) = σ(z)``; rows sum to 1.
        """
        p = sigmoid(self.decision_function(X))
        return np.column_stack([1.0 - p, p])

    def predict(self, X: Any) -> np.ndarray:
        """Predicted labels: ``classes_[1]`` where the logit is positive (``σ(z) > 0.5``).

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,)
        """
        z = self.decision_function(X)                          # checks that the model is fitted
        return self.classes_[(z > 0).astype(np.int64)]
