"""Pictures of a network's health during training, and the live curves of ``LivePlot``.

``diagnostics(history)`` draws what :class:`glassnet.callbacks.Diagnostics` recorded, one
line per layer: the loss, the gradient reaching each layer ``||dL/dA_l||``, CS231n's update
ratio ``||ΔW|| / ||W||`` (its healthy ``1e-3`` marked) and the share of dead (ReLU, solid) or
saturated (sigmoid/tanh, dashed) units of the hidden layers (a confident output layer is meant
to be near 0 or 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from glassnet.plotting import _style

PANELS = ("Loss", "Gradient reaching the layer", "Update / weight ratio",
          "Dead (—) or saturated (- -) units")


def _record(history: Any) -> tuple[dict[str, Any], dict[str, list[float]]]:
    """``(history.diagnostics, history.history)`` of a History, a fitted model or a dict."""
    obj = getattr(history, "history", None) if not isinstance(history, Mapping) else None
    if obj is not None and not isinstance(obj, Mapping) and hasattr(obj, "diagnostics"):
        history = obj                                   # a model: its History
    if isinstance(history, Mapping):
        rec, curves = history, {}
    else:
        rec = getattr(history, "diagnostics", None)
        curves = getattr(history, "history", {}) or {}
    if not isinstance(rec, Mapping):
        raise TypeError(f"history must be a History (what fit returns), a fitted model or the "
                        f"dict history.diagnostics, got {type(history).__name__}")
    if not rec or not rec.get("epoch"):
        raise ValueError("history holds no diagnostics: train with "
                         "callbacks=[gn.callbacks.Diagnostics()]")
    return rec, dict(curves)


def diagnostics(history: Any, axes: Sequence[Any] | None = None, title: str | None = None):
    """Per-layer activation and gradient statistics over the epochs.

    Parameters
    ----------
    history : History, fitted model, or dict
        What ``fit(..., callbacks=[gn.callbacks.Diagnostics()])`` returned (or its
        ``.diagnostics`` dict).
    axes : sequence of 4 Axes, optional
        Where to draw the four panels (a row of a larger figure, say); a new figure when None.
    title : str, optional
        The title (``suptitle``) of the figure, or subfigure, holding the panels.

    Returns
    -------
    matplotlib Figure
    """

    rec, curves = _record(history)
    if axes is None:
        fig, axes = _style.subplots(1, 4, figsize=(16, 3.6))
    axes = list(np.ravel(axes))
    if len(axes) != 4:
        raise ValueError(f"axes must hold 4 Axes (one per panel), got {len(axes)}")
    fig = axes[0].figure
    epochs = np.asarray(rec["epoch"]) + 1                # 0 = before training
    ax = axes[0]
    if curves.get("loss"):
        ax.plot(np.arange(1, len(curves["loss"]) + 1), curves["loss"], color=_style.TRAIN_COLOR,
                label="training")
        if curves.get("val_loss"):
            ax.plot(np.arange(1, len(curves["val_loss"]) + 1), curves["val_loss"],
                    color=_style.VALIDATION_COLOR, label="validation")
    else:
        ax.plot(epochs, rec["sample_loss"], color=_style.TRAIN_COLOR, label="sample")
    values = [v for line in ax.lines for v in np.asarray(line.get_ydata(), dtype=float)
              if np.isfinite(v) and v > 0]
    if values and max(values) > 10 * min(values):
        ax.set_yscale("log")
    ax.legend(frameon=False, fontsize=8)
    colors = _style.CLASS_COLORS
    layers = list(rec["layers"].items())
    for i, (name, s) in enumerate(layers):
        c = colors[i % len(colors)]
        g = np.asarray(s["grad_norm"], dtype=float)
        if np.isfinite(g).any():
            axes[1].plot(epochs, np.where(g > 0, g, np.nan), color=c, label=name)
        r = np.asarray(s["update_ratio"], dtype=float)
        if np.isfinite(r).any():
            ok = np.isfinite(r) & (r > 0)
            axes[2].plot(epochs[ok], r[ok], "o-" if ok.sum() <= 30 else "-", ms=3, color=c,
                         lw=1, label=name)
        for key, style in (("dead_share", "-"), ("saturated_share", "--")):
            v = np.asarray(s[key], dtype=float)
            if np.isfinite(v).any() and i < len(layers) - 1:      # not the output layer
                axes[3].plot(epochs, v, style, color=c, label=name)
    axes[1].set_yscale("log")
    axes[2].set_yscale("log")
    axes[2].axhline(1e-3, color="0.4", ls=":", lw=1)
    axes[2].text(0.02, 0.02, "CS231n: ~1e-3", transform=axes[2].transAxes, fontsize=7,
                 color="0.3")
    axes[3].set_ylim(-0.03, 1.03)
    for ax, panel in zip(axes, PANELS, strict=True):
        ax.set_title(panel, fontsize=10)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    if axes[1].lines:
        axes[3].legend(*axes[1].get_legend_handles_labels(), frameon=False, fontsize=7,
                       loc="center left", bbox_to_anchor=(1.02, 0.5), title="layer",
                       ncol=1 + len(layers) // 13)
    if title:
        fig.suptitle(title, fontsize=11, fontweight="bold")
    return fig


def notebook_display():
    """IPython's ``display`` when running in a Jupyter kernel, else None."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:
        return None
    shell = get_ipython()
    if shell is None or type(shell).__name__ not in ("ZMQInteractiveShell", "Shell"):
        return None                                     # terminal IPython or plain Python
    return display


class LiveFigure:
    """One figure of ``gn.plot.history``, shown once with ``display(fig, display_id=True)``
    and updated in place after each epoch."""

    def __init__(self, display, keys: list[str] | None, log_loss: bool) -> None:
        self.display, self.keys, self.log_loss = display, keys, log_loss
        self.fig = None
        self.handle = None

    def update(self, history) -> None:
        import matplotlib.pyplot as plt

        from glassnet.plotting.curves import history as draw_history

        if self.fig is not None:
            plt.close(self.fig)
        self.fig = draw_history(history, keys=self.keys, log_loss=self.log_loss)
        if self.handle is None:
            self.handle = self.display(self.fig, display_id=True)
        else:
            self.handle.update(self.fig)

    def close(self) -> None:
        import matplotlib.pyplot as plt

        if self.fig is not None:
            plt.close(self.fig)
        self.fig = None
