"""gn.datasets.LabelEncoder against scikit-learn's, and fit's message for text labels."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.errors import NotFittedError


@pytest.mark.parametrize("y", [
    ["malignant", "benign", "benign", "malignant", "benign"],
    np.array(["b", "c", "a", "c"]),
    np.array([3, 10, 3, 7]),
    np.array([0.5, -1.0, 0.5]),
])
def test_label_encoder_matches_scikit_learn(y):
    preprocessing = pytest.importorskip("sklearn.preprocessing")
    ours, theirs = gn.datasets.LabelEncoder(), preprocessing.LabelEncoder()
    np.testing.assert_array_equal(ours.fit_transform(y), theirs.fit_transform(y))
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    codes = np.random.default_rng(0).integers(0, len(ours.classes_), 8)
    np.testing.assert_array_equal(ours.inverse_transform(codes), theirs.inverse_transform(codes))
    assert ours.transform(y).dtype == np.int64


def test_label_encoder_errors_name_what_is_wrong():
    enc = gn.datasets.LabelEncoder()
    with pytest.raises(NotFittedError, match="not fitted yet; call fit"):
        enc.transform(["a"])
    enc.fit(["a", "b"])
    with pytest.raises(ValueError, match=r"labels \['z'\] that were not seen in fit"):
        enc.transform(["a", "z"])
    with pytest.raises(ValueError, match=r"class indices in 0..1, got values from 0 to 2"):
        enc.inverse_transform([0, 2])
    with pytest.raises(ValueError, match="1-D class labels, got shape"):
        enc.fit(np.zeros((2, 2)))
    with pytest.raises(TypeError, match="must be an array of class labels, got .abc."):
        enc.fit("abc")
    with pytest.raises(ValueError, match="at least one label"):
        enc.fit([])


@pytest.mark.parametrize("as_validation", [False, True])
@pytest.mark.parametrize("head, loss, first", [
    (1, "binary_crossentropy", r"must hold numbers .*got dtype <U9"),
    (2, "categorical_crossentropy", r"must hold integer class labels, got dtype <U9"),
])
def test_fit_with_text_labels_says_how_to_encode_them(as_validation, head, loss, first):
    X = np.random.default_rng(0).normal(size=(6, 2))
    y = np.array(["benign", "malignant", "benign", "benign", "malignant", "benign"])
    model = gn.Sequential([gn.layers.Dense(head, activation="sigmoid" if head == 1
                                           else "softmax")], seed=0)
    model.compile(loss=loss, optimizer="sgd")
    kwargs = ({"validation_data": (X, y)} if as_validation else {})
    y_fit = gn.datasets.LabelEncoder().fit_transform(y) if as_validation else list(y)
    name = "y_val" if as_validation else "y"
    with pytest.raises(TypeError, match=rf"^{name} {first}.*; {name} holds text class labels "
                                        r"such as \['benign', 'malignant'\]: encode them as "
                                        r"integers first: enc = gn\.datasets\.LabelEncoder\(\); "
                                        r"y_int = enc\.fit_transform\(y\)"):
        model.fit(X, y_fit, epochs=1, verbose=0, **kwargs)
    assert not model.built                         # refused before anything changed


def test_other_type_errors_are_left_alone():
    model = gn.Sequential([gn.layers.Dense(1, activation="sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    with pytest.raises(TypeError) as info:
        model.fit(np.zeros((4, 2)), np.zeros(4) + 1j, verbose=0)
    assert "LabelEncoder" not in str(info.value)


def test_the_encoded_labels_train_and_decode():
    rng = np.random.default_rng(1)
    X = np.vstack([rng.normal(-2, 0.5, (30, 2)), rng.normal(2, 0.5, (30, 2))])
    names = np.array(["red"] * 30 + ["blue"] * 30)
    enc = gn.datasets.LabelEncoder()
    model = gn.Sequential([gn.layers.Dense(1, activation="sigmoid")], seed=0)
    model.compile(loss="binary_crossentropy", optimizer=gn.optimizers.SGD(lr=0.5))
    model.fit(X, enc.fit_transform(names), epochs=50, verbose=0)
    back = enc.inverse_transform((model.predict(X)[:, 0] > 0.5).astype(int))
    assert np.mean(back == names) == 1.0
