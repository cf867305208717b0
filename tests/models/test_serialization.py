"""save / load_model: exact round trips, and damaged or hostile files refused without unpickling."""

import io
import json
import pickle
import zipfile

import numpy as np
import pytest

import glassnet as gn
from glassnet.layers import Activation, Dense, Dropout, Flatten


def trained_model(dtype=np.float32, optimizer=None, dropout=True, seed=0):
    layers = [Dense(6, "relu"), Dropout(0.3), Dense(3, "softmax")] if dropout else [
        Dense(6, "relu"), Dense(3, "softmax")]
    model = gn.Sequential(layers, seed=seed, dtype=dtype, name="saved")
    model.compile(loss="categorical_crossentropy",
                  optimizer=optimizer or gn.optimizers.Adam(lr=0.01), metrics=["accuracy"])
    X, y = data()
    model.fit(X, y, epochs=3, batch_size=8, verbose=0)
    return model


def data():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(30, 4))
    return X, np.argmax(X[:, :3], axis=1)


def members(path):
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(path, contents):
    with zipfile.ZipFile(path, "w") as zf:
        for name, payload in contents.items():
            zf.writestr(name, payload)


def npy_bytes(arr, allow_pickle=False):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, allow_pickle=allow_pickle)
    return buf.getvalue()


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.glassnet"
    trained_model().save(path)
    return path


# ----------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("optimizer", [
    lambda: gn.optimizers.Adam(lr=0.01, beta1=0.8),
    lambda: gn.optimizers.SGD(lr=0.1, momentum=0.9, nesterov=True),
    lambda: gn.optimizers.RMSprop(lr=0.01, rho=0.9),
    lambda: gn.optimizers.Adagrad(lr=0.1),
], ids=["adam", "sgd-nesterov", "rmsprop", "adagrad"])
def test_round_trip_is_exact(tmp_path, dtype, optimizer):
    model = trained_model(dtype=dtype, optimizer=optimizer())
    path = tmp_path / "m.glassnet"
    model.save(path)
    loaded = gn.load_model(path)
    X, y = data()

    assert loaded.dtype == dtype and loaded.name == "saved" and loaded.seed == 0
    assert [type(a) for a in loaded.layers] == [type(a) for a in model.layers]
    assert [a.get_config() for a in loaded.layers] == [a.get_config() for a in model.layers]
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        assert b.dtype == dtype
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.evaluate(X, y) == model.evaluate(X, y)

    assert loaded.loss.name == "categorical_crossentropy" and loaded.metrics == ["accuracy"]
    assert loaded.fused_head
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert loaded.optimizer.iterations == model.optimizer.iterations == 12
    saved_state, loaded_state = model.optimizer.state_arrays(), loaded.optimizer.state_arrays()
    assert saved_state.keys() == loaded_state.keys() and saved_state
    for key in saved_state:
        np.testing.assert_array_equal(saved_state[key], loaded_state[key])
    assert ((loaded.epoch, loaded.iterations, loaded.fit_seed)
            == (model.epoch, model.iterations, model.fit_seed))
    assert loaded.history.history == model.history.history

    # the optimizer state matters: continuing training gives the same weights
    model.fit(X, y, epochs=5, initial_epoch=3, batch_size=8, verbose=0)
    loaded.fit(X, y, epochs=5, initial_epoch=3, batch_size=8, verbose=0)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_an_uncompiled_model_round_trips(tmp_path):
    model = gn.Sequential([Dense(4, "tanh"), Dense(2)], seed=1)
    model.build((3,))
    model.save(tmp_path / "plain.glassnet")
    loaded = gn.load_model(str(tmp_path / "plain.glassnet"))
    X = np.random.default_rng(0).normal(size=(5, 3))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.loss is None and loaded.optimizer is None and loaded.history is None


def test_every_layer_type_round_trips(tmp_path):
    model = gn.Sequential([Flatten(), Dense(5, kernel_initializer="he_normal", l1=0.01, l2=0.02),
                           Activation("leaky_relu"), Dropout(0.1), Dense(2),
                           Activation("softmax")], seed=2, dtype=np.float64)
    model.compile(loss="categorical_crossentropy", optimizer="rmsprop", metrics=["acc"])
    X = np.random.default_rng(0).normal(size=(8, 2, 2, 3))
    y = np.arange(8) % 2
    model.fit(X, y, epochs=2, batch_size=4, verbose=0)
    model.save(tmp_path / "all.glassnet")
    loaded = gn.load_model(tmp_path / "all.glassnet")
    assert [layer.get_config() for layer in loaded.layers] == [
        layer.get_config() for layer in model.layers]
    assert loaded.input_shape == (2, 2, 3) and loaded.fused_head
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.evaluate(X, y) == model.evaluate(X, y)


def test_saving_replaces_the_file_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "m.glassnet"
    first = trained_model(seed=0)
    first.save(path)
    second = trained_model(seed=1)
    second.save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["m.glassnet"]
    np.testing.assert_array_equal(gn.load_model(path).get_weights()[0], second.get_weights()[0])


def test_the_file_is_a_zip_of_json_and_npy(saved):
    contents = members(saved)
    assert set(contents) == {"glassnet.json", "params/0.npy", "params/1.npy", "params/2.npy",
                             "params/3.npy", "optimizer/0.npy", "optimizer/1.npy"}
    doc = json.loads(contents["glassnet.json"])
    assert doc["format"] == "glassnet" and doc["version"] == 1
    assert [layer["class"] for layer in doc["model"]["layers"]] == ["Dense", "Dropout", "Dense"]


