"""``glassnet playground``: the live playground in your browser.

Starts :class:`glassnet.playground.server.PlaygroundServer` (Python's standard library only) on
127.0.0.1, opens the page in the default browser and serves until Ctrl-C, which closes every
session's training thread and the socket before returning.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from glassnet.cli._common import CLIError

EXAMPLE = """\
examples:
  glassnet playground
  glassnet playground --port 9000 --no-browser
"""


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number 0..65535, got {text!r}") \
            from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number 0..65535, got {value}")
    return value


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Register ``playground`` on the sub-command parsers ``sub``."""
    p = sub.add_parser(
        "playground", help="watch a network learn, live in your browser",
        description="Start the glassnet playground, a local web page where a real glassnet "
                    "network trains live: data sets, features, layers, optimizers, the output "
                    "and every neuron's heatmap, the math of one step, export of the model.",
        epilog=EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--port", type=_port, default=8765,
                   help="port to listen on (default: 8765; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default: 127.0.0.1, this machine only)")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.set_defaults(run=run)
    return p


def run(args: argparse.Namespace) -> int:
    """Serve the playground until Ctrl-C."""
    from glassnet.playground.server import PlaygroundServer, is_loopback

    if not is_loopback(args.host):
        print(f"glassnet playground: warning: listening on {args.host}, not on loopback: "
              f"anyone who can reach this address can use the playground (and its CPU)",
              file=sys.stderr, flush=True)
    try:
        server = PlaygroundServer(args.host, args.port)
    except OSError as exc:
        raise CLIError(f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}"
                       f"{' (try --port 0)' if args.port else ''}") from None
    try:
        print(f"glassnet playground at {server.url}  (Ctrl-C to stop)", flush=True)
        if not args.no_browser:
            import webbrowser

            threading.Thread(target=webbrowser.open, args=(server.url,), daemon=True).start()
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("glassnet playground: stopped", file=sys.stderr, flush=True)
    finally:
        server.close_sessions()
        server.server_close()
    return 0
