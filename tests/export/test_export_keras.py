"""``gn.load_keras``: ``.keras`` files written by Keras 3 itself (PyTorch backend, see the
conftest) load into glassnet models that predict what Keras predicts (float32, to 1e-5); what
glassnet cannot express is refused with a message that names the Keras layer."""

from __future__ import annotations

import json
import zipfile

import keras
import numpy as np
import pytest

import glassnet as gn

L = keras.layers
# Keras' PyTorch backend converts its tensors with an old-style __array__ (not our concern)
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning")


def _save(model, tmp_path, name="m.keras"):
    path = tmp_path / name
    model.save(path)
    return path


def mlp():
    return keras.Sequential([keras.Input((6,)), L.Dense(12, activation="relu"), L.Dropout(0.3),
                             L.Dense(8, activation="tanh",
                                     kernel_regularizer=keras.regularizers.L2(1e-3)),
                             L.Dense(5, use_bias=False), L.LeakyReLU(negative_slope=0.01),
                             L.Dense(4, activation="sigmoid"), L.Dense(3), L.Softmax()])


def cnn_channels_last():
    """'same' with even kernels and strides, pools, a Flatten of a 3x3x5 map (HWC order)."""
    return keras.Sequential([
        keras.Input((9, 9, 2)),
        L.Conv2D(4, 2, padding="same", activation="relu"),
        L.Conv2D(6, (4, 3), strides=2, padding="same", activation="tanh"),
        L.MaxPooling2D(2, padding="same"),
        L.Conv2D(5, 3, padding="same"), L.ReLU(), L.Activation("sigmoid"),
        L.Flatten(), L.Dropout(0.1), L.Dense(7, activation="relu"),
        L.Dense(3, activation="softmax"),
    ])


def cnn_channels_first():
    return keras.Sequential([
        keras.Input((2, 8, 8)),
        L.Conv2D(3, 3, padding="same", activation="relu", data_format="channels_first"),
        L.AveragePooling2D(2, data_format="channels_first"),
        L.Conv2D(4, 3, data_format="channels_first"),
        L.Flatten(data_format="channels_first"), L.Dense(2, activation="sigmoid"),
    ])


def conv_softmax():
    return keras.Sequential([keras.Input((6, 6, 3)),
                             L.Conv2D(4, 3, padding="valid", activation="softmax"),
                             L.AveragePooling2D(2, strides=1), L.Flatten(), L.Dense(2)])


BUILDERS = {"mlp": mlp, "cnn_channels_last": cnn_channels_last,
            "cnn_channels_first": cnn_channels_first, "conv_softmax": conv_softmax}


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_keras_file_predicts_as_keras(name, tmp_path):
    keras.utils.set_random_seed(0)
    kmodel = BUILDERS[name]()
    rng = np.random.default_rng(1)
    for layer in kmodel.layers:                   # non-zero biases, so their layout counts too
        if getattr(layer, "use_bias", False):
            layer.bias.assign(rng.normal(scale=0.3, size=layer.bias.shape).astype("float32"))
    model = gn.load_keras(_save(kmodel, tmp_path))
    X = rng.normal(size=(5, *kmodel.input_shape[1:])).astype(np.float32)
    want = np.asarray(kmodel.predict(X, verbose=0))
    X_gn = X.transpose(0, 3, 1, 2) if name in ("cnn_channels_last", "conv_softmax") else X
    got = model.predict(X_gn)
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    assert [lay.name for lay in model.layers] == [lay.name for lay in kmodel.layers]
    assert model.built and model.loss is None                    # built, not compiled


def test_layout_conversions_and_settings(tmp_path):
    keras.utils.set_random_seed(2)
    kmodel = cnn_channels_last()
    model = gn.load_keras(_save(kmodel, tmp_path), dtype=np.float64)
    assert model.dtype == np.float64 and model.input_shape == (2, 9, 9)
    conv = kmodel.layers[0].kernel.numpy()                          # (kh, kw, C, F)
    np.testing.assert_array_equal(model.layers[0].params["W"], conv.transpose(3, 2, 0, 1))
    dense = kmodel.layers[8].kernel.numpy()                         # rows in (H, W, C) order
    W = model.layers[8].params["W"]                                 # rows in (C, H, W) order
    np.testing.assert_array_equal(W[1 * 9 + 2 * 3 + 0], dense[2 * 3 * 5 + 0 * 5 + 1])
    assert model.layers[1].padding == "same" and model.layers[1].stride == (2, 2)
    mlp_model = gn.load_keras(_save(mlp(), tmp_path, "mlp.keras"))
    assert mlp_model.layers[2].l2 == pytest.approx(1e-3)
    assert mlp_model.layers[1].rate == pytest.approx(0.3)
    assert mlp_model.layers[4].activation.name == "leaky_relu"


