"""``MLPClassifier`` and ``MLPRegressor``: scikit-learn's multi-layer perceptrons on glassnet.

The parameters mean what they mean in ``sklearn.neural_network``; the network behind them is a
:class:`glassnet.Sequential`, kept as ``model_`` (``model_.summary()``, ``gn.plot.network(model_)``
and the other glassnet tools work on it).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import column_or_1d, validate_data

from glassnet.activations import log_sigmoid, log_softmax
from glassnet.sklearn._base import BaseMLP

__all__ = ["MLPClassifier", "MLPRegressor"]

_PARAMETERS = """
    Parameters
    ----------
    hidden_layer_sizes : int or tuple of int, default=(100,)
        Units of each hidden layer, input to output; ``()`` means no hidden layer.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Activation of the hidden layers (glassnet's "linear", "sigmoid", "tanh", "relu").
    optimizer : {"adam", "sgd", "rmsprop", "adagrad"}, default="adam"
        ``gn.optimizers.Adam`` (``beta_1``, ``beta_2``, ``epsilon``), ``SGD`` (``momentum``,
        ``nesterovs_momentum``), ``RMSprop`` or ``Adagrad``, with ``lr=learning_rate_init``.
        scikit-learn calls this ``solver``; its "lbfgs" has no counterpart here.
    alpha : float, default=1e-4
        Strength of the L2 penalty on the weights (not the biases), scikit-learn's
        ``alpha / (2·m) · Σ‖W‖²`` per batch of ``m`` samples; it becomes each ``Dense``'s ``l2``
        (see :func:`glassnet.sklearn._params.l2_from_alpha`).
    batch_size : int or "auto", default="auto"
        Samples per update; "auto" is ``min(200, n_samples)``. Larger values are clipped to
        ``n_samples`` with a warning.
    learning_rate_init : float, default=1e-3
        The optimizer's (constant) learning rate.
    max_iter : int, default=200
        Largest number of epochs (passes over the data) per ``fit``.
    shuffle : bool, default=True
        Shuffle the samples before every epoch.
    random_state : int, RandomState or None, default=None
        Seeds the weights, the shuffling, the dropout masks and the early-stopping split; an int
        gives the same model at every ``fit``.
    tol : float, default=1e-4
        Smallest improvement of the training loss (or, with early stopping, of the validation
        score) that counts.
    verbose : bool, default=False
        Print the loss after each epoch.
    warm_start : bool, default=False
        ``fit`` goes on from the current network (with a fresh optimizer) instead of a new one.
    momentum : float, default=0.9
        Momentum of "sgd".
    nesterovs_momentum : bool, default=True
        Nesterov momentum for "sgd".
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data (stratified for classifiers), stop when its
        score (accuracy, or R² for the regressor) has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, and keep the weights of the best epoch.
    validation_fraction : float, default=0.1
        Share of the samples held out for early stopping.
    beta_1, beta_2, epsilon : float, default=0.9, 0.999, 1e-8
        Adam's parameters.
    n_iter_no_change : int, default=10
        Stop once more than this many epochs in a row made no improvement of ``tol``.
    dropout : float, default=0.0
        Rate of a ``Dropout`` layer after every hidden layer (glassnet only).
    dtype : {"float32", "float64"}, default="float32"
        Precision of the network (glassnet only); results are returned as float64.

    Attributes
    ----------
    model_ : glassnet.Sequential
        The trained network.
    loss_ : float
        Objective (mean loss + penalty) of the last epoch, on scikit-learn's scale.
    loss_curve_ : list of float
        That objective after every epoch (over all ``fit``/``partial_fit`` calls since the
        network was created).
    best_loss_ : float or None
        Lowest training objective (None with early stopping).
    validation_scores_ : list of float or None
        Validation score after every epoch (early stopping only).
    best_validation_score_ : float or None
        Best of them (early stopping only).
    n_iter_ : int
        Epochs run by the last ``fit`` (1 after ``partial_fit``).
    t_ : int
        Training samples seen, summed over epochs.
    coefs_, intercepts_ : list of ndarray
        ``W: (n_in, n_out)`` and ``b: (n_out,)`` of each ``Dense`` layer (views into ``model_``).
    n_layers_ : int
        Number of layers, input and output included.
    n_outputs_ : int
        Output units.
    out_activation_ : str
        Output activation ("logistic", "softmax" or "identity").
    n_features_in_ : int
    feature_names_in_ : ndarray of str
        Column names, when ``X`` was a DataFrame with string column names.

    Notes
    -----
    One iteration is one epoch of ``model_.fit``: mini-batches of ``batch_size`` samples, each a
    forward pass, the loss, a backward pass and one optimizer step. After every epoch the
    estimator applies scikit-learn's rule: training stops once the training loss (or the
    validation score) has failed ``n_iter_no_change + 1`` times in a row to beat its best by
    ``tol``; reaching ``max_iter`` first raises ``sklearn.exceptions.ConvergenceWarning``.
    The weights start Glorot-uniform with zero biases; the engine's float32 default makes
    training about twice as fast as float64 with no loss of accuracy at these sizes.
    Sparse ``X`` and ``sample_weight`` are not supported.
