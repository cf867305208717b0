"""scikit-learn-compliant wrappers of the classic models of :mod:`glassnet.linear`.

The models in :mod:`glassnet.linear` follow scikit-learn's API but check their inputs glassnet's
way. The classes here add what scikit-learn's tools expect (``validate_data``: DataFrames and
``feature_names_in_``, its error messages and warnings, ``check_is_fitted``, tags) and delegate
all the math to the original, kept as ``estimator_``; its fitted attributes (``coef_``,
``intercept_``, ``classes_``, ``loss_curve_``, ``n_iter_``, ...) are copied onto the wrapper.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, MultiOutputMixin, RegressorMixin
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, validate_data

from glassnet import linear as _linear

__all__ = ["LinearRegression", "LogisticRegression", "SoftmaxRegression"]

_FLOATS = (np.float64, np.float32)


def _fit_inner(wrapper: BaseEstimator, inner_cls: type, X: np.ndarray, y: np.ndarray):
    """Fit ``inner_cls(**wrapper's params)`` and copy its fitted attributes onto the wrapper."""
    inner = inner_cls(**wrapper.get_params()).fit(X, y)
    wrapper.estimator_ = inner
    for name, value in vars(inner).items():
        if name.endswith("_") and not name.startswith("_") and name != "n_features_in_":
            setattr(wrapper, name, value)
    return wrapper


def _check_labels(wrapper: BaseEstimator, X: Any, y: Any) -> tuple[np.ndarray, np.ndarray, str]:
    """``validate_data`` for a classifier: 1-D labels of at least two classes, and their type."""
    X, y = validate_data(wrapper, X, y, dtype=_FLOATS)
    check_classification_targets(y)
    classes = unique_labels(y)
    if len(classes) < 2:
        raise ValueError(f"y must contain at least 2 classes, got 1 class: {classes!r}")
    return X, y, type_of_target(y, input_name="y")


class _Delegating(BaseEstimator):
    """``predict``-time checks, then the wrapped model's method."""

    def _X(self, X: Any) -> np.ndarray:
        check_is_fitted(self)
        return validate_data(self, X, reset=False, dtype=_FLOATS)

    def predict(self, X: Any) -> np.ndarray:
        """Predictions of the wrapped model (see its ``predict``).

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,) (or (n_samples, n_targets) for a 2-D regression target)
        """
        X = self._X(X)
        return self.estimator_.predict(X)


class LinearRegression(MultiOutputMixin, RegressorMixin, _Delegating):
    """:class:`glassnet.linear.LinearRegression` for scikit-learn's tools.

    Parameters
    ----------
    solver : {"ols", "gd"}, default="ols"
        Exact least squares by SVD, or full-batch gradient descent on the MSE.
    lr : float, default=0.01
        Step size of "gd".
    epochs : int, default=1000
        Updates of "gd".
    fit_intercept : bool, default=True
    tol : float, default=0.0
        "gd" stops once no gradient entry exceeds ``tol``.

    Attributes
    ----------
    estimator_ : glassnet.linear.LinearRegression
    coef_ : ndarray, shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str (DataFrame input only)
    rank_, singular_ ("ols") or loss_curve_, coef_path_ ("gd")
        As in :class:`glassnet.linear.LinearRegression`.
    """

    def __init__(self, solver: str = "ols", lr: float = 0.01, epochs: int = 1000,
                 fit_intercept: bool = True, tol: float = 0.0) -> None:
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
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=_FLOATS)
        for attr in ("rank_", "singular_", "loss_curve_", "coef_path_"):
            self.__dict__.pop(attr, None)
        return _fit_inner(self, _linear.LinearRegression, X, y)


