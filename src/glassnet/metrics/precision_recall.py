"""Precision, recall and F-scores per class and averaged (scikit-learn signatures and results).

Unlike scikit-learn, a ratio with a zero denominator never warns: it takes the value of
``zero_division`` (0 by default).
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from glassnet.metrics._checks import (
    check_sample_weight,
    check_zero_division,
    contains,
    encode_targets,
)

AVERAGES = ("binary", "micro", "macro", "weighted", None)

Score = float | np.ndarray


def check_average(average: Any) -> str | None:
    """Check an ``average`` argument against :data:`AVERAGES`."""
    if average is None or (isinstance(average, str) and average in AVERAGES):
        return average
    valid = ", ".join(repr(a) for a in AVERAGES)
    raise ValueError(f"average must be one of {valid}; got {average!r}")


def _check_beta(beta: Any) -> float:
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real) or np.isnan(beta):
        raise TypeError(f"beta must be a real number, got {beta!r}")
    if beta < 0:
        raise ValueError(f"beta must be >= 0, got {beta}")
    return float(beta)


def _divide(num: np.ndarray, den: np.ndarray, zero_division: float) -> np.ndarray:
    """``num / den`` with ``zero_division`` where ``den == 0``, without warnings."""
    out = np.full(np.shape(den), zero_division, dtype=np.float64)
    return np.divide(num, den, out=out, where=den != 0)


def _nanaverage(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Mean of the non-NaN ``values`` (weighted; all-zero weights fall back to equal weights)."""
    keep = ~np.isnan(values)
    if not keep.any():
        return float("nan")
    if weights is None or weights[keep].sum() == 0:
        return float(values[keep].mean())
    return float(np.average(values[keep], weights=weights[keep]))


def _class_counts(y_true, y_pred, labels, pos_label, average, sample_weight):
    """True positives, predicted and true totals per reported label, shape (k,) each."""
    t = encode_targets(y_true, y_pred, None if average == "binary" else labels)
    selected = t.selected
    if average == "binary":
        if len(t.present) > 2:
            raise ValueError(
                f"average='binary' needs binary targets, but y_true and y_pred hold "
                f"{len(t.present)} classes {t.present}; choose another average: "
                "None, 'micro', 'macro' or 'weighted'"
            )
        if contains(t.present, pos_label):
            selected = np.searchsorted(t.present, np.asarray([pos_label], t.present.dtype))
        elif len(t.present) == 2:
            raise ValueError(
                f"pos_label={pos_label!r} is not a valid label: it should be one of {t.present}"
            )
        else:  # a single class in the data and pos_label is not it: no sample counts for it
            selected = np.array([len(t.classes)])
    w = check_sample_weight(sample_weight, len(t.true))
    k = len(t.classes) + 1  # one spare bin for an absent pos_label
    correct = t.true == t.pred
    tp = np.bincount(t.true[correct], None if w is None else w[correct], minlength=k)
    pred_sum = np.bincount(t.pred, w, minlength=k)
    true_sum = np.bincount(t.true, w, minlength=k)
    return tp[selected], pred_sum[selected], true_sum[selected]


