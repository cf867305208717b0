"""One deliberately broken network per finding code, and well-set-up networks that raise none.

Each builder returns ``(model, X, y)``: the model as the user would hand it to ``gn.diagnose``
(trained already when the problem only shows in training). Every builder makes new layers and
optimizers (nothing is shared between models) and is seeded.
"""

from __future__ import annotations

import numpy as np

import glassnet as gn

L = gn.layers


def moons(n=400, seed=0):
    """Standardised two moons (the well-set-up data the broken nets start from)."""
    X, y = gn.datasets.make_moons(n, noise=0.2, seed=seed)
    return gn.datasets.StandardScaler().fit_transform(X), y


def small_net(hidden=16, activation="relu", init="he_normal", lr=1e-2, seed=0):
    model = gn.Sequential([L.Dense(hidden, activation=activation, kernel_initializer=init),
                           L.Dense(1, activation="sigmoid")], seed=seed)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.Adam(lr=lr),
                  metrics=["accuracy"])
    return model


def unscaled_inputs():
    """Moons in thousandths of a unit: every feature ×1000."""
    X, y = moons()
    return small_net(), X * 1000.0, y


def class_imbalance():
    """95 % of the labels are 0."""
    X, _ = moons()
    y = (np.arange(len(X)) % 20 == 0).astype(np.int64)
    return small_net(), X, y


def loss_activation_mismatch():
    """Sigmoid output units with categorical cross-entropy on iris."""
    X, y = gn.datasets.load_iris()
    X = gn.datasets.StandardScaler().fit_transform(X)
    model = gn.Sequential([L.Dense(16, activation="tanh"), L.Dense(3, activation="sigmoid")],
                          seed=0)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=1e-2))
    return model, X, y


def bad_init_loss():
    """An output layer initialised with std-1 weights over 256 tanh units: confident at once."""
    X, y = gn.datasets.load_iris()
    X = gn.datasets.StandardScaler().fit_transform(X)
    model = gn.Sequential([L.Dense(256, activation="tanh"),
                           L.Dense(3, activation="softmax", kernel_initializer="normal")],
                          seed=0)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=1e-3))
    return model, X, y


def dead_units():
    """A ReLU layer whose biases are −10: no unit ever fires."""
    X, y = moons()
    model = small_net(hidden=32)
    model.build((2,))
    model.layers[0].params["b"][...] = -10.0
    return model, X, y


def saturated_units():
    """Tanh units with std-1 weights over 64 standardised features: |a| ≈ 1 almost always."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(500, 64))
    y = (X[:, :8].sum(axis=1) > 0).astype(np.int64)
    return small_net(hidden=32, activation="tanh", init="normal"), X, y


def vanishing_gradients():
    """A 10-layer sigmoid network with std-1 initial weights."""
    X, y = moons()
    model = gn.Sequential([*[L.Dense(8, activation="sigmoid", kernel_initializer="normal")
                             for _ in range(9)], L.Dense(1, activation="sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=0.1))
    return model, X, y


def exploding_gradients():
    """An 8-layer leaky-ReLU network with std-1 initial weights (no fan-in scaling)."""
    X, y = moons()
    model = gn.Sequential([*[L.Dense(32, activation="leaky_relu", kernel_initializer="normal")
                             for _ in range(7)],
                           L.Dense(1, activation="sigmoid", kernel_initializer="small_normal")],
                          seed=0)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=1e-3))
    return model, X, y


def lr_too_high():
    """Plain SGD with lr = 10, trained for 30 epochs."""
    X, y = moons()
    model = small_net(activation="tanh", init="glorot_uniform")
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=10.0))
    model.fit(X, y, epochs=30, batch_size=32, verbose=0, seed=0)
    return model, X, y


def lr_too_low():
    """Plain SGD with lr = 1e-7, trained for 30 epochs: nothing moves."""
    X, y = moons()
    model = small_net(activation="tanh", init="glorot_uniform")
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=1e-7))
    model.fit(X, y, epochs=30, batch_size=32, verbose=0, seed=0)
    return model, X, y


def overfitting():
    """4 training samples, 2 000 epochs, validated on 200 others."""
    X, y = moons(204)
    few = np.concatenate([np.flatnonzero(y == 0)[:2], np.flatnonzero(y == 1)[:2]])
    rest = np.setdiff1d(np.arange(len(X)), few)
    model = small_net(hidden=64, activation="leaky_relu", init="he_normal", lr=1e-2)
    model.fit(X[few], y[few], epochs=2000, verbose=0, validation_data=(X[rest], y[rest]),
              seed=0)
    return model, X[few], y[few]


def not_learning():
    """Labels that do not depend on the inputs (drawn at random), 60 epochs."""
    X, _ = moons()
    y = np.random.default_rng(1).permutation(np.arange(len(X)) % 2)
    model = small_net(hidden=4, activation="tanh", init="glorot_uniform", lr=1e-2)
    model.fit(X, y, epochs=60, verbose=0, seed=0)
    return model, X, y


BROKEN = {f.__name__: f for f in (unscaled_inputs, class_imbalance, loss_activation_mismatch,
                                  bad_init_loss, dead_units, saturated_units, vanishing_gradients,
                                  exploding_gradients, lr_too_high, lr_too_low, overfitting,
                                  not_learning)}


# -- well set up --------------------------------------------------------------------------------
def good_moons(train=True):
    X, y = moons()
    model = gn.Sequential([L.Dense(16, activation="relu", kernel_initializer="he_normal"),
                           L.Dense(16, activation="relu", kernel_initializer="he_normal"),
                           L.Dense(1, activation="sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.Adam(lr=1e-2),
                  metrics=["accuracy"])
    if train:
        model.fit(X[:300], y[:300], epochs=100, batch_size=32, verbose=0, seed=0,
                  validation_data=(X[300:], y[300:]))
    return model, X[:300], y[:300]


def good_iris(train=True):
    X, y = gn.datasets.load_iris()
    Xtr, Xte, ytr, yte = gn.datasets.train_test_split(X, y, test_size=0.2, seed=0, stratify=y)
    scaler = gn.datasets.StandardScaler().fit(Xtr)
    Xtr, Xte = scaler.transform(Xtr), scaler.transform(Xte)
    model = gn.Sequential([L.Dense(16, activation="tanh"), L.Dense(3, activation="softmax")],
                          seed=0)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=1e-2),
                  metrics=["accuracy"])
    if train:
        model.fit(Xtr, ytr, epochs=100, batch_size=16, verbose=0, seed=0,
                  validation_data=(Xte, yte))
    return model, Xtr, ytr


def good_mnist(train=True, n=1000):
    (Xtr, ytr), (Xva, yva), _ = gn.datasets.load_mnist()
    Xtr, ytr, Xva, yva = Xtr[:n], ytr[:n], Xva[:500], yva[:500]
    model = gn.Sequential([L.Dense(64, activation="relu", kernel_initializer="he_normal"),
                           L.Dense(10, activation="softmax")], seed=0)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=1e-3),
                  metrics=["accuracy"])
    if train:
        model.fit(Xtr, ytr, epochs=3, batch_size=32, verbose=0, seed=0,
                  validation_data=(Xva, yva))
    return model, Xtr, ytr


GOOD = {"moons": good_moons, "iris": good_iris, "mnist": good_mnist}
