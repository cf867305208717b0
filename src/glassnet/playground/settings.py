"""The playground's settings: every control value of the page, parsed and checked.

The page sends its controls as JSON (numbers, strings, lists). :func:`parse_settings` turns such
a dict into a new :class:`Settings` or refuses it with a :class:`SettingsError` whose message
the page shows as is; a refused change leaves the previous settings untouched, because a new
object is only returned when every value passed.

Limits
------
At most ``MAX_LAYERS`` hidden layers of at most ``MAX_UNITS`` units each (a heatmap per unit is
drawn and sent in every frame), at most ``MAX_POINTS`` generated points, a learning rate in
``(0, 10]``.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

MAX_LAYERS = 6
MAX_UNITS = 8
MIN_POINTS, MAX_POINTS = 50, 2000
MAX_LR = 10.0
MAX_REG_RATE = 10.0
MAX_SPEED = 100
MAX_CLASSES = 6

#: Data sets: TF Playground's four classification sets and two regression sets, then the
#: planar sets of ``gn.datasets``, then the user's upload.
DATASETS = ("circle", "xor", "gaussian", "spiral", "plane", "multigauss",
            "flower", "moons", "spirals", "blobs", "upload")
#: Sets whose number of classes is the ``classes`` setting.
MULTICLASS_DATASETS = ("spirals", "blobs")
REGRESSION_DATASETS = ("plane", "multigauss")
FEATURES = ("x1", "x2", "x1^2", "x2^2", "x1x2", "sin_x1", "sin_x2")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", "leaky_relu")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad")
REGULARIZATIONS = ("none", "l1", "l2")


class SettingsError(ValueError):
    """A control value the playground refuses; the message names the control and the value."""


@dataclass(frozen=True)
class Settings:
    """One complete, valid set of control values (immutable; changes make a new object)."""

    dataset: str = "circle"
    noise: int = 0                  # percent, 0..50 (as TF Playground)
    train_ratio: int = 50           # percent of the points used for training, 10..90
    n_points: int = 500
    classes: int = 3                # for the k-class sets (spirals, blobs)
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    optimizer: str = "sgd"
    learning_rate: float = 0.03
    batch_size: int = 10
    regularization: str = "none"
    reg_rate: float = 0.0
    dropout: float = 0.0
    speed: int = 1                  # epochs trained per frame
    seed: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON-ready values (tuples become lists)."""
        out = dataclasses.asdict(self)
        out["features"] = list(self.features)
        out["hidden"] = list(self.hidden)
        return out

    def task(self) -> str:
        """``"regression"``, ``"binary"`` or ``"multiclass"`` for a generated data set
        (an upload's task comes from its labels)."""
        if self.dataset in REGRESSION_DATASETS:
            return "regression"
        if self.dataset in MULTICLASS_DATASETS:          # softmax + CE, even for k = 2
            return "multiclass"
        return "binary"


#: Changing one of these rebuilds the data and the network (the run starts again).
DATA_KEYS = ("dataset", "noise", "train_ratio", "n_points", "classes", "seed")
#: Changing one of these rebuilds the network on the same data.
MODEL_KEYS = ("features", "hidden", "activation", "optimizer", "regularization", "reg_rate",
              "dropout")
#: These apply to the running network at once.
LIVE_KEYS = ("learning_rate", "batch_size", "speed")


