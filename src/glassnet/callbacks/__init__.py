"""Callbacks: small objects that ``fit`` calls at fixed points of training (as in Keras).

Before training starts, ``fit`` calls ``check_setup(model, logged)`` on each callback with the
names it will log, so a misconfigured callback fails before any weight changes. Hooks, all
optional: ``on_train_begin(logs)``, ``on_epoch_begin(epoch)``,
``on_train_batch_begin(step)``, ``on_train_batch_end(step, logs)``, ``on_epoch_end(epoch, logs)``,
``on_train_end(logs)``. ``step`` counts parameter updates since the model was created (it carries
over when training resumes); ``logs`` holds ``"loss"`` and the metrics. The logs of
``on_train_begin`` hold the training arrays ``"x"`` and ``"y"`` as ``fit`` checked them, and
``"validation_data"`` (``(x_val, y_val)`` or None).

Modules: :mod:`~.base` (the callback protocol, ``History`` and the callbacks that steer or save
training) and :mod:`~.watch` (``Diagnostics`` and ``LivePlot``, which watch it; see
:mod:`glassnet.diagnostics` and :mod:`glassnet.plotting.diagnostics`).
"""

from glassnet.callbacks.base import (
    Callback,
    EarlyStopping,
    History,
    LearningRateScheduler,
    ModelCheckpoint,
    Snapshots,
    cosine_decay,
)
from glassnet.callbacks.watch import Diagnostics, LivePlot

__all__ = ["Callback", "History", "EarlyStopping", "Snapshots", "ModelCheckpoint",
           "LearningRateScheduler", "cosine_decay", "Diagnostics", "LivePlot"]
