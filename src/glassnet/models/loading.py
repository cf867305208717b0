"""``load_model``: a :class:`~glassnet.models.sequential.Sequential` back from its file.

The file is read through :class:`~glassnet.models.file_reader.ModelArchive`, which has already
bounded every size the file claims by its real size. Before anything is built, the architecture's
parameter count (exact for the built-in layers) is checked against the bytes the parameter
members claim, so building allocates at most about what the file really holds (``1100`` times its
size at the very most). Each array is then read only after its ``.npy`` header declared exactly
the shape and dtype the rebuilt layer expects and a data size equal to what the member holds.

This module imports ``Sequential``; :mod:`glassnet.models.serialization` (saving) does not, and
``Sequential`` imports only the saving side, so the two never import each other.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np

from glassnet.errors import ModelFileError
from glassnet.models.file_reader import ModelArchive
from glassnet.models.file_schema import expect
from glassnet.models.sequential import Sequential

__all__ = ["load_model"]


def _param_estimate(layer, shape: tuple[int, ...]) -> int:
    """Parameters a built-in layer allocates for inputs of per-sample ``shape`` (else 0)."""
    kind = type(layer).__name__
    if kind == "Dense":
        return layer.units * (math.prod(shape) + 1)
    if kind == "Conv2D" and shape:
        kh, kw = layer.kernel_size
        return layer.filters * (shape[0] * kh * kw + 1)
    return 0


def _rebuild(doc: dict[str, Any], n_stored: int) -> Sequential:
    """The model of ``doc['model']``, built with fresh weights, once its size is known to fit
    in the ``n_stored`` bytes the parameter members claim (already bounded by the file's size)."""
    from glassnet import layers as layers_mod

    m = doc["model"]
    dtype = np.dtype(m["dtype"])
    try:
        layers = [layers_mod.get_class(s["class"])(**s["config"]) for s in m["layers"]]
        shape, total = tuple(m["input_shape"]), 0
        for layer in layers:                # bound the size before allocating anything
            total += _param_estimate(layer, shape)
            shape = tuple(layer.compute_output_shape(shape))
        expect(total * dtype.itemsize <= n_stored,
               f"the architecture needs about {total} parameters but the file holds only "
               f"{n_stored // dtype.itemsize}")
        model = Sequential(layers, seed=m["seed"], dtype=dtype, name=m["name"])
        model.build(tuple(m["input_shape"]))
    except (ModelFileError, MemoryError):
        raise
    except Exception as exc:                # anything the layer constructors refuse
        raise ModelFileError(f"invalid glassnet model file: the architecture cannot be "
                             f"rebuilt ({type(exc).__name__}: {str(exc)[:300]})") from exc
    return model


def _optimizer(model: Sequential, comp: dict[str, Any]):
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
    expect(set(opt_doc["state_keys"]) == used,
           f"optimizer state {sorted(opt_doc['state_keys'])} does not match what "
           f"{opt_doc['class']} keeps after {opt_doc['iterations']} steps ({sorted(used)})")
    return opt


def _check_numbering(numbers: list[int], n: int, what: str, group: str) -> None:
    expect(numbers == list(range(n)), f"expected {n} {what} arrays, found {len(numbers)} "
                                      f"({group}/0.npy ... must be numbered without gaps)")


def load_model(path: str | os.PathLike) -> Sequential:
    """Read a model written by :meth:`Sequential.save`.

    Parameters
    ----------
    path : str or os.PathLike
        A regular file (or a symlink to one).

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
        If it is not a regular file (a folder, a FIFO, a device) or not a valid glassnet model
        file (a pickle, truncated, tampered with, claiming sizes it does not hold, or of another
        version); the message says what is wrong.
    """
    from glassnet.callbacks import History

    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    with ModelArchive(os.fspath(path)) as archive:
        doc = archive.read_document()
        numbers = {g: archive.numbered(g) for g in ("params", "optimizer")}
        stored = sum(archive.claimed_size(f"params/{k}.npy") for k in numbers["params"])
        model = _rebuild(doc, stored)
        targets = [p for layer in model.layers for p in layer.params.values()]
        _check_numbering(numbers["params"], len(targets), "parameter", "params")
        comp = doc["compile"]
        keys = comp["optimizer"]["state_keys"] if comp is not None else []
        _check_numbering(numbers["optimizer"], len(keys), "optimizer", "optimizer")
        for k, t in enumerate(targets):
            t[...] = archive.read_array(f"params/{k}.npy", t.shape, t.dtype)
        if comp is not None:
            opt = _optimizer(model, comp)
            flat = model._flat_params
            state = {key: archive.read_array(f"optimizer/{k}.npy", flat.shape, flat.dtype)
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

