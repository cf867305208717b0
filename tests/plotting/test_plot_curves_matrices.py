"""Training curves and confusion matrices."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import glassnet as gn
from glassnet.plotting.matrices import normalize_confusion


def test_history_panels_from_fit(binary_fit, pixel_variance):
    model, history = binary_fit
    fig = gn.plot.history(history)
    assert isinstance(fig, Figure)
    titles = [a.get_title() for a in fig.axes]
    assert titles == ["Loss", "Accuracy"]
    loss_ax = fig.axes[0]
    train, val = loss_ax.lines[0], loss_ax.lines[1]
    assert np.allclose(train.get_ydata(), history.history["loss"])
    assert np.allclose(val.get_ydata(), history.history["val_loss"])
    assert np.array_equal(train.get_xdata(), np.arange(1, len(history.history["loss"]) + 1))
    best = int(np.argmin(history.history["val_loss"]))
    assert f"(epoch {best + 1})" in loss_ax.get_legend().get_texts()[-1].get_text()
    assert pixel_variance(fig) > 50.0
    assert [a.get_title() for a in gn.plot.history(model).axes] == ["Loss", "Accuracy"]


@pytest.mark.parametrize("hist, n_panels", [
    ({"loss": [3.0, 2.0, 1.0]}, 1),
    ({"loss": [3.0, 2.0], "val_loss": [3.5, 2.5], "accuracy": [0.5, 0.6], "lr": [0.1, 0.05]}, 3),
    ({"loss": [1.0], "accuracy": [0.5], "f1": [0.4], "precision": [0.3]}, 4),
])
def test_history_from_dict(hist, n_panels):
    fig = gn.plot.history(hist)
    assert len(fig.axes) == n_panels
    assert all(len(a.lines) >= 1 for a in fig.axes)


def test_history_ax_and_keys():
    hist = {"loss": [3.0, 2.0, 1.0], "val_loss": [3.0, 2.5, 2.4], "accuracy": [0.1, 0.5, 0.9]}
    fig, ax = plt.subplots()
    assert gn.plot.history(hist, keys=["loss"], ax=ax) is fig
    assert len(ax.lines) == 3                          # train, validation, best marker
    fig2, axes = plt.subplots(1, 2)
    gn.plot.history(hist, ax=axes, log_loss=True)
    assert axes[0].get_yscale() == "log" and axes[1].get_title() == "Accuracy"
    with pytest.raises(ValueError, match="one Axes per quantity"):
        gn.plot.history(hist, ax=ax)
    with pytest.raises(ValueError, match="keys must name recorded quantities"):
        gn.plot.history(hist, keys=["val_f1"])


@pytest.mark.parametrize("bad, exc, match", [
    ({}, ValueError, "history is empty"),
    ([1.0, 2.0], TypeError, "history must be a History"),
    ({"loss": "abc"}, TypeError, "must be a list of numbers"),
    ({"loss": [1.0, None]}, TypeError, "numbers only"),
])
def test_history_bad_input(bad, exc, match):
    with pytest.raises(exc, match=match):
        gn.plot.history(bad)


def test_confusion_matrix_counts_annotated(pixel_variance):
    cm = np.array([[32, 3], [5, 40]])
    ax = gn.plot.confusion_matrix(cm, labels=["red", "blue"])
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["32", "3", "5", "40"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["red", "blue"]
    assert ax.get_xlabel() == "Predicted label" and ax.get_ylabel() == "True label"
    assert np.array_equal(ax.images[0].get_array(), cm)
    assert len(ax.figure.axes) == 2
    assert pixel_variance(ax.figure) > 100.0


@pytest.mark.parametrize("normalize, axis", [("true", 1), ("pred", 0), ("all", None)])
def test_confusion_matrix_normalized(normalize, axis):
    rng = np.random.default_rng(0)
    cm = rng.integers(0, 20, size=(4, 4))
    cm[2] = 0                                          # a class with no samples: no NaN
    values = normalize_confusion(cm, normalize)
    total = cm.sum() if axis is None else cm.sum(axis=axis, keepdims=True)
    expected = np.divide(cm, total, out=np.zeros(cm.shape), where=total > 0)
    assert np.allclose(values, expected)
    fig, ax = plt.subplots()
    assert gn.plot.confusion_matrix(cm, normalize=normalize, ax=ax) is ax
    assert np.allclose(ax.images[0].get_array(), expected)
    assert ax.texts[0].get_text() == f"{expected[0, 0]:.1%}\n({cm[0, 0]})"


@pytest.mark.parametrize("cm, kwargs, exc, match", [
    (np.ones((2, 3)), {}, ValueError, "square"),
    (np.ones(4), {}, ValueError, "2-D"),
    (-np.ones((2, 2)), {}, ValueError, "non-negative"),
    (np.ones((2, 2)), {"normalize": "rows"}, ValueError, "normalize must be one of"),
    (np.ones((2, 2)), {"labels": ["a", "b", "c"]}, ValueError, "labels must name the 2"),
    (np.ones((2, 2)), {"ax": 3}, TypeError, "ax must be"),
])
def test_confusion_matrix_bad_input(cm, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        gn.plot.confusion_matrix(cm, **kwargs)
