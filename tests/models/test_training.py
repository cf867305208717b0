"""The training loop: the posts' flower net, batching, shuffling, resuming, progress output,
divergence and argument errors."""

import os
import re
import signal
import sys
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet.callbacks import Snapshots
from glassnet.layers import Dense, Dropout, Layer


def small_binary(seed=0, dtype=np.float64, lr=0.5):
    model = gn.Sequential([Dense(6, "tanh"), Dense(1, "sigmoid")], seed=seed, dtype=dtype)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=lr),
                  metrics=["accuracy"])
    return model


def binary_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


def test_the_posts_flower_net_learns_the_flower(flower):
    """2-4(tanh)-1(sigmoid), init ×0.01, full-batch gradient descent, lr 1.2, 10 000 steps."""
    X, y = flower
    model = gn.Sequential([Dense(4, "tanh", kernel_initializer="small_normal"),
                           Dense(1, "sigmoid", kernel_initializer="small_normal")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=1.2),
                  metrics=["accuracy"])
    history = model.fit(X, y, epochs=10_000, batch_size=None, verbose=0)
    assert model.iterations == 10_000 and model.epoch == 10_000
    assert model.evaluate(X, y)["accuracy"] >= 0.88
    loss = history.history["loss"]
    assert len(loss) == 10_000
    assert loss[0] == pytest.approx(np.log(2), abs=1e-3)      # tiny weights: p ≈ 0.5
    assert loss[-1] < 0.3


def test_full_batch_equals_batch_size_none():
    X, y = binary_data()
    a, b = small_binary(), small_binary()
    ha = a.fit(X, y, epochs=5, batch_size=None, verbose=0)
    hb = b.fit(X, y, epochs=5, batch_size=len(X), shuffle=True, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert ha.history == hb.history
    assert a.iterations == 5


def test_full_batch_history_is_the_loss_before_each_update():
    X, y = binary_data()
    model = small_binary()
    model.build(X.shape[1:])
    initial = model.evaluate(X, y)
    history = model.fit(X, y, epochs=3, verbose=0)
    assert history.history["loss"][0] == pytest.approx(initial["loss"], rel=1e-12)
    assert history.history["accuracy"][0] == pytest.approx(initial["accuracy"])
    assert history.history["loss"][2] < history.history["loss"][0]
    assert model.history is history
    assert history.epoch == [0, 1, 2]


@pytest.mark.parametrize("batch_size", [16, 40])
def test_minibatch_sgd_matches_a_pytorch_loop(batch_size, torch_mirror):
    import torch

    rng = np.random.default_rng(3)
    X, y = rng.normal(size=(40, 3)), rng.integers(0, 3, 40)
    model = gn.Sequential([Dense(5, "relu"), Dense(3, "softmax")], seed=1, dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.SGD(lr=0.3))
    model.build((3,))
    mirror = torch_mirror(model)
    opt = torch.optim.SGD(mirror.parameters(), lr=0.3)
    epoch_losses = []
    for _ in range(3):
        total = 0.0
        for start in range(0, 40, batch_size):
            xb, yb = X[start:start + batch_size], y[start:start + batch_size]
            opt.zero_grad()
            loss = mirror.loss(xb, yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        epoch_losses.append(total / 40)
    history = model.fit(X, y, epochs=3, batch_size=batch_size, shuffle=False, verbose=0)
    assert model.iterations == 3 * -(-40 // batch_size)
    np.testing.assert_allclose(history.history["loss"], epoch_losses, rtol=1e-12)
    for w, ref in zip(model.get_weights(), mirror.weights(), strict=True):
        np.testing.assert_allclose(w, ref, rtol=1e-10, atol=1e-13)


class Recorder(Layer):
    """Identity layer that keeps every training batch it sees."""

    def __init__(self, name=None):
        super().__init__(name)
        self.seen = []

    def forward(self, x, training=False):
        self._ensure_built(x)
        if training:
            self.seen.append(x.copy())
        return x

    def backward(self, grad):
        return grad


def _batches_seen(seed, shuffle=True, epochs=3):
    X = np.arange(20, dtype=np.float64).reshape(10, 2)
    y = np.arange(10) % 2
    recorder = Recorder()
    model = gn.Sequential([recorder, Dense(1, "sigmoid")], seed=0, dtype=np.float64)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=0.01))
    model.fit(X, y, epochs=epochs, batch_size=4, shuffle=shuffle, seed=seed, verbose=0)
    per_epoch = [np.concatenate(recorder.seen[i:i + 3]) for i in range(0, 3 * epochs, 3)]
    assert [len(b) for b in recorder.seen] == [4, 4, 2] * epochs
    return X, per_epoch


def test_each_epoch_sees_every_sample_once_in_a_seeded_order():
    X, epochs = _batches_seen(seed=0)
    orders = []
    for seen in epochs:
        rows = [int(r[0]) // 2 for r in seen]
        assert sorted(rows) == list(range(10))                  # a permutation of the samples
        np.testing.assert_array_equal(seen, X[rows])
        orders.append(rows)
    assert len({tuple(o) for o in orders}) == 3                 # a new order every epoch
    _, again = _batches_seen(seed=0)
    for a, b in zip(epochs, again, strict=True):
        np.testing.assert_array_equal(a, b)
    _, other = _batches_seen(seed=1)
    assert not all(np.array_equal(a, b) for a, b in zip(epochs, other, strict=True))
    X, plain = _batches_seen(seed=0, shuffle=False)
    for seen in plain:
        np.testing.assert_array_equal(seen, X)


def test_validation_data_is_evaluated_every_epoch():
    X, y = binary_data(40, seed=0)
    Xv, yv = binary_data(15, seed=1)
    model = small_binary()
    history = model.fit(X, y, epochs=4, batch_size=10, validation_data=(Xv, yv), verbose=0)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in history.history.values())
    final = model.evaluate(Xv, yv)
    assert history.history["val_loss"][-1] == pytest.approx(final["loss"], rel=1e-12)
    assert history.history["val_accuracy"][-1] == pytest.approx(final["accuracy"])


# ----------------------------------------------------------------------------- resuming


def _resumable(seed=3):
    model = gn.Sequential([Dense(8, "relu"), Dropout(0.25), Dense(3, "softmax")], seed=seed)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=0.01),
                  metrics=["accuracy"])
    return model


