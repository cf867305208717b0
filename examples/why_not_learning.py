"""Why isn't my network learning? Three broken networks, what ``gn.diagnose`` says, and the fix.

1. Inputs in the wrong units (the moons measured in thousandths): ``unscaled_inputs``.
   Fix: standardise them with ``gn.datasets.StandardScaler``.
2. Ten sigmoid layers initialised with std-1 weights: ``vanishing_gradients``, the first layers
   get a thousandth of the gradient of the last. Fix: tanh layers with ``glorot_uniform``
   (Glorot & Bengio's initialisation, made for this).
3. Plain SGD with a learning rate of 10: ``lr_too_high``. Fix: ``gn.lr_find`` suggests one.

Each broken network is diagnosed before training (problems 1 and 2 show there) or after a few
epochs (problem 3 shows in its loss curve), then it and its fixed twin are trained the same way
with ``gn.callbacks.Diagnostics()`` and their accuracies compared. ``--plot FILE`` draws
``gn.plot.diagnostics`` for the sigmoid net and its ReLU twin (the picture of the README).

    python examples/why_not_learning.py                      # ~10 s
    python examples/why_not_learning.py --plot docs/images/diagnostics.png
    python examples/why_not_learning.py --quick              # reduced, as run by the tests
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

import glassnet as gn

L = gn.layers


def net(layers: list, optimizer, seed: int = 0) -> gn.Sequential:
    model = gn.Sequential(layers, seed=seed)
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


def unscaled(X):
    """Problem 1: the same two-layer net on inputs ×1000, and on standardised inputs."""
    def make():
        return net([L.Dense(16, activation="tanh"), L.Dense(1, activation="sigmoid")],
                   gn.optimizers.Adam(lr=1e-2))
    return (make(), X * 1000.0), (make(), gn.datasets.StandardScaler().fit_transform(X))


def deep_sigmoid(X):
    """Problem 2: ten sigmoid layers with std-1 weights, and ten tanh layers with glorot."""
    broken = net([*[L.Dense(8, activation="sigmoid", kernel_initializer="normal")
                    for _ in range(9)], L.Dense(1, activation="sigmoid")],
                 gn.optimizers.SGD(lr=0.1))
    fixed = net([*[L.Dense(8, activation="tanh", kernel_initializer="glorot_uniform")
                   for _ in range(9)], L.Dense(1, activation="sigmoid")],
                gn.optimizers.SGD(lr=0.1))
    return (broken, X), (fixed, X)


def high_lr(X, y):
    """Problem 3: SGD at lr 10, and SGD at the rate ``gn.lr_find`` suggests."""
    def make(lr):
        return net([L.Dense(16, activation="tanh"), L.Dense(1, activation="sigmoid")],
                   gn.optimizers.SGD(lr=lr))
    fixed = make(0.1)
    lr, fig = gn.lr_find(fixed, X, y)
    fixed.optimizer.lr = lr
    import matplotlib.pyplot as plt

    plt.close(fig)
    return (make(10.0), X), (fixed, X), lr


def train(model, X, y, epochs: int, batch_size: int):
    """Train with ``Diagnostics`` (its warnings collected, not shown); return the history."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gn.diagnostics.DiagnosticWarning)
        return model.fit(X, y, epochs=epochs, batch_size=batch_size, verbose=0, seed=0,
                         callbacks=[gn.callbacks.Diagnostics()])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer samples and epochs")
    parser.add_argument("--plot", metavar="FILE", help="save the diagnostics picture")
    args = parser.parse_args(argv)
    n, epochs = (300, 40) if args.quick else (600, 150)
    X, y = gn.datasets.make_moons(n, noise=0.2, seed=0)
    Xs = gn.datasets.StandardScaler().fit_transform(X)
    p3 = high_lr(Xs, y)
    problems = {"unscaled_inputs": unscaled(X), "vanishing_gradients": deep_sigmoid(Xs),
                "lr_too_high": p3[:2]}
    result: dict = {"suggested_lr": p3[2]}
    histories = {}
    for code, ((broken, Xb), (fixed, Xf)) in problems.items():
        print(f"\n=== {code.replace('_', ' ')} ===")
        if code == "lr_too_high":               # shows in training: train first, then look
            hb = train(broken, Xb, y, epochs, 32)
            report = gn.diagnose(broken, Xb, y)
        else:                                   # shows before any training
            report = gn.diagnose(broken, Xb, y)
            hb = train(broken, Xb, y, epochs, 32)
        print(report)
        hf = train(fixed, Xf, y, epochs, 32)
        fixed_report = gn.diagnose(fixed, Xf, y)
        acc_b = broken.evaluate(Xb, y)["accuracy"]
        acc_f = fixed.evaluate(Xf, y)["accuracy"]
        fix = f"lr={p3[2]:.3g} from gn.lr_find" if code == "lr_too_high" else "the fix"
        print(f"broken: accuracy {acc_b:.1%} after {epochs} epochs; with {fix}: {acc_f:.1%}; "
              f"diagnose then says: {fixed_report.codes or 'nothing wrong'}")
        result[code] = {"broken_codes": report.codes, "fixed_codes": fixed_report.codes,
                        "broken_accuracy": acc_b, "fixed_accuracy": acc_f}
        histories[code] = (hb, hf)
    if args.plot:
        draw(histories["vanishing_gradients"], args.plot)
        print(f"\nwrote {args.plot}")
    return result


def draw(histories, path: str) -> None:
    """``gn.plot.diagnostics`` of the broken sigmoid net (top) and its tanh twin (bottom)."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(17, 7.2), layout="constrained")
    top, bottom = fig.subfigures(2, 1)
    gn.plot.diagnostics(histories[0], axes=top.subplots(1, 4),
                        title="10 sigmoid layers, std-1 weights: vanishing_gradients")
    gn.plot.diagnostics(histories[1], axes=bottom.subplots(1, 4),
                        title="the fix: 10 tanh layers, glorot_uniform weights: no finding")
    fig.savefig(path, dpi=100)
    plt.close(fig)


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    main()
