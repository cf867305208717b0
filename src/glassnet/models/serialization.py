"""glassnet's model file: a zip of one JSON document and ``.npy`` arrays. Never a pickle.

Layout of ``model.glassnet``::

    glassnet.json            format, version, architecture, compile settings, training position
    params/<k>.npy           the k-th parameter array (``model.get_weights()[k]``)
    optimizer/<k>.npy        the k-th optimizer state array (e.g. Adam's m and v)

Loading reads only those members, parses arrays with ``allow_pickle=False``, checks the JSON
against the expected schema and every array's shape and dtype against the rebuilt architecture,
so a hostile or damaged file gives a ``ValueError`` and never runs code. Saving writes a
temporary file next to the target and renames it, so a crash mid-save never destroys the
previous file.
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from typing import Any

import numpy as np

FORMAT = "glassnet"
VERSION = 1
_JSON = "glassnet.json"
_MEMBER = re.compile(r"^(params|optimizer)/(\d{1,6})\.npy$")
_MAX_JSON = 1 << 20


class ModelFileError(ValueError):
    """The file is not a valid glassnet model file."""


def save_model(model, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` atomically (see the module docstring for the format)."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    if not model.built:
        raise ValueError("cannot save a model that is not built; fit it or call build() first")
    opt = model.optimizer
    opt_arrays = opt.state_arrays() if opt is not None else {}
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "model": {
            "class": "Sequential",
            "name": model.name,
            "seed": model.seed,
            "dtype": model.dtype.name,
            "input_shape": list(model.input_shape),
            "layers": [{"class": type(layer).__name__, "config": layer.get_config()}
                       for layer in model.layers],
        },
        "compile": None if model.loss is None else {
            "loss": model.loss.name,
            "metrics": list(model.metrics),
            "optimizer": {"class": type(opt).__name__, "config": opt.get_config(),
                          "iterations": opt.iterations,
                          "state_keys": list(opt_arrays)},
        },
        "training": {"epoch": model.epoch, "step": model.step, "fit_seed": model.fit_seed},
        "history": model.history.history if model.history is not None else None,
    }
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".glassnet-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(_JSON, json.dumps(doc, indent=1))
            for k, arr in enumerate(model.get_weights()):
                _write_array(zf, f"params/{k}.npy", arr)
            for k, arr in enumerate(opt_arrays.values()):
                _write_array(zf, f"optimizer/{k}.npy", arr)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _write_array(zf: zipfile.ZipFile, name: str, arr: np.ndarray) -> None:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
    zf.writestr(name, buf.getvalue())


def _read_array(zf: zipfile.ZipFile, name: str) -> np.ndarray:
    try:
        with zf.open(name) as fh:
            return np.lib.format.read_array(io.BytesIO(fh.read()), allow_pickle=False)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ModelFileError(f"array {name!r} in the model file is damaged: {exc}") from None


def _expect(cond: bool, what: str) -> None:
    if not cond:
        raise ModelFileError(f"invalid glassnet model file: {what}")


def _check_doc(doc: Any) -> None:
    _expect(isinstance(doc, dict), "the JSON document is not an object")
    _expect(doc.get("format") == FORMAT, f"format must be {FORMAT!r}, got {doc.get('format')!r}")
    version = doc.get("version")
    _expect(isinstance(version, int), "version is missing")
    if version != VERSION:
        raise ModelFileError(f"model file version {version} is not supported by this glassnet "
                             f"(it reads version {VERSION}); upgrade glassnet")
    m = doc.get("model")
    _expect(isinstance(m, dict), "'model' section missing")
    _expect(m.get("class") == "Sequential", "only Sequential models are supported")
    _expect(m.get("dtype") in ("float32", "float64"), "dtype must be float32 or float64")
    shape = m.get("input_shape")
    _expect(isinstance(shape, list) and 0 < len(shape) <= 4
            and all(isinstance(s, int) and 0 < s < 1 << 24 for s in shape), "bad input_shape")
    _expect(m.get("seed") is None or (isinstance(m["seed"], int) and m["seed"] >= 0), "bad seed")
    layers = m.get("layers")
    _expect(isinstance(layers, list) and 0 < len(layers) <= 1000, "bad layer list")
    for spec in layers:
        _expect(isinstance(spec, dict) and isinstance(spec.get("class"), str)
                and isinstance(spec.get("config"), dict), "bad layer entry")
    comp = doc.get("compile")
    if comp is not None:
        _expect(isinstance(comp, dict) and isinstance(comp.get("loss"), str)
                and isinstance(comp.get("metrics"), list)
                and isinstance(comp.get("optimizer"), dict), "bad compile section")
        opt = comp["optimizer"]
        _expect(isinstance(opt.get("class"), str) and isinstance(opt.get("config"), dict)
                and isinstance(opt.get("iterations"), int) and opt["iterations"] >= 0
                and isinstance(opt.get("state_keys"), list)
                and all(isinstance(k, str) and re.fullmatch(r"\d{1,4}/[a-z_]{1,32}", k)
                        for k in opt["state_keys"]), "bad optimizer section")
    tr = doc.get("training")
    _expect(isinstance(tr, dict) and isinstance(tr.get("epoch"), int)
            and isinstance(tr.get("step"), int) and tr["epoch"] >= 0 and tr["step"] >= 0
            and (tr.get("fit_seed") is None or isinstance(tr["fit_seed"], int)),
            "bad training section")
    hist = doc.get("history")
    _expect(hist is None or (isinstance(hist, dict) and all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(x, (int, float)) for x in v)
        for k, v in hist.items())), "bad history section")


def load_model(path: str | os.PathLike):
    """Read a model written by :meth:`Sequential.save`.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    ModelFileError (a ValueError)
        If the file is not a valid glassnet model file (a pickle, truncated, tampered with, or of
        another version); the message says what is wrong.
    """
    from glassnet import layers as layers_mod
    from glassnet import optimizers
    from glassnet.callbacks import History
    from glassnet.models.sequential import Sequential

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no model file at {path!r}")
    try:
        zf = zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelFileError(f"{path!r} is not a glassnet model file (not a zip archive: {exc}); "
                             "glassnet never loads pickles") from None
    with zf:
        names = zf.namelist()
        _expect(_JSON in names, f"{_JSON} is missing")
        extra = [n for n in names if n != _JSON and not _MEMBER.match(n)]
        _expect(not extra, f"unexpected members {extra[:5]}")
        info = zf.getinfo(_JSON)
        _expect(info.file_size <= _MAX_JSON, "the JSON document is too large")
        try:
            doc = json.loads(zf.read(_JSON).decode("utf-8"))
        except (ValueError, UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
            raise ModelFileError(f"invalid glassnet model file: unreadable JSON ({exc})") from None
        _check_doc(doc)
        m = doc["model"]
        try:
            built_layers = [layers_mod.get_class(s["class"])(**s["config"]) for s in m["layers"]]
            model = Sequential(built_layers, seed=m["seed"], dtype=np.dtype(m["dtype"]),
                               name=str(m.get("name", "sequential")))
            model.build(tuple(m["input_shape"]))
        except (TypeError, ValueError) as exc:
            raise ModelFileError(f"invalid glassnet model file: the architecture cannot be "
                                 f"rebuilt ({exc})") from None
        targets = model.get_weights()
        n_params = sum(1 for n in names if n.startswith("params/"))
        _expect(n_params == len(targets),
                f"expected {len(targets)} parameter arrays, found {n_params}")
        weights = []
        for k, t in enumerate(targets):
            name = f"params/{k}.npy"
            _expect(name in names, f"{name} is missing")
            arr = _read_array(zf, name)
            _expect(arr.shape == t.shape and arr.dtype == t.dtype,
                    f"{name} has shape {arr.shape} and dtype {arr.dtype}, expected {t.shape} "
                    f"and {t.dtype}")
            weights.append(arr)
        model.set_weights(weights)
        comp = doc["compile"]
        if comp is not None:
            opt_doc = comp["optimizer"]
            try:
                opt = optimizers.from_config(opt_doc["class"], opt_doc["config"])
                model.compile(loss=comp["loss"], optimizer=opt, metrics=comp["metrics"])
            except (TypeError, ValueError) as exc:
                raise ModelFileError(f"invalid glassnet model file: bad compile settings "
                                     f"({exc})") from None
            state = {}
            for k, key in enumerate(opt_doc["state_keys"]):
                name = f"optimizer/{k}.npy"
                _expect(name in names, f"{name} is missing")
                arr = _read_array(zf, name)
                _expect(arr.shape == model._flat_params.shape and arr.dtype == model.dtype,
                        f"{name} has shape {arr.shape}, expected {model._flat_params.shape}")
                state[key] = arr
            opt.load_state_arrays(state, opt_doc["iterations"])
        tr = doc["training"]
        model.epoch, model.step, model.fit_seed = tr["epoch"], tr["step"], tr["fit_seed"]
        if doc.get("history"):
            hist = History()
            hist.history = {k: [float(x) for x in v] for k, v in doc["history"].items()}
            hist.epoch = list(range(len(next(iter(hist.history.values()), []))))
            model.history = hist
    return model
