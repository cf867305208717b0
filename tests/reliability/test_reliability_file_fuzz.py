"""Fuzzing ``load_model``: random bytes, mutated bytes, and structural mutations of a valid file.

Whatever the file holds, ``load_model`` either returns a working model or raises
``ModelFileError`` (a ``ValueError``), ``TypeError`` or ``FileNotFoundError`` with a message; never
a ``KeyError``/``AttributeError``/``MemoryError`` from deep inside, and never runs code (pickled
payloads would create a marker file). A model that loads must predict and train one epoch.
Inputs found by these fuzzers that broke an earlier loader are kept in ``corpus/``.
"""

from __future__ import annotations

import io
import json
import math
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_helpers import (
    FUZZ,
    CreatesMarker,
    data,
    fitted,
    npy_bytes,
    npy_with_header,
    zip_members,
)

import glassnet as gn

SETTINGS = settings(**FUZZ, suppress_health_check=[HealthCheck.too_slow])
ALLOWED = (ValueError, TypeError, FileNotFoundError)
X, YB, YC = data()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def valid(workdir):
    """The bytes and members of two valid files: Adam (with state) and plain SGD (none)."""
    out = []
    for kind in ("softmax", "binary"):
        path = workdir / f"valid-{kind}.glassnet"
        fitted(kind).save(path)
        out.append((path.read_bytes(), zip_members(path), kind))
    return out


def check_load(path: Path, marker: Path, kind: str | None = None) -> None:
    """Load ``path``: an allowed error with a message, or a model that works."""
    try:
        model = gn.load_model(path)
    except ALLOWED as exc:
        assert str(exc).strip(), f"empty message from {type(exc).__name__}"
        return
    finally:
        assert not marker.exists(), "a pickled payload ran"
    # it loaded: it must be usable, and errors from here on are the documented ones
    x = X if model.input_shape == (3,) else np.zeros((4, *model.input_shape))
    out = model.predict(x)
    assert out.shape[0] == len(x) and np.isfinite(out).all()
    if model.loss is not None and model.input_shape == (3,) and kind is not None:
        y = YC if kind == "softmax" else YB
        try:
            model.fit(X, y, epochs=model.epoch + 1, initial_epoch=model.epoch, verbose=0)
        except (ValueError, TypeError, FloatingPointError) as exc:
            assert str(exc).strip()


# ---------------------------------------------------------------------------- raw bytes

PREFIXES = [b"", b"PK\x03\x04", b"PK\x05\x06", b"\x80\x04\x95", b"\x93NUMPY\x01\x00", b"{"]


@SETTINGS
@given(prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=600))
def test_random_bytes(workdir, prefix, body):
    path = workdir / "random.glassnet"
    path.write_bytes(prefix + body)
    check_load(path, workdir / "marker")


@SETTINGS
@given(which=st.integers(0, 1),
       flips=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)),
                      max_size=6),
       cut=st.one_of(st.none(), st.floats(0, 1)),
       insert=st.one_of(st.none(), st.tuples(st.floats(0, 1), st.binary(min_size=1,
                                                                       max_size=40))))
def test_mutated_bytes_of_a_valid_file(workdir, valid, which, flips, cut, insert):
    raw, _, kind = valid[which]
    b = bytearray(raw)
    for where, value in flips:
        b[int(where * len(b))] = value
    if insert is not None:
        at = int(insert[0] * len(b))
        b[at:at] = insert[1]
    if cut is not None:
        del b[int(cut * len(b)):]
    path = workdir / "mutated.glassnet"
    path.write_bytes(bytes(b))
    check_load(path, workdir / "marker", kind)


# ---------------------------------------------------------------------------- structure

JSON_LEAVES = st.one_of(
    st.none(), st.booleans(),
    st.sampled_from([0, 1, -1, 3, 2**31, 2**63, 10**30, -(2**63), 10**400]),
    st.integers(-5, 50),
    st.sampled_from([0.5, -1.0, 1e308, math.nan, math.inf, -math.inf]),
    st.sampled_from(["", "Dense", "Dropout", "Flatten", "os.system", "relu", "softmax",
                     "float64", "float16", "adam", "SGD", "Adam", "mse", "0/m", "0/v",
                     "Sequential", "glassnet"]),
    st.text(max_size=5),
)
JSON_VALUES = st.recursive(
    JSON_LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["units", "lr", "name", "x",
                                                             "activation", "class", "config",
                                                             "rate", "momentum"]), inner,
                                            max_size=3)),
    max_leaves=8,
)


def json_paths(obj, prefix=()):
    """Every path into a JSON document (tuples of keys and indices)."""
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += json_paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += json_paths(v, (*prefix, i))
    return out


