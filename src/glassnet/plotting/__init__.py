"""Pictures of models and training, drawn with matplotlib (imported only by these modules).

The public entry points are re-exported by :mod:`glassnet.plot` and :mod:`glassnet.animate`.
Every plot function takes ``ax=None`` (or ``fig=None``), returns the matplotlib Axes or Figure it
drew on, and never calls ``show()``.
"""

from glassnet.plotting.animation import training
from glassnet.plotting.boundaries import class_probabilities, compare_boundaries, decision_boundary
from glassnet.plotting.curves import history
from glassnet.plotting.images import feature_maps, filters
from glassnet.plotting.matrices import confusion_matrix
from glassnet.plotting.network import network
from glassnet.plotting.neurons import neurons

__all__ = ["decision_boundary", "compare_boundaries", "class_probabilities", "history",
           "confusion_matrix", "network", "neurons", "feature_maps", "filters", "training"]
