"""Animations of training (matplotlib + Pillow; MP4 through ffmpeg when it is installed).

>>> snaps = gn.callbacks.Snapshots(every=10)                          # doctest: +SKIP
>>> model.fit(X, y, epochs=2000, callbacks=[snaps], verbose=0)        # doctest: +SKIP
>>> gn.animate.training(model, X, y, snaps, path="flower.gif")        # doctest: +SKIP
"""

from glassnet.plotting.animation import training

__all__ = ["training"]
