"""One playground session: its data, its network and the one thread that trains it.

A :class:`Session` owns exactly one training thread, started with the session and stopped by
:meth:`Session.close`. Play, pause, step, reset and every settings change only change the
state under the session's lock and wake the thread; none of them starts a thread, so a session
reset any number of times still has one.

The thread trains, renders a frame (:mod:`glassnet.playground.frames`), publishes it and goes
on; frames are paced to ``max_fps`` at most. Between two frames it trains at most ``speed``
epochs and at most ``train_budget_s`` seconds, so a frame is due on time however slow the
network: an epoch may span frames. The steps are ``model.train_step`` on the batches ``fit``
makes (the order of epoch ``e`` from ``default_rng([seed, e])``, dropout masks from
``default_rng([seed, e, layer])``), so after ``E`` epochs the weights are bit for bit those of
``model.fit(F, T, epochs=E, batch_size=..., seed=...)`` in the exported script. A paused run
always stands at the end of an epoch (pausing finishes the epoch under way).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass

import numpy as np

from glassnet.errors import DivergenceError
from glassnet.playground import diagnostics_panel, export, frames, math_panel
from glassnet.playground.datasets import make_dataset, split
from glassnet.playground.features import transform
from glassnet.playground.network import build_model, epoch_batches, targets
from glassnet.playground.settings import (
    DATA_KEYS,
    MODEL_KEYS,
    Settings,
    SettingsError,
    changed_keys,
    parse_settings,
)
from glassnet.playground.upload import UploadedData, parse_csv

MAX_HISTORY = 1000
DIAGNOSTICS_EVERY_S = 2.0
#: A playing run nobody has asked about for this long pauses (a closed tab stops costing CPU).
IDLE_PAUSE_S = 60.0


@dataclass
class Data:
    """The points of a run, split, as features and targets."""

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str
    n_classes: int


class Session:
    """A playground run that trains in its own thread.

    Parameters
    ----------
    settings : Settings, optional
    max_fps : float or None
        Most frames per second the thread renders (None: as fast as it can, for benchmarks).
    train_budget_s : float
        Most seconds of training between two frames.
    start : bool
        Start the training thread now (False: call :meth:`advance` yourself).
    """

    def __init__(self, settings: Settings | None = None, max_fps: float | None = 30.0,
                 start: bool = True, train_budget_s: float = 0.02) -> None:
        self.settings = settings if settings is not None else Settings()
        self.max_fps = max_fps
        self.train_budget_s = train_budget_s
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._published = threading.Condition()
        self.playing = False
        self._steps = 0                      # single steps asked for
        self._dirty = True                   # a frame is due even when paused
        self._closed = False
        self.upload: UploadedData | None = None
        self.math_point: int | None = 0
        self.error: str | None = None
        self.run_id = 0
        self.structure_id = 0
        self.frame_id = 0
        self._frame_json = "{}"
        self._structure_json = "{}"
        self._diag: dict | None = None
        self._diag_time = 0.0
        self.last_seen = time.monotonic()                 # see touch_seen
        self._before: list[np.ndarray] | None = None      # weights before the last step
        self._batches = None                              # the current epoch's batches
        self._new_data()
        self._new_model()
        self.advance(train=False)
        self._thread = None
        if start:
            self._thread = threading.Thread(target=self._loop, daemon=True,
                                            name="glassnet-playground-trainer")
            self._thread.start()

    # ------------------------------------------------------------------ building
    def _new_data(self) -> None:
        s = self.settings
        if s.dataset == "upload":
            if self.upload is None:
                raise SettingsError("dataset 'upload' needs a CSV file: upload one first")
            X, y, task, k = self.upload.X, self.upload.y, self.upload.task, self.upload.n_classes
        else:
            X, y = make_dataset(s.dataset, s.n_points, s.noise / 100, s.seed, s.classes)
            task = s.task()
            k = int(y.max()) + 1 if task != "regression" else 1
        Xtr, ytr, Xte, yte = split(X, y, s.train_ratio / 100, s.seed)
        self.data = Data(Xtr, ytr, Xte, yte, task, k)

    def _new_model(self) -> None:
        s, d = self.settings, self.data
        self.model = build_model(s, d.task, d.n_classes)
        dt = self.model.dtype
        self.F_train = transform(d.X_train, s.features, dt)
        self.F_test = transform(d.X_test, s.features, dt)
        self.T_train = targets(d.y_train, d.task, dt)
        self.T_test = targets(d.y_test, d.task, dt)
        self.grid_features = transform(frames.grid_points(), s.features, dt)
        self.epoch = 0
        self.history: list[list[float]] = []
        self.error = None
        self._before = None
        self._batches = None
        self._diag = None
        self._diag_time = 0.0
        self.run_id += 1
        if self.math_point is not None and self.math_point >= len(d.X_train):
            self.math_point = 0
        self._restructure()

    def _restructure(self) -> None:
        self.structure_id += 1
        self._structure_json = json.dumps(self._structure())

    def _structure(self) -> dict:
        return frames.structure(self.settings, self.data, self.run_id, self.structure_id,
                                self.history, None if self.upload is None else self.upload.name)

    # ------------------------------------------------------------------ controls
    def apply(self, changes: dict) -> Settings:
        """Apply settings changes from the page; a refused change keeps everything as it was.

        Raises
        ------
        SettingsError
            For a bad value (the message names it); nothing changed then.
        """
        with self._lock:
            new = parse_settings(changes, self.settings)
            keys = changed_keys(self.settings, new)
            if not keys:
                return self.settings
            if new.dataset == "upload" and self.upload is None:
                raise SettingsError("dataset 'upload' needs a CSV file: upload one first")
            old = self.settings
            self.settings = new
            try:
                if keys & set(DATA_KEYS):
                    self._new_data()
                    self._new_model()
                elif keys & set(MODEL_KEYS):
                    self._new_model()
                else:                                   # live: learning rate, batch, speed
                    self.model.optimizer.learning_rate = new.learning_rate
                    self._restructure()
            except Exception:
                self.settings = old
                raise
            self._touch()
            return new

    def load_upload(self, data: bytes, name: str = "upload.csv") -> UploadedData:
        """Parse an uploaded CSV file and train on it (dataset ``upload``).

        Raises
        ------
        UploadError
            For a file the playground cannot use; the run is then unchanged.
        """
        parsed = parse_csv(data, name)
        with self._lock:
            self.upload = parsed
            self.settings = parse_settings({"dataset": "upload"}, self.settings)
            self._new_data()
            self._new_model()
            self._touch()
        return parsed

    def play(self) -> None:
        with self._lock:
            self.playing = True
            self._touch()

    def pause(self) -> None:
        with self._lock:
            self.playing = False
            self._touch()

    def step(self) -> None:
        """Train one epoch (while paused; it pauses a playing run)."""
        with self._lock:
            self.playing = False
            self._steps += 1
            self._touch()

    def reset(self) -> None:
        """New weights (from the seed), epoch 0, same data and settings."""
        with self._lock:
            self._new_model()
            self._touch()

    def regenerate(self) -> None:
        """New points: the next seed (a generated data set only), then a reset."""
        with self._lock:
            if self.settings.dataset != "upload":
                self.settings = parse_settings({"seed": self.settings.seed + 1}, self.settings)
            self._new_data()
            self._new_model()
            self._touch()

    def set_math_point(self, index) -> None:
        """Show the math for training point ``index`` (None: hide the panel)."""
        with self._lock:
            if index is not None:
                if isinstance(index, bool) or not isinstance(index, int):
                    raise SettingsError(f"point must be an integer index, got {index!r}")
                if not 0 <= index < len(self.data.X_train):
                    raise SettingsError(f"point must be between 0 and "
                                        f"{len(self.data.X_train) - 1}, got {index}")
            self.math_point = index
            self._touch()

    def touch_seen(self) -> None:
        """Someone is watching (a request or a frame sent): keep a playing run going."""
        self.last_seen = time.monotonic()

    def _touch(self) -> None:
        self._dirty = True
        self._wake.notify_all()

    # ------------------------------------------------------------------ training
    def _epoch_batches(self):
        """The batches of epoch ``self.epoch``, as ``fit`` makes them."""
        return epoch_batches(self.model, self.F_train, self.T_train, self.settings.batch_size,
                             self.settings.seed, self.epoch)

    def _train(self, epochs: int, budget_s: float | None) -> None:
        """Train until ``epochs`` more epochs are complete or ``budget_s`` seconds are spent."""
        model = self.model
        if model.fit_seed is None:
            model.fit_seed = self.settings.seed
        target = self.epoch + epochs
        end = None if budget_s is None else time.perf_counter() + budget_s
        keep = self.math_point is not None
        while self.epoch < target:
            if self._batches is None:
                self._batches = self._epoch_batches()
            for xb, yb in self._batches:
                if keep:
                    self._before = [w.astype(np.float64) for w in model.get_weights()]
                model.train_step(xb, yb)
                if end is not None and time.perf_counter() > end:
                    return
            self._batches = None
            self.epoch += 1
            model.epoch = self.epoch

    def advance(self, train: bool = True) -> str:
        """Train (``speed`` epochs when playing, one for a pending step) and render a frame.

        Returns the frame as JSON text (also published to :meth:`wait_frame`).
        """
        with self._lock, np.errstate(over="ignore", invalid="ignore"):
            # a diverging run overflows before the guard stops it: the guard reports it
            if train and self.error is None:
                try:
                    if self.playing:
                        self._train(self.settings.speed, self.train_budget_s)
                    else:
                        if self._batches is not None:     # paused: end on a whole epoch
                            self._train(1, None)
                        if self._steps:
                            self._steps -= 1              # a step: one epoch
                            self._train(1, None)
                except DivergenceError as exc:
                    self.playing = False
                    self.error = (f"training diverged at epoch {self.epoch}: "
                                  f"{' '.join(str(exc).split())[:300]} - lower the learning "
                                  f"rate and reset")
            frame = self._frame()
            text = json.dumps(frame, allow_nan=False)
            self._dirty = False
        with self._published:
            self.frame_id += 1
            self._frame_json = text
            self._published.notify_all()
        return text

    def _losses(self) -> tuple[float, float]:
        tr = self.model.evaluate(self.F_train, self.T_train)["loss"]
        te = self.model.evaluate(self.F_test, self.T_test)["loss"] if len(self.F_test) else tr
        return float(tr), float(te)

    def _frame(self) -> dict:
        d = self.data
        train_loss, test_loss = self._losses()
        if not self.history or self.history[-1][0] != self.epoch:
            self.history.append([self.epoch, round(train_loss, 6), round(test_loss, 6)])
            if len(self.history) > MAX_HISTORY:
                self.history = self.history[::2]
        frame = frames.render(self.model, self.grid_features, d.task)
        frame.update({"run": self.run_id, "epoch": self.epoch, "playing": self.playing,
                      "train_loss": train_loss, "test_loss": test_loss,
                      "error": self.error, "math": None, "structure": self.structure_id})
        if self.math_point is not None:
            i = self.math_point
            frame["math"] = math_panel.point_math(
                self.model, self.F_train[i], d.y_train[i], d.task,
                self.settings.learning_rate, self._before)
            frame["math"]["index"] = i
            frame["math"]["point"] = np.round(d.X_train[i], 4).tolist()
            frame["math"]["optimizer"] = self.settings.optimizer
            frame["math"]["batch_size"] = min(self.settings.batch_size, len(self.F_train))
        now = time.monotonic()
        if self._diag is None or (self.playing and now - self._diag_time > DIAGNOSTICS_EVERY_S):
            self._diag = diagnostics_panel.diagnostics(self.model, self.F_train, self.T_train)
            self._diag_time = now
        frame["diagnostics"] = self._diag
        if not np.isfinite([train_loss, test_loss]).all():
            frame["train_loss"] = frame["test_loss"] = None
        return frame

    def _loop(self) -> None:
        period = 0.0 if not self.max_fps else 1.0 / self.max_fps
        last = 0.0
        while True:
            with self._lock:
                while not self._closed and not (self.playing or self._steps or self._dirty):
                    self._wake.wait(timeout=1.0)
                if self._closed:
                    return
                if self.playing and time.monotonic() - self.last_seen > IDLE_PAUSE_S:
                    self.playing = False                  # nobody watches: pause
                    self._dirty = True
            wait = last + period - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            last = time.monotonic()
            try:
                self.advance()
            except Exception as exc:   # noqa: BLE001 - keep the thread alive, show the error
                with self._lock:
                    self.playing = False
                    self._dirty = False
                    self.error = f"{type(exc).__name__}: {exc}"

    # ------------------------------------------------------------------ reading
    def export_model(self) -> bytes:
        """The current network as the bytes of a ``.glassnet`` file."""
        with self._lock:
            return export.model_bytes(self.model)

    def export_code(self) -> str:
        """A Python script reproducing this run (see :mod:`glassnet.playground.export`)."""
        with self._lock:
            return export.python_script(self.settings, self.data.task, self.data.n_classes,
                                        self.epoch, self.upload)

    def structure_json(self) -> str:
        """The run's structure (settings, points, input maps, loss history) as JSON text."""
        with self._lock:
            return self._structure_json if not self.history else json.dumps(self._structure())

    def frame_json(self) -> tuple[int, str]:
        """``(frame_id, latest frame as JSON text)``."""
        with self._published:
            return self.frame_id, self._frame_json

    def wait_frame(self, after: int, timeout: float = 10.0) -> tuple[int, str] | None:
        """The first frame newer than ``after``, or None after ``timeout`` s or on close."""
        with self._published:
            self._published.wait_for(lambda: self.frame_id > after or self._closed, timeout)
            if self._closed or self.frame_id <= after:
                return None
            return self.frame_id, self._frame_json

    @property
    def closed(self) -> bool:
        return self._closed

    def close(self, timeout: float = 5.0) -> None:
        """Stop the training thread and wake everyone waiting for frames."""
        with self._lock:
            self._closed = True
            self._wake.notify_all()
        with self._published:
            self._published.notify_all()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout)
