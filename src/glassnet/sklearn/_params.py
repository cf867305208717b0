"""The hyper-parameters of the MLP estimators: their checks and their glassnet counterparts.

All checks run in ``fit`` (scikit-learn's rule: ``__init__`` only stores its arguments) and raise
``TypeError``/``ValueError`` messages that name the parameter, as the rest of glassnet does.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from glassnet import optimizers
from glassnet._validation import check_choice, check_int, check_number, describe

# scikit-learn's activation names -> glassnet's
ACTIVATIONS = {"identity": "linear", "logistic": "sigmoid", "tanh": "tanh", "relu": "relu"}
OPTIMIZERS = ("adam", "sgd", "rmsprop", "adagrad")


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool, got {type(value).__name__} {describe(value)}")
    return bool(value)


def check_hidden_layer_sizes(value: Any) -> tuple[int, ...]:
    """``hidden_layer_sizes`` as a tuple of positive ints (an int means one hidden layer)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        raise TypeError(f"hidden_layer_sizes must be an int or a sequence of ints, got "
                        f"{type(value).__name__} {describe(value)}")
    return tuple(check_int(v, f"hidden_layer_sizes[{i}]", low=1) for i, v in enumerate(value))


def check_dtype(value: Any) -> np.dtype:
    """``dtype`` as ``np.float32`` or ``np.float64`` (names such as ``"float32"`` accepted)."""
    try:
        dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f"dtype must be 'float32' or 'float64', got {value!r}") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype.name}")
    return dtype


def check_params(est: Any) -> dict[str, Any]:
    """Check every hyper-parameter of an MLP estimator; return them converted (done in ``fit``)."""
    batch_size = est.batch_size
    if not (isinstance(batch_size, str) and batch_size == "auto"):
        if isinstance(batch_size, str):
            raise ValueError(f"batch_size must be 'auto' or a positive int, got {batch_size!r}")
        batch_size = check_int(batch_size, "batch_size", low=1)
    verbose = est.verbose
    if not isinstance(verbose, (bool, np.bool_)):
        verbose = check_int(verbose, "verbose", low=0)
    return {
        "hidden_layer_sizes": check_hidden_layer_sizes(est.hidden_layer_sizes),
        "activation": check_choice(est.activation, "activation", tuple(ACTIVATIONS)),
        "optimizer": check_choice(est.optimizer, "optimizer", OPTIMIZERS),
        "alpha": check_number(est.alpha, "alpha", low=0.0),
        "batch_size": batch_size,
        "learning_rate_init": check_number(est.learning_rate_init, "learning_rate_init",
                                           low=0.0, low_inclusive=False),
        "max_iter": check_int(est.max_iter, "max_iter", low=1),
        "tol": check_number(est.tol, "tol", low=0.0),
        "shuffle": _check_bool(est.shuffle, "shuffle"),
        "verbose": bool(verbose),
        "warm_start": _check_bool(est.warm_start, "warm_start"),
        "momentum": check_number(est.momentum, "momentum", low=0.0, high=1.0,
                                 high_inclusive=False),
        "nesterovs_momentum": _check_bool(est.nesterovs_momentum, "nesterovs_momentum"),
        "early_stopping": _check_bool(est.early_stopping, "early_stopping"),
        "validation_fraction": check_number(est.validation_fraction, "validation_fraction",
                                            low=0.0, high=1.0, low_inclusive=False,
                                            high_inclusive=False),
        "beta_1": check_number(est.beta_1, "beta_1", low=0.0, high=1.0, high_inclusive=False),
        "beta_2": check_number(est.beta_2, "beta_2", low=0.0, high=1.0, high_inclusive=False),
        "epsilon": check_number(est.epsilon, "epsilon", low=0.0, low_inclusive=False),
        "n_iter_no_change": check_int(est.n_iter_no_change, "n_iter_no_change", low=1),
        "dropout": check_number(est.dropout, "dropout", low=0.0, high=1.0,
                                high_inclusive=False),
        "dtype": check_dtype(est.dtype),
    }


def make_optimizer(p: dict[str, Any]) -> optimizers.Optimizer:
    """The glassnet optimizer named by ``p["optimizer"]`` with scikit-learn's settings."""
    lr = p["learning_rate_init"]
    if p["optimizer"] == "sgd":
        return optimizers.SGD(lr, momentum=p["momentum"],
                              nesterov=p["nesterovs_momentum"] and p["momentum"] > 0)
    if p["optimizer"] == "adam":
        return optimizers.Adam(lr, beta1=p["beta_1"], beta2=p["beta_2"], eps=p["epsilon"])
    return optimizers.get(p["optimizer"], lr=lr)


def l2_from_alpha(alpha: float, batch_size: int, loss_scale: float) -> float:
    """The ``Dense(l2=...)`` that gives scikit-learn's penalty for ``alpha``.

    Notes
    -----
    scikit-learn adds ``alpha / (2·m) · Σ‖W‖²`` to the mean loss of each batch of ``m`` samples.
    Our classification losses equal scikit-learn's, so ``l2 = alpha / (2·m)``. Our ``mse`` is
    twice scikit-learn's half squared error, so the regressor uses twice that, ``alpha / m``
    (``loss_scale = 1/2`` brings the objective back to scikit-learn's scale). ``m`` is the batch
    size; the last, smaller batch of an epoch gets the penalty of a full one.
    """
    return alpha / (2.0 * batch_size * loss_scale)
