"""train_test_split, StandardScaler, one_hot and batches, checked against scikit-learn."""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split as sk_split
from sklearn.preprocessing import StandardScaler as SkScaler

from glassnet.datasets import StandardScaler, batches, one_hot, train_test_split


# --------------------------------------------------------------------------- train_test_split
@pytest.mark.parametrize(
    ("n", "test_size", "train_size"),
    [
        (100, 0.25, None), (101, 0.2, None), (10, 3, None), (37, None, 0.6), (37, None, 20),
        (50, 0.3, 0.5), (50, 10, 25), (7, 0.5, None), (1000, 0.333, None),
    ],
)
def test_split_sizes_match_scikit_learn(n, test_size, train_size):
    X = np.arange(2 * n).reshape(n, 2)
    ours = train_test_split(X, test_size=test_size, train_size=train_size, seed=0)
    ref = sk_split(X, test_size=test_size, train_size=train_size, random_state=0)
    assert [len(a) for a in ours] == [len(a) for a in ref]


def test_default_split_is_a_quarter():
    X = np.arange(40)
    X_train, X_test = train_test_split(X, seed=0)
    assert (len(X_train), len(X_test)) == (30, 10)


def test_split_is_a_partition_and_keeps_rows_aligned():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(53, 3))
    y = np.arange(53)
    w = y * 10
    X_tr, X_te, y_tr, y_te, w_tr, w_te = train_test_split(X, y, w, test_size=0.3, seed=1)
    assert np.array_equal(np.sort(np.concatenate([y_tr, y_te])), y)
    assert np.array_equal(X_tr, X[y_tr]) and np.array_equal(X_te, X[y_te])
    assert np.array_equal(w_tr, y_tr * 10) and np.array_equal(w_te, y_te * 10)


def test_split_is_deterministic_per_seed():
    X = np.arange(100)
    a = train_test_split(X, seed=5)
    b = train_test_split(X, seed=5)
    c = train_test_split(X, seed=6)
    assert all(np.array_equal(p, q) for p, q in zip(a, b, strict=True))
    assert not np.array_equal(a[1], c[1])


def test_split_without_shuffle_takes_leading_rows():
    X = np.arange(20)
    X_train, X_test = train_test_split(X, test_size=5, shuffle=False)
    assert np.array_equal(X_train, np.arange(15)) and np.array_equal(X_test, np.arange(15, 20))


def test_split_accepts_lists():
    X_train, X_test, y_train, y_test = train_test_split(
        [[1, 2], [3, 4], [5, 6], [7, 8]], [0, 1, 0, 1], test_size=0.5, seed=0
    )
    assert X_train.shape == (2, 2) and y_test.shape == (2,)


@pytest.mark.parametrize(
    ("counts", "test_size"),
    [([60, 30, 10], 0.2), ([50, 50], 0.3), ([17, 23, 41, 9], 0.25), ([500, 20], 0.1)],
)
def test_stratify_keeps_class_proportions(counts, test_size):
    y = np.repeat(np.arange(len(counts)), counts)
    rng = np.random.default_rng(0)
    y = rng.permutation(y)
    X = np.arange(len(y))
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=test_size, seed=0, stratify=y)
    _, _, _, y_te_ref = sk_split(X, y, test_size=test_size, random_state=0, stratify=y)
    assert len(y_te) == len(y_te_ref)
    counts = np.asarray(counts)
    expected = counts * len(y_te) / counts.sum()
    got = np.bincount(y_te, minlength=len(counts))
    assert np.all(np.abs(got - expected) < 1)
    assert np.all(np.abs(got - np.bincount(y_te_ref, minlength=len(counts))) <= 1)
    assert np.array_equal(np.bincount(y_tr, minlength=len(counts)) + got, counts)
    assert np.array_equal(y[X_te], y_te) and np.array_equal(y[X_tr], y_tr)


