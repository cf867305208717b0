"""Accuracy and the confusion matrix (scikit-learn signatures and results)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import check_choice
from glassnet.metrics._checks import check_sample_weight, encode_targets

NORMALIZE_OPTIONS = ("true", "pred", "all", None)


def accuracy_score(
    y_true: Any, y_pred: Any, normalize: bool = True, sample_weight: Any = None
) -> float:
    """Fraction (or number) of samples whose predicted label equals the true label.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, 1)
        True class labels (integers, booleans or strings).
    y_pred : array-like, shape (n,) or (n, 1)
        Predicted class labels, of the same kind as ``y_true``.
    normalize : bool, default True
        Return the fraction of correct samples; ``False`` returns their (weighted) count.
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each sample.

    Returns
    -------
    float

    Notes
    -----
    .. math:: \\mathrm{accuracy} = \\frac{\\sum_i w_i\\,[\\hat y_i = y_i]}{\\sum_i w_i}

    Examples
    --------
    >>> accuracy_score([0, 1, 2, 1], [0, 2, 2, 1])
    0.75
    """
    if not isinstance(normalize, (bool, np.bool_)):
        raise TypeError(f"normalize must be True or False, got {normalize!r}")
    t = encode_targets(y_true, y_pred)
    correct = t.true == t.pred
    w = check_sample_weight(sample_weight, len(correct))
    if w is None:
        return float(correct.mean()) if normalize else float(correct.sum())
    if not normalize:
        return float(w[correct].sum())
    total = w.sum()
    if total == 0:
        raise ValueError("sample_weight must not sum to zero when normalize=True")
    return float(w[correct].sum() / total)


def confusion_matrix(
    y_true: Any,
    y_pred: Any,
    labels: Any = None,
    *,
    sample_weight: Any = None,
    normalize: str | None = None,
) -> np.ndarray:
    """Count the samples of each (true label, predicted label) pair.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, 1)
        True class labels.
    y_pred : array-like, shape (n,) or (n, 1)
        Predicted class labels, of the same kind as ``y_true``.
    labels : array-like, shape (k,), optional
        Labels indexing the rows and columns, in this order; may select a subset (samples with
        another true or predicted label are left out) or add labels absent from the data. At
        least one of them must occur in ``y_true``. Default: the sorted union of the labels in
        ``y_true`` and ``y_pred``.
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each sample.
    normalize : {"true", "pred", "all"} or None
        Divide by the row sums (``"true"``), the column sums (``"pred"``) or the total
        (``"all"``); empty rows or columns give zeros.

    Returns
    -------
    numpy.ndarray, shape (k, k)
        ``C[i, j]`` is the number of samples of true class ``labels[i]`` predicted as
        ``labels[j]``: rows are true labels, columns predicted ones. int64 counts, float64
        when weighted by floats or normalized.

    Notes
    -----
    Each sample lands in bin ``i * k + j`` of one ``np.bincount``:
    :math:`C_{ij} = \\sum_s w_s\\,[y_s = \\ell_i]\\,[\\hat y_s = \\ell_j]`.
    For two classes ``C.ravel()`` is ``(tn, fp, fn, tp)``.

    Examples
    --------
    >>> confusion_matrix(["cat", "dog", "dog"], ["cat", "cat", "dog"])
    array([[1, 0],
           [1, 1]])
    """
    if normalize is not None and not isinstance(normalize, str):
        raise TypeError(f"normalize must be 'true', 'pred', 'all' or None, got {normalize!r}")
    check_choice(normalize, "normalize", NORMALIZE_OPTIONS)
    t = encode_targets(y_true, y_pred, labels)
    w = check_sample_weight(sample_weight, len(t.true))
    if labels is not None and not np.isin(t.selected, t.true).any():
        raise ValueError(
            f"labels must include at least one label that occurs in y_true, got {labels!r} "
            f"while y_true holds {np.unique(t.classes[t.true])}"
        )
    k = len(t.classes)
    cm = np.bincount(t.true * k + t.pred, weights=w, minlength=k * k).reshape(k, k)
    cm = cm[np.ix_(t.selected, t.selected)]
    if w is not None and np.asarray(sample_weight).dtype.kind in "biu":
        cm = cm.astype(np.int64)
    if normalize is None:
        return cm
    if normalize == "true":
        totals = cm.sum(axis=1, keepdims=True)
    elif normalize == "pred":
        totals = cm.sum(axis=0, keepdims=True)
    else:
        totals = cm.sum()
    totals = np.broadcast_to(totals, cm.shape)
    return np.divide(cm, totals, out=np.zeros(cm.shape), where=totals != 0)
