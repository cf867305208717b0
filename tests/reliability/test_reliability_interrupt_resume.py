"""Ctrl-C during fit, and checkpoint + load_model + fit(initial_epoch=k) resuming bit for bit.

Ctrl-C is simulated by sending SIGINT to this very process from a callback (the way a terminal
delivers it) or by raising KeyboardInterrupt from a callback.
"""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest
from reliability_helpers import data, softmax_model

import glassnet as gn
from glassnet.callbacks import Callback, ModelCheckpoint, Snapshots

EPOCHS, BATCH = 6, 5
X, YB, YC = data(30, seed=3)


class SigintAt(Callback):
    """Send SIGINT to this process at step ``step``, from ``hook`` (batch begin or end)."""

    def __init__(self, step: int, hook: str = "end", times: int = 1) -> None:
        self.at, self.hook, self.times = step, hook, times

    def _fire(self, step):
        if step == self.at:
            for _ in range(self.times):
                os.kill(os.getpid(), signal.SIGINT)

    def on_train_batch_begin(self, step):
        if self.hook == "begin":
            self._fire(step)

    def on_train_batch_end(self, step, logs):
        if self.hook == "end":
            self._fire(step)


class RaiseAt(Callback):
    def __init__(self, step: int) -> None:
        self.at = step

    def on_train_batch_end(self, step, logs):
        if step == self.at:
            raise KeyboardInterrupt


def reference_run(make=softmax_model):
    """An uninterrupted run: the weights each step started from, and the final model."""
    model = make()
    snaps = Snapshots(every=1)
    model.fit(X, YC, epochs=EPOCHS, batch_size=BATCH, verbose=0, callbacks=[snaps])
    return snaps, model


@pytest.fixture(scope="module")
def reference():
    return reference_run(lambda: softmax_model(dropout=0.2))


def assert_weights_equal(a, b):
    assert len(a) == len(b)
    for wa, wb in zip(a, b, strict=True):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize("interrupt", [
    lambda s: SigintAt(s, "end"), lambda s: SigintAt(s, "begin"), lambda s: RaiseAt(s)],
    ids=["sigint-after-step", "sigint-during-step", "raised-by-callback"])
@pytest.mark.parametrize("step", [0, 8, 17])
def test_ctrl_c_leaves_the_model_at_the_last_completed_step(reference, interrupt, step):
    snaps, _ = reference
    steps_per_epoch = len(X) // BATCH
    model = softmax_model(dropout=0.2)
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, YC, epochs=EPOCHS, batch_size=BATCH, verbose=0, callbacks=[interrupt(step)])
    assert signal.getsignal(signal.SIGINT) is handler          # fit put the handler back
    # step `step` was completed (a signal during it waits for its end), nothing after it
    assert model.iterations == step + 1
    assert_weights_equal(model.get_weights(), snaps.weights[step + 1])
    assert model.optimizer.iterations == step + 1
    assert model.epoch == step // steps_per_epoch            # the epoch of `step` did not end
    assert len(model.history.history.get("loss", [])) == model.epoch


@pytest.mark.parametrize("batch_size, step, shown",
                         [(BATCH, 8, "Epoch 2/6"), (None, 2, "Training")],
                         ids=["bar-per-epoch", "full-batch-bar"])
def test_ctrl_c_closes_the_progress_bar(capsys, monkeypatch, batch_size, step, shown):
    monkeypatch.setattr("glassnet.models.progress._is_terminal", lambda stream: True)
    model = softmax_model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, YC, epochs=EPOCHS, batch_size=batch_size, verbose=1,
                  callbacks=[SigintAt(step)])
    assert model.iterations == step + 1
    out = capsys.readouterr().out
    assert shown in out and out.endswith("\n"), "the live progress line was left open"


def test_a_second_ctrl_c_stops_at_once():
    """Two SIGINTs in one callback: the second raises right there, inside the callback."""
    model = softmax_model()
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, YC, epochs=EPOCHS, batch_size=BATCH, verbose=0,
                  callbacks=[SigintAt(3, "begin", times=2)])
    assert model.iterations == 3          # raised before step 3 ran