def _number(value: Any, name: str) -> float:
    """A JSON number or a numeric string as a finite float."""
    if isinstance(value, bool):
        raise SettingsError(f"{name} must be a number, got {value!r}")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise SettingsError(f"{name} must be a number, got {value!r}") from None
    if not isinstance(value, (int, float)):
        raise SettingsError(f"{name} must be a number, got {type(value).__name__} {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise SettingsError(f"{name} must be a finite number, got {value!r}")
    return value


def _float_in(value: Any, name: str, low: float, high: float, *, low_open: bool = False,
              high_open: bool = False) -> float:
    v = _number(value, name)
    if v < low or (low_open and v == low) or v > high or (high_open and v == high):
        left, right = "(" if low_open else "[", ")" if high_open else "]"
        raise SettingsError(f"{name} must be in {left}{low:g}, {high:g}{right}, got {v:g}")
    return v


def _int_in(value: Any, name: str, low: int, high: int) -> int:
    v = _number(value, name)
    if v != int(v):
        raise SettingsError(f"{name} must be a whole number, got {v:g}")
    if not low <= v <= high:
        raise SettingsError(f"{name} must be between {low} and {high}, got {int(v)}")
    return int(v)


def _choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in choices:
        raise SettingsError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def _features(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v]
    if not isinstance(value, (list, tuple)):
        raise SettingsError(f"features must be a list of names, got {value!r}")
    chosen = set()
    for v in value:
        chosen.add(_choice(v, "each feature", FEATURES))
    if not chosen:
        raise SettingsError("features must name at least one input feature, got none")
    return tuple(f for f in FEATURES if f in chosen)          # canonical order


def _hidden(value: Any) -> tuple[int, ...]:
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    if not isinstance(value, (list, tuple)):
        raise SettingsError(f"hidden must be a list of unit counts, got {value!r}")
    if len(value) > MAX_LAYERS:
        raise SettingsError(f"hidden layers must be at most {MAX_LAYERS}, got {len(value)}")
    return tuple(_int_in(v, f"units of hidden layer {i}", 1, MAX_UNITS)
                 for i, v in enumerate(value))


_PARSERS = {
    "dataset": lambda v: _choice(v, "dataset", DATASETS),
    "noise": lambda v: _int_in(v, "noise", 0, 50),
    "train_ratio": lambda v: _int_in(v, "train_ratio", 10, 90),
    "n_points": lambda v: _int_in(v, "n_points", MIN_POINTS, MAX_POINTS),
    "classes": lambda v: _int_in(v, "classes", 2, MAX_CLASSES),
    "features": _features,
    "hidden": _hidden,
    "activation": lambda v: _choice(v, "activation", ACTIVATIONS),
    "optimizer": lambda v: _choice(v, "optimizer", OPTIMIZERS),
    "learning_rate": lambda v: _float_in(v, "learning_rate", 0.0, MAX_LR, low_open=True),
    "batch_size": lambda v: _int_in(v, "batch_size", 1, MAX_POINTS),
    "regularization": lambda v: _choice(v, "regularization", REGULARIZATIONS),
    "reg_rate": lambda v: _float_in(v, "reg_rate", 0.0, MAX_REG_RATE),
    "dropout": lambda v: _float_in(v, "dropout", 0.0, 0.9),
    "speed": lambda v: _int_in(v, "speed", 1, MAX_SPEED),
    "seed": lambda v: _int_in(v, "seed", 0, 2**31 - 1),
}


def parse_settings(changes: Any, previous: Settings | None = None) -> Settings:
    """``previous`` with ``changes`` applied, every value checked first.

    Parameters
    ----------
    changes : dict
        Control name → value, as the page sends them (numbers may come as strings).
    previous : Settings, optional
        The settings in force (default: :class:`Settings()`); never modified.

    Returns
    -------
    Settings
        A new object; ``previous`` when ``changes`` is empty.

    Raises
    ------
    SettingsError
        For an unknown control or a bad value, naming it, what is allowed and what was given.
    """
    previous = Settings() if previous is None else previous
    if not isinstance(changes, dict):
        raise SettingsError(f"settings must be a JSON object, got {type(changes).__name__}")
    unknown = sorted(set(changes) - set(_PARSERS))
    if unknown:
        raise SettingsError(f"unknown setting(s) {', '.join(map(repr, unknown))}; known: "
                            f"{', '.join(_PARSERS)}")
    parsed = {key: _PARSERS[key](value) for key, value in changes.items()}
    if not parsed:
        return previous
    return dataclasses.replace(previous, **parsed)


def changed_keys(old: Settings, new: Settings) -> set[str]:
    """Names of the settings that differ between ``old`` and ``new``."""
    return {f.name for f in dataclasses.fields(Settings)
            if getattr(old, f.name) != getattr(new, f.name)}


def to_query(settings: Settings) -> dict[str, str]:
    """The settings as URL query values (the page keeps them in its address)."""
    out = {}
    for key, value in settings.to_dict().items():
        out[key] = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return out
