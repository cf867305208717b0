"""Issue 5: a small LeNet-style convolutional network on MNIST (``cnn_acc``).

Post 001 ends with a 2-D convolution applied by hand (emboss, sharpen, 64 random 3×3 filters);
here the filters are learned. The network::

    (1, 28, 28) → Conv2D 5×5×16 "same", ReLU → MaxPool 2 → (16, 14, 14)
                → Conv2D 5×5×32 "same", ReLU → MaxPool 2 → (32, 7, 7) → Flatten (1568)
                → Dense 128, ReLU → Dense 10, softmax

trained with Adam (lr 1e-3, cosine decay to 0 over the epochs) on mini-batches of 64 from all
50 000 training images; validation accuracy is printed each epoch, the 10 000 test images are
scored once at the end, and the wall time is printed. Everything runs on NumPy (im2col + one
matrix product per convolution).

    python examples/cnn_mnist.py              # 5 epochs, ~4 minutes on 2 cores
    python examples/cnn_mnist.py --quick      # 2 000 training images, 2 epochs (tests)

MNIST comes from ``gn.datasets.load_mnist()`` (``pip install "glassnet[mnist]"``).
"""

from __future__ import annotations

import argparse
import time

import glassnet as gn
from glassnet.layers import Conv2D, MaxPool2D


def lenet(seed: int) -> gn.Sequential:
    """conv 5×5×16 → pool → conv 5×5×32 → pool → dense 128 → dense 10 (NCHW input)."""
    return gn.Sequential([
        Conv2D(16, 5, padding="same", activation="relu", kernel_initializer="he_uniform"),
        MaxPool2D(2),
        Conv2D(32, 5, padding="same", activation="relu", kernel_initializer="he_uniform"),
        MaxPool2D(2),
        gn.layers.Flatten(),
        gn.layers.Dense(128, activation="relu", kernel_initializer="he_uniform"),
        gn.layers.Dense(10, activation="softmax"),
    ], seed=seed)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="2 000 training images, 2 epochs, 2 000 test images")
    parser.add_argument("--epochs", type=int, default=None, help="default 5 (quick: 2)")
    parser.add_argument("--lr", type=float, default=1e-3, help="initial Adam learning rate")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    epochs = args.epochs or (2 if args.quick else 5)

    wall = time.perf_counter()
    (Xtr, ytr), (Xva, yva), (Xte, yte) = gn.datasets.load_mnist(flatten=False)  # (n, 1, 28, 28)
    if args.quick:
        Xtr, ytr, Xva, yva = Xtr[:2000], ytr[:2000], Xva[:1000], yva[:1000]
        Xte, yte = Xte[:2000], yte[:2000]
    model = lenet(args.seed)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=args.lr),
                  metrics=["accuracy"])
    print(f"LeNet-style CNN, Adam(lr={args.lr}) with cosine decay, batch 64, {epochs} epochs on "
          f"{len(Xtr)} training images")
    start = time.perf_counter()
    model.fit(Xtr, ytr, epochs=epochs, batch_size=64, validation_data=(Xva, yva),
              seed=args.seed, verbose=0 if args.quick else 2,
              callbacks=[gn.callbacks.LearningRateScheduler(
                  gn.callbacks.cosine_decay(args.lr, epochs))])
    train_seconds = time.perf_counter() - start
    if not args.quick:
        model.summary()
    test = model.evaluate(Xte, yte)
    wall = time.perf_counter() - wall
    result = {"test_accuracy": float(test["accuracy"]), "test_loss": float(test["loss"]),
              "val_accuracy": float(model.history.history["val_accuracy"][-1]),
              "train_seconds": train_seconds, "wall_seconds": wall}
    print(f"cnn_acc: test accuracy {result['test_accuracy']:.2%} on {len(Xte)} images "
          f"(validation {result['val_accuracy']:.2%}); training {train_seconds:.0f} s, "
          f"wall time {wall:.0f} s")
    return result


if __name__ == "__main__":
    main()