def test_after_ctrl_c_the_model_trains_on_and_the_history_is_kept(reference):
    model = softmax_model(dropout=0.2)
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, YC, epochs=EPOCHS, batch_size=BATCH, verbose=0, callbacks=[SigintAt(13)])
    kept = model.history.history["loss"]
    assert len(kept) == 2 and np.isfinite(kept).all()
    np.testing.assert_array_equal(kept, reference[1].history.history["loss"][:2])
    model.fit(X, YC, epochs=EPOCHS, initial_epoch=model.epoch, batch_size=BATCH, verbose=0)
    assert model.epoch == EPOCHS


# ---------------------------------------------------------------------------- resuming

OPTIMIZERS = {
    "adam": lambda: gn.optimizers.Adam(lr=0.01),
    "sgd-nesterov": lambda: gn.optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True),
    "rmsprop": lambda: gn.optimizers.RMSprop(lr=0.01),
    "adagrad": lambda: gn.optimizers.Adagrad(lr=0.1),
}


def state(model):
    return (model.get_weights(), model.optimizer.state_arrays(), model.optimizer.iterations,
            model.iterations, model.epoch, model.fit_seed)


def assert_same_run(a, b):
    wa, sa, ia, *pa = state(a)
    wb, sb, ib, *pb = state(b)
    assert_weights_equal(wa, wb)
    assert sa.keys() == sb.keys()
    for k in sa:
        np.testing.assert_array_equal(sa[k], sb[k])
    assert (ia, pa) == (ib, pb)


@pytest.mark.parametrize("opt", list(OPTIMIZERS))
@pytest.mark.parametrize("model_seed", [0, None], ids=["seeded", "unseeded"])
def test_checkpoint_load_and_initial_epoch_continue_bit_for_bit(tmp_path, opt, model_seed):
    """Dropout, shuffled mini-batches and validation: the resumed run equals the straight one."""
    def make():
        return softmax_model(seed=model_seed, optimizer=OPTIMIZERS[opt](), dropout=0.25)

    straight = make()
    ckpt = ModelCheckpoint(tmp_path / "ckpt-{epoch}.glassnet", every=2)
    full = straight.fit(X, YC, epochs=EPOCHS, batch_size=BATCH, validation_data=(X, YC),
                        verbose=0, callbacks=[ckpt])
    assert [os.path.basename(p) for p in ckpt.saved] == ["ckpt-2.glassnet", "ckpt-4.glassnet",
                                                         "ckpt-6.glassnet"]
    for k in (2, 4):
        resumed = gn.load_model(tmp_path / f"ckpt-{k}.glassnet")
        assert resumed.epoch == k
        rest = resumed.fit(X, YC, epochs=EPOCHS, initial_epoch=resumed.epoch, batch_size=BATCH,
                           validation_data=(X, YC), verbose=0)
        assert_same_run(resumed, straight)
        for key, values in full.history.items():
            np.testing.assert_array_equal(rest.history[key], values[k:])
        np.testing.assert_array_equal(resumed.predict(X), straight.predict(X))


def test_a_run_killed_by_ctrl_c_resumes_from_its_last_checkpoint(tmp_path, reference):
    """The realistic story: checkpoints every epoch, Ctrl-C in epoch 4, resume from epoch 3."""
    model = softmax_model(dropout=0.2)
    path = tmp_path / "last.glassnet"
    with pytest.raises(KeyboardInterrupt):
        model.fit(X, YC, epochs=EPOCHS, batch_size=BATCH, verbose=0,
                  callbacks=[ModelCheckpoint(path, every=1), SigintAt(20)])
    resumed = gn.load_model(path)
    assert resumed.epoch == 3
    resumed.fit(X, YC, epochs=EPOCHS, initial_epoch=resumed.epoch, batch_size=BATCH, verbose=0)
    assert_same_run(resumed, reference[1])


def test_a_crash_while_checkpointing_keeps_the_previous_checkpoint(tmp_path, monkeypatch):
    model = softmax_model()
    path = tmp_path / "ckpt.glassnet"

    class CrashOnThirdSave(ModelCheckpoint):
        def on_epoch_end(self, epoch, logs):
            if epoch == 2:
                monkeypatch.setattr(np.lib.format, "write_array", _crash)
            super().on_epoch_end(epoch, logs)

    with pytest.raises(KeyboardInterrupt):
        model.fit(X, YC, epochs=EPOCHS, batch_size=BATCH, verbose=0,
                  callbacks=[CrashOnThirdSave(path, every=1)])
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["ckpt.glassnet"]
    assert gn.load_model(path).epoch == 2


def _crash(*args, **kwargs):
    raise KeyboardInterrupt("killed while saving")
