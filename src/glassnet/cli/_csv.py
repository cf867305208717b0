"""Reading a user's CSV file for ``glassnet train``: numeric features and a target column.

The file has a header row; every feature column must hold numbers. The target may hold class
names (any text), integer classes, or - with ``--task regression`` - real numbers. Problems are
reported as one :class:`~glassnet.cli._common.CLIError` line naming the file, the line and the
column.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from glassnet._suggest import did_you_mean
from glassnet.cli._common import CLIError

#: Most distinct whole-number values a target may have to be read as classes with --task auto.
MAX_AUTO_CLASSES = 20


@dataclass
class CSVData:
    """A CSV file split into numeric features and a target.

    Attributes
    ----------
    X : ndarray, shape (n, d), float64
    y : ndarray, shape (n,)
        int64 class indices ``0..k-1`` (classification) or float64 values (regression).
    feature_names : list of str, length d
    target : str
        Name of the target column.
    task : {"classification", "regression"}
    classes : list, length k
        The original class labels (str or int) in index order; empty for regression.
    lines : ndarray, shape (n,)
        Line number of each sample in the file (for messages and predictions.csv).
    other_columns : list of str
        The file's columns that are not features (the target, excluded columns).
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    target: str
    task: str
    classes: list = field(default_factory=list)
    lines: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    other_columns: list[str] = field(default_factory=list)


