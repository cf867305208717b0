"""glassnet's model file: a zip of one JSON document and ``.npy`` arrays. Never a pickle.

Layout of ``model.glassnet``::

    glassnet.json            format, version, architecture, compile settings, training position
    params/<k>.npy           the k-th parameter array (``model.get_weights()[k]``)
    optimizer/<k>.npy        the k-th optimizer state array (e.g. Adam's m and v)

This module saves. Loading (:func:`glassnet.models.loading.load_model`, with
:mod:`glassnet.models.file_reader`) trusts nothing in the file: only a regular file, every size it
claims bounded by its real size, the JSON document checked against the exact schema of
:func:`check_document`, the architecture rebuilt only from registered layer classes after bounding
its size, every ``.npy`` header parsed before its bytes are read, never an unpickled array.

Saving writes a temporary file next to the target, flushes it to disk and renames it over the
target, so a crash mid-save never destroys the previous file. What the model holds is checked
against the format's limits (:mod:`glassnet.models.limits`) first, so a model that cannot be read
back is never written. The model is used only through its public attributes; this module does not
import :class:`~glassnet.models.sequential.Sequential` (which imports it).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import secrets
import zipfile
from typing import Any

import numpy as np

from glassnet.errors import ModelFileError
from glassnet.models.file_schema import FORMAT, VERSION, check_document
from glassnet.models.limits import check_layer_count, check_model_seed, check_name

_JSON = "glassnet.json"
__all__ = ["FORMAT", "VERSION", "ModelFileError", "check_document", "save_model"]


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
    _check_storable(model)
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


def _check_storable(model) -> None:
    """Refuse, with the attribute's name, what the format cannot hold (an attribute set by hand
    after the constructor checked it)."""
    check_name(model.name, "model.name")
    check_model_seed(model.seed, "model.seed")
    check_model_seed(model.fit_seed, "model.fit_seed")
    check_layer_count(len(model.layers))
    for i, layer in enumerate(model.layers):
        check_name(layer.name, f"model.layers[{i}].name")


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
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o666)
    except FileNotFoundError as exc:
        raise _about(exc, path, f"the folder {directory!r} does not exist") from None
    except OSError as exc:
        raise _about(exc, path, f"cannot write a file in the folder {directory!r}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise _about(exc, path, "cannot replace it") from None
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


def _about(exc: OSError, path: str, what: str) -> OSError:
    """``exc`` again, naming the path the user gave instead of the temporary file."""
    if exc.errno is None:
        return exc
    return type(exc)(exc.errno, f"{exc.strerror} ({what})", path)
