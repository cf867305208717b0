"""Bad input raises an error that names the argument, what was expected and what was given."""

import warnings

import numpy as np
import pytest

from glassnet import metrics as gm


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


LABEL_METRICS = [
    gm.accuracy_score,
    gm.confusion_matrix,
    gm.classification_report,
    gm.precision_recall_fscore_support,
    lambda t, p: gm.precision_score(t, p, average="macro"),
    lambda t, p: gm.recall_score(t, p, average="macro"),
    lambda t, p: gm.f1_score(t, p, average="macro"),
    lambda t, p: gm.fbeta_score(t, p, beta=2.0, average="macro"),
]
ONE_HOT = np.eye(3)[[0, 1, 2, 1]]
LABELS = np.array([0, 1, 2, 1])


@pytest.mark.parametrize("metric", LABEL_METRICS)
def test_one_hot_targets_are_refused_with_argmax_hint(metric):
    with pytest.raises(ValueError, match=r"y_true must be 1-D class labels, got shape \(4, 3\); "
                                         r"one-hot .* pass y_true.argmax\(axis=1\)"):
        metric(ONE_HOT, LABELS)
    with pytest.raises(ValueError, match=r"y_pred must be 1-D class labels, got shape \(4, 3\)"
                                         r".*y_pred.argmax\(axis=1\)"):
        metric(LABELS, ONE_HOT)


@pytest.mark.parametrize("metric", LABEL_METRICS)
@pytest.mark.parametrize(("y_true", "y_pred", "error", "message"), [
    ([0, 1, 1], [0, 1], ValueError,
     "y_true and y_pred must have the same number of samples, got 3 and 2"),
    ([], [], ValueError, r"y_true must not be empty, got shape \(0,\)"),
    ([0, 1, np.nan], [0, 1, 1], ValueError, r"y_true must hold finite labels, got 1 NaN"),
    ([0, 1, 1], [0.2, 0.9, 0.7], ValueError,
     r"y_pred must hold class labels, got non-integer values like \[0.2 0.9 0.7\]; threshold"),
    (["a", "b"], [0, 1], ValueError,
     r"y_true and y_pred must hold the same kind of labels, got strings \(y_true, dtype <U1\) "
     r"and numbers \(y_pred"),
    (np.array([1, "a"], dtype=object), [0, 1], TypeError,
     "y_true must hold labels of one kind"),
    (None, [0, 1], TypeError, "y_true must be an array of class labels, got NoneType"),
    ("ab", [0, 1], TypeError, "y_true must be an array of class labels, got str"),
    ([0, 1], [[[0, 1]]], ValueError, r"y_pred must be 1-D class labels, got shape \(1, 1, 2\)"),
    ([0.5 + 1j, 1], [0, 1], TypeError, "y_true must hold integer, boolean or string labels, "
                                       "got dtype complex128"),
])
def test_bad_labels(metric, y_true, y_pred, error, message):
    with pytest.raises(error, match=message):
        metric(y_true, y_pred)


@pytest.mark.parametrize("name", ["precision_score", "recall_score", "f1_score"])
def test_unknown_average_lists_the_valid_ones(name):
    with pytest.raises(ValueError, match="average must be one of 'binary', 'micro', 'macro', "
                                         "'weighted', None; got 'samples'"):
        getattr(gm, name)([0, 1], [0, 1], average="samples")


@pytest.mark.parametrize("name", ["precision_score", "recall_score", "f1_score"])
def test_binary_average_on_multiclass_suggests_another(name):
    with pytest.raises(ValueError, match=r"average='binary' needs binary targets, but y_true and "
                                         r"y_pred hold 3 classes \[0 1 2\]; choose another "
                                         r"average: None, 'micro', 'macro' or 'weighted'"):
        getattr(gm, name)([0, 1, 2], [0, 1, 1])


def test_pos_label_must_be_a_label_of_binary_targets():
    with pytest.raises(ValueError, match=r"pos_label=1 is not a valid label: it should be one of "
                                         r"\['no' 'yes'\]"):
        gm.f1_score(["yes", "no"], ["no", "no"])


@pytest.mark.parametrize("value", ["warn", 0.5, None, True])
def test_zero_division_values(value):
    with pytest.raises(ValueError, match=rf"zero_division must be 0, 1 or np.nan, got "
                                         rf"{value!r}"):
        gm.precision_score([0, 1], [0, 1], zero_division=value)


