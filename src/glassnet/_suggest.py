"""Close-match suggestions for misspelt names: ``did you mean 'diagnosis'?``.

Used by the command line (columns, data sets) and by the registries of names (activations,
losses, optimizers, ...) in their error messages. A case-insensitive exact match is preferred
(``Diagnosis`` -> ``diagnosis``); otherwise :func:`difflib.get_close_matches` ranks the names by
their similarity ratio

.. math:: r(a, b) = \\frac{2 M}{|a| + |b|},

where ``M`` is the number of characters in matching blocks, and keeps those with ``r >= cutoff``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_matches(name: str, choices: Iterable[str], n: int = 3, cutoff: float = 0.6
                  ) -> list[str]:
    """The names of ``choices`` closest to ``name``, best first (at most ``n``).

    Parameters
    ----------
    name : str
        The name that was not found.
    choices : iterable of str
        The valid names.
    n : int
        Most suggestions returned.
    cutoff : float
        Least similarity ratio (0..1) of a suggestion, compared without case.

    Returns
    -------
    list of str
        Names of ``choices`` (as spelt there); empty when none is close.
    """
    choices = [str(c) for c in choices]
    text = str(name)
    if text in choices:
        return []
    folded = text.casefold()
    same_case = [c for c in choices if c.casefold() == folded]
    lowered = {c.casefold(): c for c in reversed(choices)}
    near = difflib.get_close_matches(folded, list(lowered), n=n, cutoff=cutoff)
    out = same_case + [lowered[c] for c in near if lowered[c] not in same_case]
    return out[:n]


def did_you_mean(name: str, choices: Iterable[str], n: int = 1, cutoff: float = 0.6) -> str:
    """``" (did you mean 'diagnosis'?)"`` (or ``'a' or 'b'``), or ``""`` when nothing is close.

    Meant to be appended to an error message that names ``name``.
    """
    matches = close_matches(name, choices, n=n, cutoff=cutoff)
    if not matches:
        return ""
    quoted = [repr(m) for m in matches]
    words = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" (did you mean {words}?)"


__all__ = ["close_matches", "did_you_mean"]
