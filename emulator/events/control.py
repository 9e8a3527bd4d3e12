"""The events part of the control plane: ``/_vodfc/events``.

| request | effect |
|---|---|
| ``GET /_vodfc/events[?type=&account=&VideoId=...]`` | the emitted events with their delivery status |
| ``POST /_vodfc/events`` (an event JSON object) | emit it (``?account=``, ``?callback_url=``) |
| ``POST /_vodfc/events/flush`` | release held events, wait for background delivery |
| ``GET/POST/DELETE /_vodfc/events/config`` | an account's message callback (VOD wire names) |
| ``GET /_vodfc/events/queues`` | the MNS queues and their sizes |
| ``POST /_vodfc/events/queues/<name>/receive`` | receive one message (204 when empty) |
| ``DELETE /_vodfc/events/queues/<name>/messages/<receipt>`` | delete a received message |
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from vodfc.emulator.events.bus import EventBus
from vodfc.emulator.events.config import WIRE_FIELDS, CallbackConfig
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.views import ComponentViews

views: ComponentViews[EventBus] = ComponentViews()

_RESERVED = {"type", "account", "limit"}


def _args() -> dict[str, Any]:
    values: dict[str, Any] = dict(request.args.items())
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        values.update(body)
    return values


def _bad(message: str) -> tuple[Response, int]:
    return jsonify(error="InvalidParameter", message=message), 400


@views.get("")
def list_events(bus: EventBus) -> Any:
    args = dict(request.args.items())
    records = bus.log
    if args.get("type"):
        records = [record for record in records if record.event_type == args["type"]]
    if args.get("account"):
        records = [record for record in records if record.account_id == args["account"]]
    match = {key: value for key, value in args.items() if key not in _RESERVED}
    records = [r for r in records if all(str(r.event.get(k)) == v for k, v in match.items())]
    if args.get("limit"):
        try:
            records = records[-int(args["limit"]) :]
        except ValueError:
            return _bad("limit must be an integer")
    return jsonify(events=[record.as_json() for record in records])


@views.post("")
def emit_event(bus: EventBus) -> Any:
    event = request.get_json(silent=True)
    if not isinstance(event, dict) or not event.get("EventType"):
        return _bad("the body must be a JSON object with an EventType")
    record = bus.emit(
        event,
        account_id=request.args.get("account") or None,
        callback_url=request.args.get("callback_url") or None,
    )
    return jsonify(record.as_json())


@views.post("/flush")
def flush(bus: EventBus) -> Any:
    try:
        timeout = float(_args().get("timeout", 10))
    except (TypeError, ValueError):
        return _bad("timeout must be a number")
    return jsonify(idle=bus.flush(timeout))


@views.get("/config")
def get_config(bus: EventBus) -> Any:
    return jsonify(
        delivery=bus.delivery,
        mns_base64=bus.mns_base64,
        configs=[{"account": account, **config.as_vod_dict()} for account, config in bus.configs()],
    )


@views.post("/config")
def set_config(bus: EventBus) -> Any:
    args = _args()
    if "delivery" in args:
        try:
            bus.set_delivery(str(args["delivery"]))
        except ValueError as error:
            return _bad(str(error))
    if "mns_base64" in args:
        bus.mns_base64 = str(args["mns_base64"]).lower() not in {"0", "false", "no", "off"}
    if any(wire in args for wire in WIRE_FIELDS):
        account = str(args.get("account") or bus.default_account_id)
        base = bus.callback_config(account, args.get("AppId")) or CallbackConfig()
        config = bus.configure(account, CallbackConfig.from_vod(args, base))
        return jsonify(account=account, **config.as_vod_dict())
    return get_config(bus)


@views.delete("/config")
def delete_config(bus: EventBus) -> Any:
    args = _args()
    deleted = bus.delete_config(args.get("account") or None, args.get("AppId") or None)
    return jsonify(deleted=deleted)


@views.get("/queues")
def list_queues(bus: EventBus) -> Any:
    return jsonify(
        queues=[
            {"account": account, "name": name, "messages": len(bus.mns.queue(account, name))}
            for account, name in bus.mns.names()
        ]
    )


@views.post("/queues/<name>/receive")
def receive(bus: EventBus, name: str) -> Any:
    args = _args()
    try:
        visibility = float(args.get("VisibilityTimeout", 30))
    except (TypeError, ValueError):
        return _bad("VisibilityTimeout must be a number")
    message = bus.mns.queue(str(args.get("account") or bus.default_account_id), name).receive(visibility)
    if message is None:
        return Response(status=204)
    return jsonify(message.as_json())


@views.delete("/queues/<name>/messages/<receipt>")
def delete_message(bus: EventBus, name: str, receipt: str) -> Any:
    account = request.args.get("account") or bus.default_account_id
    if not bus.mns.queue(account, name).delete(receipt):
        return jsonify(error="ReceiptHandleError", message="The receipt handle is not valid."), 404
    return Response(status=204)


def blueprint(bus: EventBus) -> Blueprint:
    return views.blueprint(bus, "vodfc_events", __name__, url_prefix=f"{CONTROL_PREFIX}/events")
