"""Models: ``Sequential``, its training loop and its file format."""

from glassnet.models.loading import load_model
from glassnet.models.sequential import Sequential

__all__ = ["Sequential", "load_model"]
