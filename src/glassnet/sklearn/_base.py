"""What ``MLPClassifier`` and ``MLPRegressor`` share: parameters, the network and its training.

The estimators translate scikit-learn's vocabulary into the engine's and back:

==============================  =============================================================
scikit-learn                    glassnet engine
==============================  =============================================================
``hidden_layer_sizes``          one ``Dense(units, activation)`` per entry (+ ``Dropout``)
``activation``                  "identity"→"linear", "logistic"→"sigmoid", "tanh", "relu"
``alpha``                       ``Dense(l2=...)`` on every layer (see ``l2_from_alpha``)
``learning_rate_init``          the optimizer's ``lr``
``batch_size="auto"``           ``min(200, n_samples)``
one iteration                   one epoch of ``model_.fit``; ``partial_fit`` runs one more
``tol``, ``n_iter_no_change``   :class:`ConvergenceMonitor`, a glassnet ``Callback``
==============================  =============================================================
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from glassnet.callbacks import Callback
from glassnet.layers import Dense, Dropout
from glassnet.layers.dense import dense_forward
from glassnet.models import Sequential
from glassnet.sklearn._params import ACTIVATIONS, check_params, l2_from_alpha, make_optimizer


def _stratify_or_none(labels: np.ndarray | None, p: dict[str, Any]) -> np.ndarray | None:
    """The labels to stratify the early-stopping split on, when a stratified split exists.

    That needs at least 2 samples of every class and room for one of each class on both sides;
    otherwise (few samples, rare classes) the split is a plain random one.
    """
    if labels is None:
        return None
    counts = np.bincount(labels)
    n, k = len(labels), int(np.count_nonzero(counts))
    n_val = int(np.ceil(p["validation_fraction"] * n))
    if counts[counts > 0].min() < 2 or n_val < k or n - n_val < k:
        return None
    return labels


# ----------------------------------------------------------------------------- convergence


class ConvergenceMonitor(Callback):
    """scikit-learn's stopping rule, checked at the end of every epoch.

    Without early stopping, an epoch counts as "no improvement" when its training loss is not
    below ``best_loss_ − tol``; with early stopping, when the validation score (accuracy or R²)
    is not above ``best_validation_score_ + tol``. Training stops once more than
    ``n_iter_no_change`` epochs in a row made no improvement. The counters live on the estimator,
    so they carry over between ``partial_fit`` calls, as in scikit-learn.
    """

    def __init__(self, est: BaseMLP, p: dict[str, Any], validation=None) -> None:
        self.est, self.p, self.validation = est, p, validation
        self.converged = False
        self.start_epoch = 0

    def on_train_begin(self, logs=None):
        self.start_epoch = self.model.epoch

    def on_epoch_end(self, epoch, logs):
        est, p, tol = self.est, self.p, self.p["tol"]
        loss = float(logs["loss"]) * est._loss_scale
        est.loss_curve_.append(loss)
        est.loss_ = loss
        if p["verbose"]:
            print(f"Iteration {epoch + 1 - self.start_epoch}, loss = {loss:.8f}")
        if self.validation is not None:
            score = est._validation_score(*self.validation)
            est.validation_scores_.append(score)
            if p["verbose"]:
                print(f"Validation score: {score:.6f}")
            if score < est.best_validation_score_ + tol:
                est._no_improvement_count += 1
            else:
                est._no_improvement_count = 0
            if score > est.best_validation_score_:
                est.best_validation_score_ = score
                est._best_weights = self.model.get_weights()
        else:
            est._no_improvement_count = (est._no_improvement_count + 1
                                         if loss > est.best_loss_ - tol else 0)
            est.best_loss_ = min(est.best_loss_, loss)
        if est._no_improvement_count > p["n_iter_no_change"]:
            self.converged = True
            self.model.stop_training = True
            if p["verbose"]:
                what = "Validation score" if self.validation is not None else "Training loss"
                print(f"{what} did not improve more than tol={tol} for "
                      f"{p['n_iter_no_change']} consecutive epochs. Stopping.")


# ----------------------------------------------------------------------------- the estimator


class BaseMLP(BaseEstimator):
    """Parameters and training shared by :class:`MLPClassifier` and :class:`MLPRegressor`.

    Subclasses define ``_loss_scale`` and the methods ``_validate_input``, ``_head`` (output
    activation and engine loss for a number of outputs) and ``_validation_score``.
    """

    _loss_scale: float = 1.0     # objective reported in loss_curve_ = engine loss × this

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        *,
        optimizer: str = "adam",
        alpha: float = 1e-4,
        batch_size: int | str = "auto",
        learning_rate_init: float = 1e-3,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        dropout: float = 0.0,
        dtype: Any = "float32",
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.dropout = dropout
        self.dtype = dtype

    # ------------------------------------------------------------------ fitted views
    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices ``W: (n_in, n_out)``, one per ``Dense`` layer (views into ``model_``)."""
        check_is_fitted(self, "model_")
        return [layer.params["W"] for layer in self.model_.layers if isinstance(layer, Dense)]

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors ``b: (n_out,)``, one per ``Dense`` layer (views into ``model_``)."""
        check_is_fitted(self, "model_")
        return [layer.params["b"] for layer in self.model_.layers if isinstance(layer, Dense)]

    # ------------------------------------------------------------------ training
    def _fit(self, X: Any, y: Any, incremental: bool) -> BaseMLP:
        p = check_params(self)
        if p["early_stopping"] and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        first_pass = not hasattr(self, "model_") or (not p["warm_start"] and not incremental)
        dtype = p["dtype"] if first_pass else self.model_.dtype
        # X in the model's dtype; t the engine's targets; strat the labels to stratify on
        X, t, strat = self._validate_input(X, y, incremental, first_pass, dtype)
        if not first_pass and t.shape[1:] != self._target_shape:
            raise ValueError(f"y must have {self.n_outputs_} output(s) per sample as in the "
                             f"first call to fit, got shape {np.shape(y)}")
        rs = check_random_state(self.random_state)
        validation = None
        if p["early_stopping"]:
            X, Xv, t, tv = train_test_split(X, t, random_state=rs,
                                            stratify=_stratify_or_none(strat, p),
                                            test_size=p["validation_fraction"])
            if len(Xv) < 2:
                raise ValueError(
                    f"the validation set for early stopping has {len(Xv)} sample(s) but needs "
                    f"at least 2: increase validation_fraction (got {p['validation_fraction']}) "
                    f"or pass more than {len(X) + len(Xv)} samples")
            validation = (Xv, tv)
        n = len(X)
        batch = min(200, n) if p["batch_size"] == "auto" else p["batch_size"]
        if batch > n:
            warnings.warn(f"batch_size={batch} is larger than the number of training samples "
                          f"({n}); it is clipped to {n}", UserWarning, stacklevel=3)
            batch = n
        l2 = l2_from_alpha(p["alpha"], batch, self._loss_scale)
        if first_pass:
            self._initialize(X.shape[1], t, p, rs, l2)
        else:
            self._set_l2(l2)
            if not incremental:                    # warm start: a fresh optimizer, as sklearn
                self.model_.compile(loss=self.model_.loss, optimizer=make_optimizer(p))
        return self._train(X, t, validation, batch, p, rs, incremental)

    def _initialize(self, n_features: int, t: np.ndarray, p: dict[str, Any], rs,
                    l2: float) -> None:
        """Build and compile a new network; reset everything ``partial_fit`` carries over."""
        # 2-D targets (regression, binary 0/1 column) give one unit per column; 1-D integer
        # labels one softmax unit per class
        n_outputs = t.shape[1] if t.ndim == 2 else len(self.classes_)
        head, loss = self._head(n_outputs)
        layers = []
        for units in p["hidden_layer_sizes"]:
            layers.append(Dense(units, activation=ACTIVATIONS[p["activation"]], l2=l2))
            if p["dropout"] > 0:
                layers.append(Dropout(p["dropout"]))
        layers.append(Dense(n_outputs, activation=head, l2=l2))
        model = Sequential(layers, seed=int(rs.randint(np.iinfo(np.int32).max)), dtype=p["dtype"])
        model.compile(loss=loss, optimizer=make_optimizer(p))
        model.build((n_features,))
        self.model_ = model
        self.n_outputs_ = n_outputs
        self.n_layers_ = len(p["hidden_layer_sizes"]) + 2
        self.out_activation_ = {v: k for k, v in ACTIVATIONS.items()}.get(head, head)
        self._target_shape = t.shape[1:]
        self.t_ = 0
        self.loss_curve_ = []
        self._no_improvement_count = 0
        self._best_weights = model.get_weights()
        if p["early_stopping"]:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = np.inf

    def _set_l2(self, l2: float) -> None:
        """Give every ``Dense`` of the current network the penalty ``l2`` (a new batch size)."""
        dense = [layer for layer in self.model_.layers if isinstance(layer, Dense)]
        if (l2 > 0) != (dense[0].l2 > 0):
            # the engine notes at build time which layers carry a penalty
            raise ValueError(f"alpha cannot change between 0 and a positive value when training "
                             f"goes on (warm_start or partial_fit), got alpha={self.alpha}; "
                             "fit a new model instead")
        for layer in dense:
            layer.l2 = l2

    def _train(self, X, t, validation, batch: int, p, rs, incremental: bool) -> BaseMLP:
        """Run ``max_iter`` epochs (one for ``partial_fit``) of ``model_.fit`` under the rule."""
        monitor = ConvergenceMonitor(self, p, validation)
        model = self.model_
        start = model.epoch
        try:
            model.fit(X, t, epochs=start + (1 if incremental else p["max_iter"]),
                      initial_epoch=start, batch_size=None if batch == len(X) else batch,
                      shuffle=p["shuffle"], seed=int(rs.randint(np.iinfo(np.int32).max)),
                      verbose=0, callbacks=[monitor])
        except KeyboardInterrupt:
            warnings.warn("Training interrupted by user.", stacklevel=4)
        self.n_iter_ = model.epoch - start
        self.t_ += len(X) * self.n_iter_
        if p["early_stopping"]:
            model.set_weights(self._best_weights)
        if not incremental and not monitor.converged and self.n_iter_ == p["max_iter"]:
            warnings.warn(f"Stochastic Optimizer: Maximum iterations ({p['max_iter']}) reached "
                          "and the optimization hasn't converged yet.", ConvergenceWarning,
                          stacklevel=4)
        return self

    # ------------------------------------------------------------------ prediction helpers
    def _forward64(self, X: Any, logits: bool = False) -> np.ndarray:
        """Outputs ``(n, n_outputs_)`` of the network (or its output logits) for ``X``, in float64.

        The pass is written out with the layers' pure functions (``Dropout`` is the identity at
        inference), so predicting leaves ``model_`` untouched and keeps no reference to ``X``.
        It runs in float64 from the trained weights (float32 or float64): each row's result
        then does not depend on which other rows are predicted with it, as scikit-learn's checks
        demand, whereas float32 products may round differently for different numbers of rows.
        """
        check_is_fitted(self)
        a = validate_data(self, X, reset=False, dtype=np.float64)
        *hidden, last = [layer for layer in self.model_.layers if isinstance(layer, Dense)]
        for layer in hidden:
            a = layer.activation.forward(dense_forward(a, layer.params["W"], layer.params["b"]))
        z = dense_forward(a, last.params["W"], last.params["b"])            # (n, n_outputs_)
        return z if logits else last.activation.forward(z)

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        model = self.__dict__.get("model_")
        if model is not None and model.built:
            # Pickling copies each layer's weight view on its own, cutting it off the model's
            # flat parameter buffer that the optimizer updates: tie them together again.
            model._pack_parameters()
