"""Safe model files: hostile and damaged files are refused without running code or allocating
what they ask for, the regression corpus stays fixed, and ``save`` never destroys a good file."""

from __future__ import annotations

import io
import json
import os
import pickle
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
from reliability_helpers import (
    CreatesMarker,
    data,
    fitted,
    npy_bytes,
    npy_with_header,
    softmax_model,
    write_zip,
    zip_members,
)

import glassnet as gn
from glassnet.errors import ModelFileError
from glassnet.models import serialization

CORPUS = Path(__file__).resolve().parent / "corpus"
CASES = json.loads((CORPUS / "cases.json").read_text())
X, YB, YC = data()


@pytest.fixture
def saved(tmp_path):
    """A trained softmax model (Adam state, history) saved at ``tmp_path/m.glassnet``."""
    path = tmp_path / "m.glassnet"
    fitted("softmax").save(path)
    return path


def edit_json(path, edit):
    members = zip_members(path)
    doc = json.loads(members["glassnet.json"])
    edit(doc)
    members["glassnet.json"] = json.dumps(doc).encode()
    write_zip(path, members)


# ---------------------------------------------------------------------------- regression corpus


def test_the_corpus_is_complete():
    assert sorted(CASES) == sorted(p.name for p in CORPUS.glob("*.bin"))
    assert len(CASES) >= 20


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_file_is_refused_cleanly(name, capsys):
    with pytest.raises(ModelFileError, match=CASES[name]["expect"]):
        gn.load_model(CORPUS / name)
    assert "PAYLOAD-RAN" not in capsys.readouterr().out      # no pickled payload ran


# ---------------------------------------------------------------------------- never run code


