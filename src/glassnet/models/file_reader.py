"""Reading a model file nobody vouches for: bounded by its real size before anything is allocated.

:class:`ModelArchive` opens the path once and checks, in this order, before it builds or allocates
anything from what the file claims:

1. it is a regular file: opened with ``O_NONBLOCK`` (a FIFO does not block) and checked with
   ``os.fstat`` *after* opening, so a symlink to ``/dev/zero``, a FIFO, a folder or a device is a
   :class:`~glassnet.errors.ModelFileError` at once and the size that bounds everything below is
   that of the file really opened;
2. its zip directory: only the members of the format, stored or deflated, not encrypted, each
   lying inside the file, their compressed sizes adding up to at most the file's size (members
   cannot overlap), and each claimed uncompressed size at most what deflate can make of its
   compressed bytes (``file_size <= 1100 * compress_size + 1024``). A file of ``n`` bytes therefore
   claims at most about ``1100 n`` bytes in all, whatever its directory says;
3. each ``.npy`` header, parsed here (never by ``np.load``) from the member's first bytes: the
   exact dtype and shape the caller expects, and a data size equal to what the member claims,
   before the rest of its bytes are read.

Every read is then bounded by the checked claim (``read(limit + 1)``), and the data must have the
claimed size, so a file of at most 1 KB costs at most about a megabyte, whatever it says.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import stat
import warnings
import zipfile
from typing import Any

import numpy as np

from glassnet.errors import ModelFileError
from glassnet.models.file_schema import check_document, expect

JSON_NAME = "glassnet.json"
MEMBER = re.compile(r"^(params|optimizer)/(0|[1-9]\d{0,5})\.npy$")
MAX_JSON = 1 << 20               # bytes of JSON
MAX_NPY_HEADER = 1 << 16         # bytes of .npy header (numpy's own limit is 10,000 characters)
MAX_RATIO = 1100                 # deflate cannot expand data more than ~1032 times
_KINDS = [(stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket")]


def open_regular_file(path: str) -> io.BufferedReader:
    """``path`` opened for reading, after checking (on the open file) that it is a regular file.

    Raises
    ------
    FileNotFoundError
        If nothing is at ``path`` (or a symlink there points nowhere).
    ModelFileError
        If it is anything but a regular file: a folder, a FIFO, a device (``/dev/zero`` behind a
        symlink), a socket.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) \
        | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileNotFoundError(f"no model file at {path!r}") from None
    except (IsADirectoryError, PermissionError):
        if os.path.isdir(path):          # Windows cannot open a folder at all
            raise ModelFileError(f"{path!r} is a folder, not a glassnet model file") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            what = next((label for test, label in _KINDS if test(mode)), "not a regular file")
            raise ModelFileError(f"{path!r} is {what}, not a glassnet model file; only regular "
                                 f"files are read")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


