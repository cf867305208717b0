"""The "write your own layer" page (docs/custom_layers.md) runs as written, and its rules hold."""

import re
from pathlib import Path

import numpy as np
import pytest

import glassnet as gn

PAGE = Path(__file__).parents[2] / "docs" / "custom_layers.md"


def page_namespace():
    blocks = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    assert len(blocks) == 2
    namespace: dict = {}
    exec(blocks[0], namespace)             # noqa: S102 - the page's own code
    return namespace, blocks[1]


def test_the_page_layer_trains_and_passes_gradcheck(capsys):
    namespace, usage = page_namespace()
    exec(usage, namespace)                 # noqa: S102
    model = namespace["model"]
    scale = model.layers[0].params["s"]
    assert not np.allclose(scale, 1.0)                  # the assigned gradient reached Adam
    X, y = namespace["X"], namespace["y"]
    assert model.evaluate(X, y)["accuracy"] > 0.95
    assert gn.gradcheck(model, X[:10], y[:10]) < 1e-7


def test_the_page_layer_in_float64_matches_central_differences_exactly():
    namespace, _ = page_namespace()
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(8, 3)), rng.integers(0, 2, 8)
    model = gn.Sequential([namespace["Scale"](), gn.layers.Dense(1, "sigmoid")], seed=0,
                          dtype=np.float64)
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    model.build((3,))
    model.layers[0].params["s"] = rng.normal(size=3)
    assert gn.gradcheck(model, X, y) < 1e-8


def test_a_saved_custom_layer_loads_back(tmp_path):
    namespace, _ = page_namespace()
    X = np.random.default_rng(1).normal(size=(5, 2))
    model = gn.Sequential([namespace["Scale"](), gn.layers.Dense(1)], seed=0)
    model.compile(loss="mse", optimizer="adam")
    model.fit(X, X[:, 0], epochs=3, verbose=0)
    model.save(tmp_path / "m.glassnet")
    np.testing.assert_array_equal(gn.load_model(tmp_path / "m.glassnet").predict(X),
                                  model.predict(X))


class Broken(gn.layers.Layer):
    """Assigns a gradient of the wrong shape, or one under a new key."""

    def __init__(self, mode):
        super().__init__()
        self.mode = mode

    def build(self, input_shape, rng=None, dtype=np.float32):
        super().build(input_shape, rng, dtype)
        self.params = {"s": np.ones(input_shape, dtype=dtype)}
        self.grads = {"s": np.zeros(input_shape, dtype=dtype)}

    def forward(self, x, training=False):
        return x * self.params["s"]

    def backward(self, grad):
        if self.mode == "shape":
            self.grads["s"] = grad            # (m, d), not (d,)
        else:
            self.grads["t"] = grad.sum(axis=0)
        return grad


@pytest.mark.parametrize("mode, message", [
    ("shape", r"broken.grads\['s'\] must keep shape \(2,\), got \(4, 2\)"),
    ("key", r"broken.grads: cannot add the new array 't' after the model was built"),
])
def test_a_wrongly_wired_layer_fails_loudly_at_once(mode, message):
    model = gn.Sequential([Broken(mode), gn.layers.Dense(1)], seed=0)
    model.compile(loss="mse", optimizer="sgd")
    with pytest.raises(ValueError, match=message):
        model.fit(np.ones((4, 2)), np.ones(4), epochs=1, verbose=0)
    assert model.iterations == 0                  # refused before the first update
