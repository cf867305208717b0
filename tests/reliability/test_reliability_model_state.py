"""Issue 13: objects shared between models, operations that change the model and then fail,
and the numerics of the divergence check. Each refusal comes before anything changes."""

import copy
import pickle

import numpy as np
import pytest

import glassnet as gn
from glassnet.callbacks import EarlyStopping, ModelCheckpoint
from glassnet.layers import Dense


def data(n=30, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    return X, (X[:, 0] > 0).astype(int)


def trained(layers=None, optimizer="adam", dtype=np.float64):
    X, y = data()
    model = gn.Sequential(layers or [Dense(4, "tanh"), Dense(1, "sigmoid")], seed=0, dtype=dtype)
    model.compile(loss="binary_crossentropy", optimizer=optimizer)
    model.fit(X, y, epochs=3, batch_size=10, verbose=0)
    return model


# ----------------------------------------------------------------------------- shared objects


def test_a_layer_list_cannot_serve_two_models():
    layers = [Dense(4, "tanh"), Dense(1, "sigmoid")]
    first = trained(layers)
    before = first.predict(data()[0])
    with pytest.raises(ValueError, match=r"layer 'dense' already belongs to another model "
                                         r"\('sequential'\).*create a new one"):
        gn.Sequential(layers)
    np.testing.assert_array_equal(first.predict(data()[0]), before)


def test_one_layer_twice_in_a_model_is_refused():
    shared = Dense(3, "tanh")
    with pytest.raises(ValueError, match=r"layer 'dense_1' is already in this model"):
        gn.Sequential([Dense(3), shared, shared])


def test_a_layer_of_a_model_that_is_gone_can_be_used_again():
    layers = [Dense(2)]
    model = gn.Sequential(layers)
    del model
    import gc

    gc.collect()
    gn.Sequential(layers)


def test_copies_of_a_model_own_their_copied_layers():
    model = trained()
    for clone in (copy.deepcopy(model), pickle.loads(pickle.dumps(model))):
        assert all(layer.model is clone for layer in clone.layers)
        assert clone.optimizer._owner() is clone
        clone.fit(*data(), epochs=1, verbose=0)                 # trains the copy only
    assert all(layer.model is model for layer in model.layers)


def test_an_optimizer_cannot_serve_two_models():
    opt = gn.optimizers.Adam(lr=0.01)
    first = trained(optimizer=opt)
    state = {k: v.copy() for k, v in opt.state_arrays().items()}
    other = gn.Sequential([Dense(4, "tanh"), Dense(1, "sigmoid")])
    with pytest.raises(ValueError, match=r"optimizer Adam already belongs to another model"):
        other.compile(loss="binary_crossentropy", optimizer=opt)
    assert first.optimizer is opt and opt.iterations == 9
    for k, v in opt.state_arrays().items():
        np.testing.assert_array_equal(v, state[k])


def test_an_optimizer_stepped_on_arrays_of_another_size_refuses_before_any_change():
    opt = gn.optimizers.Adam()
    p, g = np.ones(4), np.ones(4)
    opt.step([p], [g])
    before = (p.copy(), opt.iterations, opt.state_arrays()["0/m"].copy())
    with pytest.raises(ValueError, match=r"keeps state 'm' of shape \(4,\) for params\[0\], got "
                                         r"an array of shape \(6,\)"):
        opt.step([np.ones(6)], [np.ones(6)])
    np.testing.assert_array_equal(p, before[0])
    assert opt.iterations == before[1]
    np.testing.assert_array_equal(opt.state_arrays()["0/m"], before[2])


def test_recompiling_releases_the_old_optimizer():
    model = trained()
    old = model.optimizer
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    gn.Sequential([Dense(1)]).compile(optimizer=old)


# ----------------------------------------------------------------------------- set_weights, build


def test_set_weights_checks_everything_before_writing():
    model = trained()
    before = model.get_weights()
    bad_shape = [w.copy() + 1 for w in before]
    bad_shape[-1] = np.ones(7)
    with pytest.raises(ValueError, match=r"weights\[3\] must have shape \(1,\), got \(7,\)"):
        model.set_weights(bad_shape)
    nan = [w.copy() + 1 for w in before]
    nan[2][0, 0] = np.nan
    with pytest.raises(ValueError, match=r"weights\[2\] must hold finite numbers, got 1 NaN"):
        model.set_weights(nan)
    with pytest.raises(TypeError, match=r"weights\[0\] must hold real numbers"):
        model.set_weights([w.astype(str) for w in before])
    for a, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_build_again_keeps_the_weights_or_refuses_another_shape():
    model = trained()
    before = model.get_weights()
    model.build((3,))
    model.build((None, 3))
    with pytest.raises(ValueError, match=r"input_shape \(5,\) differs from the shape \(3,\) the "
                                         r"model is built for"):
        model.build((5,))
    for a, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------------- callbacks


@pytest.mark.parametrize("callback, message", [
    (lambda tmp: EarlyStopping("val_loss"), r"EarlyStopping monitor 'val_loss' is not among the "
                                            r"logged quantities \['loss'\]; pass validation_data"),
    (lambda tmp: ModelCheckpoint(tmp / "m.glassnet", save_best_only=True),
     r"ModelCheckpoint monitor 'val_loss' is not among the logged quantities"),
])
def test_misconfigured_callbacks_fail_before_the_first_update(tmp_path, callback, message):
    model = trained()
    before, steps = model.get_weights(), model.iterations
    with pytest.raises(ValueError, match=message):
        model.fit(*data(), epochs=5, verbose=0, callbacks=[callback(tmp_path)])
    assert model.iterations == steps
    for a, b in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_checkpoint_path_with_an_unknown_placeholder_is_refused_at_once():
    with pytest.raises(ValueError, match=r"path may contain only the placeholder \{epoch\}"):
        ModelCheckpoint("ckpt-{step}.glassnet")
    with pytest.raises(ValueError, match=r"path may contain only the placeholder \{epoch\}"):
        ModelCheckpoint("ckpt-{0}.glassnet")
    ModelCheckpoint("ckpt-{epoch:03d}.glassnet")


# ----------------------------------------------------------------------------- numerics


def test_huge_but_finite_float32_gradients_are_not_a_divergence():
    """Inputs ~1e10 and a tiny learning rate: ‖g‖² overflows float32, the gradient does not."""
    rng = np.random.default_rng(0)
    X = (rng.normal(size=(20, 3)) * 1e10).astype(np.float32)
    y = X @ np.array([1.0, 2.0, 3.0], dtype=np.float32) / 1e10
    model = gn.Sequential([Dense(1)], seed=0)
    model.compile(loss="mse", optimizer=gn.optimizers.SGD(lr=1e-22))
    history = model.fit(X, y, epochs=3, verbose=0)
    assert np.isfinite(history.history["loss"]).all() and model.iterations == 3


@pytest.mark.parametrize("label", [1e-50, 1 - 1e-9])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_labels_are_checked_before_the_cast(label, dtype):
    model = gn.Sequential([Dense(1, "sigmoid")], dtype=dtype)
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    y = np.array([0.0, 1.0, label, 0.0])
    with pytest.raises(ValueError, match="y must hold only 0 and 1 for binary_crossentropy"):
        model.fit(np.ones((4, 2)), y, verbose=0)
    assert not model.built
