"""Callbacks: History, EarlyStopping, Snapshots, ModelCheckpoint, LearningRateScheduler, hooks."""

import numpy as np
import pytest

import glassnet as gn
from glassnet.callbacks import (
    Callback,
    EarlyStopping,
    History,
    LearningRateScheduler,
    ModelCheckpoint,
    Snapshots,
)
from glassnet.layers import Dense


def make_model(seed=0, lr=0.5, metrics=("accuracy",)):
    model = gn.Sequential([Dense(6, "tanh"), Dense(1, "sigmoid")], seed=seed, dtype=np.float64)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=lr),
                  metrics=list(metrics))
    return model


def make_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] - X[:, 2] > 0).astype(int)


class Recorder(Callback):
    """Writes ``score[epoch]`` into the logs (if given) and keeps what each hook saw."""

    def __init__(self, score=None):
        self.score = score
        self.calls = []
        self.epoch_weights = []
        self.lrs = []

    def on_train_begin(self, logs=None):
        self.calls.append("train_begin")

    def on_epoch_begin(self, epoch):
        self.calls.append(f"epoch_begin {epoch}")
        self.lrs.append(self.model.optimizer.lr)

    def on_train_batch_begin(self, step):
        self.calls.append(f"batch_begin {step}")

    def on_train_batch_end(self, step, logs):
        self.calls.append(f"batch_end {step}")

    def on_epoch_end(self, epoch, logs):
        self.calls.append(f"epoch_end {epoch}")
        if self.score is not None:
            logs["score"] = self.score[epoch]
        self.epoch_weights.append(self.model.get_weights())

    def on_train_end(self, logs=None):
        self.calls.append("train_end")


def assert_same_weights(a, b):
    for x, y in zip(a, b, strict=True):
        np.testing.assert_array_equal(x, y)


# ----------------------------------------------------------------------------- hooks, History


def test_hooks_are_called_in_order_with_the_model_set():
    X, y = make_data(20)
    rec = Recorder()
    model = make_model()
    model.fit(X, y, epochs=2, batch_size=10, shuffle=False, verbose=0, callbacks=[rec])
    assert rec.model is model
    assert rec.calls == ["train_begin",
                         "epoch_begin 0", "batch_begin 0", "batch_end 0", "batch_begin 1",
                         "batch_end 1", "epoch_end 0",
                         "epoch_begin 1", "batch_begin 2", "batch_end 2", "batch_begin 3",
                         "batch_end 3", "epoch_end 1",
                         "train_end"]


def test_a_callback_can_stop_training():
    class StopAfterTwo(Callback):
        def on_epoch_end(self, epoch, logs):
            if epoch == 1:
                self.model.stop_training = True

    X, y = make_data()
    model = make_model()
    history = model.fit(X, y, epochs=10, verbose=0, callbacks=[StopAfterTwo()])
    assert len(history.history["loss"]) == 2 and model.epoch == 2 and model.iterations == 2


def test_history_keeps_one_value_per_epoch_and_key():
    X, y = make_data()
    Xv, yv = make_data(10, seed=1)
    model = make_model()
    history = model.fit(X, y, epochs=3, validation_data=(Xv, yv), verbose=0)
    assert isinstance(history, History)
    assert list(history.history) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(v) == 3 and all(isinstance(x, float) for x in v)
               for v in history.history.values())
    assert history.epoch == [0, 1, 2]
    assert "epochs=3" in repr(history)
    no_metrics = make_model(metrics=())
    assert list(no_metrics.fit(X, y, epochs=1, verbose=0).history) == ["loss"]


# ----------------------------------------------------------------------------- EarlyStopping


def test_early_stopping_stops_and_restores_the_best_weights():
    X, y = make_data()
    score = [5.0, 4.0, 3.0, 3.5, 1.0, 0.5, 0.1, 0.0, 0.0, 0.0]
    rec = Recorder(score)
    stop = EarlyStopping(monitor="score", patience=0, restore_best_weights=True)
    model = make_model()
    history = model.fit(X, y, epochs=10, verbose=0, callbacks=[rec, stop])
    assert stop.mode == "min"
    assert stop.best_epoch == 2 and stop.best == 3.0 and stop.stopped_epoch == 3
    assert len(history.history["loss"]) == 4 and model.epoch == 4
    assert_same_weights(model.get_weights(), rec.epoch_weights[2])
    assert not np.array_equal(rec.epoch_weights[3][0], rec.epoch_weights[2][0])


def test_early_stopping_without_restoring_keeps_the_last_weights():
    X, y = make_data()
    rec = Recorder([1.0, 2.0, 3.0, 4.0])
    stop = EarlyStopping(monitor="score", patience=0)
    model = make_model()
    model.fit(X, y, epochs=4, verbose=0, callbacks=[rec, stop])
    assert stop.stopped_epoch == 1
    assert_same_weights(model.get_weights(), rec.epoch_weights[1])


