"""Checks of the data alone, before any network is involved (Karpathy's "become one with the
data"; LeCun et al., "Efficient BackProp", §4.3)."""

from __future__ import annotations

import numpy as np

from glassnet.diagnostics import thresholds as T
from glassnet.diagnostics.findings import Finding


def feature_scales(X: np.ndarray) -> dict[str, np.ndarray]:
    """Per-feature ``mean``, ``std`` and ``range = max − min`` of ``X`` (features flattened).

    For a standardised feature ``x' = (x − μ)/σ`` these are 0, 1 and a few units.
    """
    flat = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    return {"mean": flat.mean(axis=0), "std": flat.std(axis=0),
            "range": flat.max(axis=0) - flat.min(axis=0)}


def unscaled_inputs(X: np.ndarray) -> list[Finding]:
    """``unscaled_inputs`` when a feature's ``max(|mean|, std) > UNSCALED_SCALE`` or its range
    exceeds ``UNSCALED_RANGE``.

    Large inputs make ``z = x·W + b`` large: sigmoid and tanh units saturate, the gradient of
    the first layer is as large as the inputs, and one learning rate cannot suit features of
    very different scales.
    """
    s = feature_scales(X)
    scale = np.maximum(np.abs(s["mean"]), s["std"])
    bad = (scale > T.UNSCALED_SCALE) | (s["range"] > T.UNSCALED_RANGE)
    if not bad.any():
        return []
    worst = int(np.argmax(np.maximum(scale / T.UNSCALED_SCALE, s["range"] / T.UNSCALED_RANGE)))
    n_bad = int(bad.sum())
    msg = (f"{n_bad} of {bad.size} input features are far from unit scale: feature {worst} has "
           f"mean {s['mean'][worst]:.4g}, std {s['std'][worst]:.4g} and range "
           f"{s['range'][worst]:.4g} (standardised features have mean 0, std 1). Large inputs "
           f"saturate sigmoid/tanh units and make the first layer's gradients huge. Try "
           f"gn.datasets.StandardScaler().fit(X_train) and transform every split with it (or "
           f"divide pixels by 255).")
    return [Finding("unscaled_inputs", "warning", None, msg, {
        "n_features": int(bad.size), "n_unscaled": n_bad, "worst_feature": worst,
        "mean": float(s["mean"][worst]), "std": float(s["std"][worst]),
        "range": float(s["range"][worst]), "max_abs_mean": float(np.abs(s["mean"]).max()),
        "max_std": float(s["std"].max()), "threshold_scale": T.UNSCALED_SCALE,
        "threshold_range": T.UNSCALED_RANGE})]


def class_labels(y: np.ndarray) -> np.ndarray:
    """Integer labels from ``(n,)`` labels, ``(n, 1)`` 0/1 targets or one-hot ``(n, k)`` rows."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    return np.rint(y.reshape(-1)).astype(np.int64)


def class_imbalance(y: np.ndarray, n_classes: int | None = None) -> list[Finding]:
    """``class_imbalance`` when ``min count / max count ≤ CLASS_IMBALANCE_RATIO``.

    ``n_classes`` (the output units of the head, 2 for one sigmoid) also counts classes that
    never occur. With 95 % of one class, predicting it always scores 95 % accuracy: the loss
    gives the rare class little weight and the accuracy hides it.
    """
    labels = class_labels(y)
    k = max(int(labels.max()) + 1 if labels.size else 0, n_classes or 0)
    counts = np.bincount(labels, minlength=k)
    if k < 2 or counts.max() == 0:
        return []
    ratio = counts.min() / counts.max()
    if ratio > T.CLASS_IMBALANCE_RATIO:
        return []
    rare, common = int(counts.argmin()), int(counts.argmax())
    msg = (f"class {rare} has {counts[rare]} samples and class {common} {counts[common]} "
           f"(ratio {ratio:.3f} <= {T.CLASS_IMBALANCE_RATIO}): always predicting class {common} "
           f"scores {counts[common] / counts.sum():.1%} accuracy, so the accuracy hides the rare "
           f"class and the loss gives it little weight. Look at precision/recall per class "
           f"(gn.metrics.classification_report), resample the rare class or collect more of it.")
    return [Finding("class_imbalance", "warning", None, msg, {
        "counts": counts.tolist(), "ratio": float(ratio), "rare_class": rare,
        "common_class": common, "threshold": T.CLASS_IMBALANCE_RATIO})]
