"""Classic 3×3 image kernels and the post's bank of random filters.

All kernels are meant for :func:`glassnet.conv.convolve2d`, which (like every deep-learning
framework) computes a cross-correlation; the arrays are read-only, take a ``.copy()`` to edit one.

===============  ===================================  =========================================
name             kernel                               effect
===============  ===================================  =========================================
identity         1 in the centre                      returns the image
emboss           [[2,0,0],[0,-1,0],[0,0,-1]]          relief lit from the top left (the post's)
sharpen          [[0,-1,0],[-1,5,-1],[0,-1,0]]        identity + edge (the post's)
edge             [[0,-1,0],[-1,4,-1],[0,-1,0]]        minus the Laplacian: edges, 0 on flat areas
sobel_x          [[-1,0,1],[-2,0,2],[-1,0,1]]         horizontal gradient (vertical edges)
sobel_y          sobel_xᵀ                             vertical gradient (horizontal edges)
box_blur         all 1/9                              mean of the neighbourhood
gaussian_blur    [[1,2,1],[2,4,2],[1,2,1]] / 16       smooth blur (binomial approximation)
===============  ===================================  =========================================
"""

from __future__ import annotations

import numpy as np

from glassnet._validation import check_int, check_seed


def _frozen(rows) -> np.ndarray:
    arr = np.array(rows, dtype=np.float64)
    arr.setflags(write=False)
    return arr


KERNELS: dict[str, np.ndarray] = {
    "identity": _frozen([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "emboss": _frozen([[2, 0, 0], [0, -1, 0], [0, 0, -1]]),
    "sharpen": _frozen([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "edge": _frozen([[0, -1, 0], [-1, 4, -1], [0, -1, 0]]),
    "sobel_x": _frozen([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "sobel_y": _frozen([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
    "box_blur": _frozen(np.full((3, 3), 1.0 / 9.0)),
    "gaussian_blur": _frozen(np.array([[1, 2, 1], [2, 4, 2], [1, 2, 1]]) / 16.0),
}
"""Named 3×3 float64 kernels (read-only arrays), see the module docstring."""


def random_filter_bank(n: int = 64, size: int = 3, seed: int | None = 0) -> np.ndarray:
    """The post's random filters: ``n`` square kernels with entries drawn from {−1, 0, 1}.

    Parameters
    ----------
    n : int
        Number of filters.
    size : int
        Side of each (square) filter.
    seed : int or None
        Seed of the ``numpy.random.Generator``; the same seed gives the same bank.

    Returns
    -------
    ndarray of float64, shape (n, size, size)
        Each entry is −1, 0 or 1 with probability 1/3, independently.

    Examples
    --------
    >>> bank = random_filter_bank(64, 3, seed=0)
    >>> bank.shape
    (64, 3, 3)
    """
    n = check_int(n, "n", low=1)
    size = check_int(size, "size", low=1)
    rng = np.random.default_rng(check_seed(seed))
    return rng.integers(-1, 2, size=(n, size, size)).astype(np.float64)


__all__ = ["KERNELS", "random_filter_bank"]
