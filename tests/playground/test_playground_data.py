"""Data sets, input features and CSV uploads of the playground."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.playground.datasets import GENERATORS, make_dataset, split
from glassnet.playground.features import FEATURES, transform
from glassnet.playground.upload import MAX_BYTES, MAX_ROWS, UploadError, parse_csv

CLASSIFICATION = ["circle", "xor", "gaussian", "spiral", "flower", "moons", "spirals", "blobs"]


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets_have_labels_and_fit_the_square(name):
    X, y = make_dataset(name, 300, noise=0.1, seed=3, classes=3)
    assert X.shape == (300, 2) and X.dtype == np.float64
    assert y.dtype == np.int64 and y.shape == (300,)
    k = 3 if name in ("spirals", "blobs") else 2
    assert set(np.unique(y)) == set(range(k))
    assert np.abs(X).max() < 6.0 + 3.0          # gaussian's tails may leave the square a bit
    assert np.bincount(y).min() >= 300 // k // 2    # no class nearly empty


@pytest.mark.parametrize("name", ["plane", "multigauss"])
def test_regression_sets_have_targets_in_minus_one_one(name):
    X, y = make_dataset(name, 400, noise=0.0, seed=0)
    assert y.dtype == np.float64 and -1 <= y.min() < 0 < y.max() <= 1
    assert np.abs(X).max() <= 6.0


def test_plane_is_the_plane_without_noise():
    X, y = make_dataset("plane", 200, noise=0.0, seed=1)
    np.testing.assert_allclose(y, np.clip((X[:, 0] + X[:, 1]) / 10, -1, 1))


def test_circle_without_noise_is_separated_by_the_radius():
    X, y = make_dataset("circle", 500, noise=0.0, seed=2)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() < 2.5 + 1e-9 and r[y == 0].min() > 3.5 - 1e-9


def test_xor_without_noise_is_the_sign_of_the_product():
    X, y = make_dataset("xor", 500, noise=0.0, seed=2)
    np.testing.assert_array_equal(y, (X[:, 0] * X[:, 1] >= 0).astype(int))


@pytest.mark.parametrize("name", sorted(GENERATORS))
def test_same_seed_same_points_other_seed_other_points(name):
    a = make_dataset(name, 100, 0.2, seed=5)
    b = make_dataset(name, 100, 0.2, seed=5)
    c = make_dataset(name, 100, 0.2, seed=6)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])


def test_bad_dataset_or_noise_is_refused():
    with pytest.raises(ValueError, match="dataset must be one of circle"):
        make_dataset("iris", 100)
    with pytest.raises(ValueError, match=r"noise must be in \[0, 0.5\], got 0.9"):
        make_dataset("xor", 100, noise=0.9)


@pytest.mark.parametrize("ratio, n_train", [(0.5, 50), (0.1, 10), (0.9, 90), (0.0, 1),
                                            (1.0, 99)])
def test_split_sizes(ratio, n_train):
    X, y = make_dataset("circle", 100, seed=0)
    Xtr, ytr, Xte, yte = split(X, y, ratio, seed=0)
    assert len(Xtr) == len(ytr) == n_train and len(Xte) == 100 - n_train
    both = np.concatenate([Xtr, Xte])
    assert sorted(map(tuple, both)) == sorted(map(tuple, X))


def test_features_are_the_functions_of_the_coordinates():
    X = np.random.default_rng(0).uniform(-6, 6, (50, 2))
    F = transform(X, tuple(FEATURES), dtype=np.float64)
    expected = np.column_stack([X[:, 0], X[:, 1], X[:, 0] ** 2, X[:, 1] ** 2,
                                X[:, 0] * X[:, 1], np.sin(X[:, 0]), np.sin(X[:, 1])])
    np.testing.assert_allclose(F, expected)
    assert transform(X, ("sin_x2",)).dtype == np.float32


@pytest.mark.parametrize("X, names, match", [
    (np.zeros((3, 3)), ("x1",), r"X must have shape \(n, 2\), got \(3, 3\)"),
    (np.zeros((3, 2)), ("x3",), "names must be one or more of x1"),
    (np.zeros((3, 2)), (), "names must be one or more of x1"),
])
def test_bad_features_are_refused(X, names, match):
    with pytest.raises(ValueError, match=match):
        transform(X, names)


# ----------------------------------------------------------------------------- uploads
def _csv(rows, header="x1,x2,label", sep=","):
    lines = [header] if header else []
    lines += [sep.join(str(v) for v in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def test_a_three_class_csv_becomes_a_multiclass_problem():
    rng = np.random.default_rng(0)
    rows = [(rng.normal(10 * c), rng.normal(100 + c), c + 5) for c in range(3) for _ in range(20)]
    up = parse_csv(_csv(rows), "mine.csv")
    assert (up.task, up.n_classes, up.classes, up.header) == ("multiclass", 3,
                                                               [5.0, 6.0, 7.0], True)
    assert sorted(set(up.y.tolist())) == [0, 1, 2] and up.X.shape == (60, 2)
    assert np.abs(up.X).max() == pytest.approx(5.5)
    table = np.array(rows)
    np.testing.assert_allclose(up.X, (table[:, :2] - up.centre) * up.scale)


def test_two_labels_are_binary_and_decimals_a_regression():
    up = parse_csv(_csv([(0, 0, -1), (1, 1, 1), (2, 0, -1), (0, 2, 1)], header=None))
    assert (up.task, up.header, up.y.tolist()) == ("binary", False, [0, 1, 0, 1])
    up = parse_csv(_csv([(0, 0, 0.5), (1, 1, 2.5), (2, 0, 1.5), (0, 2, 1.0)], sep=";",
                        header="a;b;c"))
    assert up.task == "regression" and up.delimiter == ";"
    np.testing.assert_allclose(up.y, [-1, 1, 0, -0.5])


@pytest.mark.parametrize("data, match", [
    (b"", "the file is empty"),
    (b"\xff\xfe\x00bad", "the file is not UTF-8 text"),
    (b"x1 x2 label\n1 2 3\n", "separated by commas"),
    (b"a,b\n1,2\n3,4\n5,6\n7,8\n", r"every row must have 3 columns \(x1, x2, label\); found "
                                   r"rows of 2 columns"),
    (b"a,b,c\n1,2,0\n3,x,1\n5,6,0\n7,8,1\n", "the CSV file must hold numbers only"),
    (b"a,b,c\n1,2,0\n3,nan,1\n5,6,0\n7,8,1\n", "NaN or infinite"),
    (b"a,b,c\n1,2,0\n3,4,0\n5,6,0\n7,8,0\n", r"a single class \(0\)"),
    (b"a,b,c\n1,2,0\n3,4,1\n", "the file has 2 data rows; at least 4"),
])
def test_bad_uploads_get_a_clear_message(data, match):
    with pytest.raises(UploadError, match=match):
        parse_csv(data)


def test_uploads_are_capped_in_bytes_and_rows():
    with pytest.raises(UploadError, match=r"the file is 5.0 MB; the playground takes CSV files "
                                          r"of at most 5 MB"):
        parse_csv(b"1,2,0\n" * (MAX_BYTES // 6 + 1))
    with pytest.raises(UploadError, match=rf"at most {MAX_ROWS} rows"):
        parse_csv(b"1,2,0\n" * (MAX_ROWS + 2))
    assert len(parse_csv(b"1,2,0\n2,1,1\n" * (MAX_ROWS // 2)).X) == MAX_ROWS