def test_save_errors(tmp_path):
    with pytest.raises(ValueError, match="cannot save a model that is not built"):
        gn.Sequential([Dense(2)]).save(tmp_path / "x.glassnet")
    model = trained_model()
    with pytest.raises(TypeError, match="path must be a str or os.PathLike, got int"):
        model.save(3)


# ----------------------------------------------------------------------------- refusing bad files


class CreatesMarker:
    """Unpickling this object creates the file ``path``."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")


def test_the_marker_payload_works(tmp_path):
    """Sanity check of the payload used below: plain ``pickle.loads`` does create the marker."""
    marker = tmp_path / "marker"
    pickle.loads(pickle.dumps(CreatesMarker(marker))).close()
    assert marker.exists()


def test_a_pickle_file_is_refused_without_unpickling(tmp_path):
    marker = tmp_path / "marker"
    path = tmp_path / "model.glassnet"
    path.write_bytes(pickle.dumps(CreatesMarker(marker)))
    with pytest.raises(ValueError, match="not a glassnet model file .*never loads pickles"):
        gn.load_model(path)
    assert not marker.exists()


def test_a_pickled_model_object_is_refused(tmp_path):
    path = tmp_path / "model.pkl"
    path.write_bytes(pickle.dumps(trained_model()))
    with pytest.raises(ValueError, match="not a glassnet model file"):
        gn.load_model(path)


def test_an_object_array_inside_the_zip_is_never_unpickled(saved, tmp_path):
    marker = tmp_path / "marker"
    contents = members(saved)
    contents["params/0.npy"] = npy_bytes(np.array([CreatesMarker(marker)], dtype=object),
                                         allow_pickle=True)
    write_zip(saved, contents)
    with pytest.raises(ValueError, match="params/0.npy' in the model file is damaged"):
        gn.load_model(saved)
    assert not marker.exists()


@pytest.mark.parametrize("keep", [0.0, 0.5, 0.9])
def test_a_truncated_file_is_refused(saved, keep):
    payload = saved.read_bytes()
    saved.write_bytes(payload[:int(len(payload) * keep)])
    with pytest.raises(ValueError, match="is not a glassnet model file"):
        gn.load_model(saved)


def test_extra_members_are_refused(saved):
    contents = members(saved)
    contents["payload.py"] = b"print('hello')"
    write_zip(saved, contents)
    with pytest.raises(ValueError, match=r"unexpected members \['payload.py'\]"):
        gn.load_model(saved)


def _edit_json(path, edit):
    contents = members(path)
    doc = json.loads(contents["glassnet.json"])
    edit(doc)
    contents["glassnet.json"] = json.dumps(doc).encode()
    write_zip(path, contents)


def test_another_version_is_refused(saved):
    _edit_json(saved, lambda doc: doc.update(version=2))
    with pytest.raises(ValueError, match="version 2 is not supported .* reads version 1"):
        gn.load_model(saved)


def test_another_format_is_refused(saved):
    _edit_json(saved, lambda doc: doc.update(format="keras"))
    with pytest.raises(ValueError, match="format must be 'glassnet', got 'keras'"):
        gn.load_model(saved)


def test_an_unknown_layer_class_is_refused(saved):
    _edit_json(saved, lambda doc: doc["model"]["layers"][1].update({"class": "os.system"}))
    with pytest.raises(ValueError, match="unknown layer type 'os.system'"):
        gn.load_model(saved)


def test_a_bad_layer_config_is_refused(saved):
    _edit_json(saved, lambda doc: doc["model"]["layers"][0]["config"].update(units=-3))
    with pytest.raises(ValueError, match="architecture cannot be rebuilt .*units must be >= 1"):
        gn.load_model(saved)


def test_a_mismatched_array_shape_is_refused(saved):
    contents = members(saved)
    contents["params/0.npy"] = npy_bytes(np.zeros((3, 3), dtype=np.float32))
    write_zip(saved, contents)
    with pytest.raises(ValueError, match=r"params/0.npy has shape \(3, 3\) and dtype float32, "
                                         r"expected \(4, 6\) and float32"):
        gn.load_model(saved)


def test_a_mismatched_array_dtype_is_refused(saved):
    contents = members(saved)
    contents["params/1.npy"] = npy_bytes(np.zeros(6, dtype=np.float64))
    write_zip(saved, contents)
    with pytest.raises(ValueError, match=r"params/1.npy has shape \(6,\) and dtype float64"):
        gn.load_model(saved)


def test_a_missing_array_is_refused(saved):
    contents = members(saved)
    del contents["params/3.npy"]
    write_zip(saved, contents)
    with pytest.raises(ValueError, match="expected 4 parameter arrays, found 3"):
        gn.load_model(saved)


def test_a_mismatched_optimizer_state_is_refused(saved):
    contents = members(saved)
    contents["optimizer/1.npy"] = npy_bytes(np.zeros(5, dtype=np.float32))
    write_zip(saved, contents)
    with pytest.raises(ValueError, match=r"optimizer/1.npy has shape \(5,\)"):
        gn.load_model(saved)


def test_unreadable_json_is_refused(saved):
    contents = members(saved)
    contents["glassnet.json"] = b"{not json"
    write_zip(saved, contents)
    with pytest.raises(ValueError, match="unreadable JSON"):
        gn.load_model(saved)


def test_a_missing_file():
    with pytest.raises(FileNotFoundError, match="no model file at 'nowhere.glassnet'"):
        gn.load_model("nowhere.glassnet")
