"""Models: ``Sequential``, its training loop and its file format."""

from glassnet.models.sequential import Sequential
from glassnet.models.serialization import load_model

__all__ = ["Sequential", "load_model"]
