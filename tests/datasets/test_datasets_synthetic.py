"""Toy data generators: determinism, shapes, class balance, geometry and argument checks."""

import numpy as np
import pytest
from sklearn import datasets as skd

from glassnet.datasets import (
    make_blobs,
    make_circles,
    make_flower,
    make_moons,
    make_spirals,
    make_xor,
)

GENERATORS = {
    "flower": (make_flower, {}),
    "moons": (make_moons, {"noise": 0.2}),
    "circles": (make_circles, {"noise": 0.1}),
    "spirals": (make_spirals, {}),
    "blobs": (make_blobs, {}),
    "xor": (make_xor, {}),
}
NAMES = sorted(GENERATORS)
# classes each generator makes with its default arguments
N_CLASSES = {"flower": 2, "moons": 2, "circles": 2, "spirals": 3, "blobs": 3, "xor": 2}


def _assert_same_point_sets(a, b):
    """Same points in any order: each point of one set has a twin in the other."""
    assert a.shape == b.shape
    dist = np.linalg.norm(a[:, None, :] - b[None, :, :], axis=-1)
    assert dist.min(axis=1).max() < 1e-9 and dist.min(axis=0).max() < 1e-9


def _make(name, **kwargs):
    func, defaults = GENERATORS[name]
    return func(**{**defaults, **kwargs})


@pytest.mark.parametrize("name", NAMES)
def test_same_seed_gives_identical_arrays(name):
    X1, y1 = _make(name, n_samples=97, seed=3)
    X2, y2 = _make(name, n_samples=97, seed=3)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)


@pytest.mark.parametrize("name", NAMES)
def test_different_seeds_give_different_points(name):
    X1, _ = _make(name, n_samples=97, seed=3)
    X2, _ = _make(name, n_samples=97, seed=4)
    assert not np.array_equal(X1, X2)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_samples", [1, 2, 7, 100, 301])
def test_shapes_dtypes_and_labels(name, n_samples):
    X, y = _make(name, n_samples=n_samples, seed=0)
    assert X.shape == (n_samples, 2) and X.dtype == np.float64
    assert y.shape == (n_samples,) and y.dtype == np.int64
    assert X.flags.c_contiguous
    assert np.isfinite(X).all()
    assert set(np.unique(y)) <= set(range(N_CLASSES[name]))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_samples", [10, 101, 302])
def test_class_balance_as_scikit_learn_splits(name, n_samples):
    _, y = _make(name, n_samples=n_samples, seed=0)
    k = N_CLASSES[name]
    if k == 2:  # make_moons/make_circles: n // 2 in class 0, the rest in class 1
        _, y_ref = skd.make_moons(n_samples, random_state=0)
    else:  # make_blobs: even split, leftovers to the first classes
        _, y_ref = skd.make_blobs(n_samples, centers=k, random_state=0)
    assert np.array_equal(np.bincount(y, minlength=k), np.bincount(y_ref, minlength=k))


@pytest.mark.parametrize("name", NAMES)
def test_per_class_counts_as_tuple(name):
    k = N_CLASSES[name]
    counts = tuple(range(5, 5 + 3 * k, 3))
    X, y = _make(name, n_samples=counts, seed=1)
    assert len(X) == sum(counts)
    assert np.array_equal(np.bincount(y, minlength=k), counts)


def test_flower_defaults_follow_the_posts():
    X, y = make_flower()
    assert X.shape == (400, 2)
    # class order as in load_planar_dataset: the first half is class 0
    assert np.array_equal(y, np.repeat([0, 1], 200))


@pytest.mark.parametrize("petals", [2, 4, 5])
def test_flower_without_noise_lies_on_the_rose_curve(petals):
    X, _ = make_flower(300, noise=0.0, seed=0, petals=petals)
    theta = np.arctan2(X[:, 0], X[:, 1])  # x = r sin t, y = r cos t
    radius = np.hypot(X[:, 0], X[:, 1])
    # r may be negative (the point flips by pi); |sin(petals * t)| is unchanged by that flip
    np.testing.assert_allclose(radius, 4.0 * np.abs(np.sin(petals * theta)), atol=1e-9)


def test_flower_noise_spreads_points_off_the_curve():
    X0, _ = make_flower(400, noise=0.0, seed=0)
    X1, _ = make_flower(400, noise=0.2, seed=0)
    assert np.hypot(*X0.T).max() <= 4.0 + 1e-12
    assert np.hypot(*X1.T).max() > 4.0


@pytest.mark.parametrize("n_samples", [100, 101, (30, 50)])
def test_moons_without_noise_match_scikit_learn_points(n_samples):
    X, y = make_moons(n_samples, noise=0.0, seed=0)
    X_ref, y_ref = skd.make_moons(n_samples, noise=None, random_state=0)
    for k in (0, 1):  # same points per class, in a different random order
        _assert_same_point_sets(X[y == k], X_ref[y_ref == k])


@pytest.mark.parametrize("factor", [0.0, 0.3, 0.8])
def test_circles_without_noise_match_scikit_learn_points(factor):
    X, y = make_circles(101, noise=0.0, factor=factor, seed=0)
    X_ref, y_ref = skd.make_circles(101, noise=None, factor=factor, random_state=0)
    for k in (0, 1):
        _assert_same_point_sets(X[y == k], X_ref[y_ref == k])


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lambda: make_moons(4000, noise=0.2, seed=0),
         lambda: skd.make_moons(4000, noise=0.2, random_state=0)),
        (lambda: make_circles(4000, noise=0.1, factor=0.4, seed=0),
         lambda: skd.make_circles(4000, noise=0.1, factor=0.4, random_state=0)),
    ],
    ids=["moons", "circles"],
)
def test_noisy_geometry_matches_scikit_learn_statistics(ours, theirs):
    X, y = ours()
    X_ref, y_ref = theirs()
    for k in (0, 1):
        a, b = X[y == k], X_ref[y_ref == k]
        np.testing.assert_allclose(a.mean(axis=0), b.mean(axis=0), atol=0.03)
        np.testing.assert_allclose(a.std(axis=0), b.std(axis=0), rtol=0.05)
        np.testing.assert_allclose(np.hypot(*a.T).mean(), np.hypot(*b.T).mean(), rtol=0.02)