def test_stratify_accepts_string_labels():
    y = np.array(["a"] * 8 + ["b"] * 4)
    _, y_te = train_test_split(y, test_size=0.25, seed=0, stratify=y)
    assert sorted(y_te.tolist()) == ["a", "a", "b"]


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        ({"test_size": 0.0}, ValueError, r"test_size must be > 0.0, got 0.0"),
        ({"test_size": 1.0}, ValueError, r"test_size must be < 1.0, got 1.0"),
        ({"test_size": -0.2}, ValueError, r"test_size must be > 0.0"),
        ({"test_size": 10}, ValueError, r"test_size as a count must be between 1 and "
                                        r"n_samples - 1 = 9, got 10"),
        ({"test_size": 0}, ValueError, r"test_size as a count must be between 1"),
        ({"test_size": "half"}, TypeError, r"test_size must be a fraction in \(0, 1\)"),
        ({"train_size": 1.2}, ValueError, r"train_size must be < 1.0"),
        ({"test_size": 0.6, "train_size": 0.6}, ValueError, r"test_size \+ train_size must be"),
        ({"test_size": 6, "train_size": 6}, ValueError, r"ask for 6 \+ 6 samples but there are"),
        ({"shuffle": False, "stratify": np.zeros(10)}, ValueError,
         r"stratify requires shuffle=True"),
        ({"stratify": np.array([0] * 9 + [1])}, ValueError,
         r"every class needs at least 2 samples, class 1 has 1"),
        ({"stratify": np.zeros(9)}, ValueError,
         r"arrays\[0\] and stratify must have the same number of samples, got 10 and 9"),
        ({"seed": -3}, ValueError, r"seed must be >= 0"),
    ],
)
def test_split_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        train_test_split(np.arange(10), **kwargs)


def test_split_mismatched_lengths():
    with pytest.raises(ValueError, match=r"arrays\[0\] and arrays\[1\] must have the same "
                                         r"number of samples, got 10 and 9"):
        train_test_split(np.zeros((10, 2)), np.zeros(9))


def test_split_needs_an_array():
    with pytest.raises(ValueError, match="needs at least one array"):
        train_test_split()


def test_split_stratify_needs_room_for_every_class():
    y = np.repeat(np.arange(5), 4)
    with pytest.raises(ValueError, match=r"at least one sample of each of the 5 classes"):
        train_test_split(y, test_size=3, stratify=y, seed=0)


# --------------------------------------------------------------------------- StandardScaler
def _data(dtype=np.float64):
    rng = np.random.default_rng(0)
    X = rng.normal(loc=[3.0, -2.0, 0.0, 100.0], scale=[1.0, 0.1, 5.0, 20.0], size=(80, 4))
    X[:, 2] = 0.1  # constant feature: scale 1, as scikit-learn
    return X.astype(dtype)


@pytest.mark.parametrize(("with_mean", "with_std"), [(True, True), (False, True), (True, False)])
def test_scaler_matches_scikit_learn(with_mean, with_std):
    X = _data()
    X_new = np.random.default_rng(1).normal(size=(5, 4))
    ours = StandardScaler(with_mean=with_mean, with_std=with_std).fit(X)
    ref = SkScaler(with_mean=with_mean, with_std=with_std).fit(X)
    np.testing.assert_allclose(ours.mean_, X.mean(axis=0))
    np.testing.assert_allclose(ours.var_, X.var(axis=0) * (np.ptp(X, axis=0) > 0), atol=1e-12)
    if with_std:
        np.testing.assert_allclose(ours.var_, ref.var_, atol=1e-12)
        np.testing.assert_allclose(ours.scale_, ref.scale_, rtol=1e-12)
        assert ours.scale_[2] == 1.0
    else:
        assert ours.scale_ is None
    np.testing.assert_allclose(ours.transform(X_new), ref.transform(X_new), rtol=1e-10)
    np.testing.assert_allclose(ours.inverse_transform(X_new), ref.inverse_transform(X_new),
                               rtol=1e-10)
    assert ours.n_features_in_ == 4 and ours.n_samples_seen_ == 80


def test_scaler_standardises_and_round_trips():
    X = _data()
    scaler = StandardScaler()
    Z = scaler.fit_transform(X)
    np.testing.assert_allclose(Z.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z.std(axis=0), [1.0, 1.0, 0.0, 1.0], atol=1e-12)
    np.testing.assert_allclose(scaler.inverse_transform(Z), X, rtol=1e-12)


