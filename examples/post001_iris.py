"""Post 001: iris with one hidden layer of 40 units, 30 epochs (the post reports 96 %).

As in the post: 4-40(sigmoid)-3(softmax), mini-batch SGD (batch 10, lr 0.5), 30 epochs. The
features are standardised with the training split's statistics; 5 stratified 80/20 splits, and
the mean test accuracy over all 5 is the result.

    python examples/post001_iris.py            # a few seconds
    python examples/post001_iris.py --quick
"""

from __future__ import annotations

import argparse

import numpy as np

import glassnet as gn


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer seeds")
    args = parser.parse_args(argv)
    X, y = gn.datasets.load_iris()
    accs = []
    for seed in range(2 if args.quick else 5):
        Xtr, Xte, ytr, yte = gn.datasets.train_test_split(X, y, test_size=0.2, seed=seed,
                                                          stratify=y)
        scaler = gn.datasets.StandardScaler().fit(Xtr)
        model = gn.Sequential([gn.layers.Dense(40, activation="sigmoid"),
                               gn.layers.Dense(3, activation="softmax")], seed=seed)
        model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.SGD(lr=0.5),
                      metrics=["accuracy"])
        model.fit(scaler.transform(Xtr), ytr, epochs=30, batch_size=10, seed=seed, verbose=0)
        acc = model.evaluate(scaler.transform(Xte), yte)["accuracy"]
        accs.append(acc)
        print(f"split seed {seed}: test accuracy {acc:.2%}")
    result = {"accuracy": float(np.mean(accs))}
    print(f"mean test accuracy over {len(accs)} stratified splits: {result['accuracy']:.2%} "
          "(post: 96 %)")
    return result


if __name__ == "__main__":
    main()