@st.composite
def mutated_documents(draw, members):
    doc = json.loads(members["glassnet.json"])
    for _ in range(draw(st.integers(1, 3))):
        paths = json_paths(doc)[1:]
        path = draw(st.sampled_from(paths))
        parent = doc
        for key in path[:-1]:
            parent = parent[key]
        op = draw(st.sampled_from(["replace", "delete", "add"]))
        if op == "replace":
            parent[path[-1]] = draw(JSON_VALUES)
        elif op == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "units", "lr", "seed", "x"]))] = draw(
                JSON_VALUES)
        else:
            parent.append(draw(JSON_VALUES))
    return json.dumps(doc).encode()


DESCRS = ["'<f4'", "'<f8'", "'>f4'", "'<f2'", "'<i4'", "'|u1'", "'|b1'", "'<c8'", "'|O'",
          "'<U5'", "'|V4'", "[('a', '<f4')]", "{}", "1", "'<f4', 'x': 1"]


@st.composite
def npy_members(draw, marker):
    kind = draw(st.sampled_from(["header", "array", "pickle", "junk"]))
    if kind == "array":
        shape = tuple(draw(st.lists(st.integers(0, 6), max_size=3)))
        dtype = draw(st.sampled_from([np.float32, np.float64, np.int32, np.complex64, ">f4",
                                      np.bool_]))
        values = draw(st.sampled_from([0.0, 1.0, np.nan, np.inf]))
        arr = np.full(shape, values if np.dtype(dtype).kind in "fc" else 1, dtype=dtype)
        if draw(st.booleans()) and arr.ndim > 1:
            arr = np.asfortranarray(arr)
        return npy_bytes(arr)
    if kind == "pickle":
        return npy_bytes(np.array([CreatesMarker(marker)], dtype=object), allow_pickle=True)
    if kind == "junk":
        return draw(st.binary(max_size=200))
    dims = draw(st.lists(st.one_of(st.integers(-2, 8), st.sampled_from([2**31, 2**40, 10**18])),
                         max_size=4))
    shape = "(" + "".join(f"{d}, " for d in dims) + ")"
    fortran = draw(st.sampled_from(["False", "True", "1", "None"]))
    header = f"{{'descr': {draw(st.sampled_from(DESCRS))}, 'fortran_order': {fortran}, " \
             f"'shape': {shape}, }}"
    if draw(st.booleans()):
        header = header[: draw(st.integers(0, len(header)))]
    return npy_with_header(header, draw(st.binary(max_size=120)),
                           version=draw(st.sampled_from([1, 2])))


NAMES = ["params/0.npy", "params/1.npy", "params/3.npy", "params/4.npy", "params/9.npy",
         "optimizer/0.npy", "optimizer/1.npy", "optimizer/2.npy", "params/01.npy", "../x",
         "glassnet.json/", "params/", "x.py"]


@st.composite
def mutated_archives(draw, members, marker):
    members = dict(members)
    if draw(st.booleans()):
        members["glassnet.json"] = draw(mutated_documents(members))
    for _ in range(draw(st.integers(0 if len(members) else 1, 3))):
        op = draw(st.sampled_from(["set", "delete", "rename"]))
        if op == "set":
            members[draw(st.sampled_from(NAMES))] = draw(npy_members(marker))
        elif op == "delete" and members:
            members.pop(draw(st.sampled_from(sorted(members))))
        elif members:
            old = draw(st.sampled_from(sorted(members)))
            members[draw(st.sampled_from(NAMES))] = members.pop(old)
    method = draw(st.sampled_from([zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED]))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return buf.getvalue()


@SETTINGS
@given(which=st.integers(0, 1), seed=st.data())
def test_structural_mutations_of_a_valid_file(workdir, valid, which, seed):
    _, members, kind = valid[which]
    marker = workdir / "marker"
    payload = seed.draw(mutated_archives(members, marker))
    path = workdir / "structure.glassnet"
    path.write_bytes(payload)
    check_load(path, marker, kind)


@SETTINGS
@given(which=st.integers(0, 1), seed=st.data())
def test_json_mutations_alone(workdir, valid, which, seed):
    """Every field of the document replaced by wrong types, huge or negative numbers, ..."""
    _, members, kind = valid[which]
    members = {**members, "glassnet.json": seed.draw(mutated_documents(members))}
    path = workdir / "json.glassnet"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    path.write_bytes(buf.getvalue())
    check_load(path, workdir / "marker", kind)


def test_the_marker_payload_really_runs_when_unpickled(workdir):
    """Sanity check of the payload the fuzzers use: plain pickle does create the marker."""
    marker = workdir / "marker-check"
    pickle.loads(pickle.dumps(CreatesMarker(marker))).close()
    assert marker.exists()
