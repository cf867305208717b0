"""``gn.plot.diagnostics``: four panels of per-layer statistics over the epochs."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from broken_nets import moons, small_net

import glassnet as gn


@pytest.fixture(scope="module")
def watched_history():
    X, y = moons(100)
    model = small_net()
    return model.fit(X, y, epochs=4, verbose=0, seed=0, validation_data=(X, y),
                     callbacks=[gn.callbacks.Diagnostics()])


def test_four_panels_one_line_per_layer(watched_history, tmp_path):
    fig = gn.plot.diagnostics(watched_history, title="moons")
    loss, grads, ratios, units = fig.axes
    assert [line.get_label() for line in loss.lines] == ["training", "validation"]
    def labelled(ax):
        return [line for line in ax.lines if not line.get_label().startswith("_")]

    assert len(labelled(grads)) == 2 and len(labelled(ratios)) == 2   # two layers with weights
    assert len(units.lines) == 1                              # the hidden ReLU layer only
    assert grads.get_yscale() == "log" and ratios.get_yscale() == "log"
    fig.savefig(tmp_path / "d.png")
    assert (tmp_path / "d.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_draws_into_given_axes_and_accepts_the_dict(watched_history):
    fig, axes = plt.subplots(2, 4)
    assert gn.plot.diagnostics(watched_history, axes=axes[0]) is fig
    gn.plot.diagnostics(watched_history.diagnostics, axes=axes[1])
    assert all(ax.lines for ax in axes.ravel())
    with pytest.raises(ValueError, match="axes must hold 4 Axes"):
        gn.plot.diagnostics(watched_history, axes=axes[0][:2])


def test_a_history_without_diagnostics_is_refused():
    X, y = moons(50)
    history = small_net().fit(X, y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="train with callbacks=\\[gn.callbacks.Diagnostics"):
        gn.plot.diagnostics(history)
    with pytest.raises(TypeError, match="history must be a History"):
        gn.plot.diagnostics([1, 2, 3])
