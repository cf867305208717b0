"""safetensors export: the PyTorch-layout state_dict of a model, written from NumPy (no torch).

The keys are those of ``to_torch(model).state_dict()`` (``"0.weight"``, ``"0.bias"``, ...; see
:mod:`glassnet.export.torch`), Dense weights transposed to PyTorch's ``(out, in)``, so::

    net = gn.export.to_torch(model)                    # or the same nn.Sequential written by hand
    net.load_state_dict(safetensors.torch.load_file("m.safetensors"))

and :func:`glassnet.load_torch_state_dict` reads the file back into a glassnet model. The
metadata records ``format: pt``, the producer and, for each parametrised module, the glassnet
layer it came from (``"layer.0": "dense"``).
"""

from __future__ import annotations

import os
from typing import Any

from glassnet.export._deps import require
from glassnet.export.torch import module_specs


def save_safetensors(model: Any, path: str | os.PathLike) -> str:
    """Write the PyTorch-layout state_dict of a built model to a ``.safetensors`` file.

    Parameters
    ----------
    model : glassnet.Sequential
        Built, with exportable layers (those of ``to_torch``).
    path : str or os.PathLike

    Returns
    -------
    str
        The path written.

    Raises
    ------
    ImportError
        If the ``safetensors`` package is missing (``pip install "glassnet[interop]"``).
    ValueError
        If the model is not built or holds a layer that cannot be exported.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    specs = module_specs(model, "save_safetensors")
    st = require("safetensors.numpy", "save_safetensors", "safetensors")
    from glassnet import __version__

    tensors, metadata = {}, {"format": "pt", "producer": f"glassnet {__version__}"}
    for i, spec in enumerate(specs):
        if spec.params:
            metadata[f"layer.{i}"] = spec.layer
        for key, value in spec.params.items():
            tensors[f"{i}.{key}"] = value.copy(order="C")
    path = os.fspath(path)
    st.save_file(tensors, path, metadata=metadata)
    return path


__all__ = ["save_safetensors"]
