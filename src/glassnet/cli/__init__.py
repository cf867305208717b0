"""The ``glassnet`` command line.

Commands
--------
``glassnet demo``
    The posts' main job: a 2-40-1 tanh network and a logistic regression on the flower data,
    a table of their scores, and the pictures (boundaries, cost, network, confusion matrices,
    hidden units, training animation).
``glassnet train``
    Any network on a built-in data set or on a CSV file of your own; writes the metrics, the
    pictures that fit the data and the saved model.
``glassnet conv``
    Convolve a grey image with a named kernel or a bank of random filters, as the posts show.
``glassnet predict``
    Apply a model trained by ``glassnet train`` to a new CSV file (its saved preprocessing
    and column checks included).
``glassnet export``
    Convert a saved model to an ONNX file or a PyTorch state_dict.
``glassnet playground``
    The live playground: a local web page where a network trains as you watch.

Every error is one line on stderr, ``glassnet: error: <message>``, with exit code 2 for a bad
command line and 1 for a problem found while running (a bad CSV file, diverging training).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from glassnet.cli._common import CLIError, UsageError, suggest_choice

PROG = "glassnet"

_DESCRIPTION = """\
glassnet: neural networks from scratch on NumPy.
Train them, compare them with logistic regression and look inside."""

_EXAMPLES = """\
examples, one per command:
  glassnet demo --out flower-demo
  glassnet train --csv data.csv --target species --layers 40,20 --optimizer adam
  glassnet conv photo.png --filter emboss --out conv
  glassnet predict glassnet-train/model.glassnet --csv new.csv --out predictions.csv
  glassnet export flower.glassnet --to onnx
  glassnet playground --port 8765

Run 'glassnet <command> --help' for the options and more examples of a command.
"""


class _Parser(argparse.ArgumentParser):
    """ArgumentParser whose errors become :class:`UsageError` (one line, exit code 2)."""

    def error(self, message: str):
        hint = f" (see '{self.prog} --help')"
        raise UsageError(suggest_choice(message) + hint)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``glassnet`` and its sub-commands."""
    from glassnet import __version__
    from glassnet.cli import conv, demo, train

    parser = _Parser(
        prog=PROG,
        description=_DESCRIPTION,
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"glassnet {__version__}")
    sub = parser.add_subparsers(dest="command", title="commands", metavar="<command>",
                                parser_class=_Parser)
    demo.add_parser(sub)
    train.add_parser(sub)
    conv.add_parser(sub)
    from glassnet.cli import export, predict

    export.add_parser(sub)
    predict.add_parser(sub)
    from glassnet.cli import playground

    playground.add_parser(sub)
    return parser


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that Python's exit flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``glassnet`` command line and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; default ``sys.argv[1:]``.

    Returns
    -------
    int
        0 on success, 1 for a runtime error (bad data file, diverging training), 2 for a bad
        command line, 130 when interrupted.
    """
    from glassnet.errors import DivergenceError

    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        try:
            args = parser.parse_args(args_list)
        except SystemExit as exc:          # --help and --version exit through argparse
            return exc.code if isinstance(exc.code, int) else 0
        if args.command is None:
            parser.print_help()
            return 0
        return int(args.run(args) or 0)
    except BrokenPipeError:                # e.g. `glassnet demo | head`: stop quietly
        _silence_stdout()
        return 1
    except UsageError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except (CLIError, DivergenceError, ValueError, TypeError, OSError) as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


__all__ = ["main", "build_parser"]
