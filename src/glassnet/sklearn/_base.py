"""What ``MLPClassifier`` and ``MLPRegressor`` share: fitted state, ``_fit``, the forward pass.

The fitted network is scikit-learn's: ``coefs_[i]: (n_in, n_out)`` and ``intercepts_[i]:
(n_out,)``, plain lists of arrays that may be read and assigned. During training they are views
into one flat vector ``_theta`` (see :mod:`glassnet.sklearn._network`); every ``fit`` that goes on
from the current network (``warm_start``, ``partial_fit``) first packs ``coefs_`` and
``intercepts_`` into a fresh ``_theta``, so weights set by hand, or restored by ``pickle`` /
``joblib``, are the ones trained further.

==========================  ===================================================================
solver                      training
==========================  ===================================================================
"sgd", "adam"               mini-batches, :func:`glassnet.sklearn._solvers.fit_stochastic`
"rmsprop", "adagrad"        the same loop with glassnet's other optimizers (glassnet only)
"lbfgs"                     full batch, :func:`glassnet.sklearn._solvers.fit_lbfgs` (scipy)
==========================  ===================================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from glassnet.layers import Dense
from glassnet.models import Sequential
from glassnet.sklearn._network import HIDDEN, forward, init_theta, pack, views
from glassnet.sklearn._params import STOCHASTIC, check_params
from glassnet.sklearn._solvers import fit_lbfgs, fit_stochastic
from glassnet.sklearn._solvers._lbfgs import loss_and_gradient

_FLOATS = (np.float64, np.float32)
# output activation -> glassnet's activation and loss of the same head
_GLASSNET_HEADS = {"logistic": ("sigmoid", "binary_crossentropy"),
                   "softmax": ("softmax", "categorical_crossentropy"),
                   "identity": ("linear", "mse")}


def cast_checked(a: np.ndarray, dtype: np.dtype, name: str) -> np.ndarray:
    """``a`` as ``dtype``, refusing (before casting) finite values too large for that dtype."""
    a = np.asarray(a)
    if a.dtype == dtype:
        return a
    if a.size and a.dtype.kind in "fiu":
        largest = float(np.max(np.abs(a)))
        limit = float(np.finfo(dtype).max)
        if largest > limit:
            raise ValueError(f"{name} holds values up to {largest:.3g} in magnitude that do not "
                             f"fit the model's dtype {np.dtype(dtype).name} (largest "
                             f"{limit:.3g}); rescale {name} or train in float64")
    return a.astype(dtype)


def check_sample_weight(sample_weight: Any, n_samples: int, dtype) -> np.ndarray:
    """``sample_weight`` as a 1-D array of ``n_samples`` finite, non-negative ``dtype`` numbers."""
    sw = np.asarray(sample_weight)
    if sw.ndim == 0:
        sw = np.full(n_samples, sw)
    if sw.dtype.kind not in "fiub":
        raise TypeError(f"sample_weight must hold real numbers, got dtype {sw.dtype}")
    if sw.shape != (n_samples,):
        raise ValueError(f"sample_weight must have shape ({n_samples},) like the samples of X, "
                         f"got shape {sw.shape}")
    sw = sw.astype(dtype)
    if not np.isfinite(sw).all() or (sw < 0).any():
        raise ValueError("sample_weight must hold finite numbers >= 0, got "
                         f"{int(np.count_nonzero(~np.isfinite(sw) | (sw < 0)))} other value(s)")
    if not sw.sum() > 0:
        raise ValueError("sample_weight must not be all zero")
    return sw


class BaseMLP(BaseEstimator):
    """Training and prediction shared by :class:`MLPClassifier` and :class:`MLPRegressor`.

    Subclasses define ``loss`` (a parameter of the regressor, "log_loss" for the classifier) and
    the hooks ``_validate_input``, ``_output_activation``, ``_targets``,
    ``_stratify_labels`` and ``_validation_score``.
    """

    # ------------------------------------------------------------------ training
    def _fit(self, X: Any, y: Any, sample_weight: Any, incremental: bool) -> BaseMLP:
        p = check_params(self)
        if p["early_stopping"] and incremental:
            raise ValueError("partial_fit does not support early_stopping=True")
        first_pass = not hasattr(self, "coefs_") or (not p["warm_start"] and not incremental)
        X, y = self._validate_input(X, y, incremental, reset=first_pass)
        if first_pass:
            dtype = p["dtype"] or (X.dtype if X.dtype in _FLOATS else np.dtype(np.float64))
        else:
            dtype = np.asarray(self.coefs_[0]).dtype
            dtype = dtype if dtype in _FLOATS else np.dtype(np.float64)
        if sp.issparse(X):
            X = X.tocsr().astype(dtype)
        else:
            X = cast_checked(X, dtype, "X")
        Y = self._targets(y, dtype)                     # (n, n_outputs) in the network's dtype
        sw = None
        if sample_weight is not None:
            sw = check_sample_weight(sample_weight, X.shape[0], dtype)
        self._random_state = rs = check_random_state(self.random_state)
        units = [X.shape[1], *p["hidden_layer_sizes"], Y.shape[1]]
        if first_pass:
            self._initialize(Y, units, dtype, p, rs)
        else:
            self._attach(units, dtype, p)
        if p["solver"] in STOCHASTIC:
            fit_stochastic(self, X, Y, sw, p, incremental, rs)
        else:
            fit_lbfgs(self, X, Y, sw, p)
        if not np.isfinite(self._theta).all():
            raise ValueError("Solver produced non-finite parameter weights. The input data may "
                             "contain large values and need to be preprocessed.")
        return self

    def _initialize(self, Y: np.ndarray, units: list[int], dtype, p: dict[str, Any],
                    rs) -> None:
        """A new network (scikit-learn's initialisation) and fresh fitted attributes."""
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = len(units)
        self.out_activation_ = self._output_activation()
        self._set_theta(init_theta(units, p["activation"], rs, dtype), units)
        self._best_theta = self._theta.copy()
        if p["solver"] in STOCHASTIC:
            self._reset_curves(p)

    def _reset_curves(self, p: dict[str, Any]) -> None:
        self.loss_curve_ = []
        self._no_improvement_count = 0
        if p["early_stopping"]:
            self.validation_scores_ = []
            self.best_validation_score_ = -np.inf
            self.best_loss_ = None
        else:
            self.best_loss_ = np.inf
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _attach(self, units: list[int], dtype, p: dict[str, Any]) -> None:
        """Go on from ``coefs_``/``intercepts_`` as they are now (trained, assigned or loaded)."""
        have = [np.shape(self.coefs_[0])[0], *(np.shape(c)[1] for c in self.coefs_)]
        if have != units:
            raise ValueError(f"the network has layer sizes {have} (input, hidden..., output) "
                             f"but this data and hidden_layer_sizes need {units}; training "
                             "goes on (warm_start, partial_fit) only with the same network")
        self._set_theta(pack(self.coefs_, self.intercepts_, dtype), units)
        best = getattr(self, "_best_theta", None)
        if best is None or best.shape != self._theta.shape:
            self._best_theta = self._theta.copy()
        if p["solver"] in STOCHASTIC and not hasattr(self, "loss_curve_"):
            self._reset_curves(p)
            self.t_ = getattr(self, "t_", 0)

    def _set_theta(self, theta: np.ndarray, units: list[int]) -> None:
        self._theta = theta
        self._grad = np.zeros_like(theta)
        self.coefs_, self.intercepts_ = views(theta, units)

    def _layer_units(self) -> list[int]:
        return [self.coefs_[0].shape[0], *(c.shape[1] for c in self.coefs_)]

    def _loss_grad_lbfgs(self, packed_coef_inter, X, y, sample_weight=None, *buffers):
        """Objective and gradient at a flat ``θ`` (scikit-learn's private hook, same layout).

        ``y`` holds the network's targets (binarised labels for the classifier); the remaining
        arguments of scikit-learn's signature (work buffers) are accepted and not used.
        """
        if getattr(self, "_theta", None) is None:          # unpickled: pack coefs_ again
            dtype = np.asarray(self.coefs_[0]).dtype
            self._set_theta(pack(self.coefs_, self.intercepts_, dtype), self._layer_units())
        dtype = self._theta.dtype
        Y = np.asarray(y, dtype=dtype).reshape(np.shape(y)[0], -1)
        sw = None if sample_weight is None else np.asarray(sample_weight, dtype=dtype)
        return loss_and_gradient(np.asarray(packed_coef_inter), self, X, Y, sw,
                                 self.activation, self.alpha)

    def _check_solver(self) -> bool:
        solver = self.optimizer if self.optimizer is not None else self.solver
        if solver not in STOCHASTIC:
            raise AttributeError(f"partial_fit is only available for stochastic optimizers. "
                                 f"{solver} is not stochastic.")
        return True

    # ------------------------------------------------------------------ glassnet view
    @property
    def model_(self) -> Sequential:
        """The fitted network as a new :class:`glassnet.Sequential` holding copies of the weights.

        For glassnet's tools (``summary()``, ``gn.plot.network``, ``gn.export``); training the
        copy does not change the estimator. Not available for ``loss="poisson"`` (glassnet has no
        exponential activation).
        """
        check_is_fitted(self, "coefs_")
        if self.out_activation_ not in _GLASSNET_HEADS:
            raise AttributeError(f"model_ needs an output activation glassnet has; "
                                 f"out_activation_ is {self.out_activation_!r}")
        act = HIDDEN[self.activation]
        sizes = [np.shape(c)[1] for c in self.coefs_]
        layers = [Dense(units, activation=act) for units in sizes[:-1]]
        head, loss = _GLASSNET_HEADS[self.out_activation_]
        layers.append(Dense(sizes[-1], activation=head))
        dtype = np.asarray(self.coefs_[0]).dtype
        model = Sequential(layers, dtype=dtype if dtype in _FLOATS else np.float64)
        model.compile(loss=loss, optimizer="sgd")
        model.build((np.shape(self.coefs_[0])[0],))
        model.set_weights([w for pair in zip(self.coefs_, self.intercepts_, strict=True)
                           for w in pair])
        return model

    # ------------------------------------------------------------------ prediction
    def _forward(self, X: Any, check_input: bool = True, logits: bool = False) -> np.ndarray:
        """Network outputs ``(n, n_outputs_)`` for ``X`` (dense or sparse), in ``X``'s dtype."""
        if check_input:
            X = validate_data(self, X, accept_sparse=["csr", "csc"], reset=False,
                              dtype=_FLOATS)
        out = "identity" if logits else self.out_activation_
        return forward(X, self.coefs_, self.intercepts_, self.activation, out)

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        # the flat vectors are rebuilt from coefs_/intercepts_ whenever training goes on
        state.pop("_theta", None)
        state.pop("_grad", None)
        return state

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
