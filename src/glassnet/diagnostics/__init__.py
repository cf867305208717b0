"""Why isn't my network learning? Checks before, during and after training.

>>> report = gn.diagnose(model, X, y)          # doctest: +SKIP
>>> lr, fig = gn.lr_find(model, X, y)          # doctest: +SKIP

Modules: :mod:`~.findings` (``Finding``, ``Report``), :mod:`~.thresholds` (every threshold and its
source), :mod:`~.data_checks`, :mod:`~.setup_checks`, :mod:`~.layer_stats`,
:mod:`~.history_checks`, :mod:`~.diagnose` and :mod:`~.lr_find`.
"""

from glassnet.diagnostics.diagnose import diagnose
from glassnet.diagnostics.findings import CODES, DiagnosticWarning, Finding, Report
from glassnet.diagnostics.lr_find import lr_find

__all__ = ["diagnose", "lr_find", "Finding", "Report", "CODES", "DiagnosticWarning"]
