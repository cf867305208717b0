"""Sessions: one training thread each, play/pause/step/reset, refusals that change nothing."""

from __future__ import annotations

import json
import threading
import time

import pytest

from glassnet.playground.session import Session
from glassnet.playground.settings import Settings, SettingsError
from glassnet.playground.upload import UploadError


def _wait(predicate, timeout=10.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return False


def _trainers() -> int:
    return sum(t.name == "glassnet-playground-trainer" for t in threading.enumerate())


def test_play_trains_in_one_thread_and_close_stops_it():
    before = _trainers()
    session = Session(Settings(speed=2), max_fps=100)
    assert _trainers() == before + 1
    session.play()
    assert _wait(lambda: session.epoch >= 6)
    session.pause()
    time.sleep(0.05)
    epoch = session.epoch
    time.sleep(0.2)
    assert session.epoch == epoch
    session.close()
    assert _trainers() == before
    assert session.wait_frame(session.frame_id, timeout=0.1) is None


def test_200_resets_leave_one_thread():
    before = threading.active_count()
    session = Session(Settings(), max_fps=200)
    session.play()
    for i in range(200):
        session.reset()
        if i % 50 == 0:
            session.apply({"hidden": [3 + i % 4]})
        assert threading.active_count() <= before + 1
    assert _wait(lambda: session.epoch >= 1)
    session.close()
    assert threading.active_count() == before


def test_step_trains_one_epoch():
    session = Session(Settings(), start=False)
    session.step()
    frame = json.loads(session.advance())
    assert frame["epoch"] == session.epoch == 1
    json.loads(session.advance())
    assert session.epoch == 1                      # paused: no more training


def test_a_refused_setting_keeps_the_run_as_it_was():
    session = Session(Settings(hidden=(3,)), start=False)
    session.play()
    session.advance()
    model, settings, epoch = session.model, session.settings, session.epoch
    for bad in ({"learning_rate": "abc"}, {"hidden": [10_000]}, {"batch_size": -3},
                {"dataset": "upload"}):
        with pytest.raises(SettingsError):
            session.apply(bad)
        assert (session.model, session.settings, session.epoch) == (model, settings, epoch)
    with pytest.raises(UploadError):
        session.load_upload(b"not,a\ncsv")
    assert (session.model, session.settings) == (model, settings)


def test_live_changes_keep_the_weights_and_others_rebuild():
    session = Session(Settings(), start=False)
    session.play()
    session.advance()
    model = session.model
    session.apply({"learning_rate": 0.5, "batch_size": 20, "speed": 3})
    assert session.model is model and model.optimizer.learning_rate == 0.5
    assert session.epoch == 1
    session.apply({"activation": "relu"})
    assert session.model is not model and session.epoch == 0
    run = session.run_id
    session.regenerate()
    assert session.run_id == run + 1 and session.settings.seed == 1


@pytest.mark.parametrize("dataset, extra", [
    ("circle", {}), ("xor", {"features": ["x1", "x2", "x1x2"]}), ("gaussian", {}),
    ("spiral", {"hidden": [8, 8], "features": ["x1", "x2", "sin_x1", "sin_x2"]}),
    ("plane", {}), ("multigauss", {"hidden": [8, 8]}), ("flower", {"hidden": [8]}),
    ("moons", {}), ("spirals", {"hidden": [8, 8]}), ("blobs", {}),
])
def test_loss_falls_on_every_data_set(dataset, extra):
    session = Session(start=False)
    session.apply({"dataset": dataset, "learning_rate": 0.1, "speed": 10, **extra})
    first = json.loads(session.advance(train=False))["train_loss"]
    session.play()
    for _ in range(3):
        last = json.loads(session.advance())["train_loss"]
    assert last < 0.8 * first, (dataset, first, last)


def test_a_diverging_run_pauses_with_a_message():
    session = Session(Settings(dataset="plane", learning_rate=10.0, hidden=(8, 8),
                               activation="relu", speed=20), start=False)
    session.play()
    frames = [json.loads(session.advance()) for _ in range(5)]
    assert not session.playing
    assert "training diverged" in frames[-1]["error"]


def test_the_math_point_is_checked():
    session = Session(start=False)
    with pytest.raises(SettingsError, match="point must be between 0 and 249, got 250"):
        session.set_math_point(250)
    with pytest.raises(SettingsError, match="point must be an integer index"):
        session.set_math_point("3")
    session.set_math_point(None)
    assert json.loads(session.advance(train=False))["math"] is None


def test_a_playing_run_nobody_watches_pauses(monkeypatch):
    import glassnet.playground.session as module

    monkeypatch.setattr(module, "IDLE_PAUSE_S", 0.2)
    session = Session(max_fps=50)
    session.play()
    assert _wait(lambda: not session.playing, timeout=5)
    session.touch_seen()
    session.play()
    assert session.playing
    session.close()
