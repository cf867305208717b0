"""Issue 13: what ``Sequential``, ``Layer``, ``add`` and ``fit`` accept saves and loads back.

A seed, a name or a layer count the model file cannot hold is refused where it is given (row F10
of ``docs/errors.md``), the limits themselves round-trip, a save into a missing folder names the
path the user gave, and saving and loading do not import each other's modules in a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from reliability_helpers import assert_same_state, binary_model, data, fitted, model_state

import glassnet as gn
from glassnet.layers import Activation, Dense
from glassnet.models.limits import MAX_LAYERS, MAX_NAME

DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"
MODELS = Path(gn.__file__).resolve().parent / "models"
X, YB, _ = data()


def _fit_with_seed(seed):
    model = fitted("binary")
    before = model_state(model)
    try:
        model.fit(X, YB, epochs=model.epoch + 1, initial_epoch=model.epoch, seed=seed, verbose=0)
    finally:
        assert_same_state(before, model_state(model))


def _fit_epochs(epochs, initial_epoch):
    model = fitted("binary")
    before = model_state(model)
    try:
        model.fit(X, YB, epochs=epochs, initial_epoch=initial_epoch, verbose=0)
    finally:
        assert_same_state(before, model_state(model))


def _hand_named(name):
    model = fitted("binary")
    model.name = name
    return model


CASES = [
    ("F10", "model-seed-2**128", lambda p: gn.Sequential(seed=2**128), ValueError,
     r"seed must be < 2\*\*128 \(what a model file can store\), got 3402823669"),
    ("F10", "model-seed-negative", lambda p: gn.Sequential(seed=-1), ValueError,
     r"seed must be >= 0, got -1"),
    ("F10", "model-seed-float", lambda p: gn.Sequential(seed=1.0), TypeError,
     r"seed must be an integer, got float"),
    ("F10", "model-seed-bool", lambda p: gn.Sequential(seed=True), TypeError,
     r"seed must be an integer, got bool"),
    ("F10", "fit-seed-2**128", lambda p: _fit_with_seed(2**130), ValueError,
     r"seed must be < 2\*\*128"),
    ("F10", "fit-seed-negative", lambda p: _fit_with_seed(-3), ValueError,
     r"seed must be >= 0, got -3"),
    ("F10", "fit-seed-str", lambda p: _fit_with_seed("0"), TypeError,
     r"seed must be an integer, got str"),
    ("F10", "model-name-too-long", lambda p: gn.Sequential(name="m" * (MAX_NAME + 1)),
     ValueError, r"name must be at most 1000 characters, got 1001"),
    ("F10", "model-name-newline", lambda p: gn.Sequential(name="a\nb"), ValueError,
     r"name must be printable text without control characters or unpaired surrogates, got "
     r"'\\n' at position 1"),
    ("F10", "model-name-surrogate", lambda p: gn.Sequential(name="x\udc80"), ValueError,
     r"got '\\udc80' at position 1"),
    ("F10", "model-name-type", lambda p: gn.Sequential(name=3), TypeError,
     r"name must be a str, got int"),
    ("F10", "layer-name-too-long", lambda p: Dense(2, name="d" * 5000), ValueError,
     r"name must be at most 1000 characters, got 5000"),
    ("F10", "layer-name-nul", lambda p: Activation("relu", name="a\x00"), ValueError,
     r"got '\\x00' at position 1"),
    ("F10", "too-many-layers",
     lambda p: gn.Sequential([Activation("relu") for _ in range(MAX_LAYERS + 1)]), ValueError,
     r"a model can hold at most 1000 layers \(what a model file can store\), got a layer "
     r"number 1001"),
    ("F10", "fit-epochs-2**63", lambda p: _fit_epochs(2**64, 2**64 - 1), ValueError,
     r"epochs must be <= 9223372036854775807, got 18446744073709551616"),
    ("F10", "save-name-set-by-hand", lambda p: _hand_named("n" * 2000).save(p / "m.glassnet"),
     ValueError, r"model.name must be at most 1000 characters, got 2000"),
]


@pytest.mark.parametrize("row, label, call, error, match",
                         [pytest.param(*c, id=f"{c[0]}-{c[1]}") for c in CASES])
def test_what_a_file_cannot_store_is_refused_where_it_is_given(tmp_path, row, label, call,
                                                                error, match):
    with pytest.raises(error, match=match):
        call(tmp_path)
    assert not any(tmp_path.iterdir()), "a refused call must write nothing"


def test_the_row_f10_of_docs_errors_md_has_cases_here():
    assert "| F10 |" in DOC.read_text(encoding="utf-8")
    assert {c[0] for c in CASES} == {"F10"}


# ---------------------------------------------------------------------------- the limits load


@pytest.mark.parametrize("seed", [0, 2**64, 2**128 - 1])
def test_the_largest_seed_saves_loads_and_continues(tmp_path, seed):
    model = binary_model(seed=seed)
    model.fit(X, YB, epochs=1, batch_size=8, seed=seed, verbose=0)
    model.save(tmp_path / "m.glassnet")
    loaded = gn.load_model(tmp_path / "m.glassnet")
    assert loaded.seed == seed and loaded.fit_seed == seed
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    model.fit(X, YB, epochs=2, initial_epoch=1, batch_size=8, verbose=0)
    loaded.fit(X, YB, epochs=2, initial_epoch=1, batch_size=8, verbose=0)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize("name", ["m" * MAX_NAME, "réseau ✓ 网络", "tab-free name"])
def test_the_longest_and_non_ascii_names_round_trip(tmp_path, name):
    model = gn.Sequential([Dense(2, name=name), Dense(1, name=name)], seed=0, name=name)
    model.build((3,))
    names = [layer.name for layer in model.layers]
    assert names[0] == name and len(names[1]) <= MAX_NAME and names[1].endswith("_1")
    model.save(tmp_path / "m.glassnet")
    loaded = gn.load_model(tmp_path / "m.glassnet")
    assert loaded.name == name and [layer.name for layer in loaded.layers] == names


def test_a_model_of_the_most_layers_a_file_holds_saves_and_loads(tmp_path):
    model = gn.Sequential([Dense(2)] + [Activation("tanh") for _ in range(MAX_LAYERS - 1)],
                          seed=0)
    model.build((3,))
    model.save(tmp_path / "m.glassnet")
    assert len(gn.load_model(tmp_path / "m.glassnet").layers) == MAX_LAYERS


def test_add_refuses_the_layer_past_the_limit_and_changes_nothing():
    model = gn.Sequential([Activation("relu") for _ in range(MAX_LAYERS)])
    extra = Dense(1)
    with pytest.raises(ValueError, match=r"at most 1000 layers"):
        model.add(extra)
    assert len(model.layers) == MAX_LAYERS and extra.model is None


def test_add_names_repeated_layers_as_keras_does():
    model = gn.Sequential([Dense(2), Dense(2), Dense(2, name="dense_1"), Dense(2)])
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "dense_1_1",
                                                     "dense_2"]


def test_a_copied_model_keeps_track_of_its_layer_names():
    import copy

    model = gn.Sequential([Dense(2), Dense(2)])
    clone = copy.deepcopy(model)
    clone.add(Dense(1))
    assert [layer.name for layer in clone.layers] == ["dense", "dense_1", "dense_2"]


# ---------------------------------------------------------------------------- saving errors


def test_a_save_into_a_missing_folder_names_the_path_the_user_gave(tmp_path):
    target = tmp_path / "no" / "such" / "m.glassnet"
    with pytest.raises(FileNotFoundError, match=r"the folder '.*such' does not exist") as info:
        fitted("binary").save(target)
    assert info.value.filename == str(target)
    assert ".glassnet-" not in str(info.value) and ".tmp" not in str(info.value)
    assert not (tmp_path / "no").exists()


def test_a_save_over_a_folder_names_the_path_the_user_gave(tmp_path):
    (tmp_path / "m.glassnet").mkdir()
    with pytest.raises(OSError) as info:
        fitted("binary").save(tmp_path / "m.glassnet")
    assert info.value.filename == str(tmp_path / "m.glassnet")
    assert ".tmp" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.glassnet"]


# ---------------------------------------------------------------------------- import structure


def _imports(path: Path) -> set[str]:
    """Every ``glassnet`` module ``path`` imports, at module level or inside a function, but not
    under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
            and getattr(node.test, "id", None) == "TYPE_CHECKING" for n in ast.walk(node)}
    out = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module:
            out |= {node.module} | {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
    return {m for m in out if m.startswith("glassnet")}


@pytest.mark.parametrize("module", ["serialization", "file_schema", "file_reader", "limits"])
def test_the_saving_side_never_imports_sequential(module):
    """``Sequential`` imports ``serialization``; nothing on that side imports it back, not even
    inside a function (issue 12). Only ``models.loading`` imports ``Sequential``."""
    assert "glassnet.models.sequential" not in _imports(MODELS / f"{module}.py")
    assert "glassnet.models.loading" not in _imports(MODELS / f"{module}.py")


def test_sequential_never_imports_the_loader():
    found = _imports(MODELS / "sequential.py")
    assert "glassnet.models.serialization" in found
    assert "glassnet.models.loading" not in found and "glassnet.models.file_reader" not in found
