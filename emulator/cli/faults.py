"""``vodfc faults``: add, list, switch off and on, remove and clear fault rules of a running emulator
(``/_vodfc/faults``; the dashboard's switches are the same PATCH)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from vodfc.emulator.cli.options import add_url_option, unreachable

KINDS = ("throttle", "error", "latency", "drop", "qps", "duplicate-event", "reorder-event", "drop-event")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "faults",
        help="inject faults into a running emulator",
        description="Throttling, 5xx errors, latency, dropped connections, QPS caps per action and video, "
        "and duplicated or reordered event delivery. Rules are gone after a reset.",
    )
    sub = parser.add_subparsers(dest="faults_command", metavar="SUBCOMMAND")

    add = sub.add_parser("add", help="add a rule", description="Add a fault rule; prints it as JSON.")
    add.add_argument("kind", choices=KINDS)
    add.add_argument("--action", help="VOD action it applies to (default: every action)")
    add.add_argument("--video-id", help="media id it applies to (VideoId(s), ImageId(s), MediaId(s))")
    add.add_argument("--event-type", help="event type (duplicate-event / reorder-event)")
    add.add_argument("--times", type=int, help="fire this many times, then let calls succeed")
    add.add_argument("--after", type=int, default=0, help="let the first N matching calls through")
    add.add_argument("--code", help="error code (error kind; default InternalError)")
    add.add_argument("--status", type=int, help="HTTP status of the error")
    add.add_argument("--message", help="error message")
    add.add_argument("--retry-after", type=int, help="x-acs-retry-after in ms (0 = leave the header out)")
    add.add_argument("--latency", type=float, help="seconds to add (latency kind)")
    add.add_argument("--qps", type=float, help="calls per second allowed (qps kind)")
    add.add_argument("--burst", type=float, help="bucket size (qps kind; default max(1, qps))")
    add.add_argument("--probability", type=float, help="fire on this share of matching calls (0..1)")
    add.add_argument("--seed", type=int, help="seed of the probability draws (repeatable runs)")
    _url(add)
    add.set_defaults(func=run_add)

    listing = sub.add_parser("list", help="list the rules with their match and fire counts")
    _url(listing)
    listing.set_defaults(func=run_list)

    for name, enabled in (("disable", False), ("enable", True)):
        switch = sub.add_parser(
            name, help=f"switch one rule {'on' if enabled else 'off'} by id (it keeps its counts)"
        )
        switch.add_argument("rule_id")
        _url(switch)
        switch.set_defaults(func=run_switch, enabled=enabled)

    remove = sub.add_parser("remove", help="remove one rule by id")
    remove.add_argument("rule_id")
    _url(remove)
    remove.set_defaults(func=run_remove)

    clear = sub.add_parser("clear", help="remove every rule")
    _url(clear)
    clear.set_defaults(func=run_clear)

    parser.set_defaults(func=lambda args: (parser.print_help(), 2)[1])


def _url(parser: argparse.ArgumentParser) -> None:
    add_url_option(parser)


def _request(args: argparse.Namespace, method: str, path: str, body: Any = None) -> tuple[int, Any]:
    from vodfc.emulator.events.cli import admin_request

    return admin_request(args.url.rstrip("/") + "/_vodfc/faults" + path, method, body)


def _done(status: int, answer: Any) -> int:
    if status >= 400:
        print(f"vodfc faults: {answer.get('message') or answer.get('error')}", file=sys.stderr)
        return 1
    print(json.dumps(answer, indent=2, sort_keys=True))
    return 0


def _call(args: argparse.Namespace, method: str, path: str, body: Any = None) -> int:
    try:
        status, answer = _request(args, method, path, body)
    except OSError as error:
        print(unreachable("faults", args.url, error), file=sys.stderr)
        return 1
    return _done(status, answer)


def run_add(args: argparse.Namespace) -> int:
    names = {
        "action": "action",
        "video_id": "video_id",
        "event_type": "event_type",
        "times": "times",
        "code": "code",
        "status": "status",
        "message": "message",
        "retry_after": "retry_after_ms",
        "latency": "latency",
        "qps": "qps",
        "burst": "burst",
        "probability": "probability",
        "seed": "seed",
    }
    rule: dict[str, Any] = {"kind": args.kind}
    if args.after:
        rule["after"] = args.after
    for option, field in names.items():
        value = getattr(args, option)
        if value is not None:
            rule[field] = value
    if rule.get("retry_after_ms") == 0:
        rule["retry_after_ms"] = None
    return _call(args, "POST", "", rule)


def run_list(args: argparse.Namespace) -> int:
    return _call(args, "GET", "")


def run_switch(args: argparse.Namespace) -> int:
    return _call(args, "PATCH", f"/{args.rule_id}", {"enabled": args.enabled})


def run_remove(args: argparse.Namespace) -> int:
    return _call(args, "DELETE", f"/{args.rule_id}")


def run_clear(args: argparse.Namespace) -> int:
    return _call(args, "DELETE", "")
