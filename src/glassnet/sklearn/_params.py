"""The hyper-parameters of the MLP estimators: scikit-learn's names, defaults and checks.

All checks run in ``fit`` (scikit-learn's rule: ``__init__`` only stores its arguments) and raise
``TypeError``/``ValueError`` messages that name the parameter, as the rest of glassnet does.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from glassnet._validation import check_choice, check_int, check_number, describe

ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
# scikit-learn's solvers, then glassnet's own optimizers (mini-batch, like "adam")
SOLVERS = ("lbfgs", "sgd", "adam", "rmsprop", "adagrad")
STOCHASTIC = ("sgd", "adam", "rmsprop", "adagrad")
LEARNING_RATES = ("constant", "invscaling", "adaptive")
REGRESSION_LOSSES = ("squared_error", "poisson")

# every parameter, in scikit-learn's order, with its default; the glassnet-only ones last
DEFAULTS: dict[str, Any] = {
    "hidden_layer_sizes": (100,), "activation": "relu", "solver": "adam", "alpha": 1e-4,
    "batch_size": "auto", "learning_rate": "constant", "learning_rate_init": 1e-3,
    "power_t": 0.5, "max_iter": 200, "shuffle": True, "random_state": None, "tol": 1e-4,
    "verbose": False, "warm_start": False, "momentum": 0.9, "nesterovs_momentum": True,
    "early_stopping": False, "validation_fraction": 0.1, "beta_1": 0.9, "beta_2": 0.999,
    "epsilon": 1e-8, "n_iter_no_change": 10, "max_fun": 15000, "optimizer": None, "dtype": None,
}


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


def check_dtype(value: Any) -> np.dtype | None:
    """``dtype``: None (follow the input's float dtype), ``np.float32`` or ``np.float64``."""
    if value is None:
        return None
    try:
        dtype = np.dtype(value)
    except TypeError:
        raise TypeError(f"dtype must be None, 'float32' or 'float64', got {value!r}") from None
    if dtype not in (np.float32, np.float64):
        raise ValueError(f"dtype must be None, 'float32' or 'float64', got {dtype.name}")
    return dtype


def _check_n_iter_no_change(value: Any) -> float:
    if isinstance(value, numbers.Real) and not isinstance(value, bool) and value == np.inf:
        return np.inf
    return check_int(value, "n_iter_no_change", low=1)


def _check_solver(est: Any) -> str:
    solver = check_choice(est.solver, "solver", SOLVERS)
    if est.optimizer is None:
        return solver
    optimizer = check_choice(est.optimizer, "optimizer", SOLVERS)
    if solver != DEFAULTS["solver"] and solver != optimizer:
        raise ValueError(f"optimizer is glassnet's name for solver; give one of them, got "
                         f"solver={solver!r} and optimizer={optimizer!r}")
    return optimizer


def _check_batch_size(value: Any) -> int | str:
    if isinstance(value, str) and value == "auto":
        return value
    if isinstance(value, str):
        raise ValueError(f"batch_size must be 'auto' or a positive int, got {value!r}")
    return check_int(value, "batch_size", low=1)


def check_params(est: Any) -> dict[str, Any]:
    """Check every hyper-parameter of an MLP estimator; return them converted (done in ``fit``)."""
    verbose = est.verbose
    if not isinstance(verbose, (bool, np.bool_)):
        verbose = check_int(verbose, "verbose", low=0)
    unit = {"low": 0.0, "high": 1.0, "high_inclusive": False}
    p = {
        "hidden_layer_sizes": check_hidden_layer_sizes(est.hidden_layer_sizes),
        "activation": check_choice(est.activation, "activation", ACTIVATIONS),
        "solver": _check_solver(est),
        "alpha": check_number(est.alpha, "alpha", low=0.0),
        "batch_size": _check_batch_size(est.batch_size),
        "learning_rate": check_choice(est.learning_rate, "learning_rate", LEARNING_RATES),
        "learning_rate_init": check_number(est.learning_rate_init, "learning_rate_init",
                                           low=0.0, low_inclusive=False),
        "power_t": check_number(est.power_t, "power_t", low=0.0),
        "max_iter": check_int(est.max_iter, "max_iter", low=1),
        "shuffle": _check_bool(est.shuffle, "shuffle"),
        "tol": check_number(est.tol, "tol", low=0.0),
        "verbose": bool(verbose),
        "warm_start": _check_bool(est.warm_start, "warm_start"),
        "momentum": check_number(est.momentum, "momentum", **unit),
        "nesterovs_momentum": _check_bool(est.nesterovs_momentum, "nesterovs_momentum"),
        "early_stopping": _check_bool(est.early_stopping, "early_stopping"),
        "validation_fraction": check_number(est.validation_fraction, "validation_fraction",
                                            low_inclusive=False, **unit),
        "beta_1": check_number(est.beta_1, "beta_1", **unit),
        "beta_2": check_number(est.beta_2, "beta_2", **unit),
        "epsilon": check_number(est.epsilon, "epsilon", low=0.0, low_inclusive=False),
        "n_iter_no_change": _check_n_iter_no_change(est.n_iter_no_change),
        "max_fun": check_int(est.max_fun, "max_fun", low=1),
        "dtype": check_dtype(est.dtype),
    }
    if est.loss not in ("log_loss", *REGRESSION_LOSSES):
        hint = ""
        if not isinstance(est.loss, str):
            hint = ("; MLPRegressor's first positional parameter is loss, as in scikit-learn: "
                    "pass the layer sizes by name, hidden_layer_sizes=...")
        raise ValueError(f"loss must be one of 'squared_error', 'poisson', got "
                         f"{describe(est.loss)}{hint}")
    p["loss"] = est.loss
    return p
