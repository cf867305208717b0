"""What a diagnosis returns: ``Finding`` (one problem, in words and numbers) and ``Report``."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: The stable finding codes, in the order a report lists them (causes before symptoms).
CODES = ("unscaled_inputs", "class_imbalance", "loss_activation_mismatch", "bad_init_loss",
         "dead_units", "saturated_units", "vanishing_gradients", "exploding_gradients",
         "lr_too_high", "lr_too_low", "overfitting", "not_learning")
SEVERITIES = ("error", "warning", "info")


class DiagnosticWarning(UserWarning):
    """Warning issued by :class:`glassnet.callbacks.Diagnostics` when a finding appears."""


@dataclass
class Finding:
    """One problem found.

    Attributes
    ----------
    code : str
        One of :data:`CODES` (stable: tests and programs may compare it).
    severity : {"error", "warning", "info"}
        "error": training cannot work as set up; "warning": it will be slow or poor.
    layer : str or None
        The layer concerned (its ``name``), None for the data, the loss or the whole network.
    message : str
        What was seen (with the numbers), why it matters and what to try.
    evidence : dict
        The numbers behind the message.
    """

    code: str
    severity: str
    layer: str | None
    message: str
    evidence: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"code must be one of {', '.join(CODES)}, got {self.code!r}")
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, got {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON-ready types."""
        return {"code": self.code, "severity": self.severity, "layer": self.layer,
                "message": self.message, "evidence": jsonable(self.evidence)}


def jsonable(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays turned into Python numbers and lists."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    return value


@dataclass
class Report:
    """The result of :func:`glassnet.diagnose`.

    Attributes
    ----------
    findings : list of Finding
        The problems found, causes first (see :data:`CODES`); empty when all is well.
    checked : list of str
        The codes that could be checked (history checks need a history, ``bad_init_loss`` an
        untrained model).
    stats : dict
        Per-layer statistics on the sample (activations, gradients, update ratios).
    """

    findings: list[Finding]
    checked: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        """The codes of the findings, in order (a code appears once per layer concerned)."""
        return [f.code for f in self.findings]

    def __bool__(self) -> bool:
        return bool(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready types (``json.dumps(report.to_dict())`` works)."""
        return {"findings": [f.to_dict() for f in self.findings], "checked": list(self.checked),
                "stats": jsonable(self.stats)}

    def __str__(self) -> str:
        if not self.findings:
            return (f"glassnet diagnose: no problem found ({len(self.checked)} checks: "
                    f"{', '.join(self.checked)})")
        rows = [("severity", "code", "layer")]
        rows += [(f.severity, f.code, f.layer or "-") for f in self.findings]
        widths = [max(len(r[i]) for r in rows) for i in range(3)]
        lines = [f"glassnet diagnose: {len(self.findings)} finding(s)"]
        header = "  ".join(c.ljust(w) for c, w in zip(rows[0], widths, strict=True))
        lines += [header, "-" * max(len(header), 60)]
        for f, row in zip(self.findings, rows[1:], strict=True):
            lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
            lines += textwrap.wrap(f.message, 92, initial_indent="    ",
                                   subsequent_indent="    ")
            explained = [e["code"] + (f" ({e['layer']})" if e["layer"] else "")
                         for e in f.evidence.get("explains", [])]
            if explained:
                lines += textwrap.wrap("This also explains: " + ", ".join(explained) + ".", 92,
                                       initial_indent="    ", subsequent_indent="    ")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"Report(codes={self.codes})"
