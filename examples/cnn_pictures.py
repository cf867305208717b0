"""Issue 5's pictures: what a convolution does, and what a small CNN learns on MNIST.

Post 001 applies two hand-made 3×3 kernels (emboss and sharpen) and 64 random ones to a
photograph; a trained network learns its kernels instead. This script draws both:

* ``cnn_emboss_sharpen.png``: the photograph, and what the emboss and sharpen kernels make of it;
* ``conv_random_grid.png``: the photograph through 64 random 3×3 filters (entries −1, 0, 1);
* ``cnn_filters.png``: the 16 first-layer filters of a small CNN trained on MNIST
  (conv 5×5×16 "same", ReLU → max-pool 2 → conv 5×5×32 "same", ReLU → max-pool 2 → dense 10);
* ``cnn_feature_maps.png``: one test digit seen through those 16 trained filters (after ReLU).

The photograph is the picture of Grace Hopper that ships with matplotlib (``glassnet conv``'s
default image). Training takes 2 epochs on 20 000 images (about 15 s on 2 cores).

    python examples/cnn_pictures.py                   # writes docs/images/*.png
    python examples/cnn_pictures.py --quick --out /tmp/pictures   # seconds (tests)

MNIST comes from ``gn.datasets.load_mnist()`` (``pip install "glassnet[mnist]"``).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet.layers import Conv2D, Dense, Flatten, MaxPool2D

FILES = ("cnn_emboss_sharpen.png", "conv_random_grid.png", "cnn_filters.png",
         "cnn_feature_maps.png")


def load_photo(max_side: int) -> np.ndarray:
    """matplotlib's sample photograph of Grace Hopper, grey in [0, 1], longer side ``max_side``."""
    from matplotlib import cbook
    from PIL import Image

    with Image.open(cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)) as im:
        scale = max_side / max(im.size)
        im = im.resize((round(im.width * scale), round(im.height * scale)),
                       Image.Resampling.LANCZOS)
        return gn.conv.to_grayscale(np.asarray(im))


def for_display(maps: np.ndarray) -> np.ndarray:
    """Scale each map (n, H, W) to [0, 1] between its 1st and 99th percentiles.

    Filter responses have very different ranges (an edge kernel gives values around 0, a
    filter of nine 1s values up to 9): one shared scale would leave most maps uniformly grey.
    """
    lo, hi = np.percentile(maps, [1.0, 99.0], axis=(1, 2), keepdims=True)
    span = np.where(hi > lo, hi - lo, 1.0)
    return np.clip((maps - lo) / span, 0.0, 1.0)


