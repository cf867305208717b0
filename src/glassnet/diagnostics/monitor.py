"""What :class:`glassnet.callbacks.Diagnostics` does during ``fit``, epoch by epoch.

Every ``every`` epochs it measures CS231n's update ratio on the epoch's first real update
(the weight matrices are copied just before it), then, at the end of the epoch, the activation
and gradient statistics of :mod:`~glassnet.diagnostics.layer_stats` on a fixed sample of at most
1 024 training rows, and runs every check. The statistics go into ``history.diagnostics``:

    {"epoch": [-1, 0, 1, ...],          # -1: before the first update
     "sample_loss": [...],
     "layers": {name: {"act_mean": [...], "act_std": [...], "dead_share": [...],
                       "saturated_share": [...], "grad_norm": [...], "update_ratio": [...]}},
     "findings": [{"epoch": e, "code": ..., "layer": ..., "message": ...}, ...]}

(NaN where a statistic does not apply to a layer or was not measured). Each finding is warned
about once, the first time it appears.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from glassnet.diagnostics import layer_stats
from glassnet.diagnostics.diagnose import collect
from glassnet.diagnostics.findings import DiagnosticWarning, Finding

STATS = ("act_mean", "act_std", "dead_share", "saturated_share", "grad_norm", "update_ratio")


class Monitor:
    """The state of one ``fit`` under :class:`~glassnet.callbacks.Diagnostics`."""

    def __init__(self, model, X: np.ndarray, y: np.ndarray, sample_size: int, seed: int,
                 warn: bool) -> None:
        self.model = model
        self.X, self.y = layer_stats.sample_rows(X, y, sample_size, seed)
        self.warn = warn
        self.seen: set[tuple[str, str | None]] = set()
        self.findings: list[Finding] = []
        self.initial_loss: float | None = None
        self.record: dict[str, Any] = {"epoch": [], "sample_loss": [],
                                       "layers": {layer.name: {k: [] for k in STATS}
                                                  for layer in model.layers},
                                       "findings": []}
        self._before: list | None = None
        self.ratios: dict[str, float] = {}

    def begin(self) -> None:
        """Statistics and checks before the first update of this ``fit``."""
        at_init = self.model.iterations == 0
        stats = layer_stats.forward_backward(self.model, self.X, self.y)
        if at_init:
            self.initial_loss = stats["loss"]
        self._store(self.model.epoch - 1, stats, {})
        found, _ = collect(self.model, self.X, self.y, stats, None, None, None, at_init)
        self._report(self.model.epoch - 1, found)

    def before_step(self) -> None:
        self._before = layer_stats.kernel_snapshot(self.model)

    def after_step(self) -> None:
        if self._before is not None:
            self.ratios = layer_stats.update_ratios(self.model, self._before)
            self._before = None

    @property
    def measuring(self) -> bool:
        return self._before is not None

    def epoch_end(self, epoch: int, history: dict[str, list[float]]) -> None:
        """Statistics and checks after epoch ``epoch``."""
        stats = layer_stats.forward_backward(self.model, self.X, self.y)
        self._store(epoch, stats, self.ratios)
        found, _ = collect(self.model, self.X, self.y, stats, self.ratios or None, history,
                           self.initial_loss, False)
        self._report(epoch, found)
        self.ratios = {}

    def _store(self, epoch: int, stats: dict[str, Any], ratios: dict[str, float]) -> None:
        self.record["epoch"].append(int(epoch))
        self.record["sample_loss"].append(float(stats["loss"]))
        for row in stats["layers"]:
            series = self.record["layers"][row["name"]]
            for key in STATS[:-1]:
                value = row[key]
                series[key].append(math.nan if value is None else float(value))
            series["update_ratio"].append(float(ratios.get(row["name"], math.nan)))

    def _report(self, epoch: int, found: list[Finding]) -> None:
        for f in found:
            key = (f.code, f.layer)
            if key in self.seen:
                continue
            self.seen.add(key)
            self.findings.append(f)
            self.record["findings"].append({"epoch": int(epoch), "code": f.code,
                                            "layer": f.layer, "message": f.message})
            if self.warn:
                where = "before training" if epoch < 0 else f"after epoch {epoch}"
                warnings.warn(f"{f.code} ({where}): {f.message}", DiagnosticWarning,
                              stacklevel=4)
