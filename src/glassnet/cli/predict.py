"""``glassnet predict``: apply a model trained by ``glassnet train`` to a new CSV file.

The model's sidecar (``model.preprocessing.json``, written by ``glassnet train``) says which
columns it reads, how they were standardised and what its outputs mean. The new file must have
every feature column; columns the model has never seen are refused (``--allow-extra`` passes
them through), the training file's other columns (the target, ``--exclude``d ones) are copied to
the output. When the new file holds the target column too, the scores are printed.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.cli import _preprocessing
from glassnet.cli._common import CLIError, format_table

EXAMPLE = """\
examples:
  glassnet train --csv patients.csv --target diagnosis --exclude id --out run
  glassnet predict run/model.glassnet --csv new_patients.csv --out predictions.csv
  glassnet predict run/model.glassnet --csv new_patients.csv | head

The output has the file's columns, then predicted_<target> and, for classes, one probability
column per class. Without --out it goes to stdout.
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``predict`` on the sub-command parsers ``sub``."""
    p = sub.add_parser(
        "predict", help="apply a model trained by 'glassnet train' to a new CSV file",
        description="Read a model written by 'glassnet train' and the preprocessing saved next "
                    "to it, check the CSV file's columns against those it was trained on, and "
                    "write its predictions (class names or values).",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("model", metavar="MODEL", help="model file written by glassnet train")
    p.add_argument("--csv", metavar="FILE", required=True, help="CSV file with a header row")
    p.add_argument("--out", metavar="FILE", default=None,
                   help="where to write the predictions (default: stdout)")
    p.add_argument("--preprocessing", metavar="FILE", default=None,
                   help="the model's preprocessing file (default: MODEL's name with "
                        f"{_preprocessing.SUFFIX})")
    p.add_argument("--delimiter", default=",", help="CSV field separator (default: ,)")
    p.add_argument("--allow-extra", action="store_true",
                   help="copy columns the model was not trained with instead of refusing them")
    p.set_defaults(run=run)
    return p


def check_header(path: Path, header: list[str], prep: _preprocessing.Preprocessing,
                 allow_extra: bool) -> None:
    """Every feature column must be there; unknown columns only with ``allow_extra``."""
    from glassnet._suggest import did_you_mean

    missing = [c for c in prep.features if c not in header]
    known = {*prep.features, *prep.other_columns, prep.target}
    extra = [c for c in header if c not in known]
    problems = []
    if missing:
        hints = "".join(did_you_mean(c, extra) for c in missing)
        problems.append(f"missing column(s) {', '.join(map(repr, missing))}{hints}")
    if extra and not allow_extra:
        problems.append(f"extra column(s) {', '.join(map(repr, extra))} that the model was not "
                        "trained with (drop them or pass --allow-extra)")
    if problems:
        raise CLIError(f"{path}: {'; '.join(problems)}; the model reads the columns "
                       f"{', '.join(prep.features)}")


def run(args: argparse.Namespace) -> int:
    """Run ``glassnet predict``; returns the exit code."""
    from glassnet import load_model
    from glassnet.cli._csv import _numbers, _read_rows

    model_path = Path(args.model)
    prep_path = Path(args.preprocessing or _preprocessing.sidecar_path(model_path))
    model = load_model(model_path)
    prep = _preprocessing.load(prep_path)
    _preprocessing.check_model(prep, model, model_path, prep_path)

    path = Path(args.csv)
    header, data, lines = _read_rows(path, args.delimiter, min_columns=1)
    check_header(path, header, prep, args.allow_extra)
    col = {name: j for j, name in enumerate(header)}
    X = np.column_stack([_numbers(path, name, [r[col[name]] for r in data], lines, "a feature")
                         for name in prep.features])
    Xs = (X - np.asarray(prep.feature_mean)) / np.asarray(prep.feature_scale)
    out = model.predict(Xs).astype(np.float64)

    if prep.task == "regression":
        values = out[:, 0] * prep.target_scale + prep.target_mean
        predicted = [f"{v:.6g}" for v in values]
        proba_cols: list[str] = []
        proba = np.zeros((len(X), 0))
    else:
        proba = np.column_stack([1.0 - out[:, 0], out[:, 0]]) if out.shape[1] == 1 else out
        index = proba.argmax(axis=1)
        predicted = [str(prep.classes[i]) for i in index]
        proba_cols = [f"probability_{c}" for c in prep.classes]

    columns = [*header, f"predicted_{prep.target}", *proba_cols]
    fh = sys.stdout if args.out is None else _open(args.out)
    try:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(columns)
        for i, row in enumerate(data):
            w.writerow([*row, predicted[i], *(f"{p:.6f}" for p in proba[i])])
    finally:
        if fh is not sys.stdout:
            fh.close()
    message = f"{len(data)} predictions of {prep.target!r} by {model_path}"
    if args.out is not None:
        message += f" written to {args.out}"
    print(message, file=sys.stderr if args.out is None else sys.stdout, flush=True)
    if prep.target in col:
        report = _score(prep, [r[col[prep.target]] for r in data], predicted)
        if report:
            print(report, file=sys.stderr if args.out is None else sys.stdout, flush=True)
    return 0


def _open(name: str):
    try:
        return open(name, "w", newline="", encoding="utf-8")
    except OSError as exc:
        raise CLIError(f"cannot write {name!r}: {exc.strerror or exc}") from None


def _score(prep: _preprocessing.Preprocessing, truth: list[str], predicted: list[str]) -> str:
    """Scores against the target column when the file has it (as ``glassnet train`` prints)."""
    if prep.task == "regression":
        try:
            t = np.array([float(v) for v in truth])
        except ValueError:
            return ""
        p = np.array([float(v) for v in predicted])
        from glassnet import metrics

        return format_table(["column", "MSE", "MAE", "R²"],
                            [[prep.target, float(metrics.mean_squared_error(t, p)),
                              float(metrics.mean_absolute_error(t, p)),
                              float(metrics.r2_score(t, p))]])
    names = [str(c) for c in prep.classes]
    unknown = sorted({v for v in truth if v not in names and _as_class(v, names) is None})
    if unknown:
        return (f"(not scored: column {prep.target!r} holds labels the model does not know: "
                f"{', '.join(map(repr, unknown[:5]))})")
    t = [_as_class(v, names) for v in truth]
    acc = float(np.mean([a == b for a, b in zip(t, predicted, strict=True)]))
    return f"accuracy on the {prep.target!r} column of the file: {acc:.4f} ({len(t)} rows)"


def _as_class(value: str, names: list[str]) -> str | None:
    """``value`` as one of ``names`` ("1.0" for class "1" too), or None."""
    if value in names:
        return value
    try:
        number = float(value)
    except ValueError:
        return None
    for name in names:
        try:
            if float(name) == number:
                return name
        except ValueError:
            continue
    return None
