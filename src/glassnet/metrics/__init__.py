"""Evaluation metrics with scikit-learn's signatures and results, in plain NumPy.

Classification metrics take 1-D class labels (integers, booleans or strings; ``(n, 1)`` is read
as 1-D, one-hot rows are refused). Scores with a zero denominator take ``zero_division``
(0 by default) and never warn.
"""

from glassnet.metrics.classification import accuracy_score, confusion_matrix
from glassnet.metrics.precision_recall import (
    f1_score,
    fbeta_score,
    precision_recall_fscore_support,
    precision_score,
    recall_score,
)
from glassnet.metrics.probabilistic import log_loss, roc_auc_score
from glassnet.metrics.regression import mean_absolute_error, mean_squared_error, r2_score
from glassnet.metrics.report import classification_report

__all__ = [
    "accuracy_score",
    "classification_report",
    "confusion_matrix",
    "f1_score",
    "fbeta_score",
    "log_loss",
    "mean_absolute_error",
    "mean_squared_error",
    "precision_recall_fscore_support",
    "precision_score",
    "r2_score",
    "recall_score",
    "roc_auc_score",
]
