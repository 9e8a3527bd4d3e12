"""Event-bus subcommands for the ``vodfc events`` group, against a running emulator (``/_vodfc/events``).

``add_commands(sub)`` adds them to the group's subparsers (``emulator/cli/events.py`` calls it):

* ``vodfc events log [--type T] [--video-id V] [--limit N]`` — emitted events with delivery status;
* ``vodfc events callback [--callback-url U] [--auth-key K] [--auth-switch on|off] [--event-types L]
  [--callback-type HTTP|MNS] [--mns-queue Q] [--delivery sync|background|auto]`` — show or set the
  message callback (VOD's SetMessageCallback fields);
* ``vodfc events receive QUEUE [--delete]`` — one message from an MNS-style queue;
* ``vodfc events flush`` — wait for background delivery.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from vodfc.emulator.admintoken import auth_headers, find_token
from vodfc.emulator.cli.options import add_url_option, unreachable


def add_commands(sub: Any) -> None:
    log = sub.add_parser("log", help="list the events the emulator emitted, with delivery status")
    log.add_argument("--type", help="only this EventType")
    log.add_argument("--video-id", help="only events of this VideoId")
    log.add_argument("--limit", type=int, help="only the last N")
    log.add_argument("--json", action="store_true", help="the full records as JSON")
    _url(log)
    log.set_defaults(func=run_log)

    callback = sub.add_parser("callback", help="show or set the account's message callback")
    callback.add_argument("--callback-url", help="CallbackURL")
    callback.add_argument("--callback-type", choices=("HTTP", "MNS"), help="CallbackType")
    callback.add_argument("--auth-key", help="AuthKey (signs X-VOD-SIGNATURE)")
    callback.add_argument("--auth-switch", choices=("on", "off"), help="AuthSwitch")
    callback.add_argument("--event-types", help="EventTypeList: ALL, or a comma list")
    callback.add_argument("--mns-queue", help="MnsQueueName")
    callback.add_argument("--account", help="account id (default: the default account)")
    callback.add_argument("--delivery", choices=("auto", "sync", "background"), help="delivery mode")
    _url(callback)
    callback.set_defaults(func=run_callback)

    receive = sub.add_parser("receive", help="receive one message from an MNS-style queue")
    receive.add_argument("queue")
    receive.add_argument("--delete", action="store_true", help="delete it after printing")
    _url(receive)
    receive.set_defaults(func=run_receive)

    flush = sub.add_parser("flush", help="wait until background delivery is idle")
    _url(flush)
    flush.set_defaults(func=run_flush)


def _url(parser: argparse.ArgumentParser) -> None:
    add_url_option(parser)


def admin_request(url: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    """One JSON call to the control plane: (status, decoded body); raises OSError when unreachable.
    The admin token goes along (``VODFC_ADMIN_TOKEN`` or the file the server wrote for its port)."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"}
    token = find_token(url)
    if token:
        headers.update(auth_headers(token))
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=30) as response:
            text = response.read()
            return int(response.status), json.loads(text) if text else None
    except urllib.error.HTTPError as error:
        with error:
            try:
                return int(error.code), json.loads(error.read() or b"null")
            except ValueError:
                return int(error.code), {"error": str(error.reason)}


def _call(
    args: argparse.Namespace, path: str, method: str = "GET", body: Any = None
) -> tuple[int, Any] | None:
    try:
        return admin_request(args.url.rstrip("/") + "/_vodfc/events" + path, method, body)
    except OSError as error:
        print(unreachable("events", args.url, error), file=sys.stderr)
        return None


def _fail(answer: Any) -> int:
    message = answer.get("message") or answer.get("error") if isinstance(answer, dict) else answer
    print(f"vodfc events: {message}", file=sys.stderr)
    return 1


def run_log(args: argparse.Namespace) -> int:
    query = {"type": args.type, "VideoId": args.video_id, "limit": args.limit}
    encoded = urllib.parse.urlencode({k: v for k, v in query.items() if v is not None})
    result = _call(args, f"?{encoded}" if encoded else "")
    if result is None:
        return 1
    status, answer = result
    if status >= 400:
        return _fail(answer)
    if args.json:
        print(json.dumps(answer["events"], indent=2))
        return 0
    for record in answer["events"]:
        event = record["event"]
        media = event.get("VideoId") or event.get("MediaId") or event.get("ImageId") or "-"
        tries = len(record["attempts"])
        print(
            f"{record['seq']:>4}  {event.get('EventTime', '-'):<24} {record['event_type']:<26} {media:<34} "
            f"{event.get('Status', '-'):<8} {record['status']}"
            + (f" ({tries} attempts)" if tries > 1 else "")
        )
    return 0


def run_callback(args: argparse.Namespace) -> int:
    fields = {
        "CallbackURL": args.callback_url,
        "CallbackType": args.callback_type,
        "AuthKey": args.auth_key,
        "AuthSwitch": args.auth_switch,
        "EventTypeList": args.event_types,
        "MnsQueueName": args.mns_queue,
        "account": args.account,
        "delivery": args.delivery,
    }
    body = {name: value for name, value in fields.items() if value is not None}
    result = _call(args, "/config", "POST" if body else "GET", body or None)
    if result is None:
        return 1
    status, answer = result
    if status >= 400:
        return _fail(answer)
    print(json.dumps(answer, indent=2, sort_keys=True))
    return 0


def run_receive(args: argparse.Namespace) -> int:
    queue = urllib.parse.quote(args.queue, safe="")
    result = _call(args, f"/queues/{queue}/receive", "POST", {})
    if result is None:
        return 1
    status, answer = result
    if status == 204:
        print("vodfc events: the queue is empty", file=sys.stderr)
        return 1
    if status >= 400:
        return _fail(answer)
    print(json.dumps(answer, indent=2, sort_keys=True))
    if args.delete:
        receipt = urllib.parse.quote(answer["ReceiptHandle"], safe="")
        deleted = _call(args, f"/queues/{queue}/messages/{receipt}", "DELETE")
        if deleted is None or deleted[0] >= 400:
            return 1
    return 0


def run_flush(args: argparse.Namespace) -> int:
    result = _call(args, "/flush", "POST", {})
    if result is None:
        return 1
    status, answer = result
    if status >= 400 or not answer.get("idle"):
        print("vodfc events: delivery did not finish in time", file=sys.stderr)
        return 1
    return 0
