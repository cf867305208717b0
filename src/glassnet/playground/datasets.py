"""The playground's data sets, all in the square ``[-6, 6]²`` that the page draws.

TF Playground's sets (after its ``dataset.ts``, written again with NumPy and a seeded
``default_rng``): ``circle``, ``xor``, ``gaussian``, ``spiral`` (two classes) and the regression
sets ``plane`` and ``multigauss``; then the planar sets of :mod:`glassnet.datasets`, rescaled into
the square: ``flower``, ``moons``, ``spirals`` (k classes) and ``blobs`` (k classes).

Every generator returns ``X`` of shape ``(n, 2)`` float64 and ``y``: int64 class labels
``0 .. k-1`` for classification, float64 targets in ``[-1, 1]`` for regression. ``noise`` is a
fraction in ``[0, 0.5]`` (the page's percent / 100).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from glassnet import datasets as gnd

#: Half-width of the drawn square.
DOMAIN = 6.0
#: Points of the gn.datasets sets are scaled so that their largest coordinate is this.
FIT_RADIUS = 5.5


def circle(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Class 1 inside radius 2.5 of the origin, class 0 on a ring 3.5..5; the label is taken
    from the point moved by uniform noise of ``±5·noise`` on each axis."""
    r_out = 5.0
    half = n // 2
    radius = np.concatenate([rng.uniform(0, r_out * 0.5, half),
                             rng.uniform(r_out * 0.7, r_out, n - half)])
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([radius * np.sin(angle), radius * np.cos(angle)])
    shifted = X + rng.uniform(-r_out, r_out, X.shape) * noise
    y = (np.hypot(shifted[:, 0], shifted[:, 1]) < r_out * 0.5).astype(np.int64)
    return X, y


def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Uniform points in ``[-5, 5]²`` kept 0.3 away from the axes; class 1 where ``x1·x2 >= 0``
    for the point moved by uniform noise of ``±5·noise``."""
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)
    shifted = X + rng.uniform(-5, 5, X.shape) * noise
    y = (shifted[:, 0] * shifted[:, 1] >= 0).astype(np.int64)
    return X, y


def gaussian(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two Gaussian clouds around ``(2, 2)`` (class 1) and ``(-2, -2)`` (class 0); their
    standard deviation grows with the noise: ``σ = sqrt(0.5 + 3.5·noise·2)``."""
    sigma = np.sqrt(0.5 + 3.5 * noise * 2)
    half = n // 2
    centres = np.concatenate([np.full((half, 2), 2.0), np.full((n - half, 2), -2.0)])
    X = centres + sigma * rng.standard_normal((n, 2))
    y = np.concatenate([np.ones(half, np.int64), np.zeros(n - half, np.int64)])
    return X, y