def _three_class_data():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(50, 4))
    y = np.argmax(X[:, :3] + 0.3 * rng.normal(size=(50, 3)), axis=1)
    Xv = rng.normal(size=(12, 4))
    yv = np.argmax(Xv[:, :3], axis=1)
    return X, y, (Xv, yv)


def test_resuming_from_a_saved_model_repeats_the_uninterrupted_run(tmp_path):
    X, y, val = _three_class_data()
    kwargs = dict(batch_size=8, shuffle=True, validation_data=val, verbose=0)

    whole = _resumable()
    full = whole.fit(X, y, epochs=6, **kwargs).history

    first = _resumable()
    part = first.fit(X, y, epochs=3, **kwargs).history
    first.save(tmp_path / "half.glassnet")
    resumed = gn.load_model(tmp_path / "half.glassnet")
    assert resumed.epoch == 3 and resumed.iterations == first.iterations == 3 * 7
    rest = resumed.fit(X, y, epochs=6, initial_epoch=3, **kwargs).history

    for a, b in zip(whole.get_weights(), resumed.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert set(full) == set(part) == set(rest) == {"loss", "accuracy", "val_loss",
                                                   "val_accuracy"}
    for key in full:
        assert full[key][:3] == part[key]
        assert full[key][3:] == rest[key]
    assert resumed.iterations == whole.iterations == 6 * 7
    assert resumed.history.epoch == [3, 4, 5]


def test_resuming_the_same_object_repeats_the_uninterrupted_run():
    X, y, _ = _three_class_data()
    whole, split = _resumable(), _resumable()
    whole.fit(X, y, epochs=4, batch_size=16, seed=5, verbose=0)
    split.fit(X, y, epochs=2, batch_size=16, seed=5, verbose=0)
    split.fit(X, y, epochs=4, batch_size=16, initial_epoch=2, verbose=0)   # reuses fit seed 5
    for a, b in zip(whole.get_weights(), split.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- progress output


def test_verbose_0_prints_nothing(capsys):
    X, y = binary_data()
    small_binary().fit(X, y, epochs=3, batch_size=10, verbose=0)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_verbose_1_not_in_a_terminal_prints_plain_lines(capsys):
    X, y = binary_data()
    small_binary().fit(X, y, epochs=3, batch_size=10, verbose=1)
    captured = capsys.readouterr()
    assert captured.err == "" and "\r" not in captured.out
    lines = captured.out.splitlines()
    assert [line.split(" - ")[0] for line in lines] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert all("loss: " in line and "accuracy: " in line for line in lines)


def test_verbose_2_prints_one_line_per_epoch(capsys):
    X, y = binary_data()
    history = small_binary().fit(X, y, epochs=3, batch_size=10, verbose=2)
    captured = capsys.readouterr()
    lines = captured.out.strip().splitlines()
    assert len(lines) == 3
    for epoch, line in enumerate(lines):
        assert re.fullmatch(rf"Epoch {epoch + 1}/3 - loss: \d\.\d{{4}} - accuracy: \d\.\d{{4}}",
                            line)
        assert float(line.split("loss: ")[1].split()[0]) == pytest.approx(
            history.history["loss"][epoch], abs=6e-5)
    assert captured.err == ""


# ----------------------------------------------------------------------------- divergence


def _unscaled_regression():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3)) * 1000.0
    y = X @ np.array([1.0, 2.0, 3.0])
    model = gn.Sequential([Dense(8, "relu"), Dense(1)], seed=0, dtype=np.float64)
    model.compile(loss="mse", optimizer=gn.optimizers.SGD(lr=10.0))
    return model, X, y


def _matches_a_snapshot(weights, snapshots):
    return any(all(np.array_equal(w, s) for w, s in zip(weights, snap, strict=True))
               for snap in snapshots.weights)


