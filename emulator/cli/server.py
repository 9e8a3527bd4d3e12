"""``vodfc emulator``: serve the emulator over HTTP (waitress), loopback by default."""

from __future__ import annotations

import argparse
from typing import Any

from vodfc.emulator.config import DEFAULT_HOST, DEFAULT_PORT, EmulatorConfig


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "emulator",
        help="run the VOD + FC emulator as an HTTP server",
        description="Serve the VOD API, the FC API and OSS on one port. State is in memory unless "
        "--data-dir is given.",
    )
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"interface to bind (default {DEFAULT_HOST})")
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
    )
    parser.add_argument("--data-dir", default=None, help="keep state in DIR/vodfc.sqlite3 across restarts")
    parser.add_argument("--region", default=None, help="default region (default cn-shanghai)")
    parser.add_argument("--no-seed", action="store_true", help="start empty instead of with the demo library")
    parser.add_argument(
        "--no-verify-signatures", action="store_true", help="accept requests without checking signatures"
    )
    parser.set_defaults(func=run)


def config_from_args(args: argparse.Namespace) -> EmulatorConfig:
    overrides: dict[str, object] = {"seed": not args.no_seed}
    if args.region:
        overrides["region"] = args.region
    if args.data_dir:
        overrides["data_dir"] = args.data_dir
    if args.no_verify_signatures:
        overrides["verify_signatures"] = False
    return EmulatorConfig.from_env(None, **overrides)


def run(args: argparse.Namespace) -> int:
    from vodfc.emulator.app import create_app
    from vodfc.emulator.server import serve_forever

    app = create_app(config_from_args(args))
    try:
        serve_forever(app, args.host, args.port)
    except KeyboardInterrupt:
        pass
    return 0