class ModelArchive:
    """The members of a model file, every claimed size checked against the file's real size.

    Use as a context manager: ``with ModelArchive(path) as archive: ...``.

    Attributes
    ----------
    size : int
        The file's size in bytes, from ``fstat`` of the open file.
    infos : dict[str, zipfile.ZipInfo]
        The checked members by name.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._fh = open_regular_file(path)
        try:
            self.size = os.fstat(self._fh.fileno()).st_size
            try:
                self._zip = zipfile.ZipFile(self._fh, "r")
            except (PermissionError, MemoryError):
                raise
            except Exception as exc:        # any failure to parse the directory: not our file
                raise ModelFileError(f"{path!r} is not a glassnet model file (not a readable "
                                     f"zip archive: {str(exc)[:200]}); glassnet never loads "
                                     f"pickles") from None
            self.infos = self._check_members()
        except BaseException:
            self._fh.close()
            raise

    def __enter__(self) -> ModelArchive:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        self._fh.close()

    # ------------------------------------------------------------------ the directory
    def _check_members(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        names = [i.filename for i in infos]
        expect(len(names) == len(set(names)), "the archive repeats a member name")
        expect(JSON_NAME in names, f"{JSON_NAME} is missing (is this a glassnet model file?)")
        extra = [n for n in names if n != JSON_NAME and not MEMBER.match(n)]
        expect(not extra, f"unexpected members {extra[:5]}")
        for info in infos:
            name = info.filename
            expect(not info.flag_bits & 0x1, f"member {name!r} is encrypted")
            expect(info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED),
                   f"member {name!r} uses an unsupported compression method")
            expect(info.header_offset + info.compress_size <= self.size,
                   f"member {name!r} claims {info.compress_size} bytes at offset "
                   f"{info.header_offset}, beyond the end of the {self.size}-byte file")
            expect(info.file_size <= MAX_RATIO * info.compress_size + 1024,
                   f"member {name!r} claims an impossible size")
        packed = sum(i.compress_size for i in infos)
        expect(packed <= self.size, f"the members claim {packed} compressed bytes in all, more "
                                    f"than the whole file ({self.size} bytes)")
        return {i.filename: i for i in infos}

    def numbered(self, group: str) -> list[int]:
        """The sorted numbers ``k`` of the members ``<group>/<k>.npy``."""
        return sorted(int(n.split("/")[1][:-4]) for n in self.infos if n.startswith(group + "/"))

    def claimed_size(self, name: str) -> int:
        """The uncompressed size the directory claims for member ``name`` (already bounded)."""
        return self.infos[name].file_size if name in self.infos else 0

    # ------------------------------------------------------------------ reading
    def read(self, name: str, limit: int) -> bytes:
        """All bytes of member ``name``, refused if it claims (or holds) more than ``limit``."""
        info = self.infos[name]
        expect(info.file_size <= limit, f"member {name!r} is {info.file_size} bytes, more than "
                                        f"the {limit} it can hold")
        return self._read(info, limit)

    def _read(self, info: zipfile.ZipInfo, limit: int, exact: bool = True) -> bytes:
        try:
            with self._zip.open(info) as fh:
                data = fh.read(limit + 1) if exact else fh.read(limit)
        except MemoryError:
            raise
        except Exception as exc:            # CRC, zlib, truncation, bad local header ...
            raise ModelFileError(f"member {info.filename!r} of the model file is damaged: "
                                 f"{exc}") from None
        if exact:
            expect(len(data) == info.file_size, f"member {info.filename!r} is damaged "
                                                f"(wrong size)")
        return data

    def read_document(self) -> dict[str, Any]:
        """The checked JSON document (see :func:`~glassnet.models.file_schema.check_document`)."""
        data = self.read(JSON_NAME, MAX_JSON)
        try:
            doc = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicate_keys)
        except (ValueError, RecursionError) as exc:
            raise ModelFileError(f"invalid glassnet model file: unreadable JSON "
                                 f"({str(exc)[:200]})") from None
        check_document(doc)
        return doc

    def read_array(self, name: str, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
        """Member ``name`` as an array that must have exactly ``dtype`` and ``shape`` and finite
        values; checked at the header, before its data is read. Never unpickles."""
        nbytes = math.prod(shape) * dtype.itemsize
        info = self.infos[name]
        limit = nbytes + MAX_NPY_HEADER
        expect(info.file_size <= limit, f"member {name!r} is {info.file_size} bytes, more than "
                                        f"the {limit} it can hold")
        prefix = self._read(info, min(info.file_size, MAX_NPY_HEADER + 16), exact=False)
        got_shape, fortran, got_dtype, offset = _parse_header(name, prefix)
        expect(got_dtype == dtype and got_shape == tuple(shape),
               f"{name} has shape {got_shape} and dtype {got_dtype}, expected {tuple(shape)} "
               f"and {dtype}")
        expect(info.file_size - offset == nbytes,
               f"{name} holds {info.file_size - offset} bytes of data, expected {nbytes} "
               f"(truncated?)")
        data = self._read(info, nbytes + offset)
        flat = np.frombuffer(data, dtype=dtype, count=math.prod(shape), offset=offset)
        n_bad = flat.size - int(np.count_nonzero(np.isfinite(flat)))
        expect(n_bad == 0, f"{name} holds {n_bad} NaN or infinite values")
        return np.array(flat.reshape(shape, order="F" if fortran else "C"), order="C")


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f"repeated keys in a JSON object: {sorted(set(keys))[:5]}")
    return dict(pairs)


def _parse_header(name: str, prefix: bytes) -> tuple[tuple[int, ...], bool, np.dtype, int]:
    """``(shape, fortran_order, dtype, data_offset)`` of a ``.npy`` header at the start of
    ``prefix``; an ``object`` dtype (a pickle) is refused here."""
    buf = io.BytesIO(prefix)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")   # numpy's "Python 2 header" fallback: refuse it
            version = np.lib.format.read_magic(buf)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(buf)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(buf)
            else:
                raise ValueError(f"unsupported .npy version {version[0]}.{version[1]}")
    except MemoryError:
        raise
    except Exception as exc:                # any malformed or cut header
        raise ModelFileError(f"array {name!r} in the model file is damaged: "
                             f"{str(exc)[:200]}") from None
    if dtype.hasobject:
        raise ModelFileError(f"array {name!r} in the model file is damaged: it holds Python "
                             f"objects (dtype {dtype}), which glassnet never unpickles")
    return tuple(int(s) for s in shape), bool(fortran), dtype, buf.tell()
