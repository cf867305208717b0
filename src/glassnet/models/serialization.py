"""glassnet's model file: a zip of one JSON document and ``.npy`` arrays. Never a pickle.

Layout of ``model.glassnet``::

    glassnet.json            format, version, architecture, compile settings, training position
    params/<k>.npy           the k-th parameter array (``model.get_weights()[k]``)
    optimizer/<k>.npy        the k-th optimizer state array (e.g. Adam's m and v)

Loading trusts nothing in the file. It reads only those members (stored or deflated, not
encrypted, each no larger than what it must hold), checks the JSON document against the exact
schema of :func:`check_document`, rebuilds the architecture only from registered layer classes
after bounding its size by the data the file really holds, and parses every ``.npy`` header
itself: the array must have exactly the dtype and shape the architecture expects before its
bytes are read, and finite values. Arrays are never unpickled (an ``object`` dtype is refused at
the header), so a hostile or damaged file gives a :class:`ModelFileError` (a ``ValueError``)
and never runs code.

Saving writes a temporary file next to the target, flushes it to disk and renames it over the
target, so a crash mid-save never destroys the previous file.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import secrets
import warnings
import zipfile
from typing import Any

import numpy as np

from glassnet.errors import ModelFileError
from glassnet.models.file_schema import FORMAT, VERSION, check_document
from glassnet.models.file_schema import expect as _expect

_JSON = "glassnet.json"
_MEMBER = re.compile(r"^(params|optimizer)/(0|[1-9]\d{0,5})\.npy$")
_MAX_JSON = 1 << 20               # bytes of JSON
_MAX_NPY_HEADER = 1 << 16         # bytes of .npy header (numpy's own limit is 10,000 characters)
_MAX_RATIO = 1100                 # deflate cannot expand data more than ~1032 times
__all__ = ["ModelFileError", "check_document", "load_model", "save_model"]



# ============================================================================ saving


def save_model(model, path: str | os.PathLike) -> None:
    """Write ``model`` to ``path`` atomically (see the module docstring for the format).

    Raises
    ------
    TypeError
        If ``path`` is not a str or path.
    ValueError
        If the model is not built.
    OSError
        If the folder cannot be written; a previous file at ``path`` is then left as it was.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    if not model.built:
        raise ValueError("cannot save a model that is not built; fit it or call build() first")
    _check_registered(model)
    opt = model.optimizer
    opt_arrays = opt.state_arrays() if opt is not None else {}
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "model": {
            "class": "Sequential",
            "name": str(model.name),
            "seed": model.seed,
            "dtype": model.dtype.name,
            "input_shape": [int(s) for s in model.input_shape],
            "layers": [{"class": type(layer).__name__, "config": layer.get_config()}
                       for layer in model.layers],
        },
        "compile": None if model.loss is None or opt is None else {
            "loss": model.loss.name,
            "metrics": list(model.metrics),
            "optimizer": {"class": type(opt).__name__, "config": opt.get_config(),
                          "iterations": int(opt.iterations),
                          "state_keys": list(opt_arrays)},
        },
        "training": {"epoch": int(model.epoch), "step": int(model.iterations),
                     "fit_seed": None if model.fit_seed is None else int(model.fit_seed)},
        "history": model.history.history if model.history is not None else None,
    }
    text = json.dumps(doc, indent=1)
    check_document(json.loads(text))           # what we write, we can read back
    _atomic_write(path, lambda fh: _write_zip(fh, text, model.get_weights(),
                                              list(opt_arrays.values())))


def _check_registered(model) -> None:
    """Refuse to write a file that load_model could not read back (an unregistered class)."""
    from glassnet import layers, losses, optimizers

    for layer in model.layers:
        name = type(layer).__name__
        try:
            known = layers.get_class(name) is type(layer)
        except ValueError:
            known = False
        if not known:
            raise ValueError(f"cannot save layer class {name!r}: load_model rebuilds only "
                             f"registered layers; decorate it with @glassnet.layers.register")
    if model.loss is not None and type(losses.get(model.loss.name)) is not type(model.loss):
        raise ValueError(f"cannot save the custom loss {type(model.loss).__name__!r}: "
                         f"load_model rebuilds only the losses {losses.names()}")
    opt = model.optimizer
    if opt is not None and type(opt) not in {type(optimizers.get(n)) for n in optimizers.names()}:
        raise ValueError(f"cannot save the custom optimizer {type(opt).__name__!r}: "
                         f"load_model rebuilds only {optimizers.names()}")


def _write_zip(fh, text: str, params: list[np.ndarray], state: list[np.ndarray]) -> None:
    with zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(_JSON, text)
        for group, arrays in (("params", params), ("optimizer", state)):
            for k, arr in enumerate(arrays):
                buf = io.BytesIO()
                np.lib.format.write_array(buf, np.ascontiguousarray(arr), allow_pickle=False)
                zf.writestr(f"{group}/{k}.npy", buf.getvalue())