class _LinearClassifier(ClassifierMixin, _Delegating):
    """What the two classifiers share: parameters, ``predict_proba`` and its log."""

    _inner: type = _linear.SoftmaxRegression

    def __init__(self, lr: float = 0.1, epochs: int = 1000, l2: float = 0.0,
                 fit_intercept: bool = True, tol: float = 1e-7, seed: int | None = None) -> None:
        self.lr = lr
        self.epochs = epochs
        self.l2 = l2
        self.fit_intercept = fit_intercept
        self.tol = tol
        self.seed = seed

    def _check_target_type(self, y_type: str) -> None:
        """Refuse targets the model cannot learn (hook for the binary-only model)."""

    def fit(self, X: Any, y: Any):
        """Fit the model.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like, shape (n_samples,)
            Class labels of any kind (ints, strings...).

        Returns
        -------
        self
        """
        X, y, y_type = _check_labels(self, X, y)
        self._check_target_type(y_type)
        return _fit_inner(self, self._inner, X, y)

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, n_classes)
        """
        X = self._X(X)
        return self.estimator_.predict_proba(X)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """``log(predict_proba(X))`` (``-inf`` where a probability underflows to 0).

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, n_classes)
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))


class LogisticRegression(_LinearClassifier):
    """:class:`glassnet.linear.LogisticRegression` (binary) for scikit-learn's tools.

    Parameters
    ----------
    lr : float, default=0.1
    epochs : int, default=1000
    l2 : float, default=0.0
        Penalty ``l2·‖w‖²`` on the mean log-loss; scikit-learn's ``C = 1 / (2·l2·n_samples)``.
    fit_intercept : bool, default=True
    tol : float, default=1e-7
    seed : int or None, default=None
        None starts from zero weights, an int from small random ones.

    Attributes
    ----------
    estimator_ : glassnet.linear.LogisticRegression
    classes_ : ndarray, shape (2,)
    coef_ : ndarray, shape (1, n_features)
    intercept_ : ndarray, shape (1,)
    loss_curve_ : ndarray, shape (n_iter_,)
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str (DataFrame input only)
    """

    _inner = _linear.LogisticRegression

    def _check_target_type(self, y_type: str) -> None:
        if y_type != "binary":
            raise ValueError(f"Only binary classification is supported. The type of the target "
                             f"is {y_type}; use SoftmaxRegression for more than two classes")

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits ``X @ coef_[0] + intercept_[0]``; positive means ``classes_[1]``.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,)
        """
        X = self._X(X)
        return self.estimator_.decision_function(X)

    def __sklearn_tags__(self):
        # The model is binary only: saying so makes check_estimator test that a multiclass y
        # is refused (with "Only binary classification is supported") instead of learnt.
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags


class SoftmaxRegression(_LinearClassifier):
    """:class:`glassnet.linear.SoftmaxRegression` (multinomial) for scikit-learn's tools.

    Takes 1-D class labels (2 or more classes); the one-hot targets that
    :class:`glassnet.linear.SoftmaxRegression` also accepts would read as multilabel to
    scikit-learn and are refused.

    Parameters
    ----------
    lr, epochs, l2, fit_intercept, tol, seed
        As :class:`LogisticRegression`.

    Attributes
    ----------
    estimator_ : glassnet.linear.SoftmaxRegression
    classes_ : ndarray, shape (n_classes,)
    coef_ : ndarray, shape (n_classes, n_features)
    intercept_ : ndarray, shape (n_classes,)
    loss_curve_ : ndarray, shape (n_iter_,)
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of str (DataFrame input only)
    """

    _inner = _linear.SoftmaxRegression

    def decision_function(self, X: Any) -> np.ndarray:
        """Logits ``Z = X @ coef_ᵀ + intercept_``, or the log-odds ``Z₁ − Z₀`` for two classes.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, n_classes), or (n_samples,) for two classes
            The 1-D binary form is scikit-learn's convention: positive means ``classes_[1]``.
        """
        X = self._X(X)
        z = self.estimator_.decision_function(X)
        return z[:, 1] - z[:, 0] if z.shape[1] == 2 else z
