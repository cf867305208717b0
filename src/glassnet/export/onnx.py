"""ONNX export: a built glassnet model as an opset-17 ONNX graph (needs the ``onnx`` package).

The graph has one input ``"input"`` of shape ``(N, *model.input_shape)`` (``N`` free) and one
output ``"output"``, which is what ``model.predict`` returns: probabilities for a sigmoid or
softmax head, since the head's activation is part of the graph. Layer by layer:

==============  ==================================================================
glassnet        ONNX
==============  ==================================================================
Dense           ``Gemm(x, W, b)`` with ``W`` kept in glassnet's ``(n_in, n_out)``
                layout (``transB=0``; PyTorch's exporter stores ``(out, in)`` with
                ``transB=1``, which computes the same)
Conv2D          ``Conv`` with ``W (F, C, kh, kw)`` as glassnet stores it and explicit
                ``pads = [top, left, bottom, right]`` (asymmetric for "same" with an even
                kernel, exactly as glassnet pads)
MaxPool2D       ``MaxPool`` with explicit pads (padded cells never win, as in glassnet)
AvgPool2D       ``AveragePool``, explicit pads, ``count_include_pad=0`` (the mean of the
                real cells, as glassnet)
Flatten         ``Flatten(axis=1)``: both flatten ``(C, H, W)`` in C order
activation      ``Sigmoid``, ``Tanh``, ``Relu``, ``LeakyRelu(alpha=0.01)``, ``Softmax``
                (``axis=1`` after a convolution: per pixel over the filters; ``axis=-1``
                otherwise); ``linear`` adds no node
Dropout         no node (the identity at inference)
==============  ==================================================================

Weights are written as float32 (a float64 model is cast), the type every ONNX runtime runs.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from glassnet.export._deps import require
from glassnet.export.graph import Step, model_steps

#: The ONNX operator set the graph is written for.
OPSET = 17
#: IR version matching opset 17 (read by every runtime that reads opset 17).
IR_VERSION = 8

_ACTIVATIONS = {"sigmoid": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "leaky_relu": "LeakyRelu",
                "softmax": "Softmax"}


def _onnx_pads(pads) -> list[int]:
    (top, bottom), (left, right) = pads
    return [int(top), int(left), int(bottom), int(right)]


def _nodes(step: Step, i: int, x: str, helper: Any, inits: list, numpy_helper: Any):
    """ONNX nodes for one step reading tensor ``x``; returns ``(nodes, output name)``."""
    y = f"{step.layer}_{step.kind}_{i}"
    if step.kind == "dropout":
        return [], x
    if step.kind in ("dense", "conv"):
        w_name, b_name = f"{step.layer}.W", f"{step.layer}.b"
        inits.append(numpy_helper.from_array(step.params["W"].astype(np.float32), w_name))
        inits.append(numpy_helper.from_array(step.params["b"].astype(np.float32), b_name))
        if step.kind == "dense":
            node = helper.make_node("Gemm", [x, w_name, b_name], [y], name=y,
                                    alpha=1.0, beta=1.0, transA=0, transB=0)
        else:
            node = helper.make_node("Conv", [x, w_name, b_name], [y], name=y,
                                    kernel_shape=list(step.attrs["kernel"]),
                                    strides=list(step.attrs["stride"]),
                                    pads=_onnx_pads(step.attrs["pads"]), dilations=[1, 1],
                                    group=1)
        return [node], y
    if step.kind in ("maxpool", "avgpool"):
        common = {"kernel_shape": list(step.attrs["kernel"]), "strides": list(step.attrs["stride"]),
                  "pads": _onnx_pads(step.attrs["pads"])}
        if step.kind == "maxpool":
            node = helper.make_node("MaxPool", [x], [y], name=y, **common)
        else:
            node = helper.make_node("AveragePool", [x], [y], name=y, count_include_pad=0,
                                    **common)
        return [node], y
    if step.kind == "flatten":
        return [helper.make_node("Flatten", [x], [y], name=y, axis=1)], y
    act = step.attrs["activation"]
    kwargs: dict[str, Any] = {}
    if act == "leaky_relu":
        kwargs["alpha"] = 0.01
    elif act == "softmax":
        kwargs["axis"] = int(step.attrs["axis"])
    return [helper.make_node(_ACTIVATIONS[act], [x], [y], name=y, **kwargs)], y


def to_onnx_model(model: Any, name: str | None = None):
    """The ONNX ``ModelProto`` of a built glassnet model (see the module docstring).

    Parameters
    ----------
    model : glassnet.Sequential
        Built, with the layers of :data:`glassnet.export.graph.SUPPORTED` only.
    name : str, optional
        Graph name; default the model's name.

    Returns
    -------
    onnx.ModelProto
        Checked with ``onnx.checker.check_model(full_check=True)``.

    Raises
    ------
    ImportError
        If the ``onnx`` package is missing (``pip install "glassnet[onnx]"``).
    ValueError
        If the model is not built or holds a layer ONNX export cannot express.
    """
    steps = model_steps(model, "to_onnx")
    onnx = require("onnx", "to_onnx", "onnx")
    from onnx import TensorProto, helper, numpy_helper

    nodes: list = []
    inits: list = []
    x = "input"
    for i, step in enumerate(steps):
        new, x = _nodes(step, i, x, helper, inits, numpy_helper)
        nodes += new
    if x == "input":                       # nothing but dropout: the identity
        nodes.append(helper.make_node("Identity", ["input"], ["output"], name="identity"))
    else:
        nodes[-1].output[0] = "output"
    out_shape = tuple(model.layers[-1].output_shape)
    graph = helper.make_graph(
        nodes, name or getattr(model, "name", "glassnet"),
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", *model.input_shape])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", *out_shape])],
        initializer=inits)
    from glassnet import __version__

    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="glassnet", producer_version=__version__,
                              ir_version=IR_VERSION)
    onnx.checker.check_model(proto, full_check=True)
    return proto


def to_onnx(model: Any, path: str | os.PathLike) -> str:
    """Write a built glassnet model to ``path`` as an ONNX file (opset 17).

    Parameters
    ----------
    model : glassnet.Sequential
        Built, with Dense, Conv2D, MaxPool2D, AvgPool2D, Flatten, Activation and Dropout layers.
    path : str or os.PathLike
        The ``.onnx`` file to write.

    Returns
    -------
    str
        The path written.

    Examples
    --------
    >>> gn.export.to_onnx(model, "model.onnx")                      # doctest: +SKIP
    >>> import onnxruntime as ort                                   # doctest: +SKIP
    >>> ort.InferenceSession("model.onnx").run(None, {"input": X.astype("float32")})[0]
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    proto = to_onnx_model(model)
    path = os.fspath(path)
    with open(path, "wb") as f:
        f.write(proto.SerializeToString())
    return path


__all__ = ["OPSET", "to_onnx", "to_onnx_model"]
