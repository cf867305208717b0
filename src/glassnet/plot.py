"""Plots of models, data and training (matplotlib).

>>> import glassnet as gn
>>> ax = gn.plot.decision_boundary(model, X, y)                       # doctest: +SKIP
>>> fig = gn.plot.compare_boundaries({"Neural net": net, "Logistic regression": logreg},
...                                  X, y, X_test=Xte, y_test=yte)   # doctest: +SKIP

Each function takes ``ax=None`` (or ``fig=None``), returns the Axes or Figure and never calls
``show()``; call ``matplotlib.pyplot.show()`` or ``fig.savefig(...)`` yourself.
"""

from glassnet.plotting.boundaries import compare_boundaries, decision_boundary
from glassnet.plotting.curves import history
from glassnet.plotting.diagnostics import diagnostics
from glassnet.plotting.images import feature_maps, filters
from glassnet.plotting.matrices import confusion_matrix
from glassnet.plotting.network import network
from glassnet.plotting.neurons import neurons

__all__ = ["decision_boundary", "compare_boundaries", "history", "confusion_matrix", "network",
           "neurons", "feature_maps", "filters", "diagnostics"]
