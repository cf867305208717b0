"""Animate training: decision boundary, network weights and cost curve, frame by frame.

``callbacks.Snapshots(every=k)`` keeps a copy of the weights every ``k`` update steps. For each
frame picked from them, :func:`training` puts those weights back into the model, predicts the
whole plane in one batched call and redraws only what changed (one image, one contour line, the
edge colours of the network and the cost line) on a single figure, then writes the frames with
Pillow (GIF) or ffmpeg (MP4).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Any

import numpy as np

from glassnet._validation import check_int, check_number
from glassnet.errors import NotFittedError
from glassnet.plotting import _style
from glassnet.plotting.boundaries import (
    class_probabilities,
    draw_boundary_lines,
    draw_points,
    region_image,
)
from glassnet.plotting.network import NetworkGraph


def pick_frames(n_available: int, frames: int) -> np.ndarray:
    """Indices of ``min(frames, n_available)`` snapshots spread evenly, first and last included.

    Returns
    -------
    ndarray of int, shape (m,), strictly increasing
    """
    m = min(frames, n_available)
    return np.unique(np.round(np.linspace(0, n_available - 1, m)).astype(int))


def _check_snapshots(snapshots: Any) -> tuple[np.ndarray, list, np.ndarray]:
    for attr in ("steps", "weights", "losses"):
        if not hasattr(snapshots, attr):
            raise TypeError(f"snapshots must be a glassnet.callbacks.Snapshots (with .steps, "
                            f".weights and .losses), got {type(snapshots).__name__}")
    steps, weights, losses = snapshots.steps, snapshots.weights, snapshots.losses
    if len(weights) == 0:
        raise ValueError("snapshots is empty: pass it to model.fit(..., callbacks=[snapshots]) "
                         "before animating")
    if not len(steps) == len(weights) == len(losses):
        raise ValueError(f"snapshots has {len(steps)} steps, {len(weights)} weight sets and "
                         f"{len(losses)} losses; they must match")
    return np.asarray(steps), list(weights), np.asarray(losses, dtype=np.float64)


def cost_curve(snapshots: Any, model: Any = None) -> tuple[np.ndarray, np.ndarray]:
    """The cost of every recorded step, with its step number.

    ``snapshots.step_losses`` holds one loss per update since the callback was attached; its first
    entry is matched to a step number by checking it against the snapshot losses. When that is not
    possible, the snapshot losses alone are returned.

    Returns
    -------
    steps : ndarray, shape (t,)
    losses : ndarray, shape (t,)
    """
    steps, _, losses = _check_snapshots(snapshots)
    full = np.asarray(getattr(snapshots, "step_losses", []), dtype=np.float64)
    if full.size:
        starts = [int(steps[0])]
        if model is not None and isinstance(getattr(model, "iterations", None), int):
            starts.append(model.iterations - full.size)
        for s0 in starts:
            pos = steps - s0
            if pos.min() >= 0 and pos.max() < full.size and np.allclose(full[pos], losses):
                return np.arange(s0, s0 + full.size), full
    return steps.astype(np.int64), losses


def _check_path(path: Any) -> tuple[str, str]:
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or path ending in .gif or .mp4, got "
                        f"{type(path).__name__}")
    path = os.fspath(path)
    ext = os.path.splitext(path)[1].lower()
    if ext not in (".gif", ".mp4"):
        raise ValueError(f"path must end in .gif or .mp4, got {path!r}")
    if ext == ".mp4" and shutil.which("ffmpeg") is None:
        raise RuntimeError("writing .mp4 needs the ffmpeg program on PATH, which was not found; "
                           "install ffmpeg or save a .gif instead")
    return path, ext


def training(model: Any, X: Any, y: Any, snapshots: Any, path: str | os.PathLike = "training.gif",
             frames: int = 60, fps: float = 10, resolution: int = 100, dpi: int = 80,
             max_units: int = 50, feature_names: Any = None) -> str:
    """Render training as an animation: boundary, network graph and cost curve per frame.

    Parameters
    ----------
    model : Sequential
        The trained model the snapshots came from (two input features). Its weights are put back
        as they were when the function returns.
    X : array-like, shape (n, 2)
        Points drawn on the boundary panel.
    y : array-like, shape (n,)
        Their class labels.
    snapshots : glassnet.callbacks.Snapshots
        Weights (and losses) kept during ``fit``.
    path : str or path
        ``.gif`` (written with Pillow) or ``.mp4`` (needs ffmpeg on PATH).
    frames : int
        Number of frames: that many snapshots, spread evenly (fewer if fewer were kept).
    fps : float
        Frames per second.
    resolution : int
        Grid points along each axis of the boundary panel.
    dpi : int
        Pixels per inch of the 12 × 4.8 inch figure (80 gives 960 × 384 pixels).
    max_units : int
        Widest layer drawn in the network panel (wider ones are sampled).
    feature_names : sequence of 2 str, optional
        Names of the two features (axis labels of the boundary panel, input nodes).

    Returns
    -------
    str
        ``path``.

    Notes
    -----
    Each frame ``t`` shows the snapshot of update step ``s_t``: ``P(y = 1 | x)`` on the plane with
    the line ``P = 0.5``; the weights as edges (blue positive, red negative, width ∝ ``|w|`` on
    one scale for the whole animation); and the cost up to ``s_t``. The last frame is always the
    model as it is now, after its last update (``model.iterations``), even when no snapshot fell
    on that step; its loss is the model's loss on ``(X, y)``.
    """
    path, ext = _check_path(path)
    frames = check_int(frames, "frames", low=1)
    fps = check_number(fps, "fps", low=0.0, low_inclusive=False, high=100.0)
    resolution = _style.check_resolution(resolution)
    dpi = check_int(dpi, "dpi", low=20, high=400)
    X, y = _style.check_points(X, y)
    names = _style.check_feature_names(feature_names, 2)
    if not (hasattr(model, "get_weights") and hasattr(model, "set_weights")):
        raise TypeError(f"model must be a glassnet Sequential (with get_weights/set_weights), "
                        f"got {type(model).__name__}")
    if not getattr(model, "built", False):
        raise NotFittedError("training needs the fitted model the snapshots came from")
    steps, weights, losses = _check_snapshots(snapshots)
    final = _final_state(model, steps, X, y, snapshots)
    chosen = pick_frames(len(weights), frames - 1 if final is not None else frames)
    frame_steps = [int(steps[i]) for i in chosen]
    frame_weights = [weights[i] for i in chosen]
    frame_losses = [float(losses[i]) for i in chosen]
    if final is not None:
        frame_steps.append(final[0])
        frame_weights.append(final[1])
        frame_losses.append(final[2])
    grid, extent, axes = _style.grid_over(X, resolution)

    original = model.get_weights()
    try:
        probas, accs = [], []
        for w in frame_weights:                            # one batched pass per frame
            model.set_weights(w)
            proba, classes = class_probabilities(model, np.vstack([grid, X]))
            probas.append(proba[:len(grid)])
            accs.append(float(np.mean(classes[proba[len(grid):].argmax(axis=1)] == y)))
    finally:
        model.set_weights(original)

    images = [_frame_image(p, resolution) for p in probas]
    fig, parts = _layout(model, X, y, classes, extent, axes, images[0], dpi, max_units, names)
    graph = parts["graph"]
    mats = [graph.weights_from_list(w) for w in frame_weights]
    graph.weight_scale = max(
        float(np.abs(W[np.ix_(graph.shown[j], graph.shown[j + 1])]).max())
        for ms in mats for j, W in enumerate(ms)) or 1.0
    curve_x, curve_y = cost_curve(snapshots, model)
    if final is not None and final[0] > curve_x[-1]:
        curve_x, curve_y = np.append(curve_x, final[0]), np.append(curve_y, final[2])
    _setup_cost(parts["cost"], curve_x, curve_y)

    rendered = _render(fig, parts, images, probas, axes, mats,
                       list(zip(frame_steps, frame_losses, strict=True)), accs,
                       curve_x, curve_y)
    if ext == ".gif":
        _write_gif(rendered, path, fps)
    else:
        _write_mp4(rendered, path, fps)
    return path


def _final_state(model: Any, steps: np.ndarray, X: np.ndarray, y: np.ndarray,
                 snapshots: Any) -> tuple[int, list, float] | None:
    """``(step, weights, loss)`` of the model now, when it is past the last snapshot."""
    now = getattr(model, "iterations", None)
    if not isinstance(now, int) or now <= int(steps[-1]):
        return None
    try:
        loss = float(model.evaluate(X, y)["loss"])
    except (ValueError, TypeError, AttributeError):
        step_losses = getattr(snapshots, "step_losses", None)
        loss = float(step_losses[-1]) if step_losses else float("nan")
    return now, model.get_weights(), loss


def _render(fig, parts, images, probas, axes, mats, step_loss, accs, curve_x, curve_y):
    """Draw every frame and return them as RGB arrays (H, W, 3).

    The static parts (axes, ticks, labels, colorbar) are drawn once and kept as a background;
    each frame restores it and redraws only the artists that change, in stacking order (blitting).
    """
    graph = parts["graph"]
    moving = [parts["image"], *parts["points"], parts["legend"], graph.edges, *graph.nodes,
              parts["line"], parts["marker"], parts["title"]]
    for artist in moving:
        artist.set_animated(True)
    canvas = fig.canvas
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    over_boundary = moving[1:]                 # drawn after the image and its contour lines
    rendered, contours = [], []
    for f, (step, loss) in enumerate(step_loss):
        parts["image"].set_data(images[f])
        for cs in contours:
            cs.remove()
        contours = draw_boundary_lines(parts["boundary"], probas[f], axes)
        graph.update(mats[f])
        upto = curve_x <= step
        parts["line"].set_data(curve_x[upto], curve_y[upto])
        parts["marker"].set_data([step], [loss])
        parts["title"].set_text(f"training step {step}   ·   loss {loss:.4f}   ·   "
                                f"accuracy {accs[f]:.1%}")
        canvas.restore_region(background)
        for artist in [parts["image"], *contours, *over_boundary]:
            fig.draw_artist(artist)
        rendered.append(np.asarray(canvas.buffer_rgba())[..., :3].copy())
    return rendered


def _frame_image(proba: np.ndarray, resolution: int) -> np.ndarray:
    """What the boundary panel's image shows: ``P(class 1)`` (R, R) or class colours (R, R, 4)."""
    if proba.shape[1] == 2:
        return proba[:, 1].reshape(resolution, resolution)
    return region_image(proba, (resolution, resolution))


