"""``vodfc emulator``: serve the emulator over HTTP (waitress), loopback by default."""

from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

from vodfc.emulator.cli.options import (
    add_allow_host,
    add_explain_errors,
    add_listen_options,
    listen_error,
    with_allowed_hosts,
    with_explain_errors,
)
from vodfc.emulator.config import EmulatorConfig


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "emulator",
        help="run the VOD + FC emulator as an HTTP server",
        description="Serve the VOD API, the FC API and OSS on one port. State is in memory unless "
        "--data-dir is given.",
    )
    add_listen_options(parser)
    parser.add_argument("--data-dir", default=None, help="keep state in DIR/vodfc.sqlite3 across restarts")
    parser.add_argument("--region", default=None, help="default region (default cn-shanghai)")
    parser.add_argument("--no-seed", action="store_true", help="start empty instead of with the demo library")
    parser.add_argument(
        "--no-verify-signatures", action="store_true", help="accept requests without checking signatures"
    )
    add_explain_errors(parser)
    add_allow_host(parser)
    parser.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    """The configuration a server command (``vodfc emulator``, ``vodfc up``) serves: the ``VODFC_*``
    variables, then its flags (``up`` has no ``--no-verify-signatures``)."""
    overrides: dict[str, object] = {"seed": not args.no_seed}
    if args.region:
        overrides["region"] = args.region
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    if getattr(args, "no_verify_signatures", False):
        overrides["verify_signatures"] = False
    return with_explain_errors(with_allowed_hosts(EmulatorConfig.from_env(None, **overrides), args), args)


def stop_on_signals() -> None:
    """Ctrl-C and SIGTERM both stop the server cleanly (a shell starting us in the background ignores
    SIGINT for us, and process managers send SIGTERM)."""
    import signal

    first: list[float] = []

    def stop(signum: int, frame: Any) -> None:
        if not first:
            first.append(time.monotonic())
            raise KeyboardInterrupt
        # Another signal while stopping. Within a second it is the same request again (`timeout` signals
        # the child and then its whole process group): ignore it. Later, the user insists: stop now.
        if time.monotonic() - first[0] >= 1.0:
            print("stopping now (signal received again)", file=sys.stderr, flush=True)
            os._exit(128 + signum)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)


def run(args: argparse.Namespace) -> int:
    from vodfc.emulator.app import create_app
    from vodfc.emulator.server import serve_forever

    app = create_app(config_from_args(args))
    stop_on_signals()
    try:
        serve_forever(app, args.host, args.port)
    except KeyboardInterrupt:
        pass
    except OSError as exc:  # the port is taken, the address is not this machine's ...
        print(listen_error("emulator", args.host, args.port, exc), file=sys.stderr)
        return 1
    return 0
