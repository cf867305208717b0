"""The live diagnostics panel: the findings of ``gn.diagnose`` on the running network.

``gn.diagnose(model, X, y)`` returns a report whose ``findings`` (code, severity, layer,
message, evidence) say why a network does or does not learn. It is given the training
features in the model's own dtype and the targets in the form the model trains on.
"""

from __future__ import annotations

import numpy as np

import glassnet as gn


def diagnostics(model, X: np.ndarray, y: np.ndarray) -> dict:
    """The diagnostics report of ``model`` on ``(X, y)`` as JSON-ready values.

    Returns
    -------
    dict
        ``{"available": True, "report": report.to_dict()}``, or
        ``{"available": True, "error": message}`` when the diagnosis failed.
    """
    X = np.ascontiguousarray(X, dtype=model.dtype)
    try:
        report = gn.diagnose(model, X, y)
        return {"available": True, "report": _jsonable(report.to_dict())}
    except Exception as exc:      # noqa: BLE001 - a failing diagnosis must not stop the run
        return {"available": True, "error": f"{type(exc).__name__}: {exc}"}


def _jsonable(value):
    """``value`` with NumPy scalars and arrays turned into plain Python (for ``json``)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    return value
