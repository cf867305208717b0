"""Network graph and per-neuron activation panels."""

import os
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

import glassnet as gn
from glassnet.plotting import _style


def test_network_edges_follow_the_weights(binary_model, pixel_variance):
    ax = gn.plot.network(binary_model)
    graph_edges = [c for c in ax.collections if c.__class__.__name__ == "LineCollection"][0]
    W1, W2 = (layer.params["W"] for layer in binary_model.layers)
    w = np.concatenate([W1.ravel(), W2.ravel()])
    assert len(graph_edges.get_segments()) == 2 * 6 + 6 * 1
    colors = graph_edges.get_colors()[:, :3]
    assert np.allclose(colors[w > 0], to_rgb(_style.POSITIVE_COLOR))
    assert np.allclose(colors[w < 0], to_rgb(_style.NEGATIVE_COLOR))
    widths = np.asarray(graph_edges.get_linewidths())
    order = np.argsort(np.abs(w))
    assert np.all(np.diff(widths[order]) >= 0) and widths[order[-1]] > widths[order[0]]
    seg = graph_edges.get_segments()[0]                  # x1 → first hidden unit
    assert seg[0][0] == 0.0 and seg[1][0] == 1.0
    assert "2 → 6 → 1" in ax.get_title()
    assert pixel_variance(ax.figure) > 50.0


def test_network_samples_wide_layers_and_says_so():
    model = gn.Sequential([gn.layers.Dense(60, activation="relu"), gn.layers.Dense(3)], seed=0)
    model.build((80,))
    ax = gn.plot.network(model, max_units=20)
    edges = [c for c in ax.collections if c.__class__.__name__ == "LineCollection"][0]
    assert len(edges.get_segments()) == 20 * 20 + 20 * 3
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "showing 20 of 80" in texts and "showing 20 of 60" in texts


def test_network_ax_honoured_and_activation_layers(binary_model):
    fig, ax = plt.subplots()
    assert gn.plot.network(binary_model, ax=ax) is ax
    model = gn.Sequential([gn.layers.Dense(3), gn.layers.Activation("relu"),
                           gn.layers.Dense(1, activation="sigmoid")], seed=0)
    model.build((2,))
    ax2 = gn.plot.network(model)
    assert any(t.get_text() == "hidden layer 1 (3, relu)" for t in ax2.texts)


class FakeConvModel:
    """A built model-like object whose first layer has 4-D (convolution) weights."""

    built = True

    def __init__(self):
        conv = gn.layers.Layer(name="conv")
        conv.params = {"W": np.zeros((4, 1, 3, 3)), "b": np.zeros(4)}
        conv.built = True
        self.layers = [conv]


def test_network_bad_models():
    unbuilt = gn.Sequential([gn.layers.Dense(4), gn.layers.Dense(1)])
    with pytest.raises(gn.NotFittedError, match="needs a built model"):
        gn.plot.network(unbuilt)
    with pytest.raises(ValueError, match="dense networks only"):
        gn.plot.network(FakeConvModel())
    with pytest.raises(TypeError, match="glassnet Sequential"):
        gn.plot.network(object())


def test_neurons_one_panel_per_hidden_unit(binary_model, xor_data, pixel_variance):
    X, y = xor_data
    fig = gn.plot.neurons(binary_model, X, y, resolution=25)
    assert isinstance(fig, Figure)
    panels = [a for a in fig.axes if a.images]
    assert len(panels) == 6
    assert [a.get_title() for a in panels] == [f"neuron {i}" for i in range(1, 7)]
    assert len(fig.axes) == 7                             # six panels + one colorbar
    assert pixel_variance(fig) > 100.0
    # panel j shows tanh(x @ W[:, j] + b[j]); row = x2, column = x1
    W, b = binary_model.layers[0].params["W"], binary_model.layers[0].params["b"]
    img = panels[2].images[0].get_array()
    x0, x1, y0, y1 = panels[2].images[0].get_extent()
    gx, gy = np.linspace(x0, x1, 25), np.linspace(y0, y1, 25)
    expected = np.tanh(gx[None, :] * W[0, 2] + gy[:, None] * W[1, 2] + b[2])
    assert np.allclose(img, expected, atol=1e-5)
    assert panels[0].images[0].get_clim() == (-1.0, 1.0)


def test_neurons_layer_units_and_fig(multi_model, blob_data):
    X, y = blob_data
    fig = gn.plot.neurons(multi_model, X, y, layer=-1, resolution=20)
    assert len([a for a in fig.axes if a.images]) == 3
    fig = gn.plot.neurons(multi_model, X, y, units=[1, 5], resolution=20)
    assert [a.get_title() for a in fig.axes if a.images] == ["neuron 2", "neuron 6"]
    assert fig.axes[0].images[0].get_clim()[0] == 0.0     # relu: white = off
    own = plt.figure()
    out = gn.plot.neurons(multi_model, X, y, max_units=4, fig=own, resolution=20)
    assert out is own and len([a for a in own.axes if a.images]) == 4
    assert "showing 4 of 8" in own.get_suptitle()


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"layer": 2}, ValueError, "layer must be <= 1"),
    ({"layer": -3}, ValueError, "layer must be >= -2"),
    ({"units": [0, 6]}, ValueError, "units must be in 0..5"),
    ({"units": []}, ValueError, "non-empty"),
    ({"fig": "f"}, TypeError, "fig must be a matplotlib Figure"),
])
def test_neurons_bad_arguments(binary_model, xor_data, kwargs, exc, match):
    X, y = xor_data
    with pytest.raises(exc, match=match):
        gn.plot.neurons(binary_model, X, y, resolution=10, **kwargs)


def test_neurons_bad_models(xor_data):
    X, y = xor_data
    unbuilt = gn.Sequential([gn.layers.Dense(3), gn.layers.Dense(1)])
    with pytest.raises(gn.NotFittedError, match="built model"):
        gn.plot.neurons(unbuilt, X, y)
    wide = gn.Sequential([gn.layers.Dense(3), gn.layers.Dense(1)])
    wide.build((3,))
    with pytest.raises(ValueError, match="2 input features"):
        gn.plot.neurons(wide, X, y)
    with pytest.raises(ValueError, match="exactly 2 features"):
        gn.plot.neurons(wide, np.zeros((4, 3)), np.zeros(4))


def test_engine_import_does_not_need_matplotlib():
    code = ("import sys, glassnet as gn; assert 'matplotlib' not in sys.modules; "
            "print(gn.animate.training.__name__, gn.plot.network.__name__)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=False, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "training network"