def _layout(model, X, y, classes, extent, axes, first_image, dpi, max_units, names=None):
    """The figure (not managed by pyplot) with its three panels and the artists to update."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(12.0, 4.8), dpi=dpi)
    FigureCanvasAgg(fig)
    gs = fig.add_gridspec(1, 3, width_ratios=[1.15, 1.0, 1.0], left=0.05, right=0.97,
                          bottom=0.17, top=0.84, wspace=0.28)
    ax_b, ax_n, ax_c = (fig.add_subplot(gs[0, i]) for i in range(3))
    if first_image.ndim == 2:
        image = ax_b.imshow(first_image, extent=extent, origin="lower", aspect="auto",
                            cmap=_style.DIVERGING_CMAP, vmin=0.0, vmax=1.0, alpha=0.6,
                            interpolation="bilinear")
        cbar = fig.colorbar(image, ax=ax_b, fraction=0.05, pad=0.02)
        cbar.set_label(f"P(y = {classes[1]})")
    else:
        image = ax_b.imshow(first_image, extent=extent, origin="lower", aspect="auto",
                            interpolation="nearest")
    before = len(ax_b.collections)
    draw_points(ax_b, X, y, classes, legend=True)
    points = ax_b.collections[before:]
    ax_b.set_xlim(extent[0], extent[1])
    ax_b.set_ylim(extent[2], extent[3])
    _style.label_plane(ax_b, names)
    ax_b.set_title("Decision boundary (black line)", fontsize="medium")
    graph = NetworkGraph(ax_n, model, max_units=max_units, feature_names=names)
    ax_n.set_title("Weights", fontsize="medium")
    line, = ax_c.plot([], [], color=_style.TRAIN_COLOR, linewidth=1.6, label="cost")
    marker, = ax_c.plot([], [], "o", color=_style.VALIDATION_COLOR, markersize=7,
                        label="current step")
    ax_c.legend(loc="upper right", fontsize="small")
    title = fig.suptitle("", fontsize="large")
    return fig, {"boundary": ax_b, "image": image, "points": list(points),
                 "legend": ax_b.get_legend(), "graph": graph, "cost": ax_c, "line": line,
                 "marker": marker, "title": title}


def _setup_cost(ax: Any, x: np.ndarray, y: np.ndarray) -> None:
    """Fixed limits for the cost panel, so the axes do not jump between frames."""
    lo, hi = float(np.min(y)), float(np.max(y))
    pad = 0.05 * (hi - lo) if hi > lo else 0.5
    ax.set_xlim(float(x[0]), float(max(x[-1], x[0] + 1)))
    ax.set_ylim(lo - pad, hi + pad)
    ax.set_xlabel("update step")
    ax.set_ylabel("cost (loss on the batch)")
    ax.set_title("Cost", fontsize="medium")
    ax.grid(True, alpha=0.3)


def _write_gif(rendered: list[np.ndarray], path: str, fps: float) -> None:
    """Write RGB frames (H, W, 3) as a looping GIF with one palette shared by all frames."""
    from PIL import Image

    frames = [Image.fromarray(f) for f in rendered]
    picks = sorted({0, len(frames) // 2, len(frames) - 1})
    sample = Image.fromarray(np.concatenate([rendered[i] for i in picks], axis=0))
    palette = sample.quantize(colors=255, method=Image.Quantize.FASTOCTREE)
    quantized = [f.quantize(palette=palette, dither=Image.Dither.NONE) for f in frames]
    quantized[0].save(path, save_all=True, append_images=quantized[1:],
                      duration=max(int(round(1000.0 / fps)), 20), loop=0, optimize=False,
                      disposal=1)


def _write_mp4(rendered: list[np.ndarray], path: str, fps: float) -> None:
    """Pipe RGB frames (H, W, 3) to ffmpeg (H.264, even frame size, yuv420p for players)."""
    h, w, _ = rendered[0].shape
    cmd = [shutil.which("ffmpeg") or "ffmpeg", "-y", "-loglevel", "error", "-f", "rawvideo",
           "-pix_fmt", "rgb24", "-s", f"{w}x{h}", "-r", f"{fps:g}", "-i", "-",
           "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", "-pix_fmt", "yuv420p", "-vcodec", "libx264",
           path]
    proc = subprocess.run(cmd, input=b"".join(f.tobytes() for f in rendered),
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"ffmpeg failed to write {path!r}: "
                           f"{proc.stderr.decode(errors='replace').strip()[-500:]}")


__all__ = ["training", "pick_frames", "cost_curve"]
