"""Metrics of predicted probabilities and scores: log loss and ROC AUC."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import as_float_array, check_number, check_same_length
from glassnet.metrics._checks import (
    as_labels,
    check_labels_arg,
    check_sample_weight,
    unique_inverse,
)


def _weighted_mean(values: np.ndarray, w: np.ndarray | None, normalize: bool) -> float:
    if w is None:
        return float(values.mean() if normalize else values.sum())
    if not normalize:
        return float(values @ w)
    if w.sum() == 0:
        raise ValueError("sample_weight must not sum to zero when normalize=True")
    return float(np.average(values, weights=w))


def _encode_for_proba(y: np.ndarray, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    """Sorted classes and the column index of each sample's true class."""
    if labels is None:
        classes, idx = unique_inverse(y)
        if len(classes) < 2:
            raise ValueError(
                f"y_true holds a single class ({np.asarray(classes[0]).item()!r}); log loss "
                "needs every class the probabilities refer to: pass them as labels="
            )
        return classes, idx
    classes = check_labels_arg(labels, y)
    if len(classes) < 2:
        raise ValueError(f"labels must hold at least two classes, got {classes}")
    if not (classes[:-1] < classes[1:]).all():
        raise ValueError(
            f"labels must be sorted, as the columns of y_prob follow the sorted classes; got "
            f"{classes}: pass np.sort(labels) and order the columns of y_prob alike"
        )
    unknown = ~np.isin(y, classes)
    if unknown.any():
        raise ValueError(f"y_true holds labels {np.unique(y[unknown])} that are not in "
                         f"labels {classes}")
    return classes, np.searchsorted(classes, y)


def log_loss(
    y_true: Any,
    y_prob: Any,
    *,
    eps: float | str = "auto",
    normalize: bool = True,
    sample_weight: Any = None,
    labels: Any = None,
) -> float:
    """Mean negative log-likelihood of the true classes (cross-entropy).

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, 1)
        True class labels (integers, booleans or strings); one-hot rows are refused.
    y_prob : array-like, shape (n,), (n, 1) or (n, k)
        Predicted probabilities. One column holds the probability of the larger of two classes
        (class 1 for 0/1 labels); ``k`` columns follow the sorted classes and sum to 1 per row.
    eps : float or "auto", default "auto"
        Probabilities are clipped to ``[eps, 1 - eps]``; ``"auto"`` is the machine epsilon of
        ``y_prob``'s dtype (float32 and float64 are kept; integers become float64).
    normalize : bool, default True
        Return the mean loss per sample; ``False`` returns the (weighted) sum.
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each sample.
    labels : array-like, shape (k,), optional
        All the classes, sorted, when ``y_true`` does not show every one of them.

    Returns
    -------
    float

    Notes
    -----
    .. math::

        L = -\\frac{1}{n}\\sum_i \\log p_{i, y_i}, \\qquad
        \\text{binary: } L = -\\frac{1}{n}\\sum_i y_i \\log p_i + (1 - y_i) \\log(1 - p_i)

    Clipping keeps the loss finite when a probability is exactly 0 or 1 (a saturated sigmoid).

    Examples
    --------
    >>> round(log_loss([0, 1, 1], [0.1, 0.8, 0.6]), 4)
    0.2798
    """
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be True or False, got {normalize!r}")
    y = as_labels(y_true, "y_true")
    p = as_float_array(y_prob, "y_prob", ndim=(1, 2))
    check_same_length(y, p, "y_true", "y_prob")
    if p.min() < 0 or p.max() > 1:
        raise ValueError(f"y_prob must hold probabilities in [0, 1], got values from {p.min()} "
                         f"to {p.max()}")
    w = check_sample_weight(sample_weight, len(y))
    classes, idx = _encode_for_proba(y, labels)
    if p.ndim == 1:
        p = p[:, None]
    if p.shape[1] == 1:
        p = np.concatenate([1 - p, p], axis=1)
    if p.shape[1] != len(classes):
        source = "labels" if labels is not None else "y_true (pass labels= to name them all)"
        raise ValueError(
            f"y_prob must have one column per class: got {p.shape[1]} columns for "
            f"{len(classes)} classes {classes} in {source}"
        )
    tiny = np.finfo(p.dtype).eps
    sums = p.sum(axis=1)
    bad = ~np.isclose(sums, 1, rtol=np.sqrt(tiny))
    if bad.any():
        raise ValueError(
            f"y_prob rows must sum to 1, got {int(bad.sum())} row(s) summing to values from "
            f"{sums[bad].min()} to {sums[bad].max()}; pass probabilities (e.g. a softmax output)"
        )
    if isinstance(eps, str):
        if eps != "auto":
            raise ValueError(f"eps must be 'auto' or a float in (0, 0.5), got {eps!r}")
        eps = tiny
    else:
        eps = check_number(eps, "eps", low=0, high=0.5, low_inclusive=False,
                           high_inclusive=False)
    p_true = p[np.arange(len(y)), idx]
    p_true = np.clip(p_true, p.dtype.type(eps), p.dtype.type(1 - eps))
    return _weighted_mean(-np.log(p_true.astype(np.float64)), w, normalize)


