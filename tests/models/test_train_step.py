"""``Sequential.train_step``: the public step that ``fit`` is made of, and Keras' habits."""

import io

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Conv2D, Dense, Flatten


def data(n=40, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


def binary(optimizer="adam", dtype=np.float64, seed=0):
    model = gn.Sequential([Dense(8, "tanh"), Dense(1, "sigmoid")], seed=seed, dtype=dtype)
    model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
    return model


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_train_step_is_one_full_batch_step_of_fit(optimizer):
    X, y = data()
    stepped, fitted = binary(optimizer), binary(optimizer)
    losses = [stepped.train_step(X, y) for _ in range(3)]
    history = fitted.fit(X, y, epochs=3, verbose=0)
    for a, b in zip(stepped.get_weights(), fitted.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert losses == history.history["loss"]
    assert stepped.iterations == fitted.iterations == 3
    assert stepped.last_output.shape == (40, 1)


def test_train_step_builds_an_unbuilt_model_and_checks_its_batch():
    X, y = data()
    model = binary()
    loss = model.train_step(X[:8], y[:8])
    assert model.built and np.isfinite(loss) and model.iterations == 1
    with pytest.raises(ValueError, match="xb must have 3 features"):
        model.train_step(X[:, :2], y)
    with pytest.raises(ValueError, match="yb must hold only 0 and 1"):
        model.train_step(X, y + 2)
    with pytest.raises(ValueError, match="must have the same number of samples"):
        model.train_step(X, y[:5])
    assert model.iterations == 1


def test_train_step_refuses_out_of_range_labels_even_in_the_fast_form():
    rng = np.random.default_rng(0)
    model = gn.Sequential([Dense(3, "softmax")], seed=0)
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    X = rng.normal(size=(6, 2)).astype(np.float32)
    model.train_step(X, np.array([0, 1, 2, 0, 1, 2]))
    for bad in ([0, 1, 3, 0, 1, 2], [0, -1, 2, 0, 1, 2]):
        with pytest.raises(ValueError, match="yb"):
            model.train_step(X, np.array(bad, dtype=np.int64))
    assert model.iterations == 1


def test_fit_is_made_of_train_step():
    """A subclass that overrides train_step is what fit runs (the hook for other tools)."""
    calls = []

    class Counting(gn.Sequential):
        def train_step(self, xb, yb):
            calls.append(len(xb))
            return super().train_step(xb, yb)

    X, y = data(40)
    model = Counting([Dense(1, "sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    model.fit(X, y, epochs=2, batch_size=16, verbose=0)
    assert calls == [16, 16, 8] * 2


def test_fit_runs_a_train_step_set_on_the_model():
    calls = []
    X, y = data(40)
    model = gn.Sequential([Dense(1, "sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    plain = model.train_step

    def counting(xb, yb):
        calls.append(len(xb))
        return plain(xb, yb)

    model.train_step = counting
    model.fit(X, y, epochs=1, batch_size=16, verbose=0)
    assert calls == [16, 16, 8]


def test_dense_forward_returns_a_new_array_each_call():
    X, _ = data(10)
    layer = Dense(4)
    first = layer.forward(X, training=True)
    kept = first.copy()
    layer.forward(X * 2, training=True)
    np.testing.assert_array_equal(first, kept)


def test_layers_declare_what_the_model_sets_on_them():
    for layer in (Dense(2), gn.layers.Activation("relu"), Flatten(), gn.layers.Dropout(0.5),
                  Conv2D(2, 3), gn.layers.MaxPool2D()):
        assert (layer.fused_head, layer.logits, layer.need_input_grad) == (False, None, True)


# ----------------------------------------------------------------------------- Keras habits


def test_build_accepts_keras_form_with_the_batch_axis():
    a, b = gn.Sequential([Dense(3)], seed=0), gn.Sequential([Dense(3)], seed=0)
    a.build((None, 4))
    b.build((4,))
    assert a.input_shape == b.input_shape == (4,)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize("shape, message", [
    (2, r"input_shape must be a tuple of positive integers such as \(784,\) or \(None, 784\).*"
        r"got 2; for 2 features write \(2,\)"),
    ((0,), r"got \(0,\)"),
    ((-3,), r"got \(-3,\)"),
    ((2.5,), r"got \(2.5,\)"),
    (("4",), r"got \('4',\)"),
    ((None,), r"got \(None,\)"),
    ((), r"got \(\)"),
])
def test_build_with_a_bad_shape_names_the_argument(shape, message):
    model = gn.Sequential([Dense(3)])
    with pytest.raises(ValueError, match=message):
        model.build(shape)
    assert not model.built


def test_summary_and_predict_build_from_input_shape_or_X():
    model = gn.Sequential([Dense(5, "relu", input_shape=(3,)), Dense(1)], seed=0)
    text = model.summary(print_fn=None)
    assert "(None, 5)" in text and "Total params: 26" in text and model.input_shape == (3,)
    conv = gn.Sequential([Conv2D(2, 3, input_shape=(None, 1, 6, 6)), Flatten(), Dense(2)])
    assert conv.summary(print_fn=None) and conv.input_shape == (1, 6, 6)
    unbuilt = gn.Sequential([Dense(2)], seed=0)
    with pytest.raises(gn.NotFittedError, match="give the first layer input_shape="):
        unbuilt.summary(print_fn=None)
    assert unbuilt(np.ones((4, 7))).shape == (4, 2) and unbuilt.input_shape == (7,)
    with pytest.raises(ValueError, match="input_shape must be a tuple"):
        Dense(2, input_shape=5)


@pytest.mark.parametrize("cls, kwargs", [
    (gn.optimizers.SGD, {"momentum": 0.9}), (gn.optimizers.Adam, {}),
    (gn.optimizers.RMSprop, {}), (gn.optimizers.Adagrad, {}),
])
def test_every_optimizer_takes_keras_learning_rate(cls, kwargs):
    opt = cls(learning_rate=0.125, **kwargs)
    assert opt.lr == opt.learning_rate == 0.125
    assert cls(lr=0.125, **kwargs).get_config() == opt.get_config()
    with pytest.raises(TypeError, match="give the learning rate once, as lr or as learning_rate"):
        cls(lr=0.1, learning_rate=0.1, **kwargs)
    with pytest.raises(ValueError, match="lr must be > 0"):
        cls(learning_rate=-1.0, **kwargs)


def test_validation_split_holds_out_the_last_samples_as_keras():
    X, y = data(50)
    a, b = binary(), binary()
    ha = a.fit(X, y, epochs=3, batch_size=10, validation_split=0.2, verbose=0)
    hb = b.fit(X[:40], y[:40], epochs=3, batch_size=10, validation_data=(X[40:], y[40:]),
               verbose=0)
    assert ha.history == hb.history and "val_accuracy" in ha.history
    with pytest.raises(ValueError, match="give validation_data or validation_split, not both"):
        a.fit(X, y, validation_split=0.2, validation_data=(X, y), verbose=0)
    with pytest.raises(ValueError, match=r"validation_split must be < 1.0, got 1.0"):
        a.fit(X, y, validation_split=1.0, verbose=0)
    with pytest.raises(ValueError, match="leaves 0 validation and 50 training samples"):
        a.fit(X, y, validation_split=0.01, verbose=0)


# ----------------------------------------------------------------------------- progress display


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_in_a_narrow_terminal_never_hides_the_metrics(monkeypatch):
    from glassnet.models.progress import Progress

    monkeypatch.setenv("COLUMNS", "40")
    stream = Terminal()
    progress = Progress(1, 0, 2, n_batches=3, stream=stream)
    logs = {"loss": 0.5, "accuracy": 0.75, "val_loss": 0.625, "val_accuracy": 0.875}
    for epoch in range(2):
        progress.epoch_begin(epoch)
        for b in range(3):
            progress.batch_end(b, {"loss": 0.5})
        progress.epoch_end(epoch, logs)
    progress.close()
    lines = [line.split("\r")[-1] for line in stream.getvalue().split("\n") if line.strip()]
    finals = [line for line in lines if line.startswith("Epoch")]
    assert len(finals) == 2
    for line in finals:
        assert "val_accuracy: 0.8750" in line and "loss: 0.5000" in line


def test_full_batch_progress_through_a_pipe_prints_about_ten_lines(capsys):
    X, y = data(20)
    binary().fit(X, y, epochs=100, verbose=1)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 10 and lines[-1].startswith("Epoch 100/100 - loss: ")