def test_beta_checks():
    with pytest.raises(ValueError, match="beta must be >= 0, got -1.0"):
        gm.fbeta_score([0, 1], [0, 1], beta=-1.0)
    with pytest.raises(TypeError, match="beta must be a real number, got '2'"):
        gm.fbeta_score([0, 1], [0, 1], beta="2")


@pytest.mark.parametrize(("labels", "error", "message"), [
    ([0, 1, 0], ValueError, r"labels must not repeat a label, got \[0\] more than once"),
    (["a", "b"], ValueError, r"labels and y_true/y_pred must hold the same kind of labels, got "
                             r"strings \(labels"),
    ([], ValueError, r"labels must not be empty"),
])
@pytest.mark.parametrize("metric", [gm.confusion_matrix, gm.precision_recall_fscore_support,
                                    gm.classification_report])
def test_bad_labels_argument(labels, error, message, metric):
    with pytest.raises(error, match=message):
        metric([0, 1, 1], [0, 1, 0], labels=labels)


def test_confusion_matrix_needs_a_label_of_y_true():
    with pytest.raises(ValueError, match=r"labels must include at least one label that occurs in "
                                         r"y_true, got \[5, 6\] while y_true holds \[0 1\]"):
        gm.confusion_matrix([0, 1], [0, 1], labels=[5, 6])


def test_confusion_matrix_normalize_choices():
    with pytest.raises(ValueError, match="normalize must be one of 'true', 'pred', 'all', None; "
                                         "got 'rows'"):
        gm.confusion_matrix([0, 1], [0, 1], normalize="rows")
    with pytest.raises(TypeError, match="normalize must be 'true', 'pred', 'all' or None, got "
                                        "True"):
        gm.confusion_matrix([0, 1], [0, 1], normalize=True)


@pytest.mark.parametrize(("weights", "message"), [
    ([1.0, 2.0], r"sample_weight must have one weight per sample \(3\), got 2"),
    ([1.0, -2.0, 1.0], "sample_weight must be non-negative, got minimum -2.0"),
    ([1.0, np.nan, 1.0], "sample_weight must be finite, got 1 NaN"),
    ([[1.0, 1.0, 1.0]], "sample_weight must be 1-D"),
])
@pytest.mark.parametrize("metric", [gm.accuracy_score, gm.confusion_matrix, gm.f1_score,
                                    gm.mean_squared_error, gm.roc_auc_score])
def test_bad_sample_weight(weights, message, metric):
    with pytest.raises(ValueError, match=message):
        metric([0, 1, 1], [0, 1, 0], sample_weight=weights)


def test_accuracy_normalize_must_be_bool():
    with pytest.raises(TypeError, match="normalize must be True or False, got 'yes'"):
        gm.accuracy_score([0, 1], [0, 1], normalize="yes")
    with pytest.raises(ValueError, match="sample_weight must not sum to zero"):
        gm.accuracy_score([0, 1], [0, 1], sample_weight=[0, 0])


@pytest.mark.parametrize(("y_true", "y_prob", "kwargs", "message"), [
    ([0, 1], [0.2, 1.3], {}, r"y_prob must hold probabilities in \[0, 1\], got values from 0.2 "
                             r"to 1.3"),
    ([0, 1, 2], [[0.2, 0.3, 0.4]] * 3, {}, r"y_prob rows must sum to 1, got 3 row\(s\) summing "
                                           r"to values from 0.9"),
    ([0, 1, 2], [[0.5, 0.5]] * 3, {}, r"y_prob must have one column per class: got 2 columns "
                                      r"for 3 classes \[0 1 2\] in y_true \(pass labels="),
    ([0, 1], [[0.2, 0.3, 0.5]] * 2, {"labels": [0, 1]},
     "got 3 columns for 2 classes .* in labels"),
    ([1, 1], [0.2, 0.9], {}, r"y_true holds a single class \(1\); .* pass them as labels="),
    ([0, 1], [0.2, 0.9], {"labels": [1, 0]}, r"labels must be sorted, .* got \[1 0\]"),
    ([0, 3], [0.2, 0.9], {"labels": [0, 1]}, r"y_true holds labels \[3\] that are not in labels"),
    ([0, 1], [0.2, 0.9], {"labels": [1]}, r"labels must hold at least two classes, got \[1\]"),
    ([0, 1], [0.2, 0.9], {"eps": "tiny"}, "eps must be 'auto' or a float in"),
    ([0, 1], [0.2, 0.9], {"eps": 0.0}, "eps must be > 0"),
    ([0, 1, 0], [0.2, 0.9], {}, "y_true and y_prob must have the same number of samples, got 3 "
                                "and 2"),
    ([0, 1], [0.2, np.nan], {}, "y_prob must be finite, got 1 NaN"),
    (np.eye(2), [0.2, 0.9], {}, r"y_true must be 1-D class labels, got shape \(2, 2\).*argmax"),
])
def test_log_loss_errors(y_true, y_prob, kwargs, message):
    with pytest.raises(ValueError, match=message):
        gm.log_loss(y_true, y_prob, **kwargs)


