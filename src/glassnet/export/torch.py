"""PyTorch export: a built glassnet model as a ``torch.nn.Sequential`` with the same outputs.

Layout conversions
------------------
* Dense: glassnet computes ``x @ W + b`` with ``W: (n_in, n_out)``; ``torch.nn.Linear``
  computes ``x @ weight.T + bias`` with ``weight: (out, in)``. So ``weight = W.T`` and
  ``W = weight.T``.
* Conv2D: both store ``(F, C, kh, kw)`` and cross-correlate NCHW images: copied as is.
* Flatten: both flatten ``(C, H, W)`` in C order (``torch.nn.Flatten()``), so the Dense after it
  needs no permutation.
* "same" padding: glassnet pads ``(k−1)//2`` before and the rest after (TensorFlow's rule; see
  :mod:`glassnet.export.graph`). A symmetric padding goes into the layer's ``padding=``; an
  asymmetric one (even kernels, strided windows) becomes an explicit ``nn.ZeroPad2d`` before the
  convolution (``nn.ConstantPad2d(-inf)`` before a max pool; for an average pool a small
  module that divides window sums by the number of real cells, as glassnet does).
* Activations become their own modules (``nn.ReLU``, ``nn.Tanh``, ``nn.Sigmoid``,
  ``nn.LeakyReLU(0.01)``, ``nn.Softmax(dim=1 after a convolution, else -1)``), so the network
  outputs what ``model.predict`` does (probabilities for a sigmoid or softmax head);
  ``Dropout`` becomes ``nn.Dropout(rate)``.

The module list is computed without torch (:func:`module_specs`), so
:func:`torch_state_dict` and :func:`glassnet.export.save_safetensors` write the very keys
(``"0.weight"``, ``"0.bias"``, ``"3.weight"``, ...) that ``to_torch(model).state_dict()`` has.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from glassnet.conv.pool_ops import window_counts
from glassnet.export._deps import require
from glassnet.export.graph import Step, is_symmetric, model_steps


@dataclass
class ModuleSpec:
    """One module of the exported ``nn.Sequential``: its class name, arguments and tensors.

    ``params`` holds the state_dict entries (``weight``, ``bias``) in PyTorch's layout.
    """

    kind: str
    args: dict[str, Any] = field(default_factory=dict)
    params: dict[str, np.ndarray] = field(default_factory=dict)
    layer: str = ""


def _torch_pad(pads) -> tuple[int, int, int, int]:
    (top, bottom), (left, right) = pads
    return (int(left), int(right), int(top), int(bottom))            # torch: last axis first


def _fits_torch_padding(pads, kernel) -> bool:
    """Whether a pooling layer's own ``padding=`` can express these pads (symmetric, <= k/2)."""
    (top, _), (left, _) = pads
    return is_symmetric(pads) and top <= kernel[0] // 2 and left <= kernel[1] // 2


