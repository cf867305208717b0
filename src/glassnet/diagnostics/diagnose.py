"""``gn.diagnose(model, X, y)``: why isn't my network learning?

Runs every check of :mod:`glassnet.diagnostics` on a bounded sample of ``(X, y)`` and returns a
:class:`~glassnet.diagnostics.findings.Report`. It works before training (the model is built
from ``X`` if needed; the loss at initialisation is checked) and after it (the model's history
is read). It never changes a weight or the optimizer's state: the trial update that measures
CS231n's update ratio is taken by a copy of the model.

One cause often shows several symptoms: unscaled inputs saturate units and inflate the loss at
initialisation; dead ReLUs stop the gradient, which then "vanishes". A report names the cause
and lists the symptoms it explains in its ``evidence["explains"]``, instead of reporting each
symptom on its own (:data:`EXPLAINS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from glassnet._validation import check_int
from glassnet.diagnostics import data_checks, history_checks, layer_stats, setup_checks
from glassnet.diagnostics import thresholds as T
from glassnet.diagnostics.findings import CODES, Finding, Report

#: cause -> the symptoms it explains (folded into the cause's finding when both are found).
EXPLAINS: dict[str, tuple[str, ...]] = {
    "unscaled_inputs": ("bad_init_loss", "saturated_units", "dead_units", "vanishing_gradients",
                        "exploding_gradients", "lr_too_high", "not_learning"),
    "loss_activation_mismatch": ("bad_init_loss", "lr_too_high", "lr_too_low",
                                 "not_learning"),
    "bad_init_loss": ("saturated_units",),
    "dead_units": ("vanishing_gradients", "lr_too_low", "not_learning"),
    "saturated_units": ("vanishing_gradients", "not_learning"),
    "lr_too_high": ("dead_units", "saturated_units", "not_learning"),
    "lr_too_low": ("not_learning",),
    "vanishing_gradients": ("not_learning",),
    "exploding_gradients": ("bad_init_loss", "lr_too_high", "not_learning"),
}


def fold(findings: list[Finding]) -> list[Finding]:
    """Order findings as :data:`CODES` and fold each symptom into a cause found with it."""
    ordered = sorted(findings, key=lambda f: CODES.index(f.code))
    found = {f.code for f in ordered}
    causes = {f.code: next((c for c in CODES if c in found and c != f.code
                            and f.code in EXPLAINS.get(c, ()) and not _mutual(c, f.code)),
                           None) for f in ordered}
    first = {}
    for f in ordered:
        first.setdefault(f.code, f)
    kept = []
    for f in ordered:
        cause = causes[f.code]
        while cause is not None and causes.get(cause) is not None:   # a symptom's root cause
            cause = causes[cause]
        if cause is None:
            kept.append(f)
        else:
            first[cause].evidence.setdefault("explains", []).append(
                {"code": f.code, "layer": f.layer, "message": f.message})
    return kept


def _mutual(cause: str, symptom: str) -> bool:
    """True when ``symptom`` would in turn fold ``cause`` and comes first in :data:`CODES`
    (the earlier code is the cause)."""
    return cause in EXPLAINS.get(symptom, ()) and CODES.index(symptom) < CODES.index(cause)


def history_dict(history: Any) -> dict[str, list[float]] | None:
    """``{name: per-epoch values}`` of a History, a model's history or a dict (None if none)."""
    if history is None:
        return None
    if isinstance(history, Mapping):
        return {str(k): list(v) for k, v in history.items()}
    inner = getattr(history, "history", None)
    if isinstance(inner, Mapping):
        return {str(k): list(v) for k, v in inner.items()}
    raise TypeError(f"history must be a History (what fit returns) or a dict of per-epoch "
                    f"values, got {type(history).__name__}")


def collect(model, X: np.ndarray, y: np.ndarray, stats: dict[str, Any],
            ratios: Mapping[str, float] | None, history: Mapping[str, Any] | None,
            initial_loss: float | None, at_init: bool) -> tuple[list[Finding], list[str]]:
    """Every check on sampled, checked ``(X, y)``; returns the folded findings and the codes
    checked."""
    checked = ["unscaled_inputs", "loss_activation_mismatch"]
    findings = data_checks.unscaled_inputs(X)
    if model.loss.name in setup_checks.EXPECTED_HEAD:
        checked.append("class_imbalance")
        k = setup_checks.n_outputs(model)
        findings += data_checks.class_imbalance(y, 2 if k == 1 else k)
    findings += setup_checks.loss_activation_mismatch(model)
    if at_init:
        checked.append("bad_init_loss")
        findings += setup_checks.bad_init_loss(model, stats["loss"])
    checked += ["dead_units", "saturated_units", "vanishing_gradients", "exploding_gradients"]
    findings += layer_stats.layer_findings(stats)
    loss = history.get("loss") if history else None
    lr = float(model.optimizer.lr)
    checked += ["lr_too_high", "lr_too_low"]
    findings += history_checks.lr_too_high(loss, ratios, lr,
                                           setup_checks.expected_init_loss(model))
    findings += history_checks.lr_too_low(loss, ratios, lr)
    if history:
        checked += ["overfitting", "not_learning"]
        findings += history_checks.overfitting(history)
        findings += history_checks.not_learning(loss, initial_loss)
    return fold(findings), [c for c in CODES if c in checked]


def diagnose(model, X: Any, y: Any, history: Any = None, sample_size: int = T.SAMPLE_SIZE,
             seed: int = 0) -> Report:
    """Check a compiled model, its data and its training so far; say what is wrong.

    Parameters
    ----------
    model : Sequential
        A compiled model, built or not (it is built from ``X`` as ``predict`` would).
    X, y : array-like
        Training data (as given to ``fit``). At most ``sample_size`` rows are used.
    history : History or dict, optional
        The training history to judge; default ``model.history`` (None before training).
    sample_size : int
        Rows for the statistics (a seeded random subset when ``X`` has more).
    seed : int
        Seed of that subset.

    Returns
    -------
    Report
        ``report.findings`` (empty when nothing is wrong), ``print(report)``,
        ``report.to_dict()``.

    Examples
    --------
    >>> report = gn.diagnose(model, X, y)                 # doctest: +SKIP
    >>> print(report)                                     # doctest: +SKIP
    """
    if not hasattr(model, "layers") or not hasattr(model, "train_step"):
        raise TypeError(f"model must be a glassnet Sequential, got {type(model).__name__}")
    if model.loss is None or model.optimizer is None:
        raise ValueError("model must be compiled before diagnose: call model.compile(loss=..., "
                         "optimizer=...) first")
    sample_size = check_int(sample_size, "sample_size", low=1)
    seed = check_int(seed, "seed", low=0)
    hist = history_dict(history if history is not None else model.history)
    Xc, yc = model._check_Xy(X, y)
    model._build_for(Xc, "diagnose")
    Xs, ys = layer_stats.sample_rows(Xc, yc, sample_size, seed)
    at_init = model.iterations == 0
    stats = layer_stats.forward_backward(model, Xs, ys)
    ratios = layer_stats.trial_update_ratios(model, Xs, ys)
    stats["update_ratios"] = ratios
    stats["sample_size"] = len(Xs)
    initial = stats["loss"] if at_init else None
    findings, checked = collect(model, Xs, ys, stats, ratios, hist or None, initial, at_init)
    return Report(findings, checked, stats)


def report_text(model, X: Any, y: Any) -> str:
    """``str(diagnose(model, X, y))`` (for ``glassnet train --diagnose``)."""
    return str(diagnose(model, X, y))
