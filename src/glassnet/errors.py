"""Exceptions raised by glassnet.

Bad arguments raise the built-in ``TypeError`` (wrong kind of thing) or ``ValueError`` (right kind,
wrong value); the classes below are subclasses of those or of ``FloatingPointError``, so code
that catches the built-ins keeps working. ``docs/errors.md`` lists every case.
"""

from __future__ import annotations


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss, gradient or weight.

    ``fit`` raises it after restoring the weights of the last finite step; the history up to that
    point stays on ``model.history``.

    Parameters
    ----------
    message : str
        Says where training diverged and suggests a lower learning rate.
    epoch, step : int, optional
        The epoch (1-based) and the update step at which training diverged, when known.
    """

    def __init__(self, message: str, *, epoch: int | None = None,
                 step: int | None = None) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.step = step


class NotFittedError(ValueError, AttributeError):
    """A model was used for prediction before it was fitted or built."""


class ModelFileError(ValueError):
    """A file given to ``load_model`` is not a valid glassnet model file.

    Raised for anything but the documented format: a pickle, a truncated or corrupted zip, a zip
    with unexpected members, a JSON document that breaks the schema, arrays whose shape or dtype
    do not match the architecture, or a file of another format version.
    """


__all__ = ["DivergenceError", "ModelFileError", "NotFittedError"]
