"""Checks of how training went: the loss curves (``history``) and the size of the updates.

The update ratio of a weight matrix is CS231n's ``r = ||ΔW|| / ||W||`` for one update; about
``1e-3`` is healthy. The loss curves are the epoch means that ``fit`` records.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from glassnet.diagnostics import thresholds as T
from glassnet.diagnostics.findings import Finding


def _tail_mean(values: Sequence[float]) -> float:
    k = max(1, int(round(len(values) * T.HISTORY_TAIL)))
    return float(np.mean(values[-k:]))


def loss_shape(loss: Sequence[float]) -> dict[str, float | bool]:
    """What the loss curve did: rose, oscillated, stayed flat (see the thresholds module).

    * ``rise = tail / first − 1`` (tail: the mean of the last ``HISTORY_TAIL`` of the epochs);
    * ``jump_share``: in the second half, the share of epochs whose loss rose by more than
      ``OSCILLATION_JUMP`` of the epoch before;
    * ``spike``: the largest ratio, in the second half, of an epoch's loss to the lowest loss
      before it, counted only when the rise exceeds ``SPIKE_MIN_SHARE`` of the first loss;
    * ``change = |tail − first| / first``.
    """
    v = np.asarray(loss, dtype=np.float64)
    first, tail = float(v[0]), _tail_mean(v)
    with np.errstate(all="ignore"):
        half = v[len(v) // 2:]
        jumps = (half[1:] - half[:-1]) / np.abs(half[:-1])
        jump_share = float(np.mean(jumps > T.OSCILLATION_JUMP)) if len(half) > 1 else 0.0
        low = np.minimum.accumulate(v)[len(v) // 2 - 1:-1] if len(v) > 1 else v[:0]
        big = (half - low) > T.SPIKE_MIN_SHARE * abs(v[0])
        spike = float(np.max(np.where(big, half / low, 0.0))) if big.any() else 0.0
        rise = tail / first - 1 if first > 0 else 0.0
        change = abs(tail - first) / first if first > 0 else 0.0
    finite = bool(np.isfinite(v).all())
    return {"first": first, "tail": tail, "rise": float(rise), "jump_share": jump_share,
            "change": float(change), "finite": finite,
            "rising": bool(not finite or rise > T.LOSS_RISE),
            "spike": spike,
            "oscillating": jump_share >= T.OSCILLATION_SHARE or spike > T.SPIKE_FACTOR,
            "flat": bool(finite and change < T.FLAT_LOSS_CHANGE)}


def _largest(ratios: Mapping[str, float]) -> tuple[str, float]:
    name = max(ratios, key=lambda k: ratios[k])
    return name, float(ratios[name])


def lr_too_high(loss: Sequence[float] | None, ratios: Mapping[str, float] | None,
                lr: float | None, chance_loss: float | None = None) -> list[Finding]:
    """``lr_too_high``: the largest update ratio exceeds ``UPDATE_RATIO_HIGH`` (≫ 1e-3), or the
    loss over ``HISTORY_MIN_EPOCHS`` epochs or more rose, oscillated, or ended above
    ``CHANCE_LOSS_FACTOR`` × ``chance_loss`` (``ln k``: the loss of a classifier that gives
    every class ``1/k``), which training can only reach by throwing the weights about."""
    ev: dict = {"lr": lr, "threshold_ratio": T.UPDATE_RATIO_HIGH}
    seen = []
    if ratios:
        name, r = _largest(ratios)
        ev.update(update_ratios=dict(ratios), max_update_ratio=r, layer=name)
        if not r <= T.UPDATE_RATIO_HIGH:
            seen.append(f"one update changes the weights of layer {name!r} by "
                        + (f"{r:.3g}× their size" if math.isfinite(r) else "a non-finite amount")
                        + f" (CS231n: about {T.UPDATE_RATIO_TARGET:g} is healthy)")
    if loss is not None and len(loss) >= T.HISTORY_MIN_EPOCHS:
        shape = loss_shape(loss)
        ev["loss_curve"] = shape
        if shape["rising"]:
            seen.append(f"the loss rose from {shape['first']:.4g} to {shape['tail']:.4g}")
        elif chance_loss is not None and shape["tail"] > T.CHANCE_LOSS_FACTOR * chance_loss:
            ev["chance_loss"] = chance_loss
            seen.append(f"after training the loss is {shape['tail']:.4g}, more than "
                        f"{T.CHANCE_LOSS_FACTOR:g}× the {chance_loss:.4g} of a network that "
                        f"gives every class the same probability")
        elif shape["oscillating"]:
            if shape["jump_share"] >= T.OSCILLATION_SHARE:
                seen.append(f"the loss jumped up by more than {T.OSCILLATION_JUMP:.0%} in "
                            f"{shape['jump_share']:.0%} of the later epochs")
            else:
                seen.append(f"in a later epoch the loss jumped to {shape['spike']:.3g}× the "
                            f"lowest it had reached")
    if not seen:
        return []
    lr_text = f" (lr={lr:g})" if lr is not None else ""
    msg = (f"the learning rate{lr_text} looks too high: " + "; ".join(seen) + ". Steps that "
           "large overshoot the minimum and can kill ReLUs or saturate units. Divide the "
           "learning rate by 10, or run gn.lr_find(model, X, y) for a suggestion.")
    return [Finding("lr_too_high", "error", None, msg, ev)]


def lr_too_low(loss: Sequence[float] | None, ratios: Mapping[str, float] | None,
               lr: float | None) -> list[Finding]:
    """``lr_too_low``: the largest update ratio is below ``UPDATE_RATIO_LOW`` (≪ 1e-3)."""
    if not ratios:
        return []
    name, r = _largest(ratios)
    if not r < T.UPDATE_RATIO_LOW:
        return []
    ev = {"lr": lr, "update_ratios": dict(ratios), "max_update_ratio": r,
          "threshold_ratio": T.UPDATE_RATIO_LOW}
    flat = ""
    if loss is not None and len(loss) >= 2:
        shape = loss_shape(loss)
        ev["loss_curve"] = shape
        flat = f"; the loss moved by {shape['change']:.2%} over {len(loss)} epochs"
    lr_text = f" (lr={lr:g})" if lr is not None else ""
    msg = (f"the learning rate{lr_text} looks too low: one update changes the weights by at "
           f"most {r:.2g}× their size (layer {name!r}; CS231n: about {T.UPDATE_RATIO_TARGET:g} "
           f"is healthy){flat}. Training will take forever. Multiply the learning rate by 10 to "
           f"1000, or run gn.lr_find(model, X, y) for a suggestion.")
    ev["layer"] = name
    return [Finding("lr_too_low", "warning", None, msg, ev)]


def overfitting(history: Mapping[str, Sequence[float]]) -> list[Finding]:
    """``overfitting``: ``val_loss`` rose by ``OVERFIT_VAL_RISE`` above its minimum, reached at
    least ``OVERFIT_PATIENCE`` epochs before the end, while the training loss kept falling and
    ends below the validation loss (a memorising network fits its training set better)."""
    val, loss = history.get("val_loss"), history.get("loss")
    if val is None or loss is None or len(val) < T.HISTORY_MIN_EPOCHS:
        return []
    val = np.asarray(val, dtype=np.float64)
    loss = np.asarray(loss, dtype=np.float64)
    if not (np.isfinite(val).all() and np.isfinite(loss).all()):
        return []
    best = int(np.argmin(val))
    rise = float(val[-1] / val[best] - 1) if val[best] > 0 else 0.0
    if (rise < T.OVERFIT_VAL_RISE or len(val) - 1 - best < T.OVERFIT_PATIENCE
            or not loss[-1] < loss[best] or not loss[-1] < val[-1]):
        return []
    ev = {"best_epoch": best, "best_val_loss": float(val[best]), "val_loss": float(val[-1]),
          "loss_at_best": float(loss[best]), "loss": float(loss[-1]), "val_rise": rise,
          "threshold_rise": T.OVERFIT_VAL_RISE}
    msg = (f"the validation loss was lowest at epoch {best} ({val[best]:.4g}) and has risen "
           f"{rise:.0%} since, to {val[-1]:.4g}, while the training loss kept falling "
           f"({loss[best]:.4g} -> {loss[-1]:.4g}): the network memorises the training set. Get "
           f"more data, add l2= or Dropout, use a smaller network, or stop early "
           f"(gn.callbacks.EarlyStopping(monitor='val_loss', restore_best_weights=True)).")
    return [Finding("overfitting", "warning", None, msg, ev)]


def not_learning(loss: Sequence[float] | None, initial_loss: float | None) -> list[Finding]:
    """``not_learning``: after ``NOT_LEARNING_MIN_EPOCHS`` epochs the loss is still above
    ``NOT_LEARNING_FRACTION`` of its initial value (the loss before training when known, else
    the first epoch's)."""
    if loss is None or len(loss) < T.NOT_LEARNING_MIN_EPOCHS:
        return []
    start = float(initial_loss) if initial_loss is not None else float(loss[0])
    end = _tail_mean(loss)
    if not (math.isfinite(start) and math.isfinite(end)) or start <= 0:
        return []
    if end < T.NOT_LEARNING_FRACTION * start:
        return []
    ev = {"initial_loss": start, "final_loss": end, "epochs": len(loss),
          "fraction": end / start, "threshold_fraction": T.NOT_LEARNING_FRACTION}
    msg = (f"after {len(loss)} epochs the loss is {end:.4g}, {end / start:.0%} of its initial "
           f"{start:.4g}: the network has learned next to nothing, although the updates have a "
           f"healthy size. Check that the labels belong to their samples (shuffled together?), "
           f"that the task can be learned from these features, and try to overfit a few "
           f"samples first (Karpathy's recipe).")
    return [Finding("not_learning", "error", None, msg, ev)]
