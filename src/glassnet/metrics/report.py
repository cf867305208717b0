"""The classification report: per-class precision, recall, F1 and support, and their averages."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._validation import check_int
from glassnet.metrics._checks import encode_targets
from glassnet.metrics.precision_recall import precision_recall_fscore_support

HEADERS = ("precision", "recall", "f1-score", "support")


def _target_names(target_names: Any, n_labels: int, labels_given: bool) -> list[str]:
    names = [str(n) for n in np.asarray(target_names).ravel().tolist()]
    if len(names) != n_labels:
        what = "labels" if labels_given else "classes in y_true and y_pred"
        hint = "" if labels_given else "; pass labels= to choose the classes"
        raise ValueError(
            f"target_names must have one name per label: got {len(names)} names for "
            f"{n_labels} {what}{hint}"
        )
    return names


def classification_report(
    y_true: Any,
    y_pred: Any,
    *,
    labels: Any = None,
    target_names: Any = None,
    sample_weight: Any = None,
    digits: int = 2,
    output_dict: bool = False,
    zero_division: float = 0,
) -> str | dict[str, Any]:
    """Text table (or dict) of precision, recall, F1 and support per class, with averages.

    Parameters
    ----------
    y_true : array-like, shape (n,) or (n, 1)
        True class labels (integers, booleans or strings).
    y_pred : array-like, shape (n,) or (n, 1)
        Predicted class labels, of the same kind as ``y_true``.
    labels : array-like, shape (k,), optional
        Labels to report, in this order. Default: the sorted union of the labels in the data.
    target_names : sequence of str, shape (k,), optional
        Display names of the labels, in the same order.
    sample_weight : array-like, shape (n,), optional
        Non-negative weight of each sample.
    digits : int, default 2
        Decimals of the scores in the text table (the dict is not rounded).
    output_dict : bool, default False
        Return ``{name: {"precision", "recall", "f1-score", "support"}, ...}`` instead of text.
    zero_division : {0, 1, np.nan}, default 0
        Value of a score whose denominator is zero; no warning is emitted.

    Returns
    -------
    str or dict
        Rows per class, then ``accuracy`` (the micro average, when all the data's labels are
        reported; otherwise a ``micro avg`` row), ``macro avg`` and ``weighted avg``. In the dict
        ``"accuracy"`` maps to a float; every other entry to a dict of four floats.

    Examples
    --------
    >>> print(classification_report([0, 1, 2, 2, 2], [0, 0, 2, 2, 1]))
                  precision    recall  f1-score   support
    <BLANKLINE>
               0       0.50      1.00      0.67         1
               1       0.00      0.00      0.00         1
               2       1.00      0.67      0.80         3
    <BLANKLINE>
        accuracy                           0.60         5
       macro avg       0.50      0.56      0.49         5
    weighted avg       0.70      0.60      0.61         5
    <BLANKLINE>
    """
    digits = check_int(digits, "digits", low=0)
    if not isinstance(output_dict, (bool, np.bool_)):
        raise TypeError(f"output_dict must be True or False, got {output_dict!r}")
    t = encode_targets(y_true, y_pred, labels)
    report_labels = t.classes[t.selected]
    micro_is_accuracy = labels is None or np.isin(t.present, report_labels).all()
    if target_names is None:
        names = [str(label) for label in report_labels.tolist()]
    else:
        names = _target_names(target_names, len(report_labels), labels is not None)
    # score the integer codes: the labels are checked and sorted once, not four times
    codes = (t.true, t.pred)
    common = dict(labels=t.selected, sample_weight=sample_weight, zero_division=zero_division)
    p, r, f1, support = precision_recall_fscore_support(*codes, average=None, **common)
    total = support.sum()
    averages = {}
    for average in ("micro", "macro", "weighted"):
        heading = "accuracy" if average == "micro" and micro_is_accuracy else f"{average} avg"
        avg_p, avg_r, avg_f1, _ = precision_recall_fscore_support(
            *codes, average=average, **common
        )
        averages[heading] = (avg_p, avg_r, avg_f1, total)

    if output_dict:
        report: dict[str, Any] = {
            name: dict(zip(HEADERS, map(float, row), strict=True))
            for name, row in zip(names, zip(p, r, f1, support, strict=True), strict=True)
        }
        for heading, row in averages.items():
            report[heading] = dict(zip(HEADERS, map(float, row), strict=True))
        if "accuracy" in report:
            report["accuracy"] = report["accuracy"]["precision"]
        return report

    width = max(max(len(n) for n in names), len("weighted avg"), digits)
    row_fmt = "{:>{width}s} " + " {:>9.{digits}f}" * 3 + " {:>9}\n"
    text = "{:>{width}s} ".format("", width=width) + "".join(f" {h:>9}" for h in HEADERS) + "\n\n"
    for name, *row in zip(names, p, r, f1, support, strict=True):
        text += row_fmt.format(name, *row, width=width, digits=digits)
    text += "\n"
    for heading, row in averages.items():
        if heading == "accuracy":
            text += "{:>{width}s} ".format(heading, width=width) + " " * 20 + \
                " {:>9.{digits}f} {:>9}\n".format(row[2], row[3], digits=digits)
        else:
            text += row_fmt.format(heading, *row, width=width, digits=digits)
    return text
