"""Your own data in the playground: a small CSV file of two numeric features and a label.

The file is parsed with NumPy (``np.loadtxt`` on the decoded text), never unpickled, and only
from the bytes the page sent (no file path comes from the page). Anything else gets an
:class:`UploadError` whose message the page shows.

Accepted: UTF-8 text, comma, semicolon or tab separated, an optional header line, exactly three
columns ``x1, x2, label``, at most ``MAX_BYTES`` bytes and ``MAX_ROWS`` rows. A label column of
whole numbers with at most ``MAX_CLASSES`` distinct values is a classification (the values,
sorted, become classes 0..k-1); any other numbers make a regression, scaled into [-1, 1].
The two features are centred and scaled into the page's square (see :func:`datasets.fit_square`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np

from glassnet.playground.datasets import FIT_RADIUS

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 100_000
MIN_ROWS = 4
MAX_CLASSES = 10


class UploadError(ValueError):
    """A CSV file the playground cannot use; the message says why."""


@dataclass
class UploadedData:
    """A parsed upload: points in the page's square, targets and how they were made."""

    X: np.ndarray                   # (n, 2) float64, in the drawn square
    y: np.ndarray                   # (n,) int64 classes or float64 targets in [-1, 1]
    task: str                       # "binary", "multiclass" or "regression"
    n_classes: int
    name: str
    classes: list = field(default_factory=list)      # the original label of each class
    centre: tuple[float, float] = (0.0, 0.0)          # X_page = (X_file − centre) · scale
    scale: float = 1.0
    y_range: tuple[float, float] = (-1.0, 1.0)        # regression: y_file range
    delimiter: str = ","
    header: bool = False


def _delimiter(line: str) -> str:
    for d in (",", ";", "\t"):
        if d in line:
            return d
    raise UploadError("the CSV file must have 3 columns (x1, x2, label) separated by commas; "
                      f"its first line has none: {line[:60]!r}")


def parse_csv(data: bytes, name: str = "upload.csv") -> UploadedData:
    """Parse an uploaded CSV file.

    Parameters
    ----------
    data : bytes
        The file's content.
    name : str
        Its name as the page gave it (shown in messages and the exported script only).

    Raises
    ------
    UploadError
        Too large, not UTF-8 text, not 3 numeric columns, too few or too many rows, non-finite
        numbers, a single class.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise UploadError(f"the upload must be bytes, got {type(data).__name__}")
    if len(data) > MAX_BYTES:
        raise UploadError(f"the file is {len(data) / 2**20:.1f} MB; the playground takes CSV "
                          f"files of at most {MAX_BYTES // 2**20} MB")
    if not data.strip():
        raise UploadError("the file is empty; expected CSV rows x1, x2, label")
    try:
        text = bytes(data).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(f"the file is not UTF-8 text (byte {exc.start}); expected a CSV "
                          f"file of x1, x2, label") from None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > MAX_ROWS + 1:
        raise UploadError(f"the file has {len(lines)} rows; the playground takes at most "
                          f"{MAX_ROWS} rows")
    delim = _delimiter(lines[0])
    first = [c.strip() for c in lines[0].split(delim)]
    try:
        [float(c) for c in first]
        skip = 0
    except ValueError:
        skip = 1                                   # a header line
    body = lines[skip:]
    if len(body) > MAX_ROWS:
        raise UploadError(f"the file has {len(body)} data rows; the playground takes at most "
                          f"{MAX_ROWS} rows")
    widths = {len(ln.split(delim)) for ln in lines[:1000]}
    if widths != {3}:
        raise UploadError(f"every row must have 3 columns (x1, x2, label); found rows of "
                          f"{', '.join(map(str, sorted(widths)))} columns")
    if len(body) < MIN_ROWS:
        raise UploadError(f"the file has {len(body)} data rows; at least {MIN_ROWS} are needed")
    try:
        table = np.loadtxt(io.StringIO("\n".join(body)), delimiter=delim, ndmin=2,
                           dtype=np.float64)
    except ValueError as exc:
        reason = " ".join(str(exc).split())
        raise UploadError(f"the CSV file must hold numbers only (after an optional header): "
                          f"{reason}") from None
    if table.shape[1] != 3:
        raise UploadError(f"every row must have 3 columns (x1, x2, label); got {table.shape[1]}")
    if not np.isfinite(table).all():
        raise UploadError("the CSV file holds NaN or infinite values; remove those rows")
    parsed = _prepare(table, name)
    parsed.delimiter, parsed.header = delim, bool(skip)
    return parsed


def _prepare(table: np.ndarray, name: str) -> UploadedData:
    X, labels = table[:, :2], table[:, 2]
    centre = (X.max(axis=0) + X.min(axis=0)) / 2
    extent = float(np.abs(X - centre).max())
    scale = FIT_RADIUS / extent if extent > 0 else 1.0
    Xp = (X - centre) * scale
    values = np.unique(labels)
    if np.all(values == np.round(values)) and len(values) <= MAX_CLASSES:
        if len(values) < 2:
            raise UploadError(f"the label column holds a single class ({values[0]:g}); "
                              f"at least 2 are needed")
        y = np.searchsorted(values, labels).astype(np.int64)
        task = "binary" if len(values) == 2 else "multiclass"
        return UploadedData(Xp, y, task, len(values), name, [float(v) for v in values],
                            (float(centre[0]), float(centre[1])), scale)
    lo, hi = float(labels.min()), float(labels.max())
    y = (labels - lo) / (hi - lo) * 2 - 1 if hi > lo else np.zeros_like(labels)
    return UploadedData(Xp, y, "regression", 1, name, [], (float(centre[0]), float(centre[1])),
                        scale, (lo, hi))
