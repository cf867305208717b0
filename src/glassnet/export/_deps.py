"""Optional dependencies of the exporters, imported on first use with a message saying how to
get them."""

from __future__ import annotations

import importlib
from types import ModuleType

#: package -> the pip command that installs it with glassnet
_INSTALL = {
    "onnx": 'pip install "glassnet[onnx]"',
    "h5py": 'pip install "glassnet[interop]"',
    "safetensors": 'pip install "glassnet[interop]"',
    "torch": "pip install torch",
}


def require(module: str, who: str, package: str | None = None) -> ModuleType:
    """Import ``module``, or raise an ``ImportError`` saying who needs it and how to install it."""
    package = package or module.split(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        hint = _INSTALL.get(package, f"pip install {package}")
        raise ImportError(f"{who} needs the {package!r} package, which is not installed: "
                          f"{hint}") from exc
