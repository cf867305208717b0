"""``MLPClassifier`` and ``MLPRegressor``: scikit-learn's multi-layer perceptrons on glassnet.

The parameters, defaults and fitted attributes are those of ``sklearn.neural_network`` (a swap
of the import is enough), with two glassnet additions: ``optimizer`` (an alias of ``solver``,
which also offers glassnet's "rmsprop" and "adagrad") and ``dtype``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from glassnet.activations import log_sigmoid, log_softmax
from glassnet.sklearn._base import BaseMLP, cast_checked
from glassnet.sklearn._docs import PARAMETERS
from glassnet.sklearn._params import DEFAULTS

__all__ = ["MLPClassifier", "MLPRegressor"]

_FLOATS = (np.float64, np.float32)


def _store(est: BaseMLP, values: dict[str, Any]) -> None:
    """``__init__``'s only work: keep every parameter under its own name (scikit-learn's rule)."""
    for name in DEFAULTS:
        setattr(est, name, values[name])


def _finite_or_nan(score_function, y, pred, sample_weight) -> float:
    if np.issubdtype(np.asarray(pred).dtype, np.floating) and not np.isfinite(pred).all():
        return np.nan
    return float(score_function(y, pred, sample_weight=sample_weight))


class MLPClassifier(ClassifierMixin, BaseMLP):
    __doc__ = """Multi-layer perceptron classifier (scikit-learn's) on the glassnet engine.

    Minimises the log-loss: two classes give one sigmoid output, more classes a softmax output,
    a multilabel indicator ``y`` one sigmoid output per label; one class gives a single output
    that always predicts it, as in scikit-learn.
    """ + PARAMETERS + """
    classes_ : ndarray, shape (n_classes,)
        The class labels, sorted (``arange(n_labels)`` for multilabel targets).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(), MLPClassifier((32,), solver="lbfgs",
    ...                                                     random_state=0))
    >>> clf.fit(X, y).score(X, y) > 0.95
    True
    """

    loss = "log_loss"

    def __init__(self, hidden_layer_sizes: Any = (100,), activation: str = "relu", *,
                 solver: str = "adam", alpha: float = 1e-4, batch_size: int | str = "auto",
                 learning_rate: str = "constant", learning_rate_init: float = 1e-3,
                 power_t: float = 0.5, max_iter: int = 200, shuffle: bool = True,
                 random_state: Any = None, tol: float = 1e-4, verbose: bool = False,
                 warm_start: bool = False, momentum: float = 0.9,
                 nesterovs_momentum: bool = True, early_stopping: bool = False,
                 validation_fraction: float = 0.1, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-8, n_iter_no_change: int | float = 10,
                 max_fun: int = 15000, optimizer: str | None = None,
                 dtype: Any = None) -> None:
        _store(self, locals())

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> MLPClassifier:
        """Train a new network (or go on with ``coefs_`` when ``warm_start``).

        Parameters
        ----------
        X : array-like or sparse matrix, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a multilabel indicator matrix.
        sample_weight : array-like, shape (n_samples,), optional
            Weights of the samples in the loss and its gradient.

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None,
                    classes: Any = None) -> MLPClassifier:
        """One more epoch over ``(X, y)``, keeping the network and the optimizer's state.

        Parameters
        ----------
        X : array-like or sparse matrix, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) or (n_samples, n_labels)
        sample_weight : array-like, shape (n_samples,), optional
        classes : array-like, shape (n_classes,)
            Every class that will ever be seen; required on the first call.

        Returns
        -------
        self
        """
        if getattr(self, "classes_", None) is None and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if classes is not None:
            classes = unique_labels(classes)
            if getattr(self, "classes_", None) is not None:
                if not np.array_equal(self.classes_, classes):
                    raise ValueError(f"`classes={classes!r}` is not the same as on last call "
                                     f"to partial_fit, was: {self.classes_!r}")
            else:
                self.classes_ = classes
                self._label_binarizer = LabelBinarizer()
                if type_of_target(y).startswith("multilabel"):
                    self._label_binarizer.fit(y)
                else:
                    self._label_binarizer.fit(classes)
        return self._fit(X, y, sample_weight, incremental=True)

    # ------------------------------------------------------------------ hooks of BaseMLP
    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             dtype=_FLOATS, reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise ValueError("warm_start can only be used where `y` has the same "
                                     "classes as in the previous call to fit. Previously got "
                                     f"{self.classes_}, `y` has {classes}")
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise ValueError(f"`y` has classes not in `self.classes_`. `self.classes_` has "
                                 f"{self.classes_}. 'y' has {classes}.")
        return X, self._label_binarizer.transform(y).astype(bool)

    def _targets(self, Y: np.ndarray, dtype) -> np.ndarray:
        return Y.astype(dtype)

    def _output_activation(self) -> str:
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _stratify_labels(self, Y: np.ndarray) -> np.ndarray | None:
        # scikit-learn stratifies on the binarised labels, for single-output targets only
        return Y.astype(bool) if self.n_outputs_ == 1 else None

    def _validation_score(self, X, Y, sample_weight) -> float:
        labels = self._label_binarizer.inverse_transform(Y)
        out = self._forward(X, check_input=False)
        if not np.isfinite(out).all():
            return np.nan
        return _finite_or_nan(accuracy_score, labels, self._labels(out), sample_weight)

    # ------------------------------------------------------------------ prediction
    def _labels(self, out: np.ndarray) -> np.ndarray:
        return self._label_binarizer.inverse_transform(out.ravel() if out.shape[1] == 1 else out)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted classes (or label indicators for a multilabel fit).

        Parameters
        ----------
        X : array-like or sparse matrix, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,) or (n_samples, n_labels)
        """
        check_is_fitted(self)
        return self._labels(self._forward(X))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_`` (per label if multilabel).

        Parameters
        ----------
        X : array-like or sparse matrix, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, n_classes), in ``X``'s float dtype
        """
        check_is_fitted(self)
        out = self._forward(X)
        if out.shape[1] == 1:
            return np.column_stack([1 - out[:, 0], out[:, 0]])
        return out

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """``log(predict_proba(X))``, finite even where a probability rounds to 0.

        Parameters
        ----------
        X : array-like or sparse matrix, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples, n_classes)

        Notes
        -----
        Where ``predict_proba`` gives exactly 0, the value is computed from the output logits
        ``z``: ``log σ(±z)`` for sigmoid outputs, ``z − logsumexp(z)`` for softmax.
        """
        proba = self.predict_proba(X)
        with np.errstate(divide="ignore"):
            out = np.log(proba)
        zero = proba == 0
        if zero.any():
            z = self._forward(X, logits=True)
            if self.out_activation_ == "softmax":
                exact = log_softmax(z)
            elif z.shape[1] == 1:
                exact = np.column_stack([log_sigmoid(-z[:, 0]), log_sigmoid(z[:, 0])])
            else:
                exact = log_sigmoid(z)
            out[zero] = exact[zero]
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, BaseMLP):
    __doc__ = """Multi-layer perceptron regressor (scikit-learn's) on the glassnet engine.

    An identity output unit per target trained on half the squared error (mean over targets),
    or, with ``loss="poisson"``, an exponential output trained on the Poisson deviance.
    ``y`` may be 1-D (``predict`` returns ``(n,)``) or 2-D ``(n, k)``.

    Parameters
    ----------
    loss : {"squared_error", "poisson"}, default="squared_error"
        The first positional parameter, as in scikit-learn: give the layer sizes by name.
    """ + PARAMETERS.replace("\n    Parameters\n    ----------", "") + """
    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(-3, 3, 200).reshape(-1, 1)
    >>> y = np.sin(X[:, 0])
    >>> reg = MLPRegressor(hidden_layer_sizes=(32,), activation="tanh", solver="lbfgs",
    ...                    random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95
    True
    """

    def __init__(self, loss: str = "squared_error", hidden_layer_sizes: Any = (100,),
                 activation: str = "relu", *, solver: str = "adam", alpha: float = 1e-4,
                 batch_size: int | str = "auto", learning_rate: str = "constant",
                 learning_rate_init: float = 1e-3, power_t: float = 0.5, max_iter: int = 200,
                 shuffle: bool = True, random_state: Any = None, tol: float = 1e-4,
                 verbose: bool = False, warm_start: bool = False, momentum: float = 0.9,
                 nesterovs_momentum: bool = True, early_stopping: bool = False,
                 validation_fraction: float = 0.1, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-8, n_iter_no_change: int | float = 10,
                 max_fun: int = 15000, optimizer: str | None = None,
                 dtype: Any = None) -> None:
        self.loss = loss
        _store(self, locals())

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> MLPRegressor:
        """Train a new network (or go on with ``coefs_`` when ``warm_start``).

        Parameters
        ----------
        X : array-like or sparse matrix, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like, shape (n_samples,), optional

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @available_if(lambda est: est._check_solver())
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> MLPRegressor:
        """One more epoch over ``(X, y)``, keeping the network and the optimizer's state.

        Parameters
        ----------
        X : array-like or sparse matrix, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) or (n_samples, n_targets)
        sample_weight : array-like, shape (n_samples,), optional

        Returns
        -------
        self
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def _validate_input(self, X, y, incremental, reset):
        X, y = validate_data(self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
                             y_numeric=True, dtype=_FLOATS, reset=reset)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(f"loss='poisson' needs targets y >= 0, got a smallest value of "
                             f"{float(np.min(y))}")
        return X, y

    def _targets(self, y: np.ndarray, dtype) -> np.ndarray:
        y = cast_checked(y, dtype, "y")                 # checked before the cast
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _output_activation(self) -> str:
        return "exp" if self.loss == "poisson" else "identity"

    def _stratify_labels(self, Y: np.ndarray) -> None:
        return None

    def _validation_score(self, X, Y, sample_weight) -> float:
        out = self._forward(X, check_input=False)
        return _finite_or_nan(r2_score, Y, out, sample_weight)

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets, in ``X``'s float dtype.

        Parameters
        ----------
        X : array-like or sparse matrix, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,) or (n_samples, n_targets)
            1-D when the network has one output, as scikit-learn.
        """
        check_is_fitted(self)
        out = self._forward(X)
        return out.ravel() if out.shape[1] == 1 else out
