"""Toy data sets in the plane: the posts' "flower", moons, circles, spirals, blobs and XOR.

Every generator returns ``X`` of shape ``(n_samples, n_features)`` (float64) and ``y`` of shape
``(n_samples,)`` (int64 class labels ``0 .. k-1``). Randomness comes only from
``np.random.default_rng(seed)``: the same seed gives the same arrays, bit for bit.

``n_samples`` is either the total number of points, split between the classes as scikit-learn
splits it, or a tuple with one count per class.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from glassnet._validation import check_int, check_number, check_seed, describe

__all__ = [
    "make_blobs",
    "make_circles",
    "make_flower",
    "make_moons",
    "make_spirals",
    "make_xor",
]


# --------------------------------------------------------------------------- helpers
def _class_sizes(
    n_samples: int | Sequence[int], n_classes: int, *, extra_first: bool
) -> list[int]:
    """Number of points in each class.

    An int is split as evenly as possible. scikit-learn gives the leftover points to the last
    class in its two-class sets (``make_moons``: ``n // 2`` then the rest) and to the first
    classes in ``make_blobs``; ``extra_first`` picks which.
    """
    if isinstance(n_samples, numbers.Integral) and not isinstance(n_samples, bool):
        n = check_int(n_samples, "n_samples", low=1)
        base, extra = divmod(n, n_classes)
        sizes = [base] * n_classes
        order = range(extra) if extra_first else range(n_classes - extra, n_classes)
        for i in order:
            sizes[i] += 1
        return sizes
    if isinstance(n_samples, (tuple, list)):
        if len(n_samples) != n_classes:
            raise ValueError(
                f"n_samples as a sequence must hold one count per class ({n_classes}), "
                f"got {len(n_samples)} counts: {n_samples!r}"
            )
        sizes = [check_int(n, f"n_samples[{i}]", low=0) for i, n in enumerate(n_samples)]
        if sum(sizes) < 1:
            raise ValueError(f"n_samples must add up to at least 1, got {n_samples!r}")
        return sizes
    raise TypeError(
        "n_samples must be an integer or a tuple of per-class counts, "
        f"got {type(n_samples).__name__} {describe(n_samples)}"
    )


def _check_noise(noise: float | None) -> float:
    """``noise`` as a float >= 0 (``None`` means no noise, as in scikit-learn)."""
    return 0.0 if noise is None else check_number(noise, "noise", low=0.0)


def _labels(sizes: Sequence[int]) -> np.ndarray:
    """``[0]*sizes[0] + [1]*sizes[1] + ...`` as int64."""
    return np.repeat(np.arange(len(sizes), dtype=np.int64), sizes)


def _finish(
    X: np.ndarray, y: np.ndarray, rng: np.random.Generator, shuffle: bool, noise: float
) -> tuple[np.ndarray, np.ndarray]:
    """Shuffle the rows (optional), then add Gaussian noise of standard deviation ``noise``."""
    if not isinstance(shuffle, (bool, np.bool_)):
        raise TypeError(f"shuffle must be True or False, got {describe(shuffle)}")
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    if noise > 0:
        X = X + noise * rng.standard_normal(X.shape)
    return np.ascontiguousarray(X, dtype=np.float64), y.astype(np.int64, copy=False)


# --------------------------------------------------------------------------- generators
def make_flower(
    n_samples: int | Sequence[int] = 400,
    noise: float = 0.2,
    seed: int | None = 1,
    petals: int = 4,
) -> tuple[np.ndarray, np.ndarray]:
    """The planar "flower" of the posts: two classes of points on the petals of a rose curve.

    Parameters
    ----------
    n_samples : int or tuple of 2 ints, default 400
        Total number of points (class 0 gets ``n // 2``, class 1 the rest) or the two counts.
    noise : float, default 0.2
        Standard deviation of the Gaussian noise added to the angle and to the radius.
    seed : int or None, default 1
        Seed of ``np.random.default_rng``.
    petals : int, default 4
        Frequency of the rose curve; the flower has ``2 * petals`` petals, alternating classes.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64 in {0, 1}
        The rows are in class order (all of class 0, then class 1), as in the posts.

    Notes
    -----
    For class ``j`` with ``N`` points and amplitude ``a = 4`` (as in ``load_planar_dataset``)::

        t = linspace(3.12 j, 3.12 (j + 1), N) + noise * randn(N)      # angle
        r = a sin(petals * t) + noise * randn(N)                      # radius
        x = (r sin t, r cos t)

    The numbers differ from the posts' because they come from ``default_rng``, not the legacy
    ``np.random.seed``; the shape of the data set is the same.
    """
    sizes = _class_sizes(n_samples, 2, extra_first=False)
    noise = _check_noise(noise)
    petals = check_int(petals, "petals", low=1)
    rng = np.random.default_rng(check_seed(seed))
    amplitude = 4.0
    parts = []
    for j, n in enumerate(sizes):
        t = np.linspace(j * 3.12, (j + 1) * 3.12, n) + noise * rng.standard_normal(n)
        r = amplitude * np.sin(petals * t) + noise * rng.standard_normal(n)
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    return np.concatenate(parts).astype(np.float64), _labels(sizes)


def make_moons(
    n_samples: int | Sequence[int] = 100,
    noise: float | None = 0.0,
    seed: int | None = None,
    *,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (scikit-learn's ``make_moons`` geometry).

    Parameters
    ----------
    n_samples : int or tuple of 2 ints, default 100
        Total number of points (class 0 gets ``n // 2``, class 1 the rest) or the two counts.
    noise : float, default 0.0
        Standard deviation of the Gaussian noise added to every coordinate.
    seed : int or None
        Seed of ``np.random.default_rng``.
    shuffle : bool, default True
        Shuffle the rows; otherwise class 0 comes first.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64 in {0, 1}

    Notes
    -----
    Class 0 lies on the upper unit half circle ``(cos s, sin s)``, class 1 on the lower one
    shifted right and down, ``(1 - cos s, 0.5 - sin s)``, with ``s`` evenly spaced in ``[0, pi]``.
    """
    n_out, n_in = _class_sizes(n_samples, 2, extra_first=False)
    noise = _check_noise(noise)
    rng = np.random.default_rng(check_seed(seed))
    s_out = np.linspace(0.0, np.pi, n_out)
    s_in = np.linspace(0.0, np.pi, n_in)
    X = np.concatenate([
        np.column_stack([np.cos(s_out), np.sin(s_out)]),
        np.column_stack([1.0 - np.cos(s_in), 0.5 - np.sin(s_in)]),
    ])
    return _finish(X, _labels([n_out, n_in]), rng, shuffle, noise)


def make_circles(
    n_samples: int | Sequence[int] = 100,
    noise: float | None = 0.0,
    factor: float = 0.5,
    seed: int | None = None,
    *,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one (scikit-learn's ``make_circles`` geometry).

    Parameters
    ----------
    n_samples : int or tuple of 2 ints, default 100
        Total number of points (outer class 0 gets ``n // 2``, inner class 1 the rest).
    noise : float, default 0.0
        Standard deviation of the Gaussian noise added to every coordinate.
    factor : float, default 0.5
        Radius of the inner circle relative to the outer one, in ``[0, 1)``.
    seed : int or None
        Seed of ``np.random.default_rng``.
    shuffle : bool, default True
        Shuffle the rows; otherwise class 0 comes first.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64
    y : ndarray of shape (n_samples,), int64 in {0, 1}
    """
    n_out, n_in = _class_sizes(n_samples, 2, extra_first=False)
    noise = _check_noise(noise)
    factor = check_number(factor, "factor", low=0.0, high=1.0, high_inclusive=False)
    rng = np.random.default_rng(check_seed(seed))
    s_out = np.linspace(0.0, 2 * np.pi, n_out, endpoint=False)
    s_in = np.linspace(0.0, 2 * np.pi, n_in, endpoint=False)
    X = np.concatenate([
        np.column_stack([np.cos(s_out), np.sin(s_out)]),
        factor * np.column_stack([np.cos(s_in), np.sin(s_in)]),
    ])
    return _finish(X, _labels([n_out, n_in]), rng, shuffle, noise)


def make_spirals(
    n_samples: int | Sequence[int] = 300,
    noise: float = 0.2,
    n_classes: int = 3,
    seed: int | None = None,
    *,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """``n_classes`` interleaved spiral arms (the CS231n spiral data set).

    Parameters
    ----------
    n_samples : int or tuple of ints, default 300
        Total number of points, split evenly (leftovers to the first classes), or one count per arm.
    noise : float, default 0.2
        Standard deviation of the Gaussian noise added to the angle of each point.
    n_classes : int, default 3
        Number of arms (classes), at least 2.
    seed : int or None
        Seed of ``np.random.default_rng``.
    shuffle : bool, default True
        Shuffle the rows; otherwise the arms come in class order.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64, inside the unit disc up to noise
    y : ndarray of shape (n_samples,), int64 in ``0 .. n_classes - 1``

    Notes
    -----
    Arm ``j`` with ``N`` points: radius ``r = linspace(0, 1, N)``, angle
    ``t = linspace(4 j, 4 (j + 1), N) + noise * randn(N)``, point ``(r sin t, r cos t)``.
    """
    n_classes = check_int(n_classes, "n_classes", low=2)
    sizes = _class_sizes(n_samples, n_classes, extra_first=True)
    noise = _check_noise(noise)
    rng = np.random.default_rng(check_seed(seed))
    parts = []
    for j, n in enumerate(sizes):
        r = np.linspace(0.0, 1.0, n)
        t = np.linspace(4.0 * j, 4.0 * (j + 1), n) + noise * rng.standard_normal(n)
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    # the noise is in the angle, so none is added to the coordinates afterwards
    return _finish(np.concatenate(parts), _labels(sizes), rng, shuffle, 0.0)


def make_blobs(
    n_samples: int | Sequence[int] = 100,
    n_features: int = 2,
    centers: int | np.ndarray = 3,
    cluster_std: float | Sequence[float] = 1.0,
    seed: int | None = None,
    *,
    noise: float | None = 0.0,
    center_box: tuple[float, float] = (-10.0, 10.0),
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """Isotropic Gaussian blobs, one per class (scikit-learn's ``make_blobs``).

    Parameters
    ----------
    n_samples : int or tuple of ints, default 100
        Total number of points, split evenly (leftovers to the first blobs), or one count per blob.
    n_features : int, default 2
        Dimension of each point.
    centers : int or array-like of shape (n_centers, n_features), default 3
        Number of blobs, whose centres are drawn uniformly in ``center_box``, or the centres.
    cluster_std : float or sequence of floats, default 1.0
        Standard deviation of each blob (one value for all, or one per blob).
    seed : int or None
        Seed of ``np.random.default_rng``.
    noise : float, default 0.0
        Standard deviation of extra Gaussian noise added to every coordinate (so that every
        generator takes ``n_samples, noise, seed``); it widens each blob to a standard
        deviation of ``sqrt(cluster_std**2 + noise**2)``.
    center_box : (float, float), default (-10, 10)
        Bounds of the random centres.
    shuffle : bool, default True
        Shuffle the rows; otherwise the blobs come in class order.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features), float64
    y : ndarray of shape (n_samples,), int64 in ``0 .. n_centers - 1``
    """
    n_features = check_int(n_features, "n_features", low=1)
    noise = _check_noise(noise)
    rng = np.random.default_rng(check_seed(seed))
    if isinstance(centers, numbers.Integral) and not isinstance(centers, bool):
        n_centers = check_int(centers, "centers", low=1)
        low = check_number(center_box[0], "center_box[0]")
        high = check_number(center_box[1], "center_box[1]", low=low)
        centers_arr = rng.uniform(low, high, size=(n_centers, n_features))
    else:
        centers_arr = np.asarray(centers, dtype=np.float64)
        if centers_arr.ndim != 2 or centers_arr.shape[0] == 0:
            raise ValueError(
                "centers must be an int or an array of shape (n_centers, n_features), "
                f"got {describe(centers)}"
            )
        if centers_arr.shape[1] != n_features:
            raise ValueError(
                f"centers has {centers_arr.shape[1]} features per centre but n_features is "
                f"{n_features}; pass n_features={centers_arr.shape[1]}"
            )
        n_centers = centers_arr.shape[0]
    sizes = _class_sizes(n_samples, n_centers, extra_first=True)
    if isinstance(cluster_std, numbers.Real):
        stds = np.full(n_centers, check_number(cluster_std, "cluster_std", low=0.0))
    else:
        stds = np.asarray(cluster_std, dtype=np.float64)
        if stds.shape != (n_centers,):
            raise ValueError(
                f"cluster_std must be a number or hold one value per centre ({n_centers}), "
                f"got {describe(cluster_std)}"
            )
        if not np.all(np.isfinite(stds)) or np.any(stds < 0):
            raise ValueError(f"cluster_std must be finite and >= 0, got {stds}")
    y = _labels(sizes)
    X = centers_arr[y] + stds[y, None] * rng.standard_normal((len(y), n_features))
    return _finish(X, y, rng, shuffle, noise)


def make_xor(
    n_samples: int | Sequence[int] = 200,
    noise: float = 0.1,
    seed: int | None = None,
    *,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """The XOR pattern: class 1 where exactly one coordinate is negative.

    Parameters
    ----------
    n_samples : int or tuple of 2 ints, default 200
        Total number of points (class 0 gets ``n // 2``, class 1 the rest) or the two counts.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise added to every coordinate after labelling,
        so points near the axes may cross into the other class's quadrant.
    seed : int or None
        Seed of ``np.random.default_rng``.
    shuffle : bool, default True
        Shuffle the rows; otherwise class 0 comes first.

    Returns
    -------
    X : ndarray of shape (n_samples, 2), float64, in ``[-1, 1]^2`` up to noise
    y : ndarray of shape (n_samples,), int64 in {0, 1}

    Notes
    -----
    Class 0 fills the quadrants where ``x1 x2 > 0``, class 1 those where ``x1 x2 < 0``; each
    point picks one of its class's two quadrants at random and a uniform position inside it.
    No single line separates the classes, one hidden layer does.
    """
    sizes = _class_sizes(n_samples, 2, extra_first=False)
    noise = _check_noise(noise)
    rng = np.random.default_rng(check_seed(seed))
    y = _labels(sizes)
    n = len(y)
    magnitude = rng.uniform(0.0, 1.0, size=(n, 2))
    sign_x = rng.choice(np.array([-1.0, 1.0]), size=n)
    sign_y = np.where(y == 0, sign_x, -sign_x)
    X = magnitude * np.column_stack([sign_x, sign_y])
    return _finish(X, y, rng, shuffle, noise)