def roc_auc_score(y_true: Any, y_score: Any, *, sample_weight: Any = None) -> float:
    """Area under the ROC curve of a binary problem.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, 1)
        Two classes; the larger label (1 for 0/1 labels, the later string) is the positive one.
    y_score : array-like, shape (n,) or (n, 1)
        Scores or probabilities of the positive class (higher means more positive).
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each sample.

    Returns
    -------
    float
        The probability that a random positive sample scores above a random negative one,
        ties counting one half (0.5 for uninformative scores, 1 for a perfect ranking).

    Notes
    -----
    This is the Mann–Whitney statistic: with the mid-ranks :math:`r_i` of the scores (tied
    scores share their average rank),

    .. math:: \\mathrm{AUC} = \\frac{\\sum_{i:\\,y_i = 1} r_i - n_+ (n_+ + 1)/2}{n_+ n_-}.

    It is computed per distinct score ``s`` (one ``np.unique`` and two ``np.bincount``), with
    :math:`P_s, N_s` the positive and negative weight at ``s``:
    :math:`\\sum_s P_s (N_{<s} + N_s / 2) / (P\\,N)`, which equals the trapezoidal area under
    the ROC curve scikit-learn integrates, ties included.

    Examples
    --------
    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    y = as_labels(y_true, "y_true")
    s = as_float_array(y_score, "y_score", ndim=(1, 2), dtype=np.float64)
    if s.ndim == 2:
        if s.shape[1] != 1:
            raise ValueError(
                f"y_score must be 1-D scores of the positive class, got shape {s.shape}; for "
                "the two columns of predict_proba pass y_score[:, 1]"
            )
        s = s[:, 0]
    check_same_length(y, s, "y_true", "y_score")
    w = check_sample_weight(sample_weight, len(y))
    classes, idx = unique_inverse(y)
    if len(classes) != 2:
        raise ValueError(
            f"y_true must hold exactly two classes for ROC AUC, got {len(classes)}: {classes}"
            + (" (the AUC is undefined with one class)" if len(classes) == 1 else "")
        )
    positive = idx == 1
    w = np.ones(len(y)) if w is None else w
    _, score_idx = np.unique(s, return_inverse=True)
    score_idx = score_idx.ravel()
    n_scores = score_idx.max() + 1
    pos = np.bincount(score_idx, weights=w * positive, minlength=n_scores)
    neg = np.bincount(score_idx, weights=w * ~positive, minlength=n_scores)
    total_pos, total_neg = pos.sum(), neg.sum()
    if total_pos == 0 or total_neg == 0:
        raise ValueError("sample_weight must give both classes a positive total weight, got "
                         f"{total_pos} (positive) and {total_neg} (negative)")
    neg_below = np.cumsum(neg) - neg
    return float(pos @ (neg_below + 0.5 * neg) / (total_pos * total_neg))