def test_shuffle_false_keeps_class_order():
    for func in (make_moons, make_circles, make_xor, make_spirals):
        _, y = func(50, seed=0, shuffle=False)
        assert np.all(np.diff(y) >= 0)
    _, y = make_moons(50, seed=0)
    assert np.any(np.diff(y) < 0)


@pytest.mark.parametrize("n_classes", [2, 3, 5])
def test_spirals_arms_and_radius(n_classes):
    X, y = make_spirals(250, noise=0.0, n_classes=n_classes, seed=0)
    assert np.array_equal(np.unique(y), np.arange(n_classes))
    assert np.hypot(*X.T).max() <= 1.0 + 1e-12
    counts = np.bincount(y)
    assert counts.max() - counts.min() <= 1


def test_blobs_with_given_centers_and_stds():
    centers = np.array([[0.0, 0.0, 0.0], [10.0, -5.0, 2.0]])
    X, y = make_blobs(6000, n_features=3, centers=centers, cluster_std=[0.5, 2.0], seed=0)
    assert X.shape == (6000, 3)
    for k, std in enumerate([0.5, 2.0]):
        np.testing.assert_allclose(X[y == k].mean(axis=0), centers[k], atol=0.15)
        np.testing.assert_allclose(X[y == k].std(axis=0), std, rtol=0.06)


def test_blobs_noise_widens_every_blob():
    centers = np.array([[0.0, 0.0], [20.0, 20.0]])
    X, y = make_blobs(8000, centers=centers, cluster_std=0.6, noise=0.8, seed=0)
    for k in (0, 1):
        np.testing.assert_allclose(X[y == k].std(axis=0), 1.0, rtol=0.05)


@pytest.mark.parametrize("name", NAMES)
def test_every_generator_takes_n_samples_noise_seed_keywords(name):
    func, _ = GENERATORS[name]
    X, y = func(n_samples=30, noise=0.0, seed=0)
    assert X.shape == (30, 2) and y.shape == (30,)


def test_blobs_random_centers_inside_the_box_and_more_features():
    X, y = make_blobs(300, n_features=5, centers=4, cluster_std=0.1, seed=2,
                      center_box=(-3.0, 3.0))
    assert X.shape == (300, 5)
    means = np.array([X[y == k].mean(axis=0) for k in range(4)])
    assert np.all(np.abs(means) < 3.0)


def test_xor_labels_follow_the_quadrants_without_noise():
    X, y = make_xor(500, noise=0.0, seed=0)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(np.int64))
    assert np.abs(X).max() <= 1.0
    # every quadrant is used
    quadrants = set(zip(np.sign(X[:, 0]), np.sign(X[:, 1]), strict=True))
    assert quadrants == {(1, 1), (1, -1), (-1, 1), (-1, -1)}


def test_noise_none_means_no_noise():
    X1, _ = make_moons(40, noise=None, seed=0)
    X2, _ = make_moons(40, noise=0.0, seed=0)
    assert np.array_equal(X1, X2)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n_samples", [0, -5])
def test_non_positive_n_samples_is_refused(name, n_samples):
    with pytest.raises(ValueError, match=r"n_samples must be >= 1, got"):
        _make(name, n_samples=n_samples)


@pytest.mark.parametrize("name", NAMES)
def test_negative_noise_is_refused(name):
    with pytest.raises(ValueError, match=r"noise must be >= 0.0, got -0.1"):
        _make(name, noise=-0.1)


@pytest.mark.parametrize(
    ("call", "error", "pattern"),
    [
        (lambda: make_moons(2.5), TypeError, r"n_samples must be an integer or a tuple"),
        (lambda: make_moons((1, 2, 3)), ValueError, r"one count per class \(2\), got 3"),
        (lambda: make_moons((0, 0)), ValueError, r"n_samples must add up to at least 1"),
        (lambda: make_moons((4, -1)), ValueError, r"n_samples\[1\] must be >= 0"),
        (lambda: make_moons(10, noise="a"), TypeError, r"noise must be a real number"),
        (lambda: make_moons(10, seed=-1), ValueError, r"seed must be >= 0"),
        (lambda: make_moons(10, shuffle=1), TypeError, r"shuffle must be True or False"),
        (lambda: make_circles(10, factor=1.0), ValueError, r"factor must be < 1.0"),
        (lambda: make_spirals(10, n_classes=1), ValueError, r"n_classes must be >= 2"),
        (lambda: make_flower(10, petals=0), ValueError, r"petals must be >= 1"),
        (lambda: make_blobs(10, cluster_std=-1.0), ValueError, r"cluster_std must be >= 0"),
        (lambda: make_blobs(10, centers=2, cluster_std=[1.0, 2.0, 3.0]), ValueError,
         r"one value per centre \(2\)"),
        (lambda: make_blobs(10, centers=[[0.0, 0.0, 0.0]]), ValueError,
         r"centers has 3 features per centre but n_features is 2"),
        (lambda: make_blobs(10, centers=[1.0, 2.0]), ValueError,
         r"centers must be an int or an array of shape"),
        (lambda: make_blobs(10, n_features=0), ValueError, r"n_features must be >= 1"),
    ],
)
def test_bad_arguments_are_explained(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