def post_pictures(out: Path, max_side: int, dpi: int) -> None:
    """The post's part: emboss, sharpen and 64 random filters on the photograph.

    The photograph is shrunk to about the size of a panel (``max_side`` pixels for the three
    large ones, 2/5 of that for the 64 small ones).
    """
    photo = load_photo(max_side)
    kernels = np.stack([gn.conv.KERNELS["emboss"], gn.conv.KERNELS["sharpen"]])
    maps = gn.conv.feature_maps(photo, kernels, padding="same")         # (2, H, W)
    panels = np.concatenate([photo[None], for_display(maps)])
    fig = gn.plot.feature_maps(
        panels, ncols=3, titles=["original (grey)", "emboss [[2,0,0],[0,-1,0],[0,0,-1]]",
                                 "sharpen [[0,-1,0],[-1,5,-1],[0,-1,0]]"],
        title="A 3×3 kernel slid over the image (cross-correlation, 'same' padding)\n"
              "each filtered image scaled between its 1st and 99th percentiles")
    fig.axes[-1].set_ylabel("grey level (scaled)")                      # the colorbar
    fig.savefig(out / FILES[0], dpi=dpi)

    bank = gn.conv.random_filter_bank(64, size=3, seed=0)              # entries in {-1, 0, 1}
    maps = gn.conv.feature_maps(load_photo(max_side * 2 // 5), bank, padding="same")  # (64, H, W)
    fig = gn.plot.feature_maps(
        for_display(maps),
        title="The photograph through 64 random 3×3 filters (entries −1, 0 or 1, seed 0)\n"
              "each map scaled between its 1st and 99th percentiles: light = strong response")
    fig.axes[-1].set_ylabel("response (scaled per map)")
    fig.savefig(out / FILES[1], dpi=round(dpi * 0.75))          # 64 photographs: keep it small


def small_cnn(seed: int) -> gn.Sequential:
    """conv 5×5×16 → pool → conv 5×5×32 → pool → dense 10 (softmax).

    The first layer starts from small weights (``"small_normal"``, standard deviation 0.01):
    its filters are then what training put there, not the noise of a larger initialisation.
    """
    return gn.Sequential([
        Conv2D(16, 5, padding="same", activation="relu", kernel_initializer="small_normal",
               name="conv1"),
        MaxPool2D(2),
        Conv2D(32, 5, padding="same", activation="relu", kernel_initializer="he_uniform",
               name="conv2"),
        MaxPool2D(2),
        Flatten(),
        Dense(10, activation="softmax"),
    ], seed=seed)


def cnn_pictures(out: Path, n_train: int, epochs: int, seed: int, dpi: int) -> dict:
    """Train the small CNN, then draw its first-layer filters and one digit's feature maps."""
    (Xtr, ytr), _, (Xte, yte) = gn.datasets.load_mnist(flatten=False)   # (n, 1, 28, 28)
    Xtr, ytr = Xtr[:n_train], ytr[:n_train]
    Xte, yte = Xte[:2000], yte[:2000]
    model = small_cnn(seed)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(1e-3),
                  metrics=["accuracy"])
    start = time.perf_counter()
    model.fit(Xtr, ytr, epochs=epochs, batch_size=64, seed=seed, verbose=0)
    seconds = time.perf_counter() - start
    accuracy = model.evaluate(Xte, yte)["accuracy"]
    print(f"small CNN: {epochs} epoch(s) on {len(Xtr):,} images in {seconds:.1f} s, "
          f"test accuracy {accuracy:.2%} on {len(Xte)} images")

    fig = gn.plot.filters(
        model.layers[0],
        title=f"The 16 learned 5×5 filters of the first layer (blue = positive weight)\n"
              f"after {epochs} epoch(s) on {len(Xtr):,} MNIST digits from weights ≈ 0, "
              f"test accuracy {accuracy:.1%}")
    fig.savefig(out / FILES[2], dpi=dpi)

    digit = Xte[:1]                                                     # (1, 1, 28, 28)
    maps = model.layers[0].forward(digit)                               # (1, 16, 28, 28)
    fig = gn.plot.feature_maps(
        maps, title=f"A test digit (label {yte[0]}) seen through the 16 trained filters\n"
                    "(map k = filter k after ReLU; light = strong response)")
    width, height = fig.get_size_inches()                               # the input digit, in
    inset = fig.add_axes((1 - 0.95 / width, 1 - 1.42 / height, 0.62 / width, 0.62 / height))
    inset.imshow(digit[0, 0], cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest")
    inset.set_title("input", fontsize="x-small", pad=2)                # the top right corner
    inset.set_xticks([])
    inset.set_yticks([])
    fig.savefig(out / FILES[3], dpi=dpi)
    return {"test_accuracy": float(accuracy), "train_seconds": seconds}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="2 000 training images, 2 epochs, small pictures (for tests)")
    parser.add_argument("--out", default="docs/images", help="folder for the PNG files")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    dpi = 60 if args.quick else 110
    post_pictures(out, max_side=64 if args.quick else 200, dpi=dpi)
    plt.close("all")
    result = cnn_pictures(out, n_train=2000 if args.quick else 20_000, epochs=2,
                          seed=args.seed, dpi=dpi)
    plt.close("all")
    result["files"] = [str(out / name) for name in FILES]
    print("wrote " + ", ".join(result["files"]))
    return result


if __name__ == "__main__":
    main()
