"""Post 003: an L-layer network with Adam and mini-batches on MNIST (784-256-128-10).

The post builds an L-layer class (He initialisation, ReLU hidden layers, softmax output, Adam,
shuffled mini-batches) and reports 97 % test accuracy; its Adam divides by the second moment
instead of its square root and it shuffles only on even epochs. Here: 784-256(relu)-128(relu)-10,
He initialisation, Adam (lr 1e-3, cosine decay to 0 over the 15 epochs), batches of 128
reshuffled every epoch, trained on the 50 000 training images; the validation images are printed
each epoch and the 10 000 test images are scored once, at the end.

    python examples/post003_mnist_adam.py              # ~30-40 s on 2 cores
    python examples/post003_mnist_adam.py --dropout 0.2
    python examples/post003_mnist_adam.py --quick      # 5 000 training images, 4 epochs (tests)

MNIST comes from ``gn.datasets.load_mnist()`` (``pip install "glassnet[mnist]"``).
"""

from __future__ import annotations

import argparse
import time

import glassnet as gn


def build(hidden: tuple[int, ...], dropout: float, seed: int) -> gn.Sequential:
    """``784 → hidden[0] → ... → 10`` with ReLU hidden layers and a softmax output."""
    layers = []
    for units in hidden:
        layers.append(gn.layers.Dense(units, activation="relu", kernel_initializer="he_uniform"))
        if dropout > 0:
            layers.append(gn.layers.Dropout(dropout))
    layers.append(gn.layers.Dense(10, activation="softmax"))
    return gn.Sequential(layers, seed=seed)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="5 000 training images and 4 epochs")
    parser.add_argument("--epochs", type=int, default=None, help="default 15 (quick: 4)")
    parser.add_argument("--dropout", type=float, default=0.0,
                        help="dropout after each hidden layer")
    parser.add_argument("--lr", type=float, default=1e-3, help="initial Adam learning rate")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    epochs = args.epochs or (4 if args.quick else 15)

    (Xtr, ytr), (Xva, yva), (Xte, yte) = gn.datasets.load_mnist()
    if args.quick:
        Xtr, ytr = Xtr[:5000], ytr[:5000]
    model = build((256, 128), args.dropout, args.seed)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=args.lr),
                  metrics=["accuracy"])
    print(f"784-256-128-10, dropout {args.dropout}, Adam(lr={args.lr}) with cosine decay, "
          f"batch 128, {epochs} epochs on {len(Xtr)} training images")
    start = time.perf_counter()
    model.fit(Xtr, ytr, epochs=epochs, batch_size=128, validation_data=(Xva, yva),
              seed=args.seed, verbose=0 if args.quick else 2,
              callbacks=[gn.callbacks.LearningRateScheduler(
                  gn.callbacks.cosine_decay(args.lr, epochs))])
    seconds = time.perf_counter() - start
    if not args.quick:
        model.summary()
    test = model.evaluate(Xte, yte)
    result = {"test_accuracy": float(test["accuracy"]), "test_loss": float(test["loss"]),
              "val_accuracy": float(model.history.history["val_accuracy"][-1]),
              "train_seconds": seconds}
    print(f"test accuracy {result['test_accuracy']:.2%} (validation "
          f"{result['val_accuracy']:.2%}; post: 97 %), training took {seconds:.1f} s")
    return result


if __name__ == "__main__":
    main()
