"""Rebuild the regression corpus of damaged and hostile model files (`*.bin`, `cases.json`).

Each file is one damaged or hostile input, with what the loader of the first commit did with it
(``old_loader`` in ``cases.json``). The fuzzers of ``test_reliability_file_fuzz.py``, run against
that loader, found the ``KeyError``, ``MemoryError``, tokenizer-error, ``zlib.error`` and NaN-weight
cases; the others (encryption, unknown compression, deep JSON, duplicates, pickles, ...) were
written by hand, and those the old loader already refused are kept as guards.
``test_reliability_files.py`` loads every file and expects a ``ModelFileError`` whose message
matches ``expect``, without running the pickled payloads (they would print a marker).

Run from the repository root to regenerate (the output is byte-for-byte reproducible)::

    PYTHONPATH=src python tests/reliability/corpus/make_corpus.py
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import tempfile
import warnings
import zipfile
import zlib
from pathlib import Path

import numpy as np

import glassnet as gn
from glassnet.layers import Dense, Dropout

HERE = Path(__file__).resolve().parent
STAMP = (2024, 1, 1, 0, 0, 0)
MARKER = "GLASSNET-CORPUS-PAYLOAD-RAN"      # printed if a payload were ever unpickled


class PrintsMarker:
    """Unpickling this prints MARKER (harmless, and visible to the test)."""

    def __reduce__(self):
        return print, (MARKER,)


def base_members() -> dict[str, bytes]:
    """The members of a small trained model's file (Adam, dropout, history)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 4))
    model = gn.Sequential([Dense(5, "relu"), Dropout(0.2), Dense(3, "softmax")], seed=0)
    model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(X, np.argmax(X[:, :3], axis=1), epochs=2, batch_size=5, verbose=0)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "base.glassnet"
        model.save(path)
        with zipfile.ZipFile(path) as zf:
            return {name: zf.read(name) for name in zf.namelist()}


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, payload in members.items():
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = method
            zf.writestr(info, payload)
    return buf.getvalue()


def with_doc(members: dict[str, bytes], edit) -> dict[str, bytes]:
    doc = json.loads(members["glassnet.json"])
    edit(doc)
    return {**members, "glassnet.json": json.dumps(doc).encode()}


def npy(arr, allow_pickle: bool = False) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


