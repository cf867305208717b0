"""Taking a glassnet model elsewhere, and bringing weights from elsewhere in.

Out::

    gn.export.to_onnx(model, "model.onnx")        # opset 17, runs in onnxruntime (needs onnx)
    gn.export.to_torch(model)                     # torch.nn.Sequential, same outputs (needs torch)
    gn.export.save_safetensors(model, "m.safetensors")   # PyTorch-layout state_dict, from NumPy
    gn.export.torch_state_dict(model)             # the same state_dict as NumPy arrays

In (also ``gn.load_torch_state_dict`` and ``gn.load_keras``)::

    gn.export.load_torch_state_dict(state_dict_or_path, model)
    gn.export.load_keras("model.keras")          # a Keras 3 Sequential file (needs h5py)

Modules, one concept each:

* :mod:`glassnet.export.graph` — a built model as framework-neutral steps, with every "same"
  padding made explicit (asymmetric for even kernels);
* :mod:`glassnet.export.onnx`, :mod:`glassnet.export.torch`,
  :mod:`glassnet.export.safetensors` — the writers;
* :mod:`glassnet.export.torch_weights`, :mod:`glassnet.export.keras` — the readers.

Layout conversions (the details are in each module's docstring)
---------------------------------------------------------------
* Dense: glassnet's ``W`` is ``(in, out)`` (``x @ W + b``); PyTorch's ``nn.Linear.weight`` is
  ``(out, in)`` (``x @ weight.T + bias``): ``weight = W.T``. Keras' Dense kernel is ``(in, out)``
  like glassnet's. ONNX ``Gemm`` takes glassnet's ``W`` with ``transB=0``.
* Conv2D: glassnet and PyTorch store ``(F, C, kh, kw)`` and take NCHW images; Keras stores
  ``(kh, kw, C, F)`` and takes NHWC images by default: ``W = K.transpose(3, 2, 0, 1)``, and the
  data go in as ``X_nhwc.transpose(0, 3, 1, 2)``.
* Flatten: glassnet and PyTorch flatten ``(C, H, W)`` in C order; Keras flattens ``(H, W, C)``,
  so the rows of the first Dense kernel after it are permuted from HWC to CHW order.
* "same": glassnet pads ``(k−1)//2`` before and the rest after (TensorFlow's rule); the
  exporters write these paddings out explicitly, so even kernels come out exact.

The optional packages are imported only when a function needs them:
``pip install "glassnet[onnx]"`` for ONNX, ``"glassnet[interop]"`` for safetensors and h5py.
"""

from __future__ import annotations

from glassnet.export.graph import SUPPORTED, model_steps
from glassnet.export.keras import load_keras
from glassnet.export.onnx import OPSET, to_onnx, to_onnx_model
from glassnet.export.safetensors import save_safetensors
from glassnet.export.torch import to_torch, torch_state_dict
from glassnet.export.torch_weights import load_torch_state_dict

__all__ = ["to_onnx", "to_onnx_model", "to_torch", "torch_state_dict", "save_safetensors",
           "load_torch_state_dict", "load_keras", "model_steps", "SUPPORTED", "OPSET"]
