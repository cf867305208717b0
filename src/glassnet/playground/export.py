"""Taking a playground run away: the trained model as a ``.glassnet`` file and a Python script
that reproduces the run with ``gn.Sequential``.

The model file is written by ``model.save`` (``gn.save_model``'s zip of JSON and ``.npy``
arrays, never a pickle) and read back by ``gn.load_model``. The script rebuilds the same points
(:func:`glassnet.playground.datasets.make_dataset`, or your CSV file with the page's scaling),
the same features and network, and trains it for the epochs the run has done with one
``model.fit`` call; the playground trains epoch by epoch with the same ``fit``, so without
changes of learning rate or batch size during the run the weights are the same.
"""

from __future__ import annotations

import os
import tempfile

from glassnet.playground.features import EXPRESSIONS
from glassnet.playground.network import HEADS, output_units
from glassnet.playground.settings import Settings
from glassnet.playground.upload import UploadedData


def model_bytes(model) -> bytes:
    """The bytes of ``model.save(path)`` (a ``.glassnet`` file)."""
    with tempfile.TemporaryDirectory(prefix="glassnet-playground-") as tmp:
        path = os.path.join(tmp, "playground.glassnet")
        model.save(path)
        with open(path, "rb") as fh:
            return fh.read()


_OPTIMIZERS = {
    "sgd": "gn.optimizers.SGD(lr={lr!r})",
    "momentum": "gn.optimizers.SGD(lr={lr!r}, momentum=0.9)",
    "nesterov": "gn.optimizers.SGD(lr={lr!r}, momentum=0.9, nesterov=True)",
    "adam": "gn.optimizers.Adam(lr={lr!r})",
    "rmsprop": "gn.optimizers.RMSprop(lr={lr!r})",
    "adagrad": "gn.optimizers.Adagrad(lr={lr!r})",
}


def _data_lines(s: Settings, upload: UploadedData | None) -> list[str]:
    if s.dataset != "upload" or upload is None:
        return [f"X, y = make_dataset({s.dataset!r}, n={s.n_points}, noise={s.noise / 100!r}, "
                f"seed={s.seed}, classes={s.classes})"]
    name = os.path.basename(upload.name) or "upload.csv"
    lines = [f"# your file {name!r}, scaled into the playground's square as the page did",
             f"table = np.loadtxt({name!r}, delimiter={upload.delimiter!r}, "
             f"skiprows={int(upload.header)}, ndmin=2)",
             f"X = (table[:, :2] - np.array({list(upload.centre)!r})) * {upload.scale!r}"]
    if upload.task == "regression":
        lo, hi = upload.y_range
        lines.append(f"y = (table[:, 2] - {lo!r}) / ({hi!r} - {lo!r}) * 2 - 1")
    else:
        lines.append(f"y = np.searchsorted(np.array({upload.classes!r}), table[:, 2])")
    return lines


def python_script(settings: Settings, task: str, n_classes: int, epochs: int,
                  upload: UploadedData | None = None) -> str:
    """A standalone script that trains the playground's network as the run did.

    Parameters
    ----------
    settings : Settings
        The settings at export time.
    task : {"binary", "multiclass", "regression"}
    n_classes : int
    epochs : int
        Epochs trained so far.
    upload : UploadedData, optional
        The uploaded file of a run on dataset ``upload``.
    """
    s = settings
    head, loss = HEADS[task]
    reg = ""
    if s.regularization != "none" and s.reg_rate > 0:
        reg = f", {s.regularization}={s.reg_rate!r}"
    layers = []
    for units in s.hidden:
        layers.append(f"    gn.layers.Dense({units}, activation={s.activation!r}{reg}),")
        if s.dropout > 0:
            layers.append(f"    gn.layers.Dropout({s.dropout!r}),")
    layers.append(f"    gn.layers.Dense({output_units(task, n_classes)}, "
                  f"activation={head!r}),")
    cols = ", ".join(EXPRESSIONS[f] for f in s.features)
    if task == "multiclass":
        target = "y_train.astype(np.int64)"
        test_target = "y_test.astype(np.int64)"
    else:
        target = "y_train.astype(np.float32).reshape(-1, 1)"
        test_target = "y_test.astype(np.float32).reshape(-1, 1)"
    lines = [
        '"""A glassnet playground run, reproduced with gn.Sequential.',
        "",
        f"data set {s.dataset!r}, features {', '.join(s.features)}, hidden layers "
        f"{list(s.hidden)}, {s.activation}, {s.optimizer} (lr {s.learning_rate}), "
        f"batch {s.batch_size}, {epochs} epochs.",
        '"""',
        "",
        "import numpy as np",
        "",
        "import glassnet as gn",
        "from glassnet.playground.datasets import make_dataset, split",
        "",
        *_data_lines(s, upload if s.dataset == "upload" else None),
        f"X_train, y_train, X_test, y_test = split(X, y, train_ratio={s.train_ratio / 100!r}, "
        f"seed={s.seed})",
        "",
        "",
        "def features(X):",
        '    """The input features the network sees, as the page computed them."""',
        f"    return np.column_stack([{cols}]).astype(np.float32)",
        "",
        "",
        "model = gn.Sequential([",
        *layers,
        f"], seed={s.seed})",
        f"model.compile(loss={loss!r}, "
        f"optimizer={_OPTIMIZERS[s.optimizer].format(lr=s.learning_rate)})",
        f"F_train, T_train = features(X_train), {target}",
        f"F_test, T_test = features(X_test), {test_target}",
    ]
    if epochs > 0:
        lines.append(f"model.fit(F_train, T_train, epochs={epochs}, "
                     f"batch_size=min({s.batch_size}, len(F_train)), seed={s.seed}, "
                     f"verbose=0)")
    else:
        lines.append("model.build((F_train.shape[1],))")
    lines += [
        'print("train loss", model.evaluate(F_train, T_train)["loss"])',
        'print("test loss ", model.evaluate(F_test, T_test)["loss"])',
        'model.save("playground.glassnet")',
        "",
    ]
    return "\n".join(lines)
