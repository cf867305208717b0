"""Shared fixtures of the plotting tests: Agg backend, tiny data sets and small trained models."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import glassnet as gn  # noqa: E402


def make_xor(n, seed):
    """``n`` points uniform in [-1, 1]², label 1 where x1·x2 > 0 (needs a hidden layer)."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, size=(n, 2))
    y = (X[:, 0] * X[:, 1] > 0).astype(np.int64)
    return X, y


def make_three_blobs(n, seed):
    """``n`` points around three centres, labels 0, 1, 2."""
    rng = np.random.default_rng(seed)
    centres = np.array([[-2.0, 0.0], [2.0, 0.0], [0.0, 2.5]])
    y = np.arange(n) % 3
    X = centres[y] + 0.6 * rng.normal(size=(n, 2))
    return X, y


@pytest.fixture(autouse=True)
def _close_figures_and_forbid_show(monkeypatch):
    """No plot function may call ``show()``; every figure is closed after each test."""
    def no_show(*args, **kwargs):
        raise AssertionError("plot functions must never call show()")

    monkeypatch.setattr(plt, "show", no_show)
    yield
    plt.close("all")


@pytest.fixture
def pixel_variance():
    """Variance of a figure's rendered pixels (0 for a blank figure)."""
    def variance(fig):
        fig.canvas.draw()
        rgb = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(np.float64)
        return float(rgb.var())

    return variance


@pytest.fixture(scope="session")
def xor_data():
    return make_xor(120, seed=0)


@pytest.fixture(scope="session")
def blob_data():
    return make_three_blobs(90, seed=1)


def _fit(model, X, y, loss, epochs, callbacks=None):
    model.compile(loss=loss, optimizer=gn.optimizers.Adam(lr=0.05), metrics=["accuracy"])
    history = model.fit(X, y, epochs=epochs, verbose=0, callbacks=callbacks, seed=0)
    return model, history


@pytest.fixture(scope="session")
def binary_fit(xor_data):
    """A 2 → 6 (tanh) → 1 (sigmoid) net fitted on XOR, and its History."""
    X, y = xor_data
    model = gn.Sequential([gn.layers.Dense(6, activation="tanh"),
                           gn.layers.Dense(1, activation="sigmoid")], seed=0)
    Xv, yv = make_xor(40, seed=5)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.Adam(lr=0.05),
                  metrics=["accuracy"])
    history = model.fit(X, y, epochs=60, verbose=0, validation_data=(Xv, yv), seed=0)
    return model, history


@pytest.fixture(scope="session")
def binary_model(binary_fit):
    return binary_fit[0]


@pytest.fixture(scope="session")
def multi_model(blob_data):
    """A 2 → 8 (relu) → 3 (softmax) net fitted on three blobs."""
    X, y = blob_data
    model = gn.Sequential([gn.layers.Dense(8, activation="relu"),
                           gn.layers.Dense(3, activation="softmax")], seed=0)
    return _fit(model, X, y, "categorical_crossentropy", 40)[0]


@pytest.fixture
def snapshot_run(xor_data):
    """A fresh binary net trained 12 full-batch steps with a snapshot at every step."""
    X, y = xor_data
    model = gn.Sequential([gn.layers.Dense(5, activation="tanh"),
                           gn.layers.Dense(1, activation="sigmoid")], seed=3)
    snaps = gn.callbacks.Snapshots(every=1)
    _fit(model, X, y, "binary_crossentropy", 12, callbacks=[snaps])
    return model, snaps