def test_a_diverging_loss_raises_and_keeps_the_last_finite_weights():
    model, X, y = _unscaled_regression()
    snaps = Snapshots(every=1)
    with warnings.catch_warnings():          # see test_divergence_emits_no_runtime_warning
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(gn.DivergenceError, match=r"diverged at epoch \d+, step \d+: the "
                                                     r"loss became non-finite") as info:
            model.fit(X, y, epochs=50, verbose=0, callbacks=[snaps])
    assert isinstance(info.value, FloatingPointError)
    assert "lr=10.0" in str(info.value)
    weights = model.get_weights()
    assert all(np.isfinite(w).all() for w in weights)
    # the failing step took a snapshot of its starting weights and was not applied
    for w, s in zip(weights, snaps.weights[-1], strict=True):
        np.testing.assert_array_equal(w, s)
    assert model.epoch >= 1                  # some epochs completed, and their history is kept
    assert len(model.history.history["loss"]) == model.epoch
    assert np.isfinite(model.history.history["loss"]).all()


def _overflow_full_batch():
    X, y = binary_data(40)           # gradients ~100 × lr 1e38: the float32 weights overflow
    model = gn.Sequential([Dense(1, "sigmoid")], seed=0, dtype=np.float32)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=1e38))
    return model, X * 1e3, y, None


def _overflow_mid_epoch():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    model = gn.Sequential([Dense(1)], seed=0, dtype=np.float32)
    model.compile(loss="mse", optimizer=gn.optimizers.SGD(lr=1e38))
    return model, X, X @ np.array([1.0, 2.0, 3.0]), 10


@pytest.mark.parametrize("case", [_overflow_full_batch, _overflow_mid_epoch])
def test_an_overflowing_weight_is_never_left_in_the_model(case):
    model, X, y, batch_size = case()
    snaps = Snapshots(every=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(gn.DivergenceError, match="lr=1e"):
            model.fit(X, y, epochs=5, batch_size=batch_size, verbose=0, callbacks=[snaps])
    weights = model.get_weights()
    assert all(np.isfinite(w).all() for w in weights)
    assert _matches_a_snapshot(weights, snaps)     # weights the model really had, finite
    assert len(model.history.history.get("loss", [])) == model.epoch


def test_divergence_emits_no_runtime_warning():
    model, X, y = _unscaled_regression()
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        with pytest.raises(gn.DivergenceError):
            model.fit(X, y, epochs=50, verbose=0)
    assert all(np.isfinite(w).all() for w in model.get_weights())


# ----------------------------------------------------------------------------- Ctrl-C


@pytest.mark.skipif(sys.platform == "win32", reason="sends SIGINT to its own process")
def test_ctrl_c_waits_for_the_current_step_to_finish():
    class PressCtrlC(gn.callbacks.Callback):
        def on_train_batch_begin(self, step):
            if step == 2:
                os.kill(os.getpid(), signal.SIGINT)      # arrives in the middle of step 2

    X, y = binary_data()
    model = small_binary()
    snaps = Snapshots(every=1)
    handler = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt, match="interrupted at epoch 1, step 3"):
        model.fit(X, y, epochs=5, batch_size=10, verbose=0, callbacks=[PressCtrlC(), snaps])
    assert model.iterations == 3 and len(snaps.step_losses) == 3     # step 2 completed, no more
    assert signal.getsignal(signal.SIGINT) is handler          # the handler is put back
    assert all(np.isfinite(w).all() for w in model.get_weights())


# ----------------------------------------------------------------------------- argument errors


@pytest.mark.parametrize("kwargs, error, match", [
    ({"batch_size": 0}, ValueError, "batch_size must be >= 1, got 0"),
    ({"batch_size": 41}, ValueError, r"batch_size must be at most the number of samples \(40\), "
                                     "got 41"),
    ({"batch_size": 2.5}, TypeError, "batch_size must be an integer"),
    ({"epochs": 0}, ValueError, "epochs must be >= 1, got 0"),
    ({"epochs": 3, "initial_epoch": 3}, ValueError, "epochs must be greater than initial_epoch"),
    ({"verbose": 3}, ValueError, "verbose must be <= 2, got 3"),
    ({"shuffle": "yes"}, TypeError, "shuffle must be a bool"),
    ({"seed": -2}, ValueError, "seed must be >= 0"),
    ({"validation_data": np.ones((3, 3))}, TypeError, r"validation_data must be a tuple"),
    ({"callbacks": [print]}, TypeError, "callbacks must be glassnet Callback objects"),
])
def test_fit_argument_errors(kwargs, error, match):
    X, y = binary_data()
    model = small_binary()
    with pytest.raises(error, match=match):
        model.fit(X, y, **{"verbose": 0, **kwargs})
    assert model.iterations == 0


def test_validation_data_is_checked_like_training_data():
    X, y = binary_data()
    model = small_binary()
    with pytest.raises(ValueError, match="X_val must have 3 features"):
        model.fit(X, y, validation_data=(np.ones((4, 2)), np.zeros(4)), verbose=0)
    with pytest.raises(ValueError, match="y_val must hold only 0 and 1"):
        model.fit(X, y, validation_data=(np.ones((4, 3)), np.full(4, 3)), verbose=0)
