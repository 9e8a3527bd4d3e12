"""``vodfc events generate``: print a realistic VOD event, in the envelope a function receives it in.

The payload comes from ``vodfc.emulator.events.payloads`` — the builders the emulator's producers use — and
the envelope from ``vodfc.emulator.events.wire``, which the event bus and the FC runtime use too, so what
this prints is byte-for-byte what the emulator delivers (no drift between a generator and the service, the
complaint users have about other tools' event generators). Pipe it into ``vodfc invoke``::

    vodfc events generate FileUploadComplete --video-id abc --envelope mns-json | vodfc invoke VodEvents -e -
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import datetime, timezone
from typing import Any

from vodfc.emulator.cli.options import add_url_option, unreachable

ENVELOPES = ("raw", "callback", "mns-topic", "mns-json", "eventbridge", "timer")


def register(subparsers: Any) -> None:
    from vodfc.emulator.events.payloads import EVENT_TYPES
    from vodfc.emulator.events.wire import VOD_EVENTS_TOPIC

    parser = subparsers.add_parser(
        "events",
        help="generate, emit and inspect VOD events",
        description="Generate VOD event notifications exactly as VOD sends them, wrapped the way FC hands "
        "them to a function.",
    )
    sub = parser.add_subparsers(dest="events_command", metavar="SUBCOMMAND")
    gen = sub.add_parser(
        "generate",
        help="print one event",
        description="Print one VOD event. Envelopes: raw (the callback body / MNS message itself), callback "
        "(VOD's HTTP POST: url, headers incl. X-VOD-SIGNATURE, body), mns-topic (MNS topic trigger, STREAM), "
        "mns-json (MNS topic trigger, JSON notification), eventbridge (MNS queue trigger, CloudEvents), "
        "timer (a Timer trigger event; TYPE is ignored).",
    )
    gen.add_argument("type", metavar="TYPE", choices=(*EVENT_TYPES, "Timer"), help=", ".join(EVENT_TYPES))
    gen.add_argument("--envelope", choices=ENVELOPES, default="raw", help="how the function receives it")
    gen.add_argument("--video-id", help="VideoId / MediaId (default: a random 32-hex id)")
    gen.add_argument("--image-id", help="ImageId for ImageUploadComplete")
    gen.add_argument(
        "--failed", default="", help="TranscodeComplete: comma list of definitions that failed (e.g. FD)"
    )
    gen.add_argument("--extend", help="UserData.Extend to pass through (a string, or JSON)")
    gen.add_argument("--time", help="event time, e.g. 2026-01-01T00:00:00Z (default now)")
    gen.add_argument("--seed", type=int, help="make generated ids deterministic")
    gen.add_argument("--callback-url", default="http://127.0.0.1:9000/callback", help="callback envelope URL")
    gen.add_argument("--auth-key", help="callback envelope: sign with this AuthKey")
    gen.add_argument(
        "--timestamp", type=int, help="callback envelope: X-VOD-TIMESTAMP (default: the event time)"
    )
    gen.add_argument("--base64", action="store_true", help="eventbridge envelope: Base64 message body")
    gen.add_argument("--topic", default=VOD_EVENTS_TOPIC, help="MNS topic / queue name")
    gen.add_argument("--account", help="mns-json and eventbridge envelopes: the account id")
    gen.add_argument(
        "--trigger",
        help="mns-json envelope: the MNSTopic trigger (its subscription is fc-NAME; default vod-events); "
        "timer envelope: the Timer trigger's name (default timer)",
    )
    gen.add_argument("--payload", default="", help="timer envelope: the trigger's Payload string")
    gen.add_argument("--pretty", action="store_true", help="indent the JSON (changes the bytes)")
    gen.set_defaults(func=generate)

    emit = sub.add_parser(
        "emit",
        help="emit one event on a running emulator",
        description="Build an event like `generate` does and emit it on a running emulator's event bus "
        "(POST /_vodfc/events): it goes to the configured callback/MNS queue and to every function whose "
        "MNSTopic trigger matches. Prints the bus record.",
    )
    emit.add_argument("type", metavar="TYPE", choices=EVENT_TYPES, help=", ".join(EVENT_TYPES))
    add_url_option(emit)
    emit.add_argument("--video-id", help="VideoId / MediaId (default: a random 32-hex id)")
    emit.add_argument("--image-id", help="ImageId for ImageUploadComplete")
    emit.add_argument("--failed", default="", help="TranscodeComplete: definitions that failed")
    emit.add_argument("--extend", help="UserData.Extend to pass through")
    emit.add_argument("--time", help="event time (default now)")
    emit.add_argument("--seed", type=int, help="make generated ids deterministic")
    emit.add_argument("--account", help="account id (default: the emulator's default account)")
    emit.set_defaults(func=emit_event, envelope="raw")

    from vodfc.emulator.events.cli import add_commands

    add_commands(sub)  # log, callback, receive, flush: the event bus of a running emulator
    parser.set_defaults(func=lambda args: parser.print_help() or 2)


def build(args: argparse.Namespace) -> Any:
    """The object ``generate`` prints, for tests and other callers."""
    from vodfc.emulator.config import DEFAULT_ACCOUNT_ID
    from vodfc.emulator.events import payloads as p
    from vodfc.emulator.events import wire
    from vodfc.emulator.fc.template import Trigger
    from vodfc.emulator.project.fc2 import EVENTS_TRIGGER

    now = _time(args.time)
    rng = random.Random(args.seed) if args.seed is not None else None
    envelope = "timer" if args.type == "Timer" else args.envelope
    # Without --trigger: the MNSTopic trigger template.yml gives every event function, a plain timer.
    trigger = getattr(args, "trigger", None) or ("timer" if envelope == "timer" else EVENTS_TRIGGER)
    account = getattr(args, "account", None) or DEFAULT_ACCOUNT_ID
    if envelope == "timer":
        return json.loads(wire.timer_event(Trigger(trigger, "Timer", {"Payload": args.payload}), now))
    event = p.example(args.type, video_id=args.video_id, image_id=args.image_id, now=now, rng=rng)
    failed = [d.strip().upper() for d in args.failed.split(",") if d.strip()]
    if failed and args.type == p.TRANSCODE_COMPLETE:
        definitions = ("SD", "FD", "LD")
        streams = p.example_streams(
            event["VideoId"], definitions=definitions, finished=now, failed=failed, rng=rng
        )
        event = p.transcode_complete(event["VideoId"], streams)
    if args.extend is not None:
        try:
            extend: Any = json.loads(args.extend)
        except ValueError:
            extend = args.extend
        event["Extend"] = extend if isinstance(extend, str) else json.dumps(extend, separators=(",", ":"))
    if envelope in ("raw", "mns-topic"):
        return event
    if envelope == "callback":
        timestamp = args.timestamp if args.timestamp is not None else int(now.timestamp())
        return wire.callback_request(event, args.callback_url, timestamp=timestamp, auth_key=args.auth_key)
    if envelope == "mns-json":
        publish_time_ms = int(now.timestamp() * 1000)
        return wire.mns_topic_json(
            event, trigger=trigger, topic=args.topic, account=account, publish_time_ms=publish_time_ms
        )
    return wire.eventbridge_mns(event, queue=args.topic, account=account, base64_body=args.base64, time=now)


def generate(args: argparse.Namespace) -> int:
    from vodfc.emulator.events.wire import encode

    try:
        value = build(args)
    except ValueError as exc:
        print(f"vodfc events generate: {exc}", file=sys.stderr)
        return 2
    if args.pretty:
        text = json.dumps(value, indent=2, ensure_ascii=False)
    else:
        text = encode(value).decode("utf-8")  # VOD's exact body, or the envelope as FC hands it over
    sys.stdout.write(text + "\n")
    return 0


def emit_event(args: argparse.Namespace) -> int:
    import urllib.error
    import urllib.parse
    import urllib.request

    from vodfc.emulator.admintoken import auth_headers, find_token
    from vodfc.emulator.events.wire import encode

    try:
        event = build(args)
    except ValueError as exc:
        print(f"vodfc events emit: {exc}", file=sys.stderr)
        return 2
    query = f"?{urllib.parse.urlencode({'account': args.account})}" if args.account else ""
    token = find_token(args.url)
    request = urllib.request.Request(
        f"{args.url.rstrip('/')}/_vodfc/events{query}",
        data=encode(event),
        headers={"Content-Type": "application/json", **(auth_headers(token) if token else {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            sys.stdout.write(response.read().decode("utf-8") + "\n")
    except urllib.error.HTTPError as exc:
        print(f"vodfc events emit: {exc.code} {exc.read().decode('utf-8', 'replace')}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(unreachable("events emit", args.url, exc), file=sys.stderr)
        return 1
    return 0


def _time(value: str | None) -> datetime:
    if not value:
        return datetime.now(timezone.utc)
    from vodfc.shared.validation import parse_time

    parsed = parse_time(value)
    if parsed is None:
        raise SystemExit(f"vodfc events generate: --time {value!r} is not like 2026-01-01T00:00:00Z")
    return parsed