def npy_header(header: str, payload: bytes = b"") -> bytes:
    text = header.encode("latin1")
    text += b" " * (-(len(text) + 11) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + payload


def patch_central(data: bytes, name: str, flag: int | None = None,
                  method: int | None = None) -> bytes:
    """Set the flag bits / compression method of member ``name`` in both zip headers."""
    out = bytearray(data)
    raw = name.encode()
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        n = struct.unpack_from("<H", out, pos + 28)[0]
        if bytes(out[pos + 46:pos + 46 + n]) == raw:
            local = struct.unpack_from("<I", out, pos + 42)[0]
            for off, flag_at, method_at in ((pos, 8, 10), (local, 6, 8)):
                if flag is not None:
                    struct.pack_into("<H", out, off + flag_at, flag)
                if method is not None:
                    struct.pack_into("<H", out, off + method_at, method)
        pos = out.find(b"PK\x01\x02", pos + 4)
    return bytes(out)


def corrupt_deflate(data: bytes, name: str) -> bytes:
    """Flip the first byte of ``name``'s compressed data that makes inflating it fail."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
    start = info.header_offset + 30 + len(name.encode()) + len(info.extra)
    for i in range(start + 2, start + info.compress_size):
        out = bytearray(data)
        out[i] ^= 0xFF
        try:
            zlib.decompress(bytes(out[start:start + info.compress_size]), -15)
        except zlib.error:
            return bytes(out)
    raise RuntimeError("no corrupting byte found")


def cases(m: dict[str, bytes]) -> dict[str, tuple[bytes, str, str]]:
    """name -> (file bytes, what the old loader did, regex the error must match)."""
    w = m["params/0.npy"]
    shape0 = np.lib.format.read_array(io.BytesIO(w)).shape
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    return {
        "missing-model-seed": (zip_bytes(with_doc(m, lambda d: d["model"].pop("seed"))),
                               "KeyError('seed')", r"model lacks \['seed'\]"),
        "missing-fit-seed": (zip_bytes(with_doc(m, lambda d: d["training"].pop("fit_seed"))),
                             "KeyError('fit_seed')", r"training lacks \['fit_seed'\]"),
        "missing-compile": (zip_bytes(with_doc(m, lambda d: d.pop("compile"))),
                            "KeyError('compile')", r"the document lacks \['compile'\]"),
        "foreign-state-key": (zip_bytes(with_doc(m, lambda d: d["compile"]["optimizer"].update(
            state_keys=["0/m", "0/x"]))), "loaded, then KeyError('v') in the next fit",
            r"optimizer state \['0/m', '0/x'\] does not match what Adam keeps"),
        "negative-fit-seed": (zip_bytes(with_doc(m, lambda d: d["training"].update(fit_seed=-5))),
                              "loaded, then a bare numpy ValueError deep inside the next fit",
                              r"training.fit_seed must be None or an integer >= 0"),
        "bool-version": (zip_bytes(with_doc(m, lambda d: d.update(version=True))),
                         "accepted true as version 1",
                         r"version must be a non-negative integer, got 'True'"),
        "huge-npy-shape": (zip_bytes({**m, "params/0.npy": npy_header(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000000000000,), }")}),
            "MemoryError", r"params/0.npy has shape \(1000000000000000000,\) and dtype float32, "
                           rf"expected \({shape0[0]}, {shape0[1]}\)"),
        "huge-architecture": (zip_bytes(with_doc(m, lambda d: d["model"]["layers"][0]["config"]
                                                 .update(units=2**31))),
                              "MemoryError while building the model",
                              r"the architecture needs about \d+ parameters but the file holds "
                              r"only \d+"),
        "unterminated-npy-header": (zip_bytes({**m, "params/1.npy": npy_header(
            "{'descr': '<f4', 'fortran_order': False, 'shape': (5, ")}),
            "tokenize.TokenError", r"array 'params/1.npy' in the model file is damaged"),
        "nan-weights": (zip_bytes({**m, "params/0.npy": npy(np.full(shape0, np.nan, np.float32))}),
                        "loaded, then DivergenceError in the next fit",
                        r"params/0.npy holds \d+ NaN or infinite values"),
        "deep-json": (zip_bytes({**m, "glassnet.json": deep}), "RecursionError",
                      r"unreadable JSON"),
        "duplicate-json-keys": (zip_bytes({**m, "glassnet.json": m["glassnet.json"][:-1]
                                           + b', "version": 1}'}), "accepted",
                                r"unreadable JSON .*repeated keys"),
        "encrypted-member": (patch_central(zip_bytes(m, zipfile.ZIP_STORED), "params/2.npy",
                                           flag=0x1), "RuntimeError('... is encrypted')",
                             r"member 'params/2.npy' is encrypted"),
        "unknown-compression": (patch_central(zip_bytes(m), "glassnet.json", method=99),
                                "NotImplementedError", r"member 'glassnet.json' uses an "
                                                       r"unsupported compression method"),
        "corrupt-deflate": (corrupt_deflate(zip_bytes(m), "params/0.npy"), "zlib.error",
                            r"member 'params/0.npy' of the model file is damaged"),
        "duplicate-member": (_duplicate(m), "accepted (the last copy won)",
                             r"the archive repeats a member name"),
        "pickle-file": (pickle.dumps(PrintsMarker()), "refused",
                        r"not a glassnet model file .*never loads pickles"),
        "pickle-in-npy": (zip_bytes({**m, "optimizer/0.npy": npy(np.array([PrintsMarker()]),
                                                                  allow_pickle=True)}),
                          "refused", r"array 'optimizer/0.npy' in the model file is damaged: "
                                     r"it holds Python objects"),
        "layer-class-path": (zip_bytes(with_doc(m, lambda d: d["model"]["layers"][0].update(
            {"class": "os.system"}))), "refused", r"unknown layer type 'os.system'"),
        "version-2": (zip_bytes(with_doc(m, lambda d: d.update(version=2))), "refused",
                      r"version 2 is not supported .*newer glassnet"),
        "truncated": (zip_bytes(m)[: len(zip_bytes(m)) // 2], "refused",
                      r"is not a glassnet model file"),
    }


def _duplicate(m: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, payload in [*m.items(), ("params/1.npy", m["params/1.npy"])]:
            info = zipfile.ZipInfo(name, date_time=STAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")     # zipfile warns "Duplicate name"
                zf.writestr(info, payload)
    return buf.getvalue()


def main() -> None:
    manifest = {}
    for name, (payload, old, expect) in cases(base_members()).items():
        (HERE / f"{name}.bin").write_bytes(payload)
        manifest[f"{name}.bin"] = {"old_loader": old, "expect": expect}
    (HERE / "cases.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print(f"wrote {len(manifest)} files to {HERE}")


if __name__ == "__main__":
    main()