def _atomic_write(path: str, write) -> None:
    """Call ``write(file)`` on a new file next to ``path``, sync it, then rename it to ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    tmp = os.path.join(directory, f".glassnet-{secrets.token_hex(8)}.tmp")
    # O_EXCL: never follow or reuse an existing name; mode 0o666 lets the umask decide, as open().
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError, AttributeError):   # make the rename itself durable
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# ============================================================================ reading members


def _open_zip(path: str) -> zipfile.ZipFile:
    if os.path.isdir(path):
        raise ModelFileError(f"{path!r} is a folder, not a glassnet model file")
    try:
        return zipfile.ZipFile(path, "r")
    except (PermissionError, MemoryError):
        raise
    except Exception as exc:                # any failure to parse the directory: not our file
        raise ModelFileError(f"{path!r} is not a glassnet model file (not a readable zip "
                             f"archive: {str(exc)[:200]}); glassnet never loads pickles") from None


def _check_members(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    _expect(len(names) == len(set(names)), "the archive repeats a member name")
    _expect(_JSON in names, f"{_JSON} is missing (is this a glassnet model file?)")
    extra = [n for n in names if n != _JSON and not _MEMBER.match(n)]
    _expect(not extra, f"unexpected members {extra[:5]}")
    for info in infos:
        _expect(not info.flag_bits & 0x1, f"member {info.filename!r} is encrypted")
        _expect(info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED),
                f"member {info.filename!r} uses an unsupported compression method")
        _expect(info.file_size <= _MAX_RATIO * info.compress_size + 1024,
                f"member {info.filename!r} claims an impossible size")
    return {i.filename: i for i in infos}


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    _expect(info.file_size <= limit, f"member {info.filename!r} is {info.file_size} bytes, "
                                     f"more than the {limit} it can hold")
    try:
        with zf.open(info) as fh:
            data = fh.read(limit + 1)
    except MemoryError:
        raise
    except Exception as exc:                # CRC, zlib, truncation, bad local header ...
        raise ModelFileError(f"member {info.filename!r} of the model file is damaged: "
                             f"{exc}") from None
    _expect(len(data) == info.file_size, f"member {info.filename!r} is damaged (wrong size)")
    return data


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"repeated keys in a JSON object: {sorted(set(keys))[:5]}")
    return dict(pairs)


def _read_document(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> dict[str, Any]:
    data = _read_member(zf, info, _MAX_JSON)
    try:
        doc = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
    except (ValueError, RecursionError) as exc:
        raise ModelFileError(f"invalid glassnet model file: unreadable JSON "
                             f"({str(exc)[:200]})") from None
    check_document(doc)
    return doc


def _read_array(zf: zipfile.ZipFile, info: zipfile.ZipInfo, shape: tuple[int, ...],
                dtype: np.dtype) -> np.ndarray:
    """Parse a ``.npy`` member that must hold exactly ``dtype`` and ``shape``; never unpickles."""
    name = info.filename
    nbytes = math.prod(shape) * dtype.itemsize
    data = _read_member(zf, info, nbytes + _MAX_NPY_HEADER)
    buf = io.BytesIO(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # numpy's "Python 2 header" fallback: refuse it
            major, minor = np.lib.format.read_magic(buf)
            if (major, minor) == (1, 0):
                header = np.lib.format.read_array_header_1_0(buf)
            elif (major, minor) == (2, 0):
                header = np.lib.format.read_array_header_2_0(buf)
            else:
                raise ValueError(f"unsupported .npy version {major}.{minor}")
    except MemoryError:
        raise
    except Exception as exc:                # any malformed header
        raise ModelFileError(f"array {name!r} in the model file is damaged: "
                             f"{str(exc)[:200]}") from None
    got_shape, fortran, got_dtype = header
    if got_dtype.hasobject:
        raise ModelFileError(f"array {name!r} in the model file is damaged: it holds Python "
                             f"objects (dtype {got_dtype}), which glassnet never unpickles")
    _expect(got_dtype == dtype and tuple(got_shape) == tuple(shape),
            f"{name} has shape {tuple(got_shape)} and dtype {got_dtype}, expected "
            f"{tuple(shape)} and {dtype}")
    offset = buf.tell()
    _expect(len(data) - offset == nbytes,
            f"{name} holds {len(data) - offset} bytes of data, expected {nbytes} (truncated?)")
    flat = np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=offset)
    n_bad = flat.size - int(np.count_nonzero(np.isfinite(flat)))
    _expect(n_bad == 0, f"{name} holds {n_bad} NaN or infinite values")
    return np.array(flat.reshape(shape, order="F" if fortran else "C"), order="C")


# ============================================================================ loading


def _param_estimate(layer, shape: tuple[int, ...]) -> int:
    """Parameters a built-in layer will allocate for inputs of per-sample ``shape`` (else 0)."""
    kind = type(layer).__name__
    if kind == "Dense":
        return layer.units * (math.prod(shape) + 1)
    if kind == "Conv2D" and shape:
        kh, kw = layer.kernel_size
        return layer.filters * (shape[0] * kh * kw + 1)
    return 0


def _rebuild(doc: dict[str, Any], param_bytes: int):
    """The Sequential model of ``doc['model']``, built, with fresh weights."""
    from glassnet import layers as layers_mod
    from glassnet.models.sequential import Sequential

    m = doc["model"]
    dtype = np.dtype(m["dtype"])
    try:
        layers = [layers_mod.get_class(s["class"])(**s["config"]) for s in m["layers"]]
        shape, total = tuple(m["input_shape"]), 0
        for layer in layers:                # bound the size before allocating anything
            total += _param_estimate(layer, shape)
            shape = tuple(layer.compute_output_shape(shape))
        _expect(total * dtype.itemsize <= param_bytes,
                f"the architecture needs about {total} parameters but the file holds only "
                f"{param_bytes // dtype.itemsize}")
        model = Sequential(layers, seed=m["seed"], dtype=dtype, name=m["name"])
        model.build(tuple(m["input_shape"]))
    except (ModelFileError, MemoryError):
        raise
    except Exception as exc:                # anything the layer constructors refuse
        raise ModelFileError(f"invalid glassnet model file: the architecture cannot be "
                             f"rebuilt ({type(exc).__name__}: {str(exc)[:300]})") from exc
    return model


def _optimizer(model, comp: dict[str, Any]):
    """The compiled optimizer, after checking that the saved state keys are the ones it uses."""
    from glassnet import optimizers

    opt_doc = comp["optimizer"]
    try:
        opt = optimizers.from_config(opt_doc["class"], opt_doc["config"])
        probe = optimizers.from_config(opt_doc["class"], opt_doc["config"])
        model.compile(loss=comp["loss"], optimizer=opt, metrics=comp["metrics"])
    except Exception as exc:
        raise ModelFileError(f"invalid glassnet model file: bad compile settings "
                             f"({type(exc).__name__}: {str(exc)[:300]})") from exc
    zero = np.zeros(1, dtype=model.dtype)
    probe.step([zero], [zero.copy()])       # one step on a dummy shows which state it keeps
    used = set(probe.state_arrays()) if opt_doc["iterations"] > 0 else set()
    _expect(set(opt_doc["state_keys"]) == used,
            f"optimizer state {sorted(opt_doc['state_keys'])} does not match what "
            f"{opt_doc['class']} keeps after {opt_doc['iterations']} steps ({sorted(used)})")
    return opt


def load_model(path: str | os.PathLike):
    """Read a model written by :meth:`Sequential.save`.

    Parameters
    ----------
    path : str or os.PathLike

    Returns
    -------
    Sequential
        Built, with its weights, and (when it was compiled) its loss, metrics, optimizer state,
        training position (``epoch``, ``step``, ``fit_seed``) and history, so that
        ``fit(..., initial_epoch=model.epoch)`` continues the run exactly.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path.
    FileNotFoundError
        If ``path`` does not exist.
    ModelFileError (a ValueError)
        If the file is not a valid glassnet model file (a pickle, truncated, tampered with, or of
        another version); the message says what is wrong.
    """
    from glassnet.callbacks import History

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no model file at {path!r}")
    with _open_zip(path) as zf:
        infos = _check_members(zf)
        doc = _read_document(zf, infos[_JSON])
        groups = {g: sorted(int(n.split("/")[1][:-4]) for n in infos if n.startswith(g + "/"))
                  for g in ("params", "optimizer")}
        param_bytes = sum(infos[f"params/{k}.npy"].file_size for k in groups["params"])
        model = _rebuild(doc, param_bytes)
        targets = [p for layer in model.layers for p in layer.params.values()]
        _expect(groups["params"] == list(range(len(targets))),
                f"expected {len(targets)} parameter arrays, found {len(groups['params'])} "
                f"(params/0.npy ... must be numbered without gaps)")
        for k, t in enumerate(targets):
            t[...] = _read_array(zf, infos[f"params/{k}.npy"], t.shape, t.dtype)
        comp = doc["compile"]
        keys = comp["optimizer"]["state_keys"] if comp is not None else []
        _expect(groups["optimizer"] == list(range(len(keys))),
                f"expected {len(keys)} optimizer arrays, found {len(groups['optimizer'])} "
                f"(optimizer/0.npy ... must be numbered without gaps)")
        if comp is not None:
            opt = _optimizer(model, comp)
            flat = model._flat_params
            state = {key: _read_array(zf, infos[f"optimizer/{k}.npy"], flat.shape, flat.dtype)
                     for k, key in enumerate(keys)}
            opt.load_state_arrays(state, comp["optimizer"]["iterations"])
    tr = doc["training"]
    model.epoch, model.fit_seed = tr["epoch"], tr["fit_seed"]
    if doc["history"]:
        hist = History()
        hist.history = {k: [float(x) for x in v] for k, v in doc["history"].items()}
        hist.epoch = list(range(max(len(v) for v in hist.history.values())))
        model.history = hist
    return model