def _step_specs(step: Step) -> list[ModuleSpec]:
    name = step.layer
    if step.kind == "dense":
        W, b = step.params["W"], step.params["b"]
        return [ModuleSpec("Linear", {"in_features": W.shape[0], "out_features": W.shape[1]},
                           {"weight": np.ascontiguousarray(W.T), "bias": b}, name)]
    if step.kind == "conv":
        W, b = step.params["W"], step.params["b"]
        pads, out = step.attrs["pads"], []
        padding = (pads[0][0], pads[1][0])
        if not is_symmetric(pads):
            out.append(ModuleSpec("ZeroPad2d", {"padding": _torch_pad(pads)}, layer=name))
            padding = (0, 0)
        out.append(ModuleSpec("Conv2d", {"in_channels": W.shape[1], "out_channels": W.shape[0],
                                         "kernel_size": tuple(W.shape[2:]),
                                         "stride": step.attrs["stride"], "padding": padding},
                              {"weight": W, "bias": b}, name))
        return out
    if step.kind in ("maxpool", "avgpool"):
        kernel, stride, pads = step.attrs["kernel"], step.attrs["stride"], step.attrs["pads"]
        if _fits_torch_padding(pads, kernel):
            args = {"kernel_size": kernel, "stride": stride, "padding": (pads[0][0], pads[1][0])}
            if step.kind == "maxpool":
                return [ModuleSpec("MaxPool2d", args, layer=name)]
            return [ModuleSpec("AvgPool2d", {**args, "count_include_pad": False}, layer=name)]
        if step.kind == "maxpool":
            return [ModuleSpec("ConstantPad2d", {"padding": _torch_pad(pads), "value": -np.inf},
                               layer=name),
                    ModuleSpec("MaxPool2d", {"kernel_size": kernel, "stride": stride},
                               layer=name)]
        counts = window_counts(step.input_shape[1:], kernel, stride, pads)
        return [ModuleSpec("PaddedAvgPool2d", {"kernel_size": kernel, "stride": stride,
                                               "padding": _torch_pad(pads),
                                               "counts": np.asarray(counts, np.float64)},
                           layer=name)]
    if step.kind == "flatten":
        return [ModuleSpec("Flatten", layer=name)]
    if step.kind == "dropout":
        return [ModuleSpec("Dropout", {"p": step.attrs["rate"]}, layer=name)]
    act = step.attrs["activation"]
    if act == "softmax":
        return [ModuleSpec("Softmax", {"dim": step.attrs["axis"]}, layer=name)]
    if act == "leaky_relu":
        return [ModuleSpec("LeakyReLU", {"negative_slope": 0.01}, layer=name)]
    return [ModuleSpec({"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}[act], layer=name)]


def module_specs(model: Any, who: str = "to_torch") -> list[ModuleSpec]:
    """The modules of the exported ``nn.Sequential``, in order (no torch needed)."""
    return [spec for step in model_steps(model, who) for spec in _step_specs(step)]


def torch_state_dict(model: Any, who: str = "torch_state_dict") -> dict[str, np.ndarray]:
    """The state_dict of ``to_torch(model)`` as NumPy arrays in PyTorch's layout.

    Keys are ``"<index>.weight"`` and ``"<index>.bias"``, the indices of the parametrised
    modules in the exported ``nn.Sequential``; Dense weights are transposed to ``(out, in)``.
    """
    out: dict[str, np.ndarray] = {}
    for i, spec in enumerate(module_specs(model, who)):
        for key, value in spec.params.items():
            out[f"{i}.{key}"] = np.ascontiguousarray(value)
    return out


def _padded_avg_pool_class(torch: Any) -> type:
    """``PaddedAvgPool2d``: average pooling over an asymmetric zero padding that counts only the
    real cells of each window (glassnet's and TensorFlow's "same")."""
    F = torch.nn.functional

    class PaddedAvgPool2d(torch.nn.Module):
        def __init__(self, kernel_size, stride, padding, counts, dtype=None):
            super().__init__()
            self.kernel_size, self.stride, self.padding = kernel_size, stride, padding
            self.register_buffer("counts", torch.as_tensor(counts, dtype=dtype),
                                 persistent=False)

        def forward(self, x):
            sums = F.avg_pool2d(F.pad(x, self.padding), self.kernel_size, self.stride,
                                divisor_override=1)
            return sums / self.counts

        def extra_repr(self) -> str:
            return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                    f"padding={self.padding}")

    return PaddedAvgPool2d


def to_torch(model: Any, dtype: Any = None):
    """A ``torch.nn.Sequential`` computing what ``model.predict`` computes (needs torch).

    Parameters
    ----------
    model : glassnet.Sequential
        Built, with Dense, Conv2D, MaxPool2D, AvgPool2D, Flatten, Activation and Dropout layers.
    dtype : torch.dtype or numpy dtype, optional
        Parameter dtype; default the model's (float32 → ``torch.float32``, float64 →
        ``torch.float64``).

    Returns
    -------
    torch.nn.Sequential
        In evaluation mode (``Dropout`` off, as in ``predict``); call ``.train()`` before
        training it. Its inputs are NCHW images or ``(n, features)`` rows, as glassnet's.

    Raises
    ------
    ImportError
        If PyTorch is not installed.
    ValueError
        If the model is not built or holds a layer that cannot be exported (named in the
        message).
    """
    specs = module_specs(model, "to_torch")
    torch = require("torch", "to_torch")
    if dtype is None:
        dtype = model.dtype
    if not isinstance(dtype, torch.dtype):
        np_dtype = np.dtype(dtype)
        if np_dtype not in (np.float32, np.float64):
            raise TypeError(f"dtype must be float32 or float64, got {np_dtype}")
        dtype = torch.float32 if np_dtype == np.float32 else torch.float64
    nn = torch.nn
    modules = []
    for spec in specs:
        if spec.kind == "PaddedAvgPool2d":
            module = _padded_avg_pool_class(torch)(**spec.args, dtype=dtype)
        else:
            module = getattr(nn, spec.kind)(**spec.args)
        if spec.params:
            module = module.to(dtype)
            with torch.no_grad():
                for key, value in spec.params.items():
                    getattr(module, key).copy_(torch.as_tensor(np.ascontiguousarray(value)))
        modules.append(module)
    return nn.Sequential(*modules).eval()


__all__ = ["ModuleSpec", "module_specs", "torch_state_dict", "to_torch"]
