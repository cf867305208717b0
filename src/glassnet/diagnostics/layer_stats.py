"""Per-layer statistics on a bounded sample, and the findings they support.

For each layer with an activation: the mean and std of its outputs, the share of *dead* ReLU
units (0 for every sample: keras-contrib's ``DeadReluDetector``) and of *saturated* sigmoid/tanh
units (near their limits for most samples: fastai's activation statistics, Glorot & Bengio 2010).
For each layer with weights: the size of the gradient that reaches its output,

    g_l = ||dL/dA_l||_F · √m        (the RMS over the m samples of each sample's gradient norm),

and, from one update, CS231n's ratio ``r_l = ||ΔW_l||_F / ||W_l||_F`` of its weight matrices.
Everything runs on at most :data:`~glassnet.diagnostics.thresholds.SAMPLE_SIZE` rows, in
inference mode (no dropout), and leaves every weight, gradient and optimizer state as it was.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np

from glassnet import losses
from glassnet.diagnostics import thresholds as T
from glassnet.diagnostics.findings import Finding
from glassnet.errors import DivergenceError


def sample_rows(X: np.ndarray, y: np.ndarray, size: int = T.SAMPLE_SIZE,
                seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """At most ``size`` rows of ``(X, y)``: all of them, or a seeded random subset in order."""
    if len(X) <= size:
        return X, y
    idx = np.sort(np.random.default_rng(seed).choice(len(X), size, replace=False))
    return X[idx], y[idx]


def _units(a: np.ndarray) -> np.ndarray:
    """Outputs as ``(samples, units)``: a Dense layer's columns; a feature map's channels
    (every position of a channel counts as one more sample of that unit)."""
    if a.ndim == 2:
        return a
    return np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


def dead_share(a: np.ndarray) -> float:
    """Share of units whose output is 0 for every sample: ``mean_j [max_i a_ij ≤ 0]``."""
    return float(np.mean(_units(a).max(axis=0) <= 0.0))


def saturated_share(a: np.ndarray, activation: str) -> float:
    """Share of units saturated for more than ``SATURATED_SAMPLE_SHARE`` of the samples.

    Saturated: sigmoid ``a < ε`` or ``a > 1 − ε``; tanh ``|a| > 1 − 2ε`` (ε =
    ``SATURATION_MARGIN``).
    """
    u = _units(a)
    eps = T.SATURATION_MARGIN
    sat = (u < eps) | (u > 1 - eps) if activation == "sigmoid" else np.abs(u) > 1 - 2 * eps
    return float(np.mean(sat.mean(axis=0) > T.SATURATED_SAMPLE_SHARE))


def _kernels(layer) -> list[np.ndarray]:
    """A layer's weight matrices (biases left out: they start at 0, so no ratio exists)."""
    return [p for p in layer.params.values() if p.ndim >= 2]


