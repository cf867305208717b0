"""Checks of how the network is put together: its output activation against its loss, and its
loss before any training (Karpathy, "A Recipe for Training Neural Networks": verify loss @ init).
"""

from __future__ import annotations

import math

from glassnet.diagnostics import thresholds as T
from glassnet.diagnostics.findings import Finding

#: The output activation each loss expects.
EXPECTED_HEAD = {"binary_crossentropy": "sigmoid", "categorical_crossentropy": "softmax"}


def head_activation(model) -> str:
    """Name of the activation that produces the network's output ("linear" when none)."""
    for layer in reversed(model.layers):
        act = getattr(layer, "activation", None)
        if act is not None:
            return act.name
        if layer.params:                       # a layer with weights and no activation
            return "linear"
    return "linear"


def n_outputs(model) -> int:
    """Number of output units of a built model."""
    shape = model.output_shape
    return int(math.prod(shape)) if shape else 0


def loss_activation_mismatch(model) -> list[Finding]:
    """``loss_activation_mismatch``: the output activation does not suit the loss.

    * cross-entropies need probabilities: sigmoid for ``binary_crossentropy``, softmax for
      ``categorical_crossentropy`` (sigmoid units do not sum to 1, a linear output is no
      probability at all);
    * a softmax over 1 unit is always 1: its gradient is 0 and nothing learns;
    * ``mse`` on sigmoid/softmax probabilities is a classifier trained with a regression loss:
      its gradient vanishes where the output saturates on the wrong class (use cross-entropy).
    """
    loss = model.loss.name
    head = head_activation(model)
    k = n_outputs(model)
    name = model.layers[-1].name
    ev = {"loss": loss, "output_activation": head, "output_units": k}
    if head == "softmax" and k == 1:
        msg = (f"the output layer {name!r} is a softmax over 1 unit, which is always 1: its "
               f"gradient is 0 and nothing learns. For two classes use Dense(1, "
               f"activation='sigmoid') with loss='binary_crossentropy' (or Dense(2, "
               f"activation='softmax') with 'categorical_crossentropy').")
        return [Finding("loss_activation_mismatch", "error", name, msg, ev)]
    want = EXPECTED_HEAD.get(loss)
    if want is not None and head != want:
        fix = ("Dense(k, activation='softmax')" if want == "softmax"
               else "Dense(1, activation='sigmoid')")
        msg = (f"loss {loss!r} expects a {want} output but layer {name!r} gives {head} "
               f"outputs ({k} unit(s)): "
               + ("sigmoid units do not sum to 1, so the loss only pushes the true class up and "
                  "never the others down" if head == "sigmoid" else
                  "these are no probabilities, so the cross-entropy is not defined on them")
               + f". Use {fix} as the output layer, or the loss that matches {head}.")
        return [Finding("loss_activation_mismatch", "error", name, msg, ev)]
    if loss == "mse" and head in ("sigmoid", "softmax"):
        msg = (f"loss 'mse' on the {head} outputs of layer {name!r}: a classifier trained with "
               f"a regression loss learns slowly, since the gradient (a − y)·a(1 − a) vanishes "
               f"where the output is confidently wrong. Use "
               + ("'binary_crossentropy'" if head == "sigmoid" else "'categorical_crossentropy'")
               + " (the fused heads give dZ = A − Y).")
        return [Finding("loss_activation_mismatch", "warning", name, msg, ev)]
    return []


def expected_init_loss(model) -> float | None:
    """``ln k`` for a k-class head (``ln 2`` for one sigmoid unit); None for regression."""
    if model.loss.name not in EXPECTED_HEAD:
        return None
    k = n_outputs(model)
    return math.log(2.0) if k == 1 else math.log(k)


def bad_init_loss(model, loss: float) -> list[Finding]:
    """``bad_init_loss`` when the untrained loss exceeds ``BAD_INIT_LOSS_FACTOR · ln k``.

    An untrained classifier should be unsure: every class near ``1/k``, loss ``−ln(1/k)``.
    A far larger loss means confident, wrong outputs from the start, usually over-large weights
    (``"normal"`` initialisation, std 1) in the last layers; the first epochs are spent undoing
    them.
    """
    ref = expected_init_loss(model)
    if ref is None or math.isnan(loss):
        return []
    if loss <= T.BAD_INIT_LOSS_FACTOR * ref:
        return []
    name = model.layers[-1].name
    msg = (f"the loss before training is {loss:.4g}, {loss / ref:.1f}× the {ref:.4g} = "
           f"-ln(1/k) of an unsure {max(n_outputs(model), 2)}-class head: the untrained network "
           f"is already confident, and wrong. Initialise with smaller weights (the default "
           f"'glorot_uniform', or 'he_normal' for ReLU) rather than 'normal' (std 1), above all "
           f"in the last layer.")
    return [Finding("bad_init_loss", "warning", name, msg, {
        "loss": float(loss), "expected": ref, "ratio": float(loss / ref),
        "threshold_factor": T.BAD_INIT_LOSS_FACTOR})]
