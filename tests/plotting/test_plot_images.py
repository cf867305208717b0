"""Image grids: feature maps and convolution filters."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure

import glassnet as gn


def image_axes(fig):
    return [a for a in fig.axes if a.images and a.get_label() != "<colorbar>"]


@pytest.mark.parametrize("n, rows, cols", [(64, 8, 8), (10, 3, 4), (1, 1, 1), (6, 2, 3)])
def test_feature_maps_square_grid_shared_scale(n, rows, cols, pixel_variance):
    rng = np.random.default_rng(n)
    maps = rng.normal(size=(n, 7, 9))
    fig = gn.plot.feature_maps(maps)
    assert isinstance(fig, Figure)
    panels = image_axes(fig)
    assert len(panels) == n and len(fig.axes) == n + 1     # one colorbar
    xs = {round(a.get_position().x0, 4) for a in panels}
    ys = {round(a.get_position().y0, 4) for a in panels}
    assert (len(ys), len(xs)) == (rows, cols)
    clims = {a.images[0].get_clim() for a in panels}
    assert clims == {(maps.min(), maps.max())}
    assert np.array_equal(panels[-1].images[0].get_array(), maps[-1])
    assert pixel_variance(fig) > 100.0


def test_feature_maps_batch_of_one_ncols_and_fig():
    maps = np.arange(2 * 5 * 4 * 4, dtype=float).reshape(1, 10, 4, 4)
    own = plt.figure()
    fig = gn.plot.feature_maps(maps, ncols=5, fig=own)
    assert fig is own and len(image_axes(fig)) == 10
    assert len({round(a.get_position().y0, 4) for a in image_axes(fig)}) == 2


@pytest.mark.parametrize("maps, exc, match", [
    (np.zeros((4, 4)), ValueError, "must be 3-D or 4-D"),
    (np.zeros((2, 3, 4, 4)), ValueError, "pick one image"),
    (np.array([["a"]]), TypeError, "must hold numbers"),
])
def test_feature_maps_bad_input(maps, exc, match):
    with pytest.raises(exc, match=match):
        gn.plot.feature_maps(maps)


def test_filters_from_arrays():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(8, 3, 3, 3))
    fig = gn.plot.filters(W)
    panels = image_axes(fig)
    assert len(panels) == 8
    assert np.allclose(panels[1].images[0].get_array(), W[1].mean(axis=0))
    vmax = np.abs(W.mean(axis=1)).max()
    assert np.allclose(panels[0].images[0].get_clim(), (-vmax, vmax))
    assert "mean over 3 input channels" in fig.get_suptitle()
    fig = gn.plot.filters(W, channel=2)
    assert np.allclose(image_axes(fig)[3].images[0].get_array(), W[3, 2])
    assert "input channel 2 of 3" in fig.get_suptitle()
    fig = gn.plot.filters(W[:, 0])
    assert len(image_axes(fig)) == 8


class LayerLike:
    """Stands for a built Conv2D: ``params["W"]`` of shape (filters, channels, kh, kw)."""

    name = "conv2d"

    def __init__(self, W):
        self.params = {} if W is None else {"W": W, "b": np.zeros(len(W))}


def test_filters_from_a_layer():
    rng = np.random.default_rng(1)
    W = rng.normal(size=(4, 1, 5, 5))
    fig = gn.plot.filters(LayerLike(W))
    assert len(image_axes(fig)) == 4 and fig.get_suptitle().startswith("4 conv2d filters (5×5")
    assert np.allclose(image_axes(fig)[0].images[0].get_array(), W[0, 0])


def test_filters_from_a_real_conv_layer():
    Conv2D = getattr(gn.layers, "Conv2D", None) or pytest.importorskip(
        "glassnet.layers.conv").Conv2D
    layer = Conv2D(6, 3)
    layer.forward(np.zeros((1, 2, 8, 8), dtype=np.float32))
    fig = gn.plot.filters(layer)
    assert len(image_axes(fig)) == 6
    assert np.allclose(image_axes(fig)[0].images[0].get_array(),
                       layer.params["W"][0].mean(axis=0))


@pytest.mark.parametrize("arg, kwargs, exc, match", [
    (LayerLike(None), {}, ValueError, "needs a built Conv2D"),
    (LayerLike(np.zeros((3, 4))), {}, ValueError, r"\(filters, channels, kh, kw\)"),
    (np.zeros((2, 3)), {}, ValueError, "must be 3-D or 4-D"),
    (np.zeros((2, 3, 3, 3)), {"channel": 3}, ValueError, "channel must be <= 2"),
    (np.zeros((2, 3, 3, 3)), {"channel": "max"}, ValueError, "channel must be one of"),
])
def test_filters_bad_input(arg, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        gn.plot.filters(arg, **kwargs)