def forward_backward(model, X: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Loss and per-layer activation and gradient statistics of ``model`` on ``(X, y)``.

    ``X`` and ``y`` are checked arrays (``model._check_Xy``), already sampled. Layer gradients
    are put back afterwards, so the call changes nothing a later step could see.

    Returns
    -------
    dict
        ``loss`` and ``layers``: one dict per layer with ``name``, ``activation`` (or None),
        ``act_mean``, ``act_std``, ``dead_share``, ``saturated_share`` and ``grad_norm``
        (None where it does not apply).
    """
    saved = [g.copy() for layer in model.layers for g in layer.grads.values()]
    rows = []
    m = len(X)
    with np.errstate(all="ignore"):
        a = X
        for layer in model.layers:
            a = layer.forward(a, training=False)
            act = getattr(layer, "activation", None)
            name = act.name if act is not None else None
            rows.append({
                "name": layer.name, "activation": name,
                "act_mean": float(a.mean()) if name else None,
                "act_std": float(a.std()) if name else None,
                "dead_share": dead_share(a) if name == "relu" else None,
                "saturated_share": saturated_share(a, name) if name in ("sigmoid", "tanh")
                else None,
                "grad_norm": None})
        if model.fused_head:
            loss = model.loss.value_from_logits(model.layers[-1].logits, y, a)
            g = losses.head_gradient(a, y)
        else:
            loss = model.loss.value(a, y)
            g = model.loss.gradient(a, y)
        for i in range(len(model.layers) - 1, -1, -1):
            layer = model.layers[i]
            if layer.params:
                rows[i]["grad_norm"] = float(np.linalg.norm(g) * np.sqrt(m))
            if not layer.need_input_grad:
                break
            g = layer.backward(g)
            if g is None:
                break
    for dst, src in zip((g for layer in model.layers for g in layer.grads.values()), saved,
                        strict=True):
        np.copyto(dst, src)
    return {"loss": float(loss), "layers": rows}


def kernel_snapshot(model) -> list[list[np.ndarray]]:
    """Copies of each layer's weight matrices (to compare with after an update)."""
    return [[k.copy() for k in _kernels(layer)] for layer in model.layers]


def update_ratios(model, before: list[list[np.ndarray]]) -> dict[str, float]:
    """``||W_after − W_before||_F / ||W_before||_F`` per layer with weights (CS231n)."""
    out = {}
    with np.errstate(all="ignore"):
        for layer, old in zip(model.layers, before, strict=True):
            if not old:
                continue
            num = np.sqrt(sum(float(np.sum((k.astype(np.float64) - o) ** 2))
                              for k, o in zip(_kernels(layer), old, strict=True)))
            den = np.sqrt(sum(float(np.sum(o.astype(np.float64) ** 2)) for o in old))
            if den > 0:
                out[layer.name] = float(num / den)
    return out


def trial_update_ratios(model, X: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """The update ratios of one ``train_step`` on ``(X, y)`` taken by a copy of ``model``
    (with a copy of its optimizer state): the model itself is not touched. A step that
    diverges gives ``inf`` for every layer."""
    twin = copy.deepcopy(model, memo={id(model.history): None})
    before = kernel_snapshot(twin)
    try:
        with np.errstate(all="ignore"):
            twin.train_step(X, y)
    except DivergenceError:
        return {layer.name: float("inf") for layer, old in zip(model.layers, before, strict=True)
                if old}
    return update_ratios(twin, before)


def layer_findings(stats: dict[str, Any]) -> list[Finding]:
    """``dead_units``, ``saturated_units``, ``vanishing_gradients`` and
    ``exploding_gradients`` from :func:`forward_backward`'s statistics.

    The output layer is left out of the activation checks (a confident sigmoid head is meant
    to be near 0 or 1). Gradients are compared between the first and the last layer with
    weights, ``g_first / g_last``, in networks of at least ``GRADIENT_MIN_DEPTH`` such layers.
    """
    out: list[Finding] = []
    rows = stats["layers"]
    for row in rows[:-1]:
        share = row["dead_share"]
        if share is not None and share >= T.DEAD_UNITS_SHARE:
            out.append(Finding("dead_units", "error" if share == 1.0 else "warning", row["name"],
                               f"{share:.0%} of the ReLU units of layer {row['name']!r} output "
                               f"0 for every sample checked: they pass no gradient and never "
                               f"learn again. Usual causes: a large negative bias, a learning "
                               f"rate that knocked them out, or too small a weight scale. Try "
                               f"'he_normal' initialisation, a lower learning rate, or "
                               f"activation='leaky_relu'.",
                               {"dead_share": share, "threshold": T.DEAD_UNITS_SHARE,
                                "act_mean": row["act_mean"]}))
        share = row["saturated_share"]
        if share is not None and share > T.SATURATED_UNITS_SHARE:
            out.append(Finding("saturated_units", "warning", row["name"],
                               f"{share:.0%} of the {row['activation']} units of layer "
                               f"{row['name']!r} sit at their limits (within "
                               f"{T.SATURATION_MARGIN:g} of them) for most samples: there the "
                               f"derivative is nearly 0, so they barely learn. Use smaller "
                               f"initial weights ('glorot_uniform' instead of 'normal'), scale "
                               f"the inputs, or try ReLU.",
                               {"saturated_share": share, "threshold": T.SATURATED_UNITS_SHARE,
                                "margin": T.SATURATION_MARGIN, "act_std": row["act_std"]}))
    weighted = [r for r in rows if r["grad_norm"] is not None]
    if len(weighted) >= T.GRADIENT_MIN_DEPTH and weighted[-1]["grad_norm"] > 0:
        first, last = weighted[0], weighted[-1]
        ratio = first["grad_norm"] / last["grad_norm"]
        ev = {"ratio": ratio, "first_layer": first["name"], "last_layer": last["name"],
              "grad_norms": {r["name"]: r["grad_norm"] for r in weighted},
              "threshold_vanishing": T.VANISHING_RATIO, "threshold_exploding": T.EXPLODING_RATIO}
        depth = len(weighted)
        if ratio < T.VANISHING_RATIO:
            out.append(Finding("vanishing_gradients", "warning", first["name"],
                               f"the gradient reaching layer {first['name']!r} is {ratio:.2g}× "
                               f"the one at the output layer {last['name']!r} ({depth} layers "
                               f"with weights): the first layers hardly learn. Use ReLU (with "
                               f"'he_normal') or tanh with 'glorot_uniform' instead of sigmoid "
                               f"hidden layers, or a shallower network.", ev))
        elif ratio > T.EXPLODING_RATIO:
            out.append(Finding("exploding_gradients", "warning", first["name"],
                               f"the gradient reaching layer {first['name']!r} is {ratio:.3g}× "
                               f"the one at the output layer {last['name']!r} ({depth} layers "
                               f"with weights): each layer amplifies it, so the first layers "
                               f"take wild steps. Use scaled initial weights ('he_normal' for "
                               f"ReLU, 'glorot_uniform' otherwise) instead of 'normal', or a "
                               f"lower learning rate.", ev))
    return out
