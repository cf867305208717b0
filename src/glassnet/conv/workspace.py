"""Work arrays that the convolution and pooling layers reuse from one training step to the next.

Why: a training step of a small CNN allocates and frees several arrays of a few megabytes
(im2col matrices, feature maps and their gradients). The C library hands such blocks back to
the operating system when they are freed, so the next step pays a page fault for every 4 KiB
it touches again: on a virtual machine that can cost as much as the arithmetic itself. A layer
that keeps its arrays between steps pays that once.

Two kinds of arrays, with different rules:

* :meth:`Workspace.scratch`: private to the layer (the im2col matrix, the gradient of the
  columns, the row maxima of a pooling). The same array is returned as long as the shape and
  dtype hold; the layer never hands it out.
* :meth:`Workspace.output`: arrays the layer returns (feature maps, input gradients). Those may
  still be in use elsewhere (the next layer caches its input; a user may keep a result), so an
  array is handed out again only when nothing outside the workspace refers to it any more, which
  CPython's reference count tells exactly (every view of an array refers to it). Otherwise a new
  array is made. A ring of two per shape covers a training loop: the maps of the step before
  are still cached by the next layer, those of two steps ago are free.
"""

from __future__ import annotations

import sys
from typing import Any

import numpy as np


def _refcount_of_stored() -> int:
    """``sys.getrefcount`` of an object referred to by one list only, as :meth:`output` reads it."""
    ring = [object()]
    return sys.getrefcount(ring[0])


def _memory_shape(shape: tuple[int, ...], channel_first: bool) -> tuple[int, ...]:
    shape = tuple(int(s) for s in shape)
    return (shape[1], shape[0]) + shape[2:] if channel_first else shape


def _view(arr: np.ndarray, channel_first: bool) -> np.ndarray:
    return arr.transpose(1, 0, 2, 3) if channel_first else arr


class Workspace:
    """Arrays kept by one layer between training steps (see the module docstring).

    Parameters
    ----------
    depth : int
        How many arrays of one shape :meth:`output` keeps for each name.
    """

    _FREE = _refcount_of_stored() if hasattr(sys, "getrefcount") else None

    def __init__(self, depth: int = 2) -> None:
        self.depth = depth
        self._scratch: dict[str, tuple[np.ndarray, Any]] = {}
        self._rings: dict[str, tuple[Any, list[np.ndarray]]] = {}

    def scratch(self, name: str, shape: tuple[int, ...], dtype: Any,
                channel_first: bool = False, tag: Any = None) -> tuple[np.ndarray, bool]:
        """A private array, and whether it is the same one as in the last call for ``name``.

        The same array comes back while ``shape``, ``dtype`` and ``tag`` (anything comparable,
        e.g. the input shape the contents depend on) stay the same, with the contents the
        layer left in it. With ``channel_first`` a 4-D ``shape`` ``(N, C, H, W)`` is a
        transposed view of a ``(C, N, H, W)`` array.
        """
        key = (_memory_shape(shape, channel_first), np.dtype(dtype), tag)
        arr, old_key = self._scratch.get(name, (None, None))
        if arr is not None and old_key == key:
            return _view(arr, channel_first), True
        arr = np.empty(key[0], dtype=key[1])
        self._scratch[name] = (arr, key)
        return _view(arr, channel_first), False

    def output(self, name: str, shape: tuple[int, ...], dtype: Any,
               channel_first: bool = False) -> np.ndarray:
        """An array to hand out: a kept one that nobody else refers to, else a new one.

        Its contents are undefined. Only the latest shape is kept for each name;
        ``channel_first`` as in :meth:`scratch`.
        """
        key = (_memory_shape(shape, channel_first), np.dtype(dtype))
        old_key, ring = self._rings.get(name, (None, []))
        if old_key != key:
            ring = []
            self._rings[name] = (key, ring)
        if self._FREE is not None:
            for i in range(len(ring)):
                if sys.getrefcount(ring[i]) <= self._FREE:     # no view, no cache, no user
                    return _view(ring[i], channel_first)
        arr = np.empty(key[0], dtype=key[1])
        if len(ring) < self.depth:
            ring.append(arr)
        return _view(arr, channel_first)

    def clear(self) -> None:
        """Drop every kept array (they are rebuilt on demand)."""
        self._scratch.clear()
        self._rings.clear()

    def __getstate__(self) -> dict:
        # Copies of a layer (pickle, deepcopy) start with an empty workspace.
        return {"depth": self.depth}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["depth"])


__all__ = ["Workspace"]