def test_loaded_model_trains_and_is_glassnet_through_and_through(tmp_path):
    keras.utils.set_random_seed(3)
    model = gn.load_keras(_save(mlp(), tmp_path))
    X = np.random.default_rng(0).normal(size=(32, 6))
    y = (X[:, 0] > 0).astype(int)
    model.compile(loss="categorical_crossentropy", optimizer=gn.optimizers.Adam(lr=0.01))
    history = model.fit(X, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


# ---------------------------------------------------------------------------- refusals

REFUSED = {
    "batchnorm": (lambda: keras.Sequential([keras.Input((4,)), L.Dense(3, name="d"),
                                            L.BatchNormalization(name="bn")]),
                  r"Keras layer 'bn' \(BatchNormalization\) has no glassnet counterpart"),
    "gelu": (lambda: keras.Sequential([keras.Input((4,)), L.Dense(3, activation="gelu",
                                                                   name="hidden")]),
             r"Keras layer 'hidden' \(Dense\) uses activation 'gelu'"),
    "leaky-string": (lambda: keras.Sequential([keras.Input((4,)),
                                               L.Dense(3, activation="leaky_relu", name="h")]),
                     r"'h' \(Dense\) uses activation 'leaky_relu', whose slope is 0.2 in Keras"),
    "leaky-slope": (lambda: keras.Sequential([keras.Input((4,)), L.Dense(3),
                                              L.LeakyReLU(name="lr")]),
                    r"'lr' \(LeakyReLU\) has negative_slope=0.3"),
    "dilated": (lambda: keras.Sequential([keras.Input((8, 8, 1)),
                                          L.Conv2D(2, 3, dilation_rate=2, name="c")]),
                r"'c' \(Conv2D\) is dilated or grouped"),
    "dense-on-image": (lambda: keras.Sequential([keras.Input((4, 4, 2)), L.Dense(3, name="d")]),
                       r"'d' \(Dense\) is applied to inputs of per-sample shape \(2, 4, 4\)"),
    "frozen": (lambda: keras.Sequential([keras.Input((4,)), L.Dense(3, name="d",
                                                                      trainable=False)]),
               r"'d' \(Dense\) is frozen"),
    "constraint": (lambda: keras.Sequential([keras.Input((4,)), L.Dense(
        3, name="d", kernel_constraint=keras.constraints.MaxNorm(2.0))]),
        r"'d' \(Dense\) has a kernel_constraint"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_what_glassnet_cannot_express_is_refused_naming_the_layer(case, tmp_path):
    build, match = REFUSED[case]
    with pytest.raises(ValueError, match=match):
        gn.load_keras(_save(build(), tmp_path))


def test_functional_models_are_refused(tmp_path):
    inp = keras.Input((4,))
    kmodel = keras.Model(inp, L.Dense(2)(L.Dense(3)(inp)))
    with pytest.raises(ValueError, match=r"holds a Keras 'Functional' model; only Sequential"):
        gn.load_keras(_save(kmodel, tmp_path))


def _rewrite(path, out, config=None, weights=None):
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(out, "w") as w:
        for name in z.namelist():
            data = z.read(name)
            if name == "config.json" and config is not None:
                data = json.dumps(config(json.loads(data))).encode()
            if name == "model.weights.h5" and weights is not None:
                data = weights(data)
            w.writestr(name, data)
    return out


def _units(cfg, value):
    cfg["config"]["layers"][1]["config"]["units"] = value
    return cfg


@pytest.mark.parametrize("config, weights, match", [
    (lambda c: _units(c, 5), None,
     r"Keras layer 'd' \(Dense\) expects a weight of shape \(4, 5\), the file holds \(4, 3\)"),
    (lambda c: _units(c, 10**8), None,
     r"has 500000000 weights but model.weights.h5 holds only \d+ bytes"),
    (None, lambda data: data[:200], r"model.weights.h5 .* is not a readable HDF5 file"),
])
def test_files_whose_weights_do_not_match_are_refused(config, weights, match, tmp_path):
    path = _save(keras.Sequential([keras.Input((4,)), L.Dense(3, name="d")]), tmp_path)
    bad = _rewrite(path, tmp_path / "bad.keras", config, weights)
    with pytest.raises(ValueError, match=match):
        gn.load_keras(bad)


def test_not_keras_files(tmp_path):
    (tmp_path / "x.keras").write_bytes(b"hello")
    with pytest.raises(ValueError, match="not a .keras file"):
        gn.load_keras(tmp_path / "x.keras")
    (tmp_path / "old.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))
    with pytest.raises(ValueError, match="legacy HDF5"):
        gn.load_keras(tmp_path / "old.h5")
    with pytest.raises(FileNotFoundError, match="no Keras file at"):
        gn.load_keras(tmp_path / "missing.keras")
    with pytest.raises(TypeError, match="path must be a str or os.PathLike, got int"):
        gn.load_keras(3)