def test_early_stopping_max_mode_and_min_delta():
    X, y = make_data()
    rec = Recorder([0.50, 0.70, 0.705, 0.71, 0.9])
    stop = EarlyStopping(monitor="val_accuracy_like", mode="max", min_delta=0.05)
    stop_auto = EarlyStopping(monitor="val_accuracy")
    assert stop_auto.mode == "max"
    model = make_model()

    class Rename(Callback):
        def on_epoch_end(self, epoch, logs):
            logs["val_accuracy_like"] = logs.pop("score")

    model.fit(X, y, epochs=5, verbose=0, callbacks=[rec, Rename(), stop])
    assert stop.best_epoch == 1 and stop.stopped_epoch == 2      # +0.005 is not an improvement


def test_early_stopping_patience_counts_epochs_without_improvement():
    X, y = make_data()
    rec = Recorder([3.0, 2.0, 1.0, 1.5, 1.2, 1.1, 1.05, 1.01])
    stop = EarlyStopping(monitor="score", patience=2)
    history = make_model().fit(X, y, epochs=8, verbose=0, callbacks=[rec, stop])
    # best at epoch 2; epochs 3 and 4 bring no improvement: stop after epoch 4
    assert stop.stopped_epoch == 4
    assert len(history.history["loss"]) == 5


