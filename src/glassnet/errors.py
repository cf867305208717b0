"""Exceptions raised by glassnet."""


class DivergenceError(FloatingPointError):
    """Training produced a non-finite loss, gradient or weight.

    ``fit`` raises it after restoring the weights of the last finite step; the history up to that
    point stays on ``model.history``.
    """


class NotFittedError(ValueError, AttributeError):
    """A model was used for prediction before it was fitted or built."""