def test_a_pickle_is_refused_without_unpickling(tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "model.glassnet"
    path.write_bytes(pickle.dumps(CreatesMarker(marker)))
    assert pickle.loads(path.read_bytes()) is not None and marker.exists()   # the payload works
    marker.unlink()
    with pytest.raises(ModelFileError, match="never loads pickles"):
        gn.load_model(path)
    assert not marker.exists()


@pytest.mark.parametrize("member", ["params/0.npy", "params/3.npy", "optimizer/1.npy"])
def test_object_arrays_are_refused_at_the_header(saved, tmp_path, member):
    marker = tmp_path / "marker"
    members = zip_members(saved)
    members[member] = npy_bytes(np.array([CreatesMarker(marker)] * 3, dtype=object),
                                allow_pickle=True)
    write_zip(saved, members)
    with pytest.raises(ModelFileError, match=rf"'{member}' .* holds Python objects"):
        gn.load_model(saved)
    assert not marker.exists()


def test_a_pickle_behind_a_float_header_is_only_ever_bytes(saved, tmp_path):
    """A header that claims float32 in front of a pickle stream: read as numbers or refused."""
    marker = tmp_path / "marker"
    members = zip_members(saved)
    payload = pickle.dumps(CreatesMarker(marker))
    members["params/1.npy"] = npy_with_header(
        f"{{'descr': '<f4', 'fortran_order': False, 'shape': ({len(payload) // 4},), }}",
        payload[: len(payload) // 4 * 4])
    write_zip(saved, members)
    with pytest.raises(ModelFileError, match=r"params/1.npy has shape"):
        gn.load_model(saved)
    assert not marker.exists()


def test_layer_and_optimizer_classes_come_only_from_the_registries(saved):
    edit_json(saved, lambda d: d["compile"]["optimizer"].update({"class": "subprocess.Popen"}))
    with pytest.raises(ModelFileError, match=r"unknown optimizer class 'subprocess.Popen'"):
        gn.load_model(saved)


# ---------------------------------------------------------------------------- bounded resources


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return peak


@pytest.mark.parametrize("edit, match", [
    (lambda d: d["model"]["layers"][0]["config"].update(units=2**33),
     r"the architecture needs about \d+ parameters but the file holds only"),
    (lambda d: d["model"].update(input_shape=[2**23, 2**23, 1]),
     r"the architecture cannot be rebuilt|needs about"),
])
def test_a_huge_architecture_is_refused_before_any_allocation(saved, edit, match):
    edit_json(saved, edit)

    def load():
        with pytest.raises(ModelFileError, match=match):
            gn.load_model(saved)

    assert _peak_bytes(load) < 20 * 2**20


def test_a_huge_array_header_is_refused_before_any_allocation(saved):
    members = zip_members(saved)
    members["params/0.npy"] = npy_with_header(
        "{'descr': '<f4', 'fortran_order': False, 'shape': (4000000, 100000), }")
    write_zip(saved, members)

    def load():
        with pytest.raises(ModelFileError, match=r"params/0.npy has shape \(4000000, 100000\)"):
            gn.load_model(saved)

    assert _peak_bytes(load) < 20 * 2**20


def test_a_deflate_bomb_is_refused_without_inflating_it(saved):
    """64 MiB of zeros compress to 64 KiB: the member is larger than the array it must hold."""
    members = zip_members(saved)
    with zipfile.ZipFile(saved, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, payload in members.items():
            if name != "params/0.npy":
                zf.writestr(name, payload)
        with zf.open("params/0.npy", "w") as fh:
            block = bytes(2**20)
            for _ in range(64):
                fh.write(block)
    assert saved.stat().st_size < 2**20

    def load():
        with pytest.raises(ModelFileError, match=r"member 'params/0.npy' is \d+ bytes, more than"):
            gn.load_model(saved)

    assert _peak_bytes(load) < 20 * 2**20


@pytest.mark.parametrize("mutate, match", [
    (lambda m: m.update({"glassnet.json": b" " * (2**20 + 1)}), r"'glassnet.json' is \d+ bytes"),
    (lambda m: m.update({"params/../../x.npy": b""}), r"unexpected members"),
    (lambda m: m.update({"params/01.npy": m["params/0.npy"]}), r"unexpected members"),
    (lambda m: m.update({"params/7.npy": m["params/0.npy"]}), r"expected 4 parameter arrays, "
                                                              r"found 5"),
    (lambda m: m.pop("optimizer/1.npy"), r"expected 2 optimizer arrays, found 1"),
    (lambda m: m.pop("glassnet.json"), r"glassnet.json is missing"),
])
def test_unexpected_or_missing_members(saved, mutate, match):
    members = zip_members(saved)
    mutate(members)
    write_zip(saved, members)
    with pytest.raises(ModelFileError, match=match):
        gn.load_model(saved)


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_other_compression_methods_are_refused(saved, method):
    write_zip(saved, zip_members(saved), compression=method)
    with pytest.raises(ModelFileError, match=r"unsupported compression method"):
        gn.load_model(saved)


# ---------------------------------------------------------------------------- the schema


@pytest.mark.parametrize("edit, match", [
    (lambda d: d.update(extra=1), r"the document has unexpected keys \['extra'\]"),
    (lambda d: d["model"].update(input_shape=[3.0]), r"model.input_shape must be a list"),
    (lambda d: d["model"].update(input_shape=[True, 3]), r"model.input_shape must be a list"),
    (lambda d: d["model"].update(dtype="float16"), r"model.dtype must be 'float32' or"),
    (lambda d: d["model"].update(layers=[]), r"model.layers must be a list of 1 to 1000"),
    (lambda d: d["model"]["layers"][0].update(config=[5]), r"model.layers\[0\] must be an "),
    (lambda d: d["model"]["layers"][0]["config"].update(bias=1), r"unexpected keyword "
                                                                   r"argument 'bias'"),
    (lambda d: d["model"]["layers"][0]["config"].update(units="5"), r"units must be an integer"),
    (lambda d: d["compile"].update(loss="hinge"), r"bad compile settings .*unknown loss"),
    (lambda d: d["compile"]["optimizer"]["config"].update(lr=-1), r"lr must be > 0.0"),
    (lambda d: d["compile"]["optimizer"].update(iterations=-1), r"iterations must be an integer"),
    (lambda d: d["compile"]["optimizer"].update(iterations=0), r"optimizer state .* does not "
                                                               r"match"),
    (lambda d: d["training"].update(epoch="3"), r"training.epoch and training.step must be"),
    (lambda d: d.update(history={"loss": ["0.5"]}), r"history must be None or an object of "),
    (lambda d: d.update(history={"loss": [10**400]}), r"history must be None or an object of "),
    (lambda d: d["compile"]["optimizer"]["config"].update(lr=10**400), r"lr must be finite"),
    (lambda d: d.update(version="1"), r"version must be a non-negative integer, got '1'"),
    (lambda d: d.update(version=0), r"model file version 0 is not supported"),
    (lambda d: d.update(format="keras"), r"format must be 'glassnet', got 'keras'"),
])
def test_schema_violations(saved, edit, match):
    edit_json(saved, edit)
    with pytest.raises(ModelFileError, match=match):
        gn.load_model(saved)


@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_weights_or_optimizer_state_are_refused(saved, value):
    members = zip_members(saved)
    state = np.load(io.BytesIO(members["optimizer/1.npy"]))
    state[0] = value
    members["optimizer/1.npy"] = npy_bytes(state)
    write_zip(saved, members)
    with pytest.raises(ModelFileError, match=r"optimizer/1.npy holds 1 NaN or infinite value"):
        gn.load_model(saved)


def test_a_fortran_ordered_array_is_read_correctly(saved):
    members = zip_members(saved)
    W = np.load(io.BytesIO(members["params/0.npy"]))
    members["params/0.npy"] = npy_bytes(np.asfortranarray(W))
    write_zip(saved, members)
    np.testing.assert_array_equal(gn.load_model(saved).get_weights()[0], W)


def test_what_save_writes_passes_the_schema_check(saved):
    doc = json.loads(zip_members(saved)["glassnet.json"])
    serialization.check_document(doc)
    assert doc["format"] == "glassnet" and doc["version"] == serialization.VERSION


def test_a_convolutional_model_round_trips(tmp_path):
    from glassnet.layers import Conv2D, Dense, Flatten, MaxPool2D

    images = np.random.default_rng(0).normal(size=(6, 1, 8, 8))
    model = gn.Sequential([Conv2D(2, 3, activation="relu"), MaxPool2D(2), Flatten(),
                           Dense(3, "softmax")], seed=0)
    model.compile(loss="categorical_crossentropy", optimizer="adam")
    model.fit(images, np.arange(6) % 3, epochs=2, verbose=0)
    model.save(tmp_path / "conv.glassnet")
    loaded = gn.load_model(tmp_path / "conv.glassnet")
    np.testing.assert_array_equal(loaded.predict(images), model.predict(images))


# ---------------------------------------------------------------------------- atomic save


def _crash(*args, **kwargs):
    raise OSError("disk full")


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("target, replacement", [
    (np.lib.format, ("write_array", _crash)),
    (np.lib.format, ("write_array", _interrupt)),
    (os, ("fsync", _crash)),
    (os, ("replace", _interrupt)),
], ids=["disk-full-mid-write", "ctrl-c-mid-write", "fsync-fails", "ctrl-c-before-rename"])
def test_a_crash_mid_save_never_destroys_the_previous_file(tmp_path, monkeypatch, target,
                                                           replacement):
    path = tmp_path / "m.glassnet"
    old = fitted("binary")
    old.save(path)
    before = path.read_bytes()
    new = fitted("softmax")
    monkeypatch.setattr(target, *replacement)
    with pytest.raises((OSError, KeyboardInterrupt)):
        new.save(path)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["m.glassnet"], "a temporary file was left"
    assert path.read_bytes() == before
    np.testing.assert_array_equal(gn.load_model(path).predict(X), old.predict(X))


def test_save_syncs_the_data_before_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace",
                        lambda a, b: (calls.append("replace"), real_replace(a, b))[1])
    fitted("binary").save(tmp_path / "m.glassnet")
    assert calls[:2] == ["fsync", "replace"]


def test_a_saved_file_gets_the_usual_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        fitted("binary").save(tmp_path / "m.glassnet")
    finally:
        os.umask(old)
    assert (tmp_path / "m.glassnet").stat().st_mode & 0o777 == 0o644


def test_save_accepts_str_and_path_and_overwrites(tmp_path):
    a, b = fitted("binary"), softmax_model()
    b.fit(X, YC, epochs=1, verbose=0)
    a.save(str(tmp_path / "m.glassnet"))
    b.save(tmp_path / "m.glassnet")
    np.testing.assert_array_equal(gn.load_model(tmp_path / "m.glassnet").predict(X), b.predict(X))
