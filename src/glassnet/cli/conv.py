"""``glassnet conv``: what a convolution does to a picture, as the posts show it.

The image is turned grey (ITU-R BT.601 luma in [0, 1]) and cross-correlated with named 3×3
kernels (emboss, sharpen, edge...) or with a bank of random filters whose entries are −1, 0 or
1. Without an image argument it uses the photograph of Grace Hopper that ships with matplotlib.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.cli._common import (
    CLIError,
    Outputs,
    UsageError,
    name_list,
    non_negative_int,
    positive_int,
    status,
    use_agg,
)

#: The sample photograph used when no image is given.
SAMPLE_IMAGE = "grace_hopper.jpg"
#: Named kernels applied when neither --filter nor --random is given.
DEFAULT_FILTERS = ("emboss", "sharpen", "edge", "sobel_x", "sobel_y", "gaussian_blur")

EXAMPLE = """\
examples:
  glassnet conv                              # Grace Hopper, six classic kernels
  glassnet conv photo.png --filter emboss --out conv
  glassnet conv --random 64 --seed 1         # the posts' 8×8 grid of random filters
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``conv`` on the sub-command parsers ``sub``."""
    from glassnet.conv import KERNELS

    p = sub.add_parser(
        "conv", help="convolve an image with named kernels or a bank of random filters",
        description="Convolve a grey image with named kernels or random filters and write the "
                    "original, the filtered image(s) and a grid of all of them. Without IMAGE, "
                    f"the sample photograph {SAMPLE_IMAGE} that ships with matplotlib is used.",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("image", nargs="?", metavar="IMAGE",
                   help="image file (PNG, JPEG, ...); default: matplotlib's sample photograph")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--filter", type=name_list, metavar="NAME[,NAME...]",
                       help="named kernel(s): " + ", ".join(KERNELS)
                       + f" (default: {','.join(DEFAULT_FILTERS)})")
    which.add_argument("--random", type=positive_int, metavar="N",
                       help="a bank of N random filters with entries in {-1, 0, 1}")
    p.add_argument("--size", type=positive_int, default=3,
                   help="side of the random filters (default: 3)")
    p.add_argument("--seed", type=non_negative_int, default=0,
                   help="seed of the random filters (default: 0)")
    p.add_argument("--max-side", type=non_negative_int, default=512, metavar="PIXELS",
                   help="shrink larger images so their longer side has this many pixels; 0 "
                        "keeps the full size (default: 512)")
    p.add_argument("--out", default="glassnet-conv", metavar="DIR",
                   help="folder for the files (default: ./glassnet-conv)")
    p.add_argument("--quiet", action="store_true", help="no progress messages")
    p.set_defaults(run=run)
    return p


def load_grey(path: str | None, max_side: int) -> tuple[np.ndarray, str]:
    """The image at ``path`` (or the sample photograph) as grey values in [0, 1], (H, W).

    Returns the image and a name for it.
    """
    from PIL import Image, UnidentifiedImageError

    from glassnet.conv import to_grayscale

    if path is None:
        from matplotlib import cbook

        file = Path(cbook.get_sample_data(SAMPLE_IMAGE, asfileobj=False))
    else:
        file = Path(path)
        if not file.exists():
            raise CLIError(f"image file not found: {path!r}")
        if file.is_dir():
            raise CLIError(f"{path!r} is a folder, not an image file")
    try:
        with Image.open(file) as im:
            im = im.convert("L") if im.mode not in ("RGB", "RGBA", "L") else im.copy()
    except UnidentifiedImageError:
        raise CLIError(f"{str(file)!r} is not an image file Pillow can read") from None
    if max_side and max(im.size) > max_side:
        scale = max_side / max(im.size)
        im = im.resize((max(1, round(im.width * scale)), max(1, round(im.height * scale))),
                       Image.Resampling.LANCZOS)
    grey = to_grayscale(np.asarray(im))
    return grey, file.name


def _for_display(maps: np.ndarray) -> np.ndarray:
    """Each map (n, H, W) scaled to [0, 1] between its 1st and 99th percentiles.

    A few extreme responses (strong edges) would otherwise squeeze everything else into one
    grey; a flat map becomes 0.5.
    """
    lo, hi = np.percentile(maps, [1.0, 99.0], axis=(1, 2), keepdims=True)
    span = hi - lo
    scaled = (maps - lo) / np.where(span > 0, span, 1.0)
    return np.where(span > 0, np.clip(scaled, 0.0, 1.0), 0.5)


def run(args: argparse.Namespace) -> int:
    """Run ``glassnet conv``; returns the exit code."""
    use_agg()
    import matplotlib.pyplot as plt

    from glassnet import plot
    from glassnet.conv import KERNELS, feature_maps, random_filter_bank

    if args.random is None:
        names = list(args.filter or DEFAULT_FILTERS)
        unknown = [n for n in names if n not in KERNELS]
        if unknown:
            raise UsageError(f"unknown filter {unknown[0]!r}; choose from {', '.join(KERNELS)}")
        bank = np.stack([KERNELS[n] for n in names])
    else:
        names = [f"filter {i + 1}" for i in range(args.random)]
        bank = random_filter_bank(args.random, size=args.size, seed=args.seed)

    image, image_name = load_grey(args.image, args.max_side)
    out = Outputs(args.out)
    status(f"Convolving {image_name} ({image.shape[1]}×{image.shape[0]} grey) with "
           f"{len(bank)} filter{'s' if len(bank) > 1 else ''}...", args.quiet)
    maps = feature_maps(image, bank, padding="valid")           # (n, H - kh + 1, W - kw + 1)
    kh, kw = bank.shape[1:]
    top, left = (kh - 1) // 2, (kw - 1) // 2
    # The part of the original every filter saw entirely (no zero padding at the borders).
    seen = image[top:top + maps.shape[1], left:left + maps.shape[2]]
    shown = _for_display(maps)

    plt.imsave(out.path("original.png"), image, cmap="gray", vmin=0.0, vmax=1.0)
    if args.random is None:
        for name, m in zip(names, shown, strict=True):
            plt.imsave(out.path(f"{name}.png"), m, cmap="gray", vmin=0.0, vmax=1.0)
        panels = np.concatenate([seen[None], shown])
        titles = ["original", *names]
        title = f"{image_name}: original and {len(names)} kernel(s)"
    else:
        panels = shown
        titles = names if len(names) <= 36 else None
        title = f"{image_name}: {len(names)} random {kh}×{kw} filters (seed {args.seed})"
        out.save_figure(plot.filters(bank), "filters.png")
    fig = plot.feature_maps(panels, titles=titles, title=title + "\neach map scaled between "
                            "its 1st and 99th percentiles")
    out.save_figure(fig, "grid.png")
    print(out.listing())
    return 0