def test_scaler_keeps_float32_and_does_not_modify_input():
    X = _data(np.float32)
    before = X.copy()
    Z = StandardScaler().fit_transform(X)
    assert Z.dtype == np.float32 and np.array_equal(X, before)
    np.testing.assert_allclose(Z, SkScaler().fit_transform(X), atol=1e-5)


def test_scaler_refuses_unfitted_and_wrong_width():
    with pytest.raises(ValueError, match=r"not fitted yet; call fit\(X\)"):
        StandardScaler().transform(np.zeros((2, 3)))
    scaler = StandardScaler().fit(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"X must have 3 features.*got shape \(2, 2\)"):
        scaler.transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"X must be 2-D, got 1-D"):
        scaler.fit(np.zeros(4))
    with pytest.raises(TypeError, match=r"with_mean must be True or False"):
        StandardScaler(with_mean="yes")


# --------------------------------------------------------------------------- one_hot
@pytest.mark.parametrize("n_classes", [None, 7])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
def test_one_hot_round_trip(n_classes, dtype):
    y = np.random.default_rng(0).integers(0, 5, size=40)
    y[0] = 4
    Y = one_hot(y, n_classes, dtype=dtype)
    assert Y.shape == (40, n_classes or 5) and Y.dtype == dtype
    assert np.array_equal(Y.argmax(axis=1), y)
    assert np.array_equal(Y.sum(axis=1), np.ones(40))


def test_one_hot_accepts_whole_floats_and_empty_with_n_classes():
    assert np.array_equal(one_hot([0.0, 2.0], 3), [[1, 0, 0], [0, 0, 1]])
    assert one_hot(np.array([], dtype=np.int64), 4).shape == (0, 4)


@pytest.mark.parametrize(
    ("y", "n_classes", "error", "pattern"),
    [
        ([0, 3, 1], 3, ValueError, r"y must hold labels 0..2 for n_classes=3, got a label 3"),
        ([0, -1], None, ValueError, r"y must hold non-negative class labels"),
        ([[0, 1]], None, ValueError, r"y must be 1-D class labels, got shape \(1, 2\)"),
        ([0.5, 1.0], None, ValueError, r"whole-number class labels"),
        ([0, 1], 0, ValueError, r"n_classes must be >= 1, got 0"),
        ([], None, ValueError, r"y is empty; pass n_classes"),
    ],
)
def test_one_hot_bad_arguments(y, n_classes, error, pattern):
    with pytest.raises(error, match=pattern):
        one_hot(y, n_classes)


# --------------------------------------------------------------------------- batches
@pytest.mark.parametrize(("n", "batch_size"), [(100, 32), (64, 32), (5, 10), (1, 1)])
@pytest.mark.parametrize("shuffle", [True, False])
def test_batches_cover_every_row_once(n, batch_size, shuffle):
    X = np.arange(n * 2).reshape(n, 2)
    y = np.arange(n)
    parts = list(batches(X, y, batch_size=batch_size, shuffle=shuffle, seed=0))
    sizes = [len(xb) for xb, _ in parts]
    assert sizes == [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
    seen = np.concatenate([yb for _, yb in parts])
    assert np.array_equal(np.sort(seen), y)
    assert all(np.array_equal(xb, X[yb]) for xb, yb in parts)
    if not shuffle:
        assert np.array_equal(seen, y)


def test_batches_shuffle_per_seed_and_x_only():
    X = np.arange(50)
    a = np.concatenate(list(batches(X, batch_size=8, seed=1)))
    b = np.concatenate(list(batches(X, batch_size=8, seed=1)))
    c = np.concatenate(list(batches(X, batch_size=8, seed=2)))
    assert np.array_equal(a, b) and not np.array_equal(a, c) and not np.array_equal(a, X)


def test_batches_check_arguments_when_called():
    with pytest.raises(ValueError, match=r"batch_size must be >= 1, got 0"):
        batches(np.zeros((4, 2)), batch_size=0)
    with pytest.raises(ValueError, match=r"X and y must have the same number of samples, "
                                         r"got 4 and 3"):
        batches(np.zeros((4, 2)), np.zeros(3))
    with pytest.raises(TypeError, match=r"shuffle must be True or False"):
        batches(np.zeros((4, 2)), shuffle="no")