"""


class MLPClassifier(ClassifierMixin, BaseMLP):
    __doc__ = """Multi-layer perceptron classifier (scikit-learn API) on the glassnet engine.

    Two classes give a 1-unit sigmoid output trained with binary cross-entropy, more classes a
    softmax output trained with categorical cross-entropy. Labels may be of any kind (ints,
    strings, ...); multilabel and multi-output targets are not supported.
    """ + _PARAMETERS + """
    classes_ : ndarray, shape (n_classes,)
        The class labels, sorted.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(StandardScaler(),
    ...                     MLPClassifier((32,), learning_rate_init=0.01, random_state=0))
    >>> clf.fit(X, y).score(X, y) > 0.95
    True
    """

    _loss_scale = 1.0

    def fit(self, X: Any, y: Any) -> MLPClassifier:
        """Train a new network (or go on with the current one when ``warm_start``).

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like, shape (n_samples,)
            Class labels.

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> MLPClassifier:
        """One more epoch over ``(X, y)``, keeping the network and the optimizer's state.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like, shape (n_samples,)
        classes : array-like, shape (n_classes,)
            Every class that will ever be seen; required on the first call (as scikit-learn).

        Returns
        -------
        self
        """
        if classes is not None:
            classes = unique_labels(classes)
            if hasattr(self, "classes_") and not np.array_equal(self.classes_, classes):
                raise ValueError(f"classes={classes!r} is not the same as on the first call to "
                                 f"partial_fit, which was {self.classes_!r}")
            if len(classes) < 2:
                raise ValueError(f"classes must hold at least 2 classes, got 1 class: "
                                 f"{classes!r}")
            self.classes_ = classes
        elif not hasattr(self, "classes_"):
            raise ValueError("classes must be passed on the first call to partial_fit, "
                             "e.g. classes=np.unique(y_all)")
        return self._fit(X, y, incremental=True)

    # ------------------------------------------------------------------ hooks of BaseMLP
    def _validate_input(self, X, y, incremental, first_pass, dtype):
        X, y = validate_data(self, X, y, multi_output=True, dtype=dtype, reset=first_pass)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y")
        if y_type not in ("binary", "multiclass"):
            raise ValueError(f"y must be 1-D class labels (binary or multiclass), got a {y_type} "
                             f"target of shape {y.shape}; MLPClassifier does not support "
                             "multilabel or multi-output classification")
        if not incremental:
            classes = unique_labels(y)
            if len(classes) < 2:
                raise ValueError(f"y must contain at least 2 classes, got 1 class: {classes!r}")
            if first_pass:
                self.classes_ = classes
            elif set(classes.tolist()) != set(self.classes_.tolist()):
                raise ValueError(f"warm_start needs y to have the same classes as the previous "
                                 f"fit, {self.classes_!r}; got {classes!r}")
        idx = np.searchsorted(self.classes_, y)
        known = self.classes_[np.minimum(idx, len(self.classes_) - 1)] == y
        if not np.all(known):
            raise ValueError(f"y has classes not in classes_ {self.classes_!r}: "
                             f"{np.unique(y[~known])!r}")
        if len(self.classes_) == 2:
            return X, idx.astype(dtype).reshape(-1, 1), idx
        return X, idx, idx

    def _head(self, n_outputs: int) -> tuple[str, str]:
        if n_outputs == 1:
            return "sigmoid", "binary_crossentropy"
        return "softmax", "categorical_crossentropy"

    def _indices(self, outputs: np.ndarray) -> np.ndarray:
        if outputs.shape[1] == 1:
            return (outputs[:, 0] > 0.5).astype(np.int64)
        return np.argmax(outputs, axis=1)

    def _validation_score(self, Xv: np.ndarray, tv: np.ndarray) -> float:
        pred = self._indices(self.model_.predict(Xv))
        true = tv[:, 0] if tv.ndim == 2 else tv
        return float(np.mean(pred == true))

    # ------------------------------------------------------------------ prediction
    def predict(self, X: Any) -> np.ndarray:
        """Most probable class of each sample.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray, shape (n_samples,)
            Labels from ``classes_``.
        """
        indices = self._indices(self._forward64(X))       # checks that the model is fitted first
        return self.classes_[indices]

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, columns in the order of ``classes_``.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray of float64, shape (n_samples, n_classes)
            Rows sum to 1.
        """
        out = self._forward64(X)
        if out.shape[1] == 1:
            return np.column_stack([1.0 - out[:, 0], out[:, 0]])
        return out

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """Log of :meth:`predict_proba`, computed from the logits (finite for any input).

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray of float64, shape (n_samples, n_classes)

        Notes
        -----
        Binary: ``log σ(−z)`` and ``log σ(z)``; multiclass: ``z − logsumexp(z)`` row-wise.
        """
        z = self._forward64(X, logits=True)
        if z.shape[1] == 1:
            return np.column_stack([log_sigmoid(-z[:, 0]), log_sigmoid(z[:, 0])])
        return log_softmax(z)


class MLPRegressor(RegressorMixin, BaseMLP):
    __doc__ = """Multi-layer perceptron regressor (scikit-learn API) on the glassnet engine.

    A linear output layer with one unit per target, trained on the mean squared error. ``y`` may
    be 1-D (``predict`` returns ``(n,)``) or 2-D ``(n, k)`` (``predict`` returns ``(n, k)``); a
    ``(n, 1)`` column is turned into 1-D with a ``DataConversionWarning``, as scikit-learn does.
    ``loss_curve_`` is on scikit-learn's scale, half the mean squared error (+ penalty).
    """ + _PARAMETERS + """
    Examples
    --------
    >>> import numpy as np
    >>> X = np.linspace(-3, 3, 200).reshape(-1, 1)
    >>> y = np.sin(X[:, 0])
    >>> reg = MLPRegressor((32,), activation="tanh", batch_size=32, learning_rate_init=0.01,
    ...                    max_iter=500, random_state=0).fit(X, y)
    >>> reg.score(X, y) > 0.95
    True
    """

    _loss_scale = 0.5        # our mse is twice scikit-learn's squared_error loss

    def fit(self, X: Any, y: Any) -> MLPRegressor:
        """Train a new network (or go on with the current one when ``warm_start``).

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X: Any, y: Any) -> MLPRegressor:
        """One more epoch over ``(X, y)``, keeping the network and the optimizer's state.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)
        y : array-like, shape (n_samples,) or (n_samples, n_targets)

        Returns
        -------
        self
        """
        return self._fit(X, y, incremental=True)

    def _validate_input(self, X, y, incremental, first_pass, dtype):
        X, y = validate_data(self, X, y, multi_output=True, y_numeric=True, dtype=dtype,
                             reset=first_pass)
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        t = (y.reshape(-1, 1) if y.ndim == 1 else y).astype(dtype)
        return X, t, None

    def _head(self, n_outputs: int) -> tuple[str, str]:
        return "linear", "mse"

    def _validation_score(self, Xv: np.ndarray, tv: np.ndarray) -> float:
        return float(r2_score(tv, self.model_.predict(Xv)))

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets.

        Parameters
        ----------
        X : array-like, shape (n_samples, n_features)

        Returns
        -------
        ndarray of float64, shape (n_samples,) or (n_samples, n_targets)
            1-D when the network has one output, as scikit-learn.
        """
        out = self._forward64(X)
        return out[:, 0] if self.n_outputs_ == 1 else out
