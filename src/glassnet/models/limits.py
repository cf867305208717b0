"""What a model file can hold, checked where a value is given rather than when it is saved.

A model that ``Sequential(...)``, ``Layer(name=...)``, ``add`` or ``fit`` accepted must save and
load back, so these bounds are the file format's own (:mod:`glassnet.models.file_schema` reads
them from here) and each is checked where the user gives the value:

* a seed is ``None`` or an integer with ``0 <= seed < 2**128`` (NumPy's ``SeedSequence`` takes
  larger ones, the file does not);
* a model or layer name is a str of at most :data:`MAX_NAME` characters that UTF-8 can encode and
  without control characters (a newline would break ``summary``, an unpaired surrogate cannot be
  written to the file);
* a model has at most :data:`MAX_LAYERS` layers.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from glassnet._validation import check_seed

MAX_NAME = 1000
MAX_LAYERS = 1000
SEED_LIMIT = 2**128          # seeds are < SEED_LIMIT
MAX_EPOCHS = 2**63 - 1       # the file stores the epoch count as an integer < 2**63


def check_model_seed(seed: Any, name: str = "seed") -> int | None:
    """``seed`` as an int (or None) after checking ``0 <= seed < 2**128``.

    Raises
    ------
    TypeError
        If ``seed`` is not an integer (a bool, a float, a string).
    ValueError
        If it is negative or not below ``2**128``.
    """
    seed = check_seed(seed, name)
    if seed is not None and seed >= SEED_LIMIT:
        raise ValueError(f"{name} must be < 2**128 (what a model file can store), got {seed}")
    return seed


def name_problem(name: Any) -> str | None:
    """Why ``name`` cannot be a model or layer name (None when it can)."""
    if not isinstance(name, str):
        return f"a str, got {type(name).__name__}"
    if len(name) > MAX_NAME:
        return f"at most {MAX_NAME} characters, got {len(name)}"
    bad = next((c for c in name if unicodedata.category(c) in ("Cc", "Cs")), None)
    if bad is not None:
        return (f"printable text without control characters or unpaired surrogates, got "
                f"{ascii(bad)} at position {name.index(bad)}")
    return None


def check_name(name: Any, what: str = "name") -> str:
    """``name`` after checking it can be stored in a model file (see the module docstring).

    Raises
    ------
    TypeError
        If ``name`` is not a str.
    ValueError
        If it is longer than :data:`MAX_NAME` or holds a control character or a lone surrogate.
    """
    problem = name_problem(name)
    if problem is not None:
        error = TypeError if not isinstance(name, str) else ValueError
        raise error(f"{what} must be {problem}")
    return name


def check_layer_count(n: int) -> None:
    """Refuse a model of more than :data:`MAX_LAYERS` layers (``n`` is the count after adding)."""
    if n > MAX_LAYERS:
        raise ValueError(f"a model can hold at most {MAX_LAYERS} layers (what a model file can "
                         f"store), got a layer number {n}")


class LayerNames:
    """The names taken in one model: each new layer gets a free one in O(1) (Keras' ``dense_1``).

    A layer named like one already in the model becomes ``<name>_<i>`` with the smallest free
    ``i``, shortened so that the result still fits in :data:`MAX_NAME` characters.
    """

    def __init__(self, names: list[str] | None = None) -> None:
        self.taken: set[str] = set(names or [])
        self._next: dict[str, int] = {}

    def take(self, name: str) -> str:
        """A free name for a layer called ``name``, marked as taken."""
        if name in self.taken:
            i = self._next.get(name, 1)
            while True:
                suffix = f"_{i}"
                candidate = name[:MAX_NAME - len(suffix)] + suffix
                if candidate not in self.taken:
                    break
                i += 1
            self._next[name] = i + 1
            name = candidate
        self.taken.add(name)
        return name
