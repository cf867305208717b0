"""``glassnet export``: a saved glassnet model as an ONNX file or a PyTorch state_dict.

``--to onnx`` writes an opset-17 ONNX graph (needs the ``onnx`` package); ``--to torch`` writes
the state_dict of the equivalent ``torch.nn.Sequential`` with ``torch.save`` (needs torch; read it
back with ``torch.load(path, weights_only=True)``) and prints that network, so it can be rebuilt;
``--to safetensors`` writes the same state_dict as a ``.safetensors`` file, from NumPy.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from glassnet.cli._common import CLIError

#: format -> file suffix
SUFFIX = {"onnx": ".onnx", "torch": ".pt", "safetensors": ".safetensors"}

EXAMPLE = """\
examples:
  glassnet export flower.glassnet --to onnx                 # writes flower.onnx
  glassnet export cnn.glassnet --to torch --out cnn_state.pt
  glassnet export cnn.glassnet --to safetensors
"""


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``export`` on the sub-command parsers ``sub``."""
    p = sub.add_parser(
        "export", help="convert a saved model to ONNX or a PyTorch state_dict",
        description="Convert a model saved with model.save() to an ONNX file (opset 17, for "
                    "onnxruntime and other runtimes) or to the state_dict of the equivalent "
                    "torch.nn.Sequential (torch.save, or safetensors).",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("file", metavar="FILE", help="a glassnet model file (model.save(...))")
    p.add_argument("--to", required=True, choices=list(SUFFIX), dest="to",
                   help="output format")
    p.add_argument("--out", metavar="PATH",
                   help="file to write (default: FILE with the suffix .onnx, .pt or "
                        ".safetensors)")
    p.add_argument("--quiet", action="store_true", help="print only the path written")
    p.set_defaults(run=run)
    return p


def _load(path: str):
    from glassnet import load_model

    file = Path(path)
    if not file.exists():
        raise CLIError(f"model file not found: {path!r}")
    if file.is_dir():
        raise CLIError(f"{path!r} is a folder, not a model file")
    return load_model(file)


def run(args: argparse.Namespace) -> int:
    """Run ``glassnet export``; returns the exit code."""
    from glassnet import export

    model = _load(args.file)
    out = Path(args.out) if args.out else Path(args.file).with_suffix(SUFFIX[args.to])
    if out.is_dir():
        raise CLIError(f"--out {str(out)!r} is a folder; give a file name")
    if not out.parent.exists():
        raise CLIError(f"--out: the folder {str(out.parent)!r} does not exist")
    try:
        if args.to == "onnx":
            export.to_onnx(model, out)
        elif args.to == "safetensors":
            export.save_safetensors(model, out)
        else:
            net = export.to_torch(model)
            import torch

            torch.save(net.state_dict(), out)
    except ImportError as exc:
        raise CLIError(str(exc)) from None
    if args.quiet:
        print(out)
        return 0
    print(f"Wrote {out} ({out.stat().st_size:,} bytes)")
    if args.to != "onnx":
        import numpy as np

        print("It is the state_dict of this torch.nn.Sequential "
              f"(gn.export.to_torch(model), dtype {np.dtype(model.dtype).name}):")
        if args.to == "torch":
            print(net)
        else:
            for i, spec in enumerate(export.torch.module_specs(model)):
                shown = {k: v for k, v in spec.args.items() if k != "counts"}
                print(f"  ({i}): {spec.kind}({', '.join(f'{k}={v}' for k, v in shown.items())})")
    else:
        print(f"Input 'input' (N, {', '.join(map(str, model.input_shape))}), output 'output'; "
              "run it with onnxruntime.InferenceSession(path).run(None, {'input': X})")
    return 0
