"""Input features of the playground: functions of the point ``(x1, x2)``.

As TF Playground: ``x1``, ``x2``, ``x1²``, ``x2²``, ``x1·x2``, ``sin(x1)``, ``sin(x2)``. The
network sees the chosen columns, in this order, computed from the raw coordinates (in
``[-6, 6]``), so a link or an exported script rebuilds exactly the same inputs.
"""

from __future__ import annotations

import numpy as np

#: name → (label shown in the page, function of X (n, 2) giving a column (n,))
FEATURES = {
    "x1": ("X₁", lambda X: X[:, 0]),
    "x2": ("X₂", lambda X: X[:, 1]),
    "x1^2": ("X₁²", lambda X: X[:, 0] * X[:, 0]),
    "x2^2": ("X₂²", lambda X: X[:, 1] * X[:, 1]),
    "x1x2": ("X₁X₂", lambda X: X[:, 0] * X[:, 1]),
    "sin_x1": ("sin(X₁)", lambda X: np.sin(X[:, 0])),
    "sin_x2": ("sin(X₂)", lambda X: np.sin(X[:, 1])),
}

#: Python expressions of the features, for the exported script (``X`` is the (n, 2) array).
EXPRESSIONS = {
    "x1": "X[:, 0]", "x2": "X[:, 1]", "x1^2": "X[:, 0] ** 2", "x2^2": "X[:, 1] ** 2",
    "x1x2": "X[:, 0] * X[:, 1]", "sin_x1": "np.sin(X[:, 0])", "sin_x2": "np.sin(X[:, 1])",
}


def transform(X: np.ndarray, names: tuple[str, ...] | list[str],
              dtype=np.float32) -> np.ndarray:
    """The feature matrix ``(n, len(names))`` of the points ``X (n, 2)``, as ``dtype``.

    Raises
    ------
    ValueError
        For an unknown feature name or ``X`` not of shape ``(n, 2)``.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n, 2), got {X.shape}")
    unknown = [n for n in names if n not in FEATURES]
    if unknown or not names:
        raise ValueError(f"names must be one or more of {', '.join(FEATURES)}; got {names!r}")
    out = np.empty((len(X), len(names)), dtype=dtype)
    for j, name in enumerate(names):
        out[:, j] = FEATURES[name][1](X)
    return out
