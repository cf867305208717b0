"""The pictures of ``glassnet train``: cost curves, network graph, confusion matrix, and for two
features the decision boundary and the hidden units, labelled with the data's column names."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet.cli._common import Outputs


class ScaledClassifier:
    """A trained network behind the feature scaler, for pictures in the original coordinates.

    ``predict_proba(X)`` (n, k) standardises ``X`` (n, d) and runs the network.
    """

    def __init__(self, model, scaler, n_classes: int) -> None:
        self.model, self.scaler = model, scaler
        self.classes_ = np.arange(n_classes)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        p = self.model.predict(self.scaler.transform(X)).astype(np.float64)
        return np.column_stack([1.0 - p[:, 0], p[:, 0]]) if p.shape[1] == 1 else p

    def predict(self, X: np.ndarray) -> np.ndarray:
        return self.predict_proba(X).argmax(axis=1)


def draw_train_pictures(out: Outputs, prob: Any, model, scaler, history, scores,
                        pred_all, itr, ite) -> None:
    """Cost curves, network graph, and what fits the task and the number of features."""
    import matplotlib.pyplot as plt

    from glassnet import plot

    columns = feature_names(prob)
    out.save_figure(plot.history(history), "cost.png")
    out.save_figure(plot.network(model, feature_names=columns), "network.png")
    if prob.task == "regression":
        fig, ax = plt.subplots(figsize=(5.6, 5.2), layout="constrained")
        for idx, name, color in ((itr, "train", "#1f5fa8"), (ite, "test", "#e66100")):
            ax.scatter(prob.y[idx], pred_all[idx], s=14, alpha=0.7, color=color,
                       label=f"{name}: R² {scores[name]['r2']:.3f}")
        lo = float(min(prob.y.min(), pred_all.min()))
        hi = float(max(prob.y.max(), pred_all.max()))
        ax.plot([lo, hi], [lo, hi], color="#111111", linewidth=1, label="perfect prediction")
        ax.set_xlabel(f"true {prob.target}")
        ax.set_ylabel(f"predicted {prob.target}")
        ax.set_title("Predictions against the truth")
        ax.legend(fontsize="small")
        out.save_figure(fig, "predictions.png")
        return
    k = len(prob.classes)
    acc = scores["test"]["accuracy"]
    ax = plot.confusion_matrix(np.array(scores["confusion_matrix_test"]),
                               labels=[str(c) for c in prob.classes],
                               title=f"Test set: accuracy {acc:.1%}")
    out.save_figure(ax, "confusion_matrix.png")
    if prob.X.shape[1] == 2:
        ax = plot.decision_boundary(
            ScaledClassifier(model, scaler, k), prob.X, prob.y, feature_names=columns,
            title=f"{prob.name}: train {scores['train']['accuracy']:.1%}, "
                  f"test {acc:.1%} accuracy")
        name_classes(ax, prob.classes)
        out.save_figure(ax, "boundary.png")
        scaled = None if columns is None else [f"{c} (standardised)" for c in columns]
        out.save_figure(plot.neurons(model, scaler.transform(prob.X), prob.y, layer=0,
                                     feature_names=scaled), "neurons.png")


def name_classes(ax: Any, classes: list) -> None:
    """Write the data's class names (``"class red"``) into the legend of the points, which the
    plot draws for the class indices 0..k-1 the network is trained on."""
    legend = ax.get_legend()
    if legend is not None:
        for text, c in zip(legend.get_texts(), classes, strict=False):
            text.set_text(f"class {c}")


def feature_names(prob: Any) -> list[str] | None:
    """The data's column names for the pictures; None for the planar sets' plain x1, x2."""
    names = list(prob.feature_names)
    return None if names == [f"x{i + 1}" for i in range(len(names))] else names