def spiral(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved spirals, ``r = 5·i/m``, ``t = 1.75·2π·i/m + Δ`` (Δ = 0 or π), each point
    moved by uniform noise of ``±noise`` on each axis."""
    half = n // 2
    parts, labels = [], []
    for label, delta, m in ((1, 0.0, half), (0, np.pi, n - half)):
        i = np.arange(m)
        r = i / max(m, 1) * 5
        t = 1.75 * i / max(m, 1) * 2 * np.pi + delta
        pts = np.column_stack([r * np.sin(t), r * np.cos(t)])
        parts.append(pts + rng.uniform(-1, 1, pts.shape) * noise)
        labels.append(np.full(m, label, np.int64))
    return np.concatenate(parts), np.concatenate(labels)


def plane(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Regression: uniform points in ``[-6, 6]²``, target ``(x1 + x2)/10`` clipped to [-1, 1],
    of the point moved by uniform noise of ``±6·noise``."""
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    shifted = X + rng.uniform(-DOMAIN, DOMAIN, X.shape) * noise
    y = np.clip((shifted[:, 0] + shifted[:, 1]) / 10.0, -1.0, 1.0)
    return X, y


_BUMPS = np.array([[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                   [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]], dtype=np.float64)


def multigauss(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Regression: six bumps of sign ±1 on a 3×2 grid; the target is the bump of largest
    magnitude, ``sign·max(0, 1 − d/2)`` at distance ``d`` from its centre (TF Playground's
    "multi-gaussian"), of the point moved by uniform noise of ``±6·noise``."""
    X = rng.uniform(-DOMAIN, DOMAIN, (n, 2))
    shifted = X + rng.uniform(-DOMAIN, DOMAIN, X.shape) * noise
    d = np.hypot(shifted[:, None, 0] - _BUMPS[:, 0], shifted[:, None, 1] - _BUMPS[:, 1])
    values = _BUMPS[:, 2] * np.clip(1.0 - d / 2.0, 0.0, 1.0)          # (n, 6)
    pick = np.argmax(np.abs(values), axis=1)
    return X, values[np.arange(n), pick]


def fit_square(X: np.ndarray) -> np.ndarray:
    """``X`` centred and scaled so that its largest coordinate is ``FIT_RADIUS``."""
    X = X - (X.max(axis=0) + X.min(axis=0)) / 2
    scale = np.abs(X).max()
    return X * (FIT_RADIUS / scale) if scale > 0 else X


def _from_gn(make: Callable[..., tuple[np.ndarray, np.ndarray]], base_noise: float, **kw):
    def generate(n, noise, rng, classes=3):
        seed = int(rng.integers(2**31))
        extra = {"n_classes": classes} if "n_classes" in kw else {}
        if "centers" in kw:
            extra = {"centers": classes}
        X, y = make(n, noise=base_noise + noise, seed=seed, **extra)
        return fit_square(X), y
    generate.__doc__ = f"``gn.datasets.{make.__name__}``, rescaled into the square."
    return generate


GENERATORS: dict[str, Callable] = {
    "circle": circle, "xor": xor, "gaussian": gaussian, "spiral": spiral,
    "plane": plane, "multigauss": multigauss,
    "flower": _from_gn(gnd.make_flower, 0.2),
    "moons": _from_gn(gnd.make_moons, 0.1),
    "spirals": _from_gn(gnd.make_spirals, 0.1, n_classes=3),
    "blobs": _from_gn(gnd.make_blobs, 0.0, centers=3),
}


def make_dataset(name: str, n: int, noise: float = 0.0, seed: int = 0,
                 classes: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Points and targets of the data set ``name`` (see the module docstring).

    Parameters
    ----------
    name : str
        A key of :data:`GENERATORS`.
    n : int
        Number of points.
    noise : float
        Fraction in ``[0, 0.5]``.
    seed : int
        Seed of ``np.random.default_rng``: same seed, same points.
    classes : int
        Number of classes of ``spirals`` and ``blobs``.
    """
    if name not in GENERATORS:
        raise ValueError(f"dataset must be one of {', '.join(GENERATORS)}; got {name!r}")
    if not 0.0 <= noise <= 0.5:
        raise ValueError(f"noise must be in [0, 0.5], got {noise}")
    rng = np.random.default_rng(seed)
    gen = GENERATORS[name]
    if name in ("spirals", "blobs"):
        return gen(n, noise, rng, classes=classes)
    X, y = gen(n, noise, rng)
    if name in ("flower", "moons"):
        return X, y
    order = rng.permutation(n)                  # mix the classes before the train/test split
    return np.ascontiguousarray(X[order]), y[order]


def split(X: np.ndarray, y: np.ndarray, train_ratio: float, seed: int = 0):
    """``(X_train, y_train, X_test, y_test)``: a seeded shuffle, then the first
    ``round(train_ratio·n)`` points (at least 1, at most n − 1) for training."""
    n = len(X)
    n_train = min(max(int(round(train_ratio * n)), 1), n - 1)
    order = np.random.default_rng([seed, 1]).permutation(n)
    tr, te = order[:n_train], order[n_train:]
    return X[tr], y[tr], X[te], y[te]
