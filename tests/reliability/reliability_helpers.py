"""Small data sets, model factories and state snapshots shared by the reliability tests."""

from __future__ import annotations

import copy
import io
import zipfile

import numpy as np

import glassnet as gn
from glassnet.layers import Dense, Dropout

N, N_FEATURES, N_CLASSES = 24, 3, 3

# Hypothesis settings of the whole folder: deterministic (same examples on every run) and bounded.
FUZZ = {"max_examples": 150, "deadline": None, "derandomize": True, "database": None}


def data(n: int = N, seed: int = 0):
    """``X: (n, 3)`` float64, binary labels ``yb: (n,)`` and 3-class labels ``yc: (n,)``."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, N_FEATURES))
    yb = (X[:, 0] - X[:, 1] > 0).astype(np.int64)
    yc = np.argmax(X, axis=1).astype(np.int64)
    return X, yb, yc


def binary_model(dtype=np.float32, seed: int = 0, lr: float = 0.1) -> gn.Sequential:
    """A compiled 3-4-1 tanh/sigmoid net (binary cross-entropy, plain SGD)."""
    model = gn.Sequential([Dense(4, "tanh"), Dense(1, "sigmoid")], seed=seed, dtype=dtype)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=lr),
                  metrics=["accuracy"])
    return model


def softmax_model(dtype=np.float32, seed: int = 0, optimizer=None, dropout: float = 0.0):
    """A compiled 3-5-3 relu/softmax net (categorical cross-entropy, Adam by default)."""
    layers = [Dense(5, "relu")] + ([Dropout(dropout)] if dropout else []) + [Dense(3, "softmax")]
    model = gn.Sequential(layers, seed=seed, dtype=dtype)
    model.compile(loss="categorical_crossentropy",
                  optimizer=optimizer if optimizer is not None else gn.optimizers.Adam(lr=0.01),
                  metrics=["accuracy"])
    return model


def regression_model(dtype=np.float32, seed: int = 0) -> gn.Sequential:
    """A compiled 3-4-2 net with a linear head and the mean squared error."""
    model = gn.Sequential([Dense(4, "tanh"), Dense(2)], seed=seed, dtype=dtype)
    model.compile(loss="mse", optimizer=gn.optimizers.RMSprop(lr=0.01), metrics=["mae"])
    return model


def fitted(kind: str = "softmax"):
    """A model of ``kind`` ("binary", "softmax", "regression") trained for two epochs."""
    X, yb, yc = data()
    model = {"binary": binary_model, "softmax": softmax_model,
             "regression": regression_model}[kind]()
    y = {"binary": yb, "softmax": yc, "regression": X[:, :2]}[kind]
    model.fit(X, y, epochs=2, batch_size=8, verbose=0)
    return model


def model_state(model) -> dict:
    """Everything a failed call must leave as it was: weights, optimizer, position, history."""
    opt = model.optimizer
    return {
        "built": model.built,
        "input_shape": model.input_shape,
        "weights": model.get_weights() if model.built else [],
        "opt_state": {k: v.copy() for k, v in opt.state_arrays().items()} if opt else {},
        "opt_config": (type(opt).__name__, opt.get_config(), opt.iterations) if opt else None,
        "loss": None if model.loss is None else model.loss.name,
        "metrics": list(model.metrics),
        "position": (model.epoch, model.iterations, model.fit_seed),
        "history": None if model.history is None else copy.deepcopy(model.history.history),
    }


def assert_same_state(before: dict, after: dict) -> None:
    """Assert that two :func:`model_state` snapshots are identical, bit for bit."""
    assert before.keys() == after.keys()
    for key in before:
        a, b = before[key], after[key]
        if key == "weights":
            assert len(a) == len(b)
            for wa, wb in zip(a, b, strict=True):
                np.testing.assert_array_equal(wa, wb)
        elif key == "opt_state":
            assert a.keys() == b.keys()
            for k in a:
                np.testing.assert_array_equal(a[k], b[k])
        else:
            assert a == b, key


def zip_members(path) -> dict[str, bytes]:
    """The members of a zip file, by name."""
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(path, members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> None:
    """Write ``members`` (name -> bytes) as a zip file at ``path``."""
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)


def npy_bytes(arr, allow_pickle: bool = False) -> bytes:
    """``arr`` in the ``.npy`` format."""
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def npy_with_header(header: str, payload: bytes = b"", version: int = 1) -> bytes:
    """A ``.npy`` file with a hand-written header dict (to test hostile headers)."""
    text = header.encode("latin1")
    text += b" " * (-(len(text) + 11) % 64) + b"\n"
    size = len(text).to_bytes(2 if version == 1 else 4, "little")
    return b"\x93NUMPY" + bytes([version, 0]) + size + text + payload


class CreatesMarker:
    """Unpickling this object creates the file ``path`` (proof that code ran)."""

    def __init__(self, path) -> None:
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")