def _read_rows(path: Path, delimiter: str, min_columns: int = 2
               ) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows (whitespace-stripped) and their line numbers; blank lines skipped."""
    if not path.exists():
        raise CLIError(f"CSV file not found: {str(path)!r}")
    if path.is_dir():
        raise CLIError(f"{str(path)!r} is a folder, not a CSV file")
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh, delimiter=delimiter)
            rows, lines = [], []
            for row in reader:
                if not row or all(not cell.strip() for cell in row):
                    continue
                rows.append([cell.strip() for cell in row])
                lines.append(reader.line_num)
    except UnicodeDecodeError:
        raise CLIError(f"{path}: not a UTF-8 text file; glassnet train reads CSV text "
                       "files") from None
    except csv.Error as exc:
        raise CLIError(f"{path}: not a valid CSV file ({exc})") from None
    if not rows:
        raise CLIError(f"{path}: the file is empty; expected a header row and data rows")
    header, data, data_lines = rows[0], rows[1:], lines[1:]
    if any(not name for name in header):
        pos = header.index("") + 1
        raise CLIError(f"{path}: column {pos} of the header row has no name")
    dupes = sorted({name for name in header if header.count(name) > 1})
    if dupes:
        raise CLIError(f"{path}: the header names column(s) {', '.join(map(repr, dupes))} more "
                       "than once")
    if len(header) < min_columns:
        raise CLIError(f"{path}: the header has only 1 column; expected features and a target "
                       f"(is the delimiter {delimiter!r} right? see --delimiter)")
    if not data:
        raise CLIError(f"{path}: no data rows after the header")
    for row, line in zip(data, data_lines, strict=True):
        if len(row) != len(header):
            raise CLIError(f"{path}, line {line}: {len(row)} fields, but the header has "
                           f"{len(header)} columns")
    return header, data, data_lines


def _numbers(path: Path, name: str, cells: list[str], lines: list[int], what: str
             ) -> np.ndarray:
    """One column as float64, or a CLIError naming the first cell that is not a number."""
    values = np.empty(len(cells), dtype=np.float64)
    for i, (cell, line) in enumerate(zip(cells, lines, strict=True)):
        if cell == "":
            raise CLIError(f"{path}, line {line}: missing value in column {name!r}")
        try:
            v = float(cell)
        except ValueError:
            raise CLIError(f"{path}, line {line}: column {name!r} must hold numbers ({what}), "
                           f"got {cell!r}") from None
        if not math.isfinite(v):
            raise CLIError(f"{path}, line {line}: column {name!r} holds {cell!r}; values must "
                           "be finite numbers")
        values[i] = v
    return values


def read_csv(path: str | Path, target: str, features: list[str] | None = None,
             task: str = "auto", delimiter: str = ",", exclude: list[str] | None = None
             ) -> CSVData:
    """Read ``path`` into numeric features and an encoded target.

    Parameters
    ----------
    path : str or Path
        CSV file with a header row.
    target : str
        Name of the target column.
    features : list of str, optional
        Feature columns to use (default: every column but the target and ``exclude``).
    task : {"auto", "classification", "regression"}
        ``auto`` reads text targets and whole numbers with at most
        :data:`MAX_AUTO_CLASSES` distinct values as classes, and refuses anything else (pass
        ``regression`` for a continuous target).
    delimiter : str
        Field separator.
    exclude : list of str, optional
        Columns left out of the features (identifiers, text columns, other targets).

    Returns
    -------
    CSVData
    """
    path = Path(path)
    header, data, lines = _read_rows(path, delimiter)
    if target not in header:
        raise CLIError(f"{path}: no target column {target!r}{did_you_mean(target, header)}; "
                       f"the columns are {', '.join(header)}")
    exclude = list(exclude or [])
    check_columns(path, header, exclude, "--exclude")
    if target in exclude:
        raise CLIError(f"--exclude names the target column {target!r}; the target is never a "
                       "feature, leave it out of --exclude")
    if features is None:
        features = [name for name in header if name != target and name not in exclude]
    else:
        check_columns(path, header, features, "--features")
        if target in features:
            raise CLIError(f"the target column {target!r} cannot also be a feature")
        both = [name for name in features if name in exclude]
        if both:
            raise CLIError(f"column(s) {', '.join(map(repr, both))} are in both --features "
                           "and --exclude")
    columns = {name: [row[j] for row in data] for j, name in enumerate(header)}
    X = np.column_stack([_numbers(path, name, columns[name], lines, "a feature")
                         for name in features]) if features else None
    if X is None:
        raise CLIError(f"{path}: no feature columns besides the target {target!r}")
    y, task, classes = _encode_target(path, target, columns[target], lines, task)
    return CSVData(X=X, y=y, feature_names=list(features), target=target, task=task,
                   classes=classes, lines=np.asarray(lines, dtype=np.int64),
                   other_columns=[name for name in header if name not in features])


def check_columns(path: Path, header: list[str], names: list[str], flag: str) -> None:
    """A CLIError naming the ``names`` that are not columns of ``header``, with suggestions."""
    missing = [name for name in names if name not in header]
    if missing:
        hints = "".join(did_you_mean(name, header) for name in missing)
        raise CLIError(f"{path}: {flag} names no column(s) {', '.join(map(repr, missing))}"
                       f"{hints}; the columns are {', '.join(header)}")


def _encode_target(path: Path, name: str, cells: list[str], lines: list[int], task: str):
    """Target cells -> (y, task, classes)."""
    for cell, line in zip(cells, lines, strict=True):
        if cell == "":
            raise CLIError(f"{path}, line {line}: missing value in the target column {name!r}")
    try:
        values = np.array([float(c) for c in cells])
        numeric = bool(np.isfinite(values).all())
    except ValueError:
        values, numeric = None, False

    if task == "regression":
        if not numeric:
            _numbers(path, name, cells, lines, "a regression target")   # raises with the line
        return values, "regression", []

    if numeric:
        whole = bool(np.all(values == np.round(values)))
        distinct = np.unique(values)
        if task == "auto" and (not whole or len(distinct) > MAX_AUTO_CLASSES):
            kind = "non-integer" if not whole else "integer"
            raise CLIError(f"target column {name!r} holds {len(distinct)} distinct {kind} "
                           "values, which looks continuous: pass --task regression (or --task "
                           "classification to treat each value as a class)")
        classes = [int(v) for v in distinct] if whole else [float(v) for v in distinct]
        y = np.searchsorted(distinct, values).astype(np.int64)
    else:
        distinct = np.unique(np.array(cells))
        classes = [str(c) for c in distinct]
        y = np.searchsorted(distinct, np.array(cells)).astype(np.int64)
    if len(classes) < 2:
        only = np.asarray(classes[0]).item()
        raise CLIError(f"target column {name!r} holds a single class {only!r}; "
                       "classification needs at least 2")
    return y, "classification", classes
