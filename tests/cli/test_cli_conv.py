"""``glassnet conv``: default sample photograph, named kernels, random filters, errors."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from glassnet.cli import main
from glassnet.cli.conv import DEFAULT_FILTERS, load_grey
from glassnet.conv import KERNELS, convolve2d

PNG = b"\x89PNG\r\n\x1a\n"


def test_conv_default_image_and_kernels(tmp_path, capsys):
    assert main(["conv", "--out", str(tmp_path), "--quiet"]) == 0
    names = ["original.png", *(f"{k}.png" for k in DEFAULT_FILTERS), "grid.png"]
    for name in names:
        assert (tmp_path / name).read_bytes()[:8] == PNG, name
    grey, name = load_grey(None, 512)
    assert name == "grace_hopper.jpg" and max(grey.shape) == 512
    with Image.open(tmp_path / "original.png") as im:
        assert im.size == (grey.shape[1], grey.shape[0])
    with Image.open(tmp_path / "emboss.png") as im:           # "valid": 2 pixels smaller
        assert im.size == (grey.shape[1] - 2, grey.shape[0] - 2)
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].startswith(f"Wrote {len(names)} files")
    assert sorted(line.split()[0] for line in listing[1:]) == sorted(names)


def test_conv_random_bank(tmp_path):
    assert main(["conv", "--random", "4", "--seed", "1", "--out", str(tmp_path),
                 "--quiet"]) == 0
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["filters.png", "grid.png", "original.png"]


def test_conv_user_image_named_filters(tmp_path):
    """A vertical step edge: sobel_x responds on the edge only, emboss keeps the shape."""
    img = np.zeros((20, 30), dtype=np.uint8)
    img[:, 15:] = 255
    Image.fromarray(img).save(tmp_path / "step.png")
    out = tmp_path / "out"
    assert main(["conv", str(tmp_path / "step.png"), "--filter", "sobel_x,emboss", "--out",
                 str(out), "--quiet"]) == 0
    with Image.open(out / "sobel_x.png") as im:
        shown = np.asarray(im.convert("L"), dtype=float)
    expected = convolve2d(img / 255.0, KERNELS["sobel_x"])
    assert shown.shape == expected.shape == (18, 28)
    # the brightest columns of the picture are where the filter responds
    assert set(np.flatnonzero(shown.mean(axis=0) == shown.mean(axis=0).max())) == set(
        np.flatnonzero(expected.mean(axis=0) == expected.mean(axis=0).max()))


@pytest.mark.parametrize("argv, code, message", [
    (["--filter", "nope"], 2, "unknown filter 'nope'"),
    (["--filter", "emboss", "--random", "3"], 2, "not allowed with argument --filter"),
    (["--random", "0"], 2, "expected a positive integer"),
    (["{dir}/missing.png"], 1, "image file not found"),
    (["{dir}/notes.txt"], 1, "not an image file"),
])
def test_conv_errors(argv, code, message, tmp_path, capsys):
    (tmp_path / "notes.txt").write_text("not an image")
    argv = [a.format(dir=tmp_path) for a in argv]
    assert main(["conv", *argv, "--out", str(tmp_path / "o"), "--quiet"]) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("glassnet: error: ")
    assert message in err
