"""Training animations: frames, file formats, weights restored, errors."""

import numpy as np
import pytest
from PIL import Image

import glassnet as gn
from glassnet.plotting import animation


def read_gif(path):
    with Image.open(path) as im:
        frames = []
        for i in range(im.n_frames):
            im.seek(i)
            frames.append(np.asarray(im.convert("RGB"), dtype=np.int16))
        return frames, im.info


@pytest.mark.parametrize("frames, fps, expected", [(5, 4, 5), (40, 10, 13)])   # 12 + final
def test_gif_has_the_requested_distinct_frames(snapshot_run, xor_data, tmp_path, frames, fps,
                                               expected):
    model, snaps = snapshot_run
    X, y = xor_data
    before = model.get_weights()
    path = animation.training(model, X, y, snaps, path=tmp_path / "train.gif", frames=frames,
                              fps=fps, resolution=30, dpi=40)
    assert path == str(tmp_path / "train.gif")
    images, info = read_gif(path)
    assert len(images) == expected
    assert images[0].shape == (round(4.8 * 40), 12 * 40, 3)
    for a, b in zip(images, images[1:], strict=False):
        assert np.abs(a - b).sum() > 0
    assert info["duration"] == round(1000 / fps) and info["loop"] == 0
    assert images[0].var() > 100.0
    for w0, w1 in zip(before, model.get_weights(), strict=True):
        assert np.array_equal(w0, w1)                   # the model's weights are put back


def test_multiclass_animation(blob_data, tmp_path):
    X, y = blob_data
    model = gn.Sequential([gn.layers.Dense(4, activation="relu"),
                           gn.layers.Dense(3, activation="softmax")], seed=0)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=0.1))
    snaps = gn.callbacks.Snapshots(every=2)
    model.fit(X, y, epochs=6, verbose=0, callbacks=[snaps])
    path = gn.animate.training(model, X, y, snaps, path=tmp_path / "m.gif", frames=3,
                               resolution=20, dpi=30)
    images, _ = read_gif(path)
    assert len(images) == 3
    assert all(np.abs(a - b).sum() > 0 for a, b in zip(images, images[1:], strict=False))


@pytest.mark.parametrize("n, frames", [(1, 60), (12, 5), (12, 12), (100, 7), (7, 6)])
def test_pick_frames_even_and_bounded(n, frames):
    idx = animation.pick_frames(n, frames)
    assert len(idx) == min(n, frames)
    assert idx[0] == 0 and idx[-1] == n - 1
    assert np.all(np.diff(idx) > 0)
    if len(idx) > 2:
        gaps = np.diff(idx)
        assert gaps.max() - gaps.min() <= 1


def test_cost_curve_is_every_step(snapshot_run):
    model, snaps = snapshot_run
    steps, losses = animation.cost_curve(snaps, model)
    assert np.array_equal(steps, np.arange(12))
    assert np.allclose(losses, snaps.step_losses)
    sparse = gn.callbacks.Snapshots(every=4)
    sparse.steps, sparse.weights, sparse.losses = [0, 4], [None, None], [0.7, 0.5]
    sparse.step_losses = [0.9, 0.8]                     # does not match: fall back
    steps, losses = animation.cost_curve(sparse)
    assert steps.tolist() == [0, 4] and losses.tolist() == [0.7, 0.5]


def test_mp4_needs_ffmpeg(snapshot_run, xor_data, tmp_path, monkeypatch):
    model, snaps = snapshot_run
    X, y = xor_data
    monkeypatch.setattr(animation.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match="needs the ffmpeg program"):
        animation.training(model, X, y, snaps, path=tmp_path / "t.mp4")
    assert not (tmp_path / "t.mp4").exists()


@pytest.mark.parametrize("kwargs, exc, match", [
    ({"path": "t.png"}, ValueError, "must end in .gif or .mp4"),
    ({"path": 3}, TypeError, "path must be a str"),
    ({"frames": 0}, ValueError, "frames must be >= 1"),
    ({"fps": 0}, ValueError, "fps must be > 0"),
    ({"dpi": 5}, ValueError, "dpi must be >= 20"),
])
def test_training_bad_arguments(snapshot_run, xor_data, kwargs, exc, match):
    model, snaps = snapshot_run
    X, y = xor_data
    with pytest.raises(exc, match=match):
        animation.training(model, X, y, snaps, **kwargs)


def test_training_bad_snapshots_and_model(snapshot_run, xor_data, tmp_path):
    model, snaps = snapshot_run
    X, y = xor_data
    with pytest.raises(ValueError, match="snapshots is empty"):
        animation.training(model, X, y, gn.callbacks.Snapshots(), path=tmp_path / "a.gif")
    with pytest.raises(TypeError, match="Snapshots"):
        animation.training(model, X, y, [1, 2], path=tmp_path / "a.gif")
    other = gn.Sequential([gn.layers.Dense(3), gn.layers.Dense(1)], seed=0)
    other.build((2,))
    before = other.get_weights()
    with pytest.raises(ValueError, match="weights"):
        animation.training(other, X, y, snaps, path=tmp_path / "a.gif")
    assert all(np.array_equal(a, b) for a, b in zip(before, other.get_weights(), strict=True))
    with pytest.raises(ValueError, match="exactly 2 features"):
        animation.training(model, np.zeros((4, 3)), np.zeros(4), snaps, path=tmp_path / "a.gif")
