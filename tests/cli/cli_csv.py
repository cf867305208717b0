"""Reading and writing the CSV files of the command-line tests."""

from __future__ import annotations

import csv


def read_rows(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def write_rows(path, rows, columns=None):
    """Write dict rows (as read by :func:`read_rows`) with ``columns`` in that order."""
    columns = list(columns or rows[0])
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(columns)
        w.writerows([[r[c] for c in columns] for r in rows])
    return path
