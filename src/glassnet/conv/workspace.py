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


def _memory_shape(shape: tuple[int, ...], layout: tuple[int, ...] | None) -> tuple[int, ...]:
    shape = tuple(int(s) for s in shape)
    return shape if layout is None else tuple(shape[a] for a in layout)


def _view(arr: np.ndarray, layout: tuple[int, ...] | None) -> np.ndarray:
    return arr if layout is None else arr.transpose(np.argsort(layout))


class Workspace:
    """Arrays kept by one layer between training steps (see the module docstring).

    Parameters
    ----------
    depth : int
        How many arrays of one shape :meth:`output` keeps for each name.
    shapes : int
        How many shapes are kept for each name, the most recently used ones: two cover the
        full batches of an epoch and its smaller last batch.
    """

    _FREE = _refcount_of_stored() if hasattr(sys, "getrefcount") else None

    def __init__(self, depth: int = 2, shapes: int = 2) -> None:
        self.depth = depth
        self.shapes = shapes
        self._scratch: dict[str, dict[Any, np.ndarray]] = {}
        self._rings: dict[str, dict[Any, list[np.ndarray]]] = {}

    def _entry(self, table: dict[str, dict[Any, Any]], name: str, key: Any, make):
        """The entry of ``name`` for ``key`` (made if missing), most recent last; whether it
        existed. Beyond ``shapes`` keys per name the least recently used one is dropped."""
        entries = table.setdefault(name, {})
        found = key in entries
        value = entries.pop(key) if found else make()
        entries[key] = value
        while len(entries) > self.shapes:
            del entries[next(iter(entries))]
        return value, found

    def scratch(self, name: str, shape: tuple[int, ...], dtype: Any,
                layout: tuple[int, ...] | None = None, tag: Any = None,
                zeros: bool = False) -> np.ndarray:
        """A private array of ``name``, kept with the contents the layer left in it.

        The same array comes back for the same ``shape``, ``dtype``, ``layout`` and ``tag``
        (anything comparable, e.g. the input shape the contents depend on). A new one is
        uninitialised, or zero with ``zeros``. ``layout`` lists the axes from the outermost to
        the innermost in memory (None: C order); e.g. ``(1, 2, 3, 0)`` makes an
        ``(N, C, H, W)`` array a transposed view of a C-contiguous ``(C, H, W, N)`` one.
        """
        mem, dt = _memory_shape(shape, layout), np.dtype(dtype)
        make = np.zeros if zeros else np.empty
        arr, _ = self._entry(self._scratch, name, (mem, dt, tag), lambda: make(mem, dtype=dt))
        return _view(arr, layout)

    def output(self, name: str, shape: tuple[int, ...], dtype: Any,
               layout: tuple[int, ...] | None = None) -> np.ndarray:
        """An array to hand out: a kept one that nobody else refers to, else a new one.

        Its contents are undefined; ``layout`` as in :meth:`scratch`.
        """
        mem, dt = _memory_shape(shape, layout), np.dtype(dtype)
        ring, _ = self._entry(self._rings, name, (mem, dt), list)
        if self._FREE is not None:
            for i in range(len(ring)):
                if sys.getrefcount(ring[i]) <= self._FREE:     # no view, no cache, no user
                    return _view(ring[i], layout)
        arr = np.empty(mem, dtype=dt)
        if len(ring) < self.depth:
            ring.append(arr)
        return _view(arr, layout)

    def clear(self) -> None:
        """Drop every kept array (they are rebuilt on demand)."""
        self._scratch.clear()
        self._rings.clear()

    def __getstate__(self) -> dict:
        # Copies of a layer (pickle, deepcopy) start with an empty workspace.
        return {"depth": self.depth, "shapes": self.shapes}

    def __setstate__(self, state: dict) -> None:
        self.__init__(state["depth"], state.get("shapes", 2))


__all__ = ["Workspace"]