def test_early_stopping_on_real_validation_loss_stops_before_the_end():
    """Overfit 4 noisy points with a wide net: validation loss rises and training stops."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(4, 3)), np.array([0, 1, 0, 1])
    Xv, yv = rng.normal(size=(30, 3)), rng.integers(0, 2, 30)
    model = gn.Sequential([Dense(32, "tanh"), Dense(1, "sigmoid")], seed=0, dtype=np.float64)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.Adam(lr=0.05))
    stop = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    history = model.fit(X, y, epochs=300, validation_data=(Xv, yv), verbose=0, callbacks=[stop])
    val = history.history["val_loss"]
    assert len(val) < 300
    assert model.evaluate(Xv, yv)["loss"] == pytest.approx(min(val), rel=1e-12)
    assert stop.best_epoch == int(np.argmin(val))


def test_early_stopping_errors():
    X, y = make_data()
    with pytest.raises(ValueError, match=r"monitor 'val_loss' is not among the logged quantities "
                                         r"\['accuracy', 'loss'\]; pass validation_data"):
        make_model().fit(X, y, epochs=2, verbose=0, callbacks=[EarlyStopping()])
    with pytest.raises(ValueError, match="mode must be one of 'auto', 'min', 'max'; got 'up'"):
        EarlyStopping(mode="up")
    with pytest.raises(ValueError, match="patience must be >= 0, got -1"):
        EarlyStopping(patience=-1)


# ----------------------------------------------------------------------------- Snapshots


def test_snapshots_full_batch_keep_weights_and_matching_losses():
    X, y = make_data()
    snaps = Snapshots(every=3)
    model = make_model()
    history = model.fit(X, y, epochs=10, verbose=0, callbacks=[snaps])
    assert snaps.steps == [0, 3, 6, 9]
    assert len(snaps) == len(snaps.weights) == len(snaps.losses) == 4
    assert snaps.step_losses == history.history["loss"]           # one step per epoch
    probe = make_model()
    probe.build(X.shape[1:])
    for step, weights, loss in zip(snaps.steps, snaps.weights, snaps.losses, strict=True):
        probe.set_weights(weights)
        assert probe.evaluate(X, y)["loss"] == pytest.approx(loss, rel=1e-13)
        assert loss == snaps.step_losses[step]
    fresh = make_model()
    fresh.build(X.shape[1:])
    assert_same_weights(snaps.weights[0], fresh.get_weights())       # step 0: initial weights


def test_snapshots_mini_batch_losses_are_those_of_their_batch():
    X, y = make_data(40)
    snaps = Snapshots(every=5)
    model = make_model()
    model.fit(X, y, epochs=3, batch_size=10, shuffle=False, verbose=0, callbacks=[snaps])
    assert snaps.steps == [0, 5, 10] and len(snaps.step_losses) == 12
    probe = make_model()
    probe.build(X.shape[1:])
    for step, weights, loss in zip(snaps.steps, snaps.weights, snaps.losses, strict=True):
        probe.set_weights(weights)
        batch = slice((step % 4) * 10, (step % 4 + 1) * 10)
        assert probe.compute_gradients(X[batch], y[batch]) == pytest.approx(loss, rel=1e-13)


def test_snapshots_limit_and_resumed_step_numbers():
    X, y = make_data()
    snaps = Snapshots(every=2, max_snapshots=3)
    model = make_model()
    model.fit(X, y, epochs=10, verbose=0, callbacks=[snaps])
    assert snaps.steps == [0, 2, 4] and len(snaps.step_losses) == 10
    more = Snapshots(every=2)
    model.fit(X, y, epochs=14, initial_epoch=10, verbose=0, callbacks=[more])
    assert more.steps == [10, 12]
    with pytest.raises(ValueError, match="every must be >= 1, got 0"):
        Snapshots(every=0)


# ----------------------------------------------------------------------------- ModelCheckpoint


def test_model_checkpoint_writes_loadable_files(tmp_path):
    X, y = make_data()
    rec = Recorder()
    ckpt = ModelCheckpoint(tmp_path / "ckpt-{epoch:02d}.glassnet", every=2)
    model = make_model()
    model.fit(X, y, epochs=5, verbose=0, callbacks=[rec, ckpt])
    expected = [str(tmp_path / "ckpt-02.glassnet"), str(tmp_path / "ckpt-04.glassnet")]
    assert ckpt.saved == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ckpt-02.glassnet", "ckpt-04.glassnet"]
    for path, epoch in zip(expected, (1, 3), strict=True):
        loaded = gn.load_model(path)
        assert loaded.epoch == epoch + 1
        assert_same_weights(loaded.get_weights(), rec.epoch_weights[epoch])
        model.set_weights(rec.epoch_weights[epoch])
        np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_model_checkpoint_save_best_only(tmp_path):
    X, y = make_data()
    rec = Recorder([3.0, 1.0, 2.0, 0.5, 0.7])
    ckpt = ModelCheckpoint(tmp_path / "best.glassnet", save_best_only=True, monitor="score")
    model = make_model()
    model.fit(X, y, epochs=5, verbose=0, callbacks=[rec, ckpt])
    assert len(ckpt.saved) == 3                                  # epochs 0, 1 and 3 improved
    assert_same_weights(gn.load_model(tmp_path / "best.glassnet").get_weights(),
                        rec.epoch_weights[3])


# ----------------------------------------------------------------------------- LR scheduler


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    X, y = make_data()
    sched = LearningRateScheduler(lambda epoch, lr: 0.4 * 0.5**epoch)
    rec = Recorder()
    model = make_model(lr=1.0)
    model.fit(X, y, epochs=3, batch_size=20, shuffle=False, verbose=0, callbacks=[sched, rec])
    assert rec.lrs == [0.4, 0.2, 0.1]
    assert model.optimizer.lr == 0.1
    # the same as three one-epoch fits with those rates
    manual = make_model(lr=1.0)
    for epoch, lr in enumerate([0.4, 0.2, 0.1]):
        manual.optimizer.lr = lr
        manual.fit(X, y, epochs=epoch + 1, initial_epoch=epoch, batch_size=20, shuffle=False,
                   verbose=0)
    assert_same_weights(model.get_weights(), manual.get_weights())


def test_learning_rate_scheduler_receives_the_current_rate():
    X, y = make_data()
    seen = []

    def halve(epoch, lr):
        seen.append((epoch, lr))
        return lr / 2

    make_model(lr=0.8).fit(X, y, epochs=3, verbose=0, callbacks=[LearningRateScheduler(halve)])
    assert seen == [(0, 0.8), (1, 0.4), (2, 0.2)]


def test_learning_rate_is_logged_in_the_history():
    X, y = make_data()
    sched = LearningRateScheduler(lambda epoch, lr: 0.1 * (epoch + 1))
    history = make_model().fit(X, y, epochs=3, verbose=0, callbacks=[sched])
    assert history.history["lr"] == [0.1, 0.2, pytest.approx(0.3)]


def test_learning_rate_scheduler_errors():
    X, y = make_data()
    with pytest.raises(TypeError, match="schedule must be callable"):
        LearningRateScheduler(0.1)
    with pytest.raises(ValueError, match=r"schedule\(epoch, lr\) must be > 0.0, got 0.0"):
        make_model().fit(X, y, epochs=2, verbose=0,
                         callbacks=[LearningRateScheduler(lambda epoch, lr: 0.0)])


@pytest.mark.parametrize("final_lr", [0.0, 1e-5])
def test_cosine_decay_falls_from_the_initial_to_the_final_rate(final_lr):
    schedule = gn.callbacks.cosine_decay(1e-3, epochs=10, final_lr=final_lr)
    rates = [schedule(e, 0.0) for e in range(11)]
    assert rates[0] == pytest.approx(1e-3)
    assert rates[5] == pytest.approx(final_lr + (1e-3 - final_lr) / 2)
    assert rates[10] == pytest.approx(final_lr)
    assert all(a > b for a, b in zip(rates, rates[1:], strict=False))


def test_cosine_decay_checks_its_arguments():
    with pytest.raises(ValueError, match="initial_lr must be > 0"):
        gn.callbacks.cosine_decay(0.0, epochs=5)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        gn.callbacks.cosine_decay(1e-3, epochs=0)