def precision_recall_fscore_support(
    y_true: Any,
    y_pred: Any,
    *,
    beta: float = 1.0,
    labels: Any = None,
    pos_label: Any = 1,
    average: str | None = None,
    sample_weight: Any = None,
    zero_division: float = 0,
) -> tuple[Score, Score, Score, np.ndarray | None]:
    """Precision, recall, F-beta score and support of each class, or their average.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, 1)
        True class labels (integers, booleans or strings).
    y_pred : array-like, shape (n,) or (n, 1)
        Predicted class labels, of the same kind as ``y_true``.
    beta : float, default 1.0
        Weight of recall relative to precision; ``0`` gives precision, ``np.inf`` recall.
    labels : array-like, shape (k,), optional
        Labels to score, in this order (ignored for ``average="binary"``); may leave out labels
        of the data or add absent ones (scored on zero samples). Default: the sorted union of
        the labels in ``y_true`` and ``y_pred``.
    pos_label : int, bool or str, default 1
        The class scored when ``average="binary"``; ignored otherwise (use ``labels=[c]``).
    average : {"binary", "micro", "macro", "weighted"} or None, default None
        ``None`` returns one score per label. ``"binary"``: the scores of ``pos_label`` (the
        targets must hold at most two classes). ``"micro"``: scores of the summed counts.
        ``"macro"``: unweighted mean of the per-label scores. ``"weighted"``: mean weighted by
        support.
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each sample.
    zero_division : {0, 1, np.nan}, default 0
        Value of a score whose denominator is zero; no warning is emitted. NaN scores are left
        out of averages.

    Returns
    -------
    precision, recall, fbeta : float, or numpy.ndarray of shape (k,) when ``average is None``
    support : numpy.ndarray, shape (k,), or None when averaged
        Number (or total weight) of true samples of each label.

    Notes
    -----
    With per-label counts of true positives :math:`tp`, false positives :math:`fp` and false
    negatives :math:`fn`:

    .. math::

        P = \\frac{tp}{tp + fp},\\quad R = \\frac{tp}{tp + fn},\\quad
        F_\\beta = \\frac{(1 + \\beta^2)\\,tp}{(1 + \\beta^2)\\,tp + \\beta^2 fn + fp}
                 = \\frac{(1 + \\beta^2) P R}{\\beta^2 P + R}.

    All counts come from three ``np.bincount`` calls.
    """
    beta = _check_beta(beta)
    average = check_average(average)
    zero_division = check_zero_division(zero_division)
    tp, pred_sum, true_sum = _class_counts(y_true, y_pred, labels, pos_label, average,
                                           sample_weight)
    if average == "micro":
        tp, pred_sum, true_sum = tp.sum(keepdims=True), pred_sum.sum(keepdims=True), \
            true_sum.sum(keepdims=True)
    precision = _divide(tp, pred_sum, zero_division)
    recall = _divide(tp, true_sum, zero_division)
    if np.isposinf(beta):
        f_score = recall
    elif beta == 0:
        f_score = precision
    else:
        beta2 = beta**2
        f_score = _divide((1 + beta2) * tp, beta2 * true_sum + pred_sum, zero_division)
    if average is None:
        return precision, recall, f_score, true_sum
    weights = true_sum if average == "weighted" else None
    return (_nanaverage(precision, weights), _nanaverage(recall, weights),
            _nanaverage(f_score, weights), None)


def precision_score(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Any = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: Any = None,
    zero_division: float = 0,
) -> Score:
    """Precision ``tp / (tp + fp)``: the share of predicted positives that are right.

    Parameters and averaging as :func:`precision_recall_fscore_support` (``average`` defaults to
    ``"binary"``). Returns a float, or one score per label, shape (k,), when ``average is None``.

    Examples
    --------
    >>> precision_score([0, 1, 1, 0], [1, 1, 1, 0])
    0.6666666666666666
    """
    return precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )[0]


def recall_score(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Any = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: Any = None,
    zero_division: float = 0,
) -> Score:
    """Recall ``tp / (tp + fn)``: the share of true positives that are found.

    Parameters and averaging as :func:`precision_recall_fscore_support` (``average`` defaults to
    ``"binary"``). Returns a float, or one score per label, shape (k,), when ``average is None``.

    Examples
    --------
    >>> recall_score([0, 1, 1, 0], [1, 1, 0, 0])
    0.5
    """
    return precision_recall_fscore_support(
        y_true, y_pred, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )[1]


def fbeta_score(
    y_true: Any,
    y_pred: Any,
    *,
    beta: float,
    labels: Any = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: Any = None,
    zero_division: float = 0,
) -> Score:
    """F-beta score, the weighted harmonic mean of precision and recall.

    Parameters and averaging as :func:`precision_recall_fscore_support` (``average`` defaults to
    ``"binary"``); ``beta`` is required. Returns a float, or one score per label, shape (k,),
    when ``average is None``.

    Notes
    -----
    .. math:: F_\\beta = \\frac{(1 + \\beta^2)\\,P R}{\\beta^2 P + R}

    ``beta > 1`` favours recall, ``beta < 1`` precision.
    """
    return precision_recall_fscore_support(
        y_true, y_pred, beta=beta, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )[2]


def f1_score(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Any = None,
    pos_label: Any = 1,
    average: str | None = "binary",
    sample_weight: Any = None,
    zero_division: float = 0,
) -> Score:
    """F1 score, the harmonic mean of precision and recall: ``2 P R / (P + R)``.

    Parameters and averaging as :func:`precision_recall_fscore_support` (``average`` defaults to
    ``"binary"``). Returns a float, or one score per label, shape (k,), when ``average is None``.

    Examples
    --------
    >>> f1_score(["a", "b", "b"], ["a", "b", "a"], average="macro")
    0.6666666666666666
    """
    return fbeta_score(
        y_true, y_pred, beta=1.0, labels=labels, pos_label=pos_label, average=average,
        sample_weight=sample_weight, zero_division=zero_division,
    )