@pytest.mark.parametrize(("y_true", "y_score", "kwargs", "message"), [
    ([1, 1, 1], [0.2, 0.3, 0.4], {}, r"y_true must hold exactly two classes for ROC AUC, got 1: "
                                     r"\[1\] \(the AUC is undefined with one class\)"),
    ([0, 1, 2], [0.2, 0.3, 0.4], {}, "got 3: "),
    ([0, 1], [[0.8, 0.2], [0.3, 0.7]], {}, r"y_score must be 1-D scores of the positive class, "
                                           r"got shape \(2, 2\); .* y_score\[:, 1\]"),
    ([0, 1], [0.2, 0.3, 0.4], {}, "y_true and y_score must have the same number of samples"),
    ([0, 1, 1], [0.2, 0.3, 0.4], {"sample_weight": [0, 1, 1]},
     r"sample_weight must give both classes a positive total weight, got 2.0 \(positive\) and "
     r"0.0 \(negative\)"),
])
def test_roc_auc_errors(y_true, y_score, kwargs, message):
    with pytest.raises(ValueError, match=message):
        gm.roc_auc_score(y_true, y_score, **kwargs)


REGRESSION = [gm.mean_squared_error, gm.mean_absolute_error, gm.r2_score]


@pytest.mark.parametrize("metric", REGRESSION)
@pytest.mark.parametrize(("y_true", "y_pred", "kwargs", "error", "message"), [
    (np.zeros((4, 2)), np.zeros((4, 3)), {}, ValueError,
     r"y_true and y_pred must have the same number of outputs, got shapes \(4, 2\) and \(4, 3\)"),
    (np.zeros(4), np.zeros(3), {}, ValueError,
     "y_true and y_pred must have the same number of samples, got 4 and 3"),
    (np.zeros(4), [0, 1, np.inf, 2], {}, ValueError, "y_pred must be finite, got 0 NaN and 1 "
                                                      "infinite"),
    (np.zeros((4, 1, 1)), np.zeros(4), {}, ValueError, "y_true must be 1-D or 2-D, got 3-D"),
    ([], [], {}, ValueError, "y_true must not be empty"),
    (["a", "b"], [0, 1], {}, TypeError, "y_true must hold numbers"),
    (np.zeros((4, 2)), np.zeros((4, 2)), {"multioutput": "mean"}, ValueError,
     "multioutput must be one of 'raw_values', 'uniform_average'.* or an array of output "
     "weights; got 'mean'"),
    (np.zeros((4, 2)), np.zeros((4, 2)), {"multioutput": [1.0, 2.0, 3.0]}, ValueError,
     r"multioutput must hold one weight per output \(2\), got 3"),
    (np.zeros(4), np.zeros(4), {"multioutput": [1.0]}, ValueError,
     "multioutput weights need several outputs"),
    (np.zeros((4, 2)), np.zeros((4, 2)), {"multioutput": [0.0, 0.0]}, ValueError,
     "multioutput weights must be non-negative and not all zero"),
    (np.zeros(4), np.zeros(4), {"sample_weight": np.zeros(4)}, ValueError,
     "sample_weight must not sum to zero"),
])
def test_regression_errors(metric, y_true, y_pred, kwargs, error, message):
    with pytest.raises(error, match=message):
        metric(y_true, y_pred, **kwargs)


def test_r2_needs_two_samples():
    with pytest.raises(ValueError, match="r2_score needs at least 2 samples, got 1"):
        gm.r2_score([1.0], [2.0])
    with pytest.raises(ValueError, match="multioutput must be one of .*'variance_weighted'"):
        gm.mean_squared_error(np.zeros((3, 2)), np.zeros((3, 2)), multioutput="variance_weighted")
