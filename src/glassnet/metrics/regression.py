"""Regression metrics: mean squared error, mean absolute error and R² (scikit-learn results).

Targets are ``(n,)`` for one output or ``(n, m)`` for ``m`` outputs; ``(n,)`` and ``(n, 1)`` are
the same single output. Each metric is computed per output, then combined as ``multioutput``
says: ``"raw_values"`` (one value per output), ``"uniform_average"`` (their mean) or an array of
``m`` weights.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import as_float_array, check_same_length
from glassnet.metrics._checks import check_sample_weight

MULTIOUTPUT = ("raw_values", "uniform_average")
R2_MULTIOUTPUT = (*MULTIOUTPUT, "variance_weighted")

Result = float | np.ndarray


def _check_targets(y_true, y_pred, sample_weight, multioutput, allowed):
    """Return ``(y_true, y_pred)`` as float64 ``(n, m)``, checked weights and ``multioutput``."""
    t = as_float_array(y_true, "y_true", ndim=(1, 2), dtype=np.float64)
    p = as_float_array(y_pred, "y_pred", ndim=(1, 2), dtype=np.float64)
    check_same_length(t, p, "y_true", "y_pred")
    t, p = t.reshape(len(t), -1), p.reshape(len(p), -1)
    if t.shape[1] != p.shape[1]:
        raise ValueError(
            f"y_true and y_pred must have the same number of outputs, got shapes "
            f"{np.shape(y_true)} and {np.shape(y_pred)}"
        )
    w = check_sample_weight(sample_weight, len(t))
    if w is not None and w.sum() == 0:
        raise ValueError("sample_weight must not sum to zero")
    if isinstance(multioutput, str):
        if multioutput not in allowed:
            valid = ", ".join(repr(a) for a in allowed)
            raise ValueError(f"multioutput must be one of {valid} or an array of output "
                             f"weights; got {multioutput!r}")
        return t, p, w, multioutput
    weights = as_float_array(multioutput, "multioutput", ndim=1, dtype=np.float64)
    if t.shape[1] == 1:
        raise ValueError("multioutput weights need several outputs, but y_true has one; use "
                         "'uniform_average' or 'raw_values'")
    if len(weights) != t.shape[1]:
        raise ValueError(f"multioutput must hold one weight per output ({t.shape[1]}), got "
                         f"{len(weights)}")
    if (weights < 0).any() or weights.sum() == 0:
        raise ValueError(f"multioutput weights must be non-negative and not all zero, got "
                         f"{weights}")
    return t, p, w, weights


def _combine(per_output: np.ndarray, multioutput: Any) -> Result:
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return per_output
        return float(per_output.mean())
    return float(np.average(per_output, weights=multioutput))


def mean_squared_error(
    y_true: Any, y_pred: Any, *, sample_weight: Any = None, multioutput: Any = "uniform_average"
) -> Result:
    """Mean of the squared errors.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, m)
        True target values.
    y_pred : array-like, shape (n,) or (n, m)
        Predicted values (``(n,)`` and ``(n, 1)`` match each other).
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each sample.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape (m,)
        How to combine the outputs.

    Returns
    -------
    float, or numpy.ndarray of shape (m,) for ``"raw_values"``

    Notes
    -----
    .. math:: \\mathrm{MSE} = \\frac{\\sum_i w_i (y_i - \\hat y_i)^2}{\\sum_i w_i}

    Examples
    --------
    >>> mean_squared_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.375
    """
    t, p, w, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput, MULTIOUTPUT)
    with np.errstate(over="ignore"):        # errors beyond 1e154: the mean is +inf, say so
        return _combine(np.average((t - p) ** 2, axis=0, weights=w), multioutput)


def mean_absolute_error(
    y_true: Any, y_pred: Any, *, sample_weight: Any = None, multioutput: Any = "uniform_average"
) -> Result:
    """Mean of the absolute errors.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, m)
        True target values.
    y_pred : array-like, shape (n,) or (n, m)
        Predicted values.
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each sample.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape (m,)
        How to combine the outputs.

    Returns
    -------
    float, or numpy.ndarray of shape (m,) for ``"raw_values"``

    Notes
    -----
    .. math:: \\mathrm{MAE} = \\frac{\\sum_i w_i |y_i - \\hat y_i|}{\\sum_i w_i}

    Examples
    --------
    >>> mean_absolute_error([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.5
    """
    t, p, w, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput, MULTIOUTPUT)
    return _combine(np.average(np.abs(t - p), axis=0, weights=w), multioutput)


def r2_score(
    y_true: Any,
    y_pred: Any,
    *,
    sample_weight: Any = None,
    multioutput: Any = "uniform_average",
    force_finite: bool = True,
) -> Result:
    """Coefficient of determination R²: the share of the target's variance that is explained.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, m), n >= 2
        True target values.
    y_pred : array-like, shape (n,) or (n, m)
        Predicted values.
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each sample.
    multioutput : {"raw_values", "uniform_average", "variance_weighted"} or array-like (m,)
        How to combine the outputs; ``"variance_weighted"`` weights each by the variance of
        its true values.
    force_finite : bool, default True
        For a constant ``y_true`` (zero variance) return 1.0 when the predictions are perfect
        and 0.0 otherwise, instead of NaN or ``-inf``.

    Returns
    -------
    float, or numpy.ndarray of shape (m,) for ``"raw_values"``
        1.0 for perfect predictions, 0.0 for always predicting the mean, negative when worse.

    Notes
    -----
    .. math:: R^2 = 1 - \\frac{\\sum_i w_i (y_i - \\hat y_i)^2}{\\sum_i w_i (y_i - \\bar y)^2},
              \\qquad \\bar y = \\frac{\\sum_i w_i y_i}{\\sum_i w_i}

    Examples
    --------
    >>> r2_score([3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0])
    0.9486081370449679
    """
    if not isinstance(force_finite, (bool, np.bool_)):
        raise TypeError(f"force_finite must be True or False, got {force_finite!r}")
    t, p, w, multioutput = _check_targets(y_true, y_pred, sample_weight, multioutput,
                                          R2_MULTIOUTPUT)
    if len(t) < 2:
        raise ValueError(f"r2_score needs at least 2 samples, got {len(t)}")
    weight = 1.0 if w is None else w[:, None]
    numerator = (weight * (t - p) ** 2).sum(axis=0)
    denominator = (weight * (t - np.average(t, axis=0, weights=w)) ** 2).sum(axis=0)
    nonzero_num, nonzero_den = numerator != 0, denominator != 0
    if force_finite:
        scores = np.ones(t.shape[1])
        valid = nonzero_num & nonzero_den
        scores[valid] = 1 - numerator[valid] / denominator[valid]
        scores[nonzero_num & ~nonzero_den] = 0.0
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            scores = 1 - numerator / denominator
    if isinstance(multioutput, str) and multioutput == "variance_weighted":
        # every output constant: equal weights
        multioutput = denominator if nonzero_den.any() else "uniform_average"
    with np.errstate(invalid="ignore"):  # only non-finite scores (force_finite=False) reach here
        return _combine(scores, multioutput)
