"""The preprocessing a model trained by ``glassnet train`` needs, saved next to it as JSON.

``glassnet train`` writes ``model.glassnet`` and ``model.preprocessing.json``; ``glassnet
predict`` reads both. The sidecar holds what turns a CSV row into the network's input and its
output back into an answer:

.. math::

    x_{std} = (x - \\mu) / \\sigma, \\qquad
    \\hat y = \\text{classes}[\\arg\\max_k a_k] \\;\\; (\\text{one sigmoid unit: } a > 0.5),
    \\qquad \\hat y = a \\, \\sigma_y + \\mu_y \\;\\; (\\text{regression}).

The file is plain JSON (never a pickle) and is treated as untrusted on reading: its size, every
key, type, length and value are checked, and it must match the model it goes with.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glassnet.cli._common import CLIError

FORMAT = "glassnet-preprocessing"
VERSION = 1
SUFFIX = ".preprocessing.json"
#: Largest sidecar read (a file with a million feature names is not one of ours).
MAX_BYTES = 8 * 1024 * 1024


@dataclass
class Preprocessing:
    """Feature names and scaling, the target and its classes or scaling.

    Attributes
    ----------
    features : list of str, length d
        Input columns in the model's order.
    feature_mean, feature_scale : list of float, length d
        Standardisation ``(x - mean) / scale`` learnt on the training split.
    target : str
        Name of the predicted column.
    task : {"classification", "regression"}
    classes : list of str, int or float
        Class labels in output order (classification; at least 2).
    target_mean, target_scale : float or None
        ``y = out * target_scale + target_mean`` (regression).
    other_columns : list of str
        Columns of the training file that were not features (target, ``--exclude``d ones):
        ``predict`` lets them through.
    """

    features: list[str]
    feature_mean: list[float]
    feature_scale: list[float]
    target: str
    task: str
    classes: list = field(default_factory=list)
    target_mean: float | None = None
    target_scale: float | None = None
    other_columns: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        regression = self.task == "regression"
        return {
            "format": FORMAT, "version": VERSION,
            "features": self.features, "target": self.target, "task": self.task,
            "classes": self.classes,
            "feature_mean": self.feature_mean, "feature_scale": self.feature_scale,
            "target_mean": self.target_mean, "target_scale": self.target_scale,
            "other_columns": self.other_columns,
            "usage": "x_std = (x - feature_mean) / feature_scale; out = model.predict(x_std); "
                     + ("y = out * target_scale + target_mean" if regression else
                        "class = classes[argmax(out)] (one sigmoid output: classes[out > 0.5])"),
        }


def sidecar_path(model_path: str | Path) -> Path:
    """``run/model.glassnet`` -> ``run/model.preprocessing.json``."""
    p = Path(model_path)
    return p.with_name(p.stem + SUFFIX) if p.suffix else p.with_name(p.name + SUFFIX)


def save(prep: Preprocessing, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(json.dumps(prep.to_json(), indent=2) + "\n", encoding="utf-8")
    return path


def _bad(path: Path, what: str) -> CLIError:
    return CLIError(f"{path}: not a valid glassnet preprocessing file: {what}")


def _strings(path: Path, data: dict, key: str, unique: bool = True) -> list[str]:
    value = data.get(key)
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _bad(path, f"{key!r} must be a list of non-empty strings")
    if unique and len(set(value)) != len(value):
        raise _bad(path, f"{key!r} names a column twice")
    return value


def _numbers(path: Path, data: dict, key: str, n: int, positive: bool = False) -> list[float]:
    value = data.get(key)
    ok = (isinstance(value, list) and len(value) == n
          and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                  and (v > 0 or not positive) for v in value))
    if not ok:
        kind = "positive finite numbers" if positive else "finite numbers"
        raise _bad(path, f"{key!r} must be a list of {n} {kind}, one per feature")
    return [float(v) for v in value]


def _number(path: Path, data: dict, key: str, positive: bool = False) -> float:
    v = data.get(key)
    if (not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v)
            or (positive and v <= 0)):
        raise _bad(path, f"{key!r} must be a {'positive ' if positive else ''}finite number")
    return float(v)


def load(path: str | Path) -> Preprocessing:
    """Read and check a sidecar written by :func:`save`; a :class:`CLIError` names the fault."""
    path = Path(path)
    if not path.is_file():
        raise CLIError(f"no preprocessing file {str(path)!r} (glassnet train writes it next to "
                       "the model; pass --preprocessing FILE if it was moved)")
    if path.stat().st_size > MAX_BYTES:
        raise _bad(path, f"larger than {MAX_BYTES // 2**20} MiB")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        raise _bad(path, f"not JSON text ({exc})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad(path, f"expected a JSON object with \"format\": {FORMAT!r}")
    if data.get("version") != VERSION:
        raise _bad(path, f"version {data.get('version')!r}; this glassnet reads version "
                         f"{VERSION}")
    features = _strings(path, data, "features")
    if not features:
        raise _bad(path, "'features' is empty")
    d = len(features)
    mean = _numbers(path, data, "feature_mean", d)
    scale = _numbers(path, data, "feature_scale", d, positive=True)
    target = data.get("target")
    if not isinstance(target, str) or not target:
        raise _bad(path, "'target' must be a non-empty string")
    task = data.get("task")
    if task not in ("classification", "regression"):
        raise _bad(path, f"'task' must be 'classification' or 'regression', got {task!r}")
    other = _strings(path, data, "other_columns")
    if set(other) & set(features):
        raise _bad(path, "a column is both a feature and in 'other_columns'")
    classes = data.get("classes")
    if task == "classification":
        ok = (isinstance(classes, list) and len(classes) >= 2
              and all(isinstance(c, (str, int, float)) and not isinstance(c, bool)
                      for c in classes)
              and len({str(c) for c in classes}) == len(classes))
        if not ok:
            raise _bad(path, "'classes' must list at least 2 distinct class labels")
        return Preprocessing(features, mean, scale, target, task, classes=classes,
                             other_columns=other)
    return Preprocessing(features, mean, scale, target, task,
                         target_mean=_number(path, data, "target_mean"),
                         target_scale=_number(path, data, "target_scale", positive=True),
                         other_columns=other)


def check_model(prep: Preprocessing, model: Any, model_path: str | Path,
                prep_path: str | Path) -> None:
    """The model must take ``len(features)`` inputs and give the outputs the task needs."""
    shape = getattr(model, "input_shape", None)
    if shape != (len(prep.features),):
        raise CLIError(f"{prep_path} describes {len(prep.features)} features, but the model "
                       f"{str(model_path)!r} takes inputs of shape {shape}; they do not belong "
                       "together")
    units = int(model.output_shape[-1]) if len(model.output_shape) == 1 else -1
    k = len(prep.classes)
    want = 1 if prep.task == "regression" else (1 if k == 2 else k)
    if units != want:
        what = "a regression" if prep.task == "regression" else f"{k} classes"
        raise CLIError(f"{prep_path} describes {what} ({want} output unit(s)), but the model "
                       f"{str(model_path)!r} has output shape {model.output_shape}; they do not "
                       "belong together")
