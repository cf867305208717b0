"""The pieces under ``load_model`` and ``save``: the file reader, the format's limits, names."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import ModelFileError
from glassnet.models.file_reader import MAX_RATIO, ModelArchive, open_regular_file
from glassnet.models.limits import (
    MAX_NAME,
    LayerNames,
    check_layer_count,
    check_model_seed,
    check_name,
    name_problem,
)


@pytest.fixture
def saved(tmp_path):
    model = gn.Sequential([gn.layers.Dense(3, "relu"), gn.layers.Dense(1)], seed=0)
    model.compile(loss="mse", optimizer="adam")
    rng = np.random.default_rng(0)
    model.fit(rng.normal(size=(8, 2)), rng.normal(size=8), epochs=1, verbose=0)
    path = tmp_path / "m.glassnet"
    model.save(path)
    return path, model


def test_the_archive_knows_the_real_size_and_the_members(saved):
    path, model = saved
    with ModelArchive(str(path)) as archive:
        assert archive.size == os.path.getsize(path)
        assert archive.numbered("params") == [0, 1, 2, 3]
        assert archive.numbered("optimizer") == [0, 1]
        w = archive.read_array("params/0.npy", (2, 3), np.dtype(np.float32))
        assert sum(i.compress_size for i in archive.infos.values()) <= archive.size
    np.testing.assert_array_equal(w, model.get_weights()[0])


def test_read_array_refuses_another_shape_before_reading_the_data(saved):
    path, _ = saved
    with ModelArchive(str(path)) as archive, \
            pytest.raises(ModelFileError, match=r"params/0.npy has shape \(2, 3\) and dtype "
                                                r"float32, expected \(3, 2\) and float32"):
        archive.read_array("params/0.npy", (3, 2), np.dtype(np.float32))


def test_the_archive_closes_the_file_it_refuses(tmp_path):
    path = tmp_path / "m.glassnet"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("run.py", b"print(1)")
    fds_before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    for _ in range(5):
        with pytest.raises(ModelFileError, match=r"glassnet.json is missing"):
            ModelArchive(str(path))
    if fds_before is not None:
        assert len(os.listdir("/proc/self/fd")) == fds_before


def test_open_regular_file_reads_a_regular_file_and_names_what_else_it_got(tmp_path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"abc")
    with open_regular_file(str(path)) as fh:
        assert fh.read() == b"abc"
    with pytest.raises(FileNotFoundError, match=r"no model file at '.*nothing'"):
        open_regular_file(str(tmp_path / "nothing"))
    with pytest.raises(ModelFileError, match=r"is a folder"):
        open_regular_file(str(tmp_path))


def test_the_deflate_ratio_bound_holds_for_the_most_compressible_data():
    """``MAX_RATIO`` must admit every real file: zeros are what deflate compresses best."""
    import zlib

    raw = bytes(8 * 2**20)
    assert len(raw) <= MAX_RATIO * len(zlib.compress(raw, 9)) + 1024


@pytest.mark.parametrize("seed, expected", [(None, None), (0, 0), (np.uint64(7), 7),
                                            (2**128 - 1, 2**128 - 1)])
def test_check_model_seed_accepts_what_a_file_stores(seed, expected):
    assert check_model_seed(seed) == expected


@pytest.mark.parametrize("seed, error, match", [
    (2**128, ValueError, r"seed must be < 2\*\*128"),
    (-1, ValueError, r"seed must be >= 0, got -1"),
    (0.0, TypeError, r"seed must be an integer, got float"),
    (False, TypeError, r"seed must be an integer, got bool"),
])
def test_check_model_seed_refuses_the_rest(seed, error, match):
    with pytest.raises(error, match=match):
        check_model_seed(seed)


@pytest.mark.parametrize("name, problem", [
    ("", None), ("x" * MAX_NAME, None), ("ünï ✓", None),
    ("x" * (MAX_NAME + 1), "at most 1000 characters, got 1001"),
    ("a\tb", "printable text"), ("\x7f", "printable text"), ("\ud800", "printable text"),
    (b"bytes", "a str, got bytes"),
])
def test_name_problem(name, problem):
    found = name_problem(name)
    assert (found is None) if problem is None else (problem in found)


def test_check_name_and_layer_count_name_the_argument():
    with pytest.raises(TypeError, match=r"model.name must be a str, got int"):
        check_name(1, "model.name")
    check_layer_count(1000)
    with pytest.raises(ValueError, match=r"at most 1000 layers"):
        check_layer_count(1001)


def test_layer_names_are_unique_and_fit_the_limit():
    names = LayerNames()
    got = [names.take("dense") for _ in range(4)] + [names.take("dense_2"),
                                                      names.take("x" * MAX_NAME),
                                                      names.take("x" * MAX_NAME)]
    assert got[:4] == ["dense", "dense_1", "dense_2", "dense_3"]
    assert got[4] == "dense_2_1"
    assert got[6] == "x" * (MAX_NAME - 2) + "_1"
    assert len(set(got)) == len(got) and all(len(n) <= MAX_NAME for n in got)
