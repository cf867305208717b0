"""The JSON document inside a glassnet model file, and its exact schema.

Every key, type and bound is checked before anything is built from the document, so a hostile
or damaged file gives a :class:`~glassnet.errors.ModelFileError` with a message that says which
field is wrong.
"""

from __future__ import annotations

import re
from typing import Any

from glassnet.errors import ModelFileError
from glassnet.models.limits import MAX_LAYERS, SEED_LIMIT, name_problem

FORMAT = "glassnet"
VERSION = 1
_STATE_KEY = re.compile(r"^\d{1,4}/[a-z_]{1,32}$")

_SECTIONS = {
    "": {"format", "version", "model", "compile", "training", "history"},
    "model": {"class", "name", "seed", "dtype", "input_shape", "layers"},
    "compile": {"loss", "metrics", "optimizer"},
    "compile.optimizer": {"class", "config", "iterations", "state_keys"},
    "training": {"epoch", "step", "fit_seed"},
}


def expect(cond: bool, what: str) -> None:
    if not cond:
        raise ModelFileError(f"invalid glassnet model file: {what}")


def is_int(v: Any, low: int = 0, high: int = 2**64) -> bool:
    """An int (not a bool) with ``low <= v < high``."""
    return isinstance(v, int) and not isinstance(v, bool) and low <= v < high


def _keys(section: Any, where: str, optional: bool = False) -> None:
    label = where or "the document"
    if optional and section is None:
        return
    expect(isinstance(section, dict), f"{label} must be a JSON object, got "
                                       f"{type(section).__name__}")
    want = _SECTIONS[where]
    missing, extra = sorted(want - section.keys()), sorted(section.keys() - want)
    expect(not missing, f"{label} lacks {missing}")
    expect(not extra, f"{label} has unexpected keys {extra[:5]}")


def check_document(doc: Any) -> None:
    """Check the JSON document of a model file against the schema; raise ModelFileError if not."""
    expect(isinstance(doc, dict), f"the JSON document must be an object, got "
                                   f"{type(doc).__name__}")
    expect(doc.get("format") == FORMAT, f"format must be {FORMAT!r}, got "
                                         f"{str(doc.get('format'))[:40]!r}")
    version = doc.get("version")
    expect(is_int(version, 0, 2**31), f"version must be a non-negative integer, got "
                                        f"{str(version)[:40]!r}")
    if version != VERSION:
        newer = " (written by a newer glassnet; upgrade glassnet)" if version > VERSION else ""
        raise ModelFileError(f"model file version {version} is not supported (this glassnet "
                             f"reads version {VERSION}){newer}")
    _keys(doc, "")
    m = doc["model"]
    _keys(m, "model")
    expect(m["class"] == "Sequential", "model.class must be 'Sequential'")
    problem = name_problem(m["name"])
    expect(problem is None, f"model.name must be {problem}")
    expect(m["dtype"] in ("float32", "float64"), "model.dtype must be 'float32' or 'float64'")
    shape = m["input_shape"]
    expect(isinstance(shape, list) and 0 < len(shape) <= 4
            and all(is_int(s, 1, 1 << 24) for s in shape),
            "model.input_shape must be a list of 1 to 4 positive integers")
    expect(m["seed"] is None or is_int(m["seed"], 0, SEED_LIMIT), "model.seed must be None or an "
                                                                 "integer >= 0 and < 2**128")
    layers = m["layers"]
    expect(isinstance(layers, list) and 0 < len(layers) <= MAX_LAYERS,
            f"model.layers must be a list of 1 to {MAX_LAYERS} layers")
    for i, spec in enumerate(layers):
        expect(isinstance(spec, dict) and set(spec) == {"class", "config"}
                and isinstance(spec["class"], str) and isinstance(spec["config"], dict),
                f"model.layers[{i}] must be an object {{'class': str, 'config': object}}")
    comp = doc["compile"]
    _keys(comp, "compile", optional=True)
    if comp is not None:
        expect(isinstance(comp["loss"], str), "compile.loss must be a str")
        expect(isinstance(comp["metrics"], list) and len(comp["metrics"]) <= 100
                and all(isinstance(x, str) for x in comp["metrics"]),
                "compile.metrics must be a list of str")
        opt = comp["optimizer"]
        _keys(opt, "compile.optimizer")
        expect(isinstance(opt["class"], str) and isinstance(opt["config"], dict),
                "compile.optimizer needs a class (str) and a config (object)")
        expect(is_int(opt["iterations"], 0, 2**63), "compile.optimizer.iterations must be an "
                                                      "integer >= 0")
        keys = opt["state_keys"]
        expect(isinstance(keys, list) and len(keys) <= 100
                and all(isinstance(k, str) and _STATE_KEY.match(k) for k in keys)
                and len(set(keys)) == len(keys),
                "compile.optimizer.state_keys must be distinct names like '0/m'")
    tr = doc["training"]
    _keys(tr, "training")
    expect(is_int(tr["epoch"], 0, 2**63) and is_int(tr["step"], 0, 2**63),
            "training.epoch and training.step must be integers >= 0")
    expect(tr["fit_seed"] is None or is_int(tr["fit_seed"], 0, SEED_LIMIT),
            "training.fit_seed must be None or an integer >= 0 and < 2**128")
    hist = doc["history"]
    expect(hist is None or (isinstance(hist, dict) and all(
        isinstance(v, list) and all(isinstance(x, float) or is_int(x, -(2**1000), 2**1000)
                                    for x in v) for v in hist.values())),
        "history must be None or an object of lists of numbers")
