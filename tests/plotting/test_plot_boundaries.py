"""Decision boundaries: probabilities from every kind of model, orientation, panels, errors."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

import glassnet as gn
from glassnet.activations import sigmoid
from glassnet.plotting._style import class_colors
from glassnet.plotting.boundaries import class_probabilities


class StubProba:
    """scikit-learn-like classifier: logits ``scale·x1`` for class 1 (boundary at x1 = 0)."""

    def __init__(self, scale=4.0, classes=(0, 1)):
        self.scale = scale
        self.classes_ = np.asarray(classes)

    def predict_proba(self, X):
        p = sigmoid(self.scale * np.asarray(X)[:, 0])
        return np.column_stack([1.0 - p, p])


class StubThreeClasses:
    """Three classes; class 2 is never the most likely, classes 0/1 split at x1 = 0."""

    def predict_proba(self, X):
        X = np.asarray(X)
        z = np.column_stack([-5.0 * X[:, 0], 5.0 * X[:, 0], np.full(len(X), -10.0)])
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)


def contour_vertices(ax, level=None):
    """Vertices of every line contour (not filled) drawn on ``ax``."""
    out = []
    for c in ax.collections:
        if getattr(c, "filled", True) or not hasattr(c, "levels"):
            continue
        if level is not None and not np.allclose(c.levels, [level]):
            continue
        out.extend(p.vertices for p in c.get_paths() if len(p.vertices))
    return np.concatenate(out) if out else np.empty((0, 2))


def test_binary_boundary_is_drawn_with_colorbar_and_accuracy(binary_model, xor_data,
                                                             pixel_variance):
    X, y = xor_data
    ax = gn.plot.decision_boundary(binary_model, X, y, resolution=60)
    assert isinstance(ax, Axes)
    assert pixel_variance(ax.figure) > 100.0
    assert len(ax.figure.axes) == 2                     # the panel and its colorbar
    acc = np.mean((binary_model.predict(X)[:, 0] > 0.5) == y)
    assert f"{acc:.1%}" in ax.get_title()
    assert len(contour_vertices(ax, 0.0)) > 0
    assert ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.get_legend().get_texts()) == 2


@pytest.mark.parametrize("scale", [4.0, -4.0])
def test_boundary_line_lies_where_the_model_says(scale):
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(50, 2))
    y = (scale * X[:, 0] > 0).astype(int)
    ax = gn.plot.decision_boundary(StubProba(scale), X, y, resolution=81)
    v = contour_vertices(ax, 0.0)
    step = (X[:, 0].max() - X[:, 0].min()) * 1.2 / 80
    assert len(v) > 10
    assert np.abs(v[:, 0]).max() < step                 # the vertical line x1 = 0, not x2 = 0
    assert np.ptp(v[:, 1]) > 3.0
    assert "100.0%" in ax.get_title()


def test_multiclass_regions_and_borders(multi_model, blob_data, pixel_variance):
    X, y = blob_data
    ax = gn.plot.decision_boundary(multi_model, X, y, resolution=50)
    assert len(ax.images) == 1 and ax.images[0].get_array().shape == (50, 50, 4)
    assert len(ax.get_legend().get_texts()) == 3
    assert len(ax.figure.axes) == 1                     # no colorbar for k classes
    assert pixel_variance(ax.figure) > 100.0
    stub = StubThreeClasses()
    ax2 = gn.plot.decision_boundary(stub, X, (X[:, 0] > 0).astype(int), resolution=81)
    v = contour_vertices(ax2, 0.0)
    assert len(v) > 10 and np.abs(v[:, 0]).max() < 0.2
    rgba = ax2.images[0].get_array()
    colors = [to_rgb(c) for c in class_colors(3)]
    assert np.allclose(rgba[40, 5, :3], colors[0]) and np.allclose(rgba[40, -5, :3], colors[1])


def test_ax_is_honoured(binary_model, xor_data):
    X, y = xor_data
    fig, axes = plt.subplots(1, 2)
    out = gn.plot.decision_boundary(binary_model, X, y, ax=axes[1], resolution=30,
                                    colorbar=False)
    assert out is axes[1]
    assert len(axes[1].collections) > 0 and len(axes[0].collections) == 0


def test_probabilities_of_each_kind_of_model(binary_model, multi_model, xor_data, blob_data):
    X, y = xor_data
    p, classes = class_probabilities(binary_model, X)
    out = binary_model.predict(X)[:, 0]
    assert np.allclose(p[:, 1], out, atol=1e-6) and np.allclose(p.sum(axis=1), 1.0)
    assert classes.tolist() == [0, 1]
    Xb, _ = blob_data
    p3, c3 = class_probabilities(multi_model, Xb)
    assert p3.shape == (len(Xb), 3) and c3.tolist() == [0, 1, 2]
    assert np.allclose(p3, multi_model.predict(Xb), atol=1e-6)
    linear_head = gn.Sequential([gn.layers.Dense(1)], seed=0)
    linear_head.build((2,))
    pl, _ = class_probabilities(linear_head, X * 50)            # raw outputs read as logits
    assert np.allclose(pl[:, 1], sigmoid(linear_head.predict(X * 50)[:, 0].astype(float)),
                       atol=1e-6)


def test_linear_and_sklearn_models(xor_data, pixel_variance):
    from sklearn.linear_model import LogisticRegression as SkLogReg

    X, y = xor_data
    ours = gn.linear.LogisticRegression(lr=0.5, epochs=50).fit(X, y)
    theirs = SkLogReg().fit(X, y)
    for model in (ours, theirs):
        ax = gn.plot.decision_boundary(model, X, y, resolution=30)
        assert np.allclose(class_probabilities(model, X)[0], model.predict_proba(X))
        assert pixel_variance(ax.figure) > 100.0
    labels = np.where(y == 1, 7, 3)                       # classes_ that are not 0..k-1
    model = SkLogReg().fit(X, labels)
    ax = gn.plot.decision_boundary(model, X, labels, resolution=20)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["class 3", "class 7"]


def test_compare_boundaries_titles_and_panels(binary_model, xor_data, pixel_variance):
    X, y = xor_data
    Xte, yte = X[:40], y[:40]
    logreg = gn.linear.LogisticRegression(lr=0.5, epochs=50).fit(X, y)
    fig = gn.plot.compare_boundaries({"Neural net": binary_model, "Logistic regression": logreg},
                                     X, y, X_test=Xte, y_test=yte, resolution=30)
    assert isinstance(fig, Figure)
    panels = [a for a in fig.axes if a.get_title()]
    assert len(panels) == 2 and len(fig.axes) == 3        # two panels + one shared colorbar
    acc = np.mean((binary_model.predict(Xte)[:, 0] > 0.5) == yte)
    assert panels[0].get_title() == f"Neural net\ntest accuracy: {acc:.1%}"
    assert panels[1].get_title().startswith("Logistic regression\ntest accuracy:")
    assert pixel_variance(fig) > 100.0
    fig2 = gn.plot.compare_boundaries({"a": binary_model, "b": logreg}, X, y, resolution=20,
                                      ncols=1)
    top, bottom = [a for a in fig2.axes if a.get_title()]
    assert "training accuracy" in top.get_title()
    assert top.get_position().y0 > bottom.get_position().y0
    own = plt.figure()
    assert gn.plot.compare_boundaries({"a": logreg}, X, y, fig=own, resolution=20) is own


@pytest.mark.parametrize("X, y, exc, match", [
    (np.zeros((5, 3)), np.zeros(5), ValueError, "exactly 2 features"),
    (np.zeros(5), np.zeros(5), ValueError, "must be 2-D"),
    (np.zeros((5, 2)), np.zeros(4), ValueError, "same number of samples"),
    (np.zeros((5, 2)), np.full(5, 2), ValueError, "does not predict"),
    (np.zeros((5, 2)), np.full(5, 0.5), ValueError, "whole-number"),
])
def test_decision_boundary_bad_input(binary_model, X, y, exc, match):
    with pytest.raises(exc, match=match):
        gn.plot.decision_boundary(binary_model, X, y, resolution=10)


def test_decision_boundary_bad_objects(binary_model, xor_data):
    X, y = xor_data
    with pytest.raises(TypeError, match="predict_proba"):
        gn.plot.decision_boundary(object(), X, y)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        gn.plot.decision_boundary(binary_model, X, y, ax="left")
    with pytest.raises(ValueError, match="resolution must be >= 2"):
        gn.plot.decision_boundary(binary_model, X, y, resolution=1)
    unbuilt = gn.Sequential([gn.layers.Dense(1, activation="sigmoid")])
    with pytest.raises(gn.NotFittedError, match="before the model is built"):
        gn.plot.decision_boundary(unbuilt, X, y)
    with pytest.raises(TypeError, match="non-empty dict"):
        gn.plot.compare_boundaries({}, X, y)
    with pytest.raises(ValueError, match="X_test and y_test must be given together"):
        gn.plot.compare_boundaries({"a": binary_model}, X, y, X_test=X)


@pytest.mark.parametrize("as_objects", [False, True])
def test_class_names_are_drawn_for_a_classifier_fitted_on_names(as_objects):
    """A scikit-learn classifier fitted on names: the points, legend and accuracy use them."""
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, (60, 2))
    names = np.where(X[:, 0] > 0, "spam", "ham")
    y = names.astype(object) if as_objects else names
    model = StubProba(classes=("ham", "spam"))
    ax = gn.plot.decision_boundary(model, X, y, resolution=30)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["class ham", "class spam"]
    assert "100.0%" in ax.get_title()
    fig = gn.plot.compare_boundaries({"a": model, "b": model}, X, y, X_test=X, y_test=y,
                                     resolution=20)
    assert all("100.0%" in a.get_title() for a in fig.axes[:2])
    plt.close("all")


def test_class_names_for_a_model_with_integer_classes_are_refused(binary_model, xor_data):
    X, y = xor_data
    with pytest.raises(ValueError, match=r"y holds labels \['a', 'b'\] that the model does "
                                         r"not predict; its classes are \[0, 1\]"):
        gn.plot.decision_boundary(binary_model, X, np.where(y == 1, "b", "a"), resolution=20)
    plt.close("all")
