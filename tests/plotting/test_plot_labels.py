"""What the pictures promise a reader: column names on the axes and input nodes, layers named
by role and counted from 1, one colour scale for compared confusion matrices, long histories
drawn smoothed over their faint raw values, and an animation that ends on the final step."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.colors import to_rgba

import glassnet as gn
from glassnet.plotting import animation
from glassnet.plotting.curves import moving_average, smoothing_window

NAMES = ["mean radius", "mean texture"]


# ----------------------------------------------------------------------------- column names
def test_boundary_axes_use_the_feature_names(binary_model, xor_data):
    X, y = xor_data
    ax = gn.plot.decision_boundary(binary_model, X, y, resolution=20, feature_names=NAMES)
    assert (ax.get_xlabel(), ax.get_ylabel()) == tuple(NAMES)
    plain = gn.plot.decision_boundary(binary_model, X, y, resolution=20)
    assert plain.get_xlabel() == "$x_1$ (feature 1)"


def test_compare_boundaries_uses_the_feature_names(binary_model, xor_data):
    X, y = xor_data
    fig = gn.plot.compare_boundaries({"a": binary_model, "b": binary_model}, X, y,
                                     resolution=20, feature_names=NAMES)
    axes = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_xlabel() for ax in axes] == NAMES[:1] * 2
    assert axes[0].get_ylabel() == NAMES[1]


@pytest.mark.parametrize("bad, error, message", [
    (["only one"], ValueError, r"feature_names must name the 2 input features, got 1 names"),
    ("ab", TypeError, r"feature_names must be a list of 2 column names, got str"),
])
def test_bad_feature_names_are_refused(bad, error, message, binary_model, xor_data):
    X, y = xor_data
    with pytest.raises(error, match=message):
        gn.plot.decision_boundary(binary_model, X, y, feature_names=bad)
    with pytest.raises(error, match=message):
        gn.plot.network(binary_model, feature_names=bad)


def test_network_names_the_inputs_and_the_layers_by_role(binary_model):
    ax = gn.plot.network(binary_model, feature_names=NAMES)
    texts = [t.get_text() for t in ax.texts]
    assert "input (2 features)" in texts
    assert "hidden layer 1 (6, tanh)" in texts and "output (1, sigmoid)" in texts
    assert not any("dense" in t for t in texts)
    assert NAMES[0] in texts and NAMES[1] in texts and "$x_{1}$" not in texts


def test_network_counts_hidden_layers_from_one():
    model = gn.Sequential([gn.layers.Dense(4, activation="relu"), gn.layers.Dropout(0.1),
                           gn.layers.Dense(3, activation="tanh"),
                           gn.layers.Dense(3, activation="softmax")], seed=0)
    model.build((5,))
    texts = [t.get_text() for t in gn.plot.network(model).texts]
    assert [t for t in texts if t.startswith(("hidden", "output"))] == [
        "hidden layer 1 (4, relu)", "hidden layer 2 (3, tanh)", "output (3, softmax)"]


# ----------------------------------------------------------------------------- neurons
def test_neurons_count_from_one_in_title_and_panels(binary_model, xor_data):
    X, y = xor_data
    fig = gn.plot.neurons(binary_model, X, y, resolution=20, feature_names=NAMES)
    title = fig._suptitle.get_text()
    assert "hidden layer 1 (6, tanh)" in title and "layer 0" not in title
    panels = [ax for ax in fig.axes if ax.get_title().startswith("neuron")]
    assert [ax.get_title() for ax in panels] == [f"neuron {i}" for i in range(1, 7)]
    assert "across: mean radius, up: mean texture" in title


def test_neuron_points_are_outlined_with_a_marker_per_class(binary_model, xor_data):
    X, y = xor_data
    fig = gn.plot.neurons(binary_model, X, y, resolution=20)
    panel = next(ax for ax in fig.axes if ax.get_title() == "neuron 1")
    points = [c for c in panel.collections if isinstance(c, PathCollection)]
    assert len(points) == 2                                       # one per class
    for c in points:
        assert np.allclose(c.get_edgecolor()[0], to_rgba("white"))
    shapes = [c.get_paths()[0].vertices.shape for c in points]
    assert shapes[0] != shapes[1]                                 # circle vs triangle
    assert "circle = class 0" in fig._suptitle.get_text()


# ----------------------------------------------------------------------------- confusion
def test_confusion_matrices_share_one_colour_scale():
    a, b = np.array([[40, 2], [3, 35]]), np.array([[20, 20], [18, 22]])
    fig, axes = plt.subplots(1, 2)
    vmax = float(max(a.max(), b.max()))
    for ax, cm in zip(axes, (a, b), strict=True):
        gn.plot.confusion_matrix(cm, ax=ax, vmax=vmax, colorbar=False)
    assert [ax.images[0].get_clim() for ax in axes] == [(0.0, 40.0), (0.0, 40.0)]
    # the same count has the same colour in both panels
    assert np.allclose(axes[0].images[0].to_rgba(20.0), axes[1].images[0].to_rgba(20.0))
    with pytest.raises(ValueError, match=r"vmax must be at least the largest value shown "
                                         r"\(40\), got 30"):
        gn.plot.confusion_matrix(a, vmax=30)


def test_demo_confusion_matrices_use_one_scale(tmp_path, monkeypatch):
    from glassnet.cli import main

    seen = []
    real = gn.plot.confusion_matrix

    def spy(cm, **kwargs):
        ax = real(cm, **kwargs)
        seen.append(ax.images[0].get_clim())
        return ax

    monkeypatch.setattr(gn.plot, "confusion_matrix", spy)
    assert main(["demo", "--out", str(tmp_path), "--epochs", "30", "--hidden", "3",
                        "--no-gif", "--quiet"]) == 0
    assert len(seen) == 2 and seen[0] == seen[1]


# ----------------------------------------------------------------------------- cost curves
def test_moving_average_is_the_centred_mean():
    v = np.random.default_rng(0).normal(size=50)
    m = moving_average(v, 5)
    np.testing.assert_allclose(m[2:-2], np.convolve(v, np.ones(5) / 5, mode="valid"))
    assert m[0] == pytest.approx(v[:3].mean()) and m[-1] == pytest.approx(v[-3:].mean())


def test_long_histories_are_smoothed_over_faint_raw_values():
    n = 5000
    osc = np.where(np.arange(n) % 2, 0.925, 0.9375)              # alternating every epoch
    hist = {"loss": list(np.linspace(1, 0.1, n)), "accuracy": list(osc),
            "val_loss": list(np.linspace(1.1, 0.2, n)), "val_accuracy": list(osc)}
    fig = gn.plot.history(hist)
    window = smoothing_window(n)
    assert window == 101
    ax = next(a for a in fig.axes if a.get_title() == "Accuracy")
    labels = [line.get_label() for line in ax.get_lines()]
    assert "training, each epoch" in labels
    assert f"validation, mean of {window} epochs" in labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"training, mean of {window} epochs" in legend and "validation, each epoch" in legend
    raw = next(line for line in ax.get_lines() if line.get_label() == "validation, each epoch")
    smooth = next(line for line in ax.get_lines()
                  if line.get_label() == f"validation, mean of {window} epochs")
    assert raw.get_alpha() <= 0.3 and smooth.get_linewidth() > raw.get_linewidth()
    np.testing.assert_allclose(smooth.get_ydata(), moving_average(osc, window))
    assert np.ptp(smooth.get_ydata()[window:-window]) < 0.001      # a line, not a band


@pytest.mark.parametrize("n, smooth, smoothed", [(150, "auto", False), (5000, 1, False),
                                                 (150, 9, True)])
def test_short_histories_or_smooth_1_draw_the_raw_values(n, smooth, smoothed):
    fig = gn.plot.history({"loss": list(np.linspace(1, 0, n))}, smooth=smooth)
    labels = [line.get_label() for line in fig.axes[0].get_lines()]
    assert any("mean of" in lab for lab in labels) == smoothed


def test_bad_smooth_is_refused():
    with pytest.raises(ValueError, match="smooth must be 'auto' or a number of epochs"):
        gn.plot.history({"loss": [1.0, 0.5]}, smooth="yes")


# ----------------------------------------------------------------------------- animation
def test_animation_ends_on_the_final_step(xor_data, tmp_path, monkeypatch):
    X, y = xor_data
    model = gn.Sequential([gn.layers.Dense(4, activation="tanh"),
                           gn.layers.Dense(1, activation="sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=0.5))
    snaps = gn.callbacks.Snapshots(every=7)                  # snapshots at 0, 7, 14; 20 steps
    model.fit(X, y, epochs=20, verbose=0, callbacks=[snaps])
    assert snaps.steps[-1] == 14 and model.iterations == 20
    shown = {}
    real = animation._render

    def spy(fig, parts, images, probas, axes, mats, step_loss, *rest):
        shown["steps"] = [s for s, _ in step_loss]
        shown["last_loss"] = step_loss[-1][1]
        return real(fig, parts, images, probas, axes, mats, step_loss, *rest)

    monkeypatch.setattr(animation, "_render", spy)
    animation.training(model, X, y, snaps, path=tmp_path / "t.gif", frames=60, resolution=20,
                       dpi=30)
    assert shown["steps"] == [0, 7, 14, 20]
    assert shown["last_loss"] == pytest.approx(model.evaluate(X, y)["loss"])
    animation.training(model, X, y, snaps, path=tmp_path / "t2.gif", frames=2, resolution=20,
                       dpi=30)
    assert shown["steps"] == [0, 20]                         # never more than `frames`
