"""``/_vodfc/lifecycle``: timing, outcomes, the scheduler and what happened to each video.

| request | effect |
|---|---|
| ``GET /_vodfc/lifecycle`` | timing, delays, outcomes, pending steps, jobs |
| ``POST /_vodfc/lifecycle/timing`` | ``{"timing": "manual", "delays": {"per_stream": 5}}`` |
| ``POST /_vodfc/lifecycle/outcomes`` | ``{"video_id": "v", "failed_definitions": ["HD"]}`` (no id: default) |
| ``POST /_vodfc/lifecycle/advance`` | ``{"seconds": 10}``: move the scheduler clock, run what is due |
| ``POST /_vodfc/lifecycle/run`` | run every scheduled step now |
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from flask import Blueprint, current_app, jsonify, request
from vodfc.emulator.gateway import CONTROL_PREFIX
from vodfc.emulator.lifecycle.machine import Delays, Outcome

bp = Blueprint("vodfc_lifecycle", __name__, url_prefix=f"{CONTROL_PREFIX}/lifecycle")


def _lifecycle() -> Any:
    from vodfc.emulator.lifecycle import get_lifecycle

    return get_lifecycle(current_app)


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _bad(message: str) -> Any:
    return jsonify(error="InvalidParameter", message=message), 400


def _overview() -> Any:
    lc = _lifecycle()
    return jsonify(
        timing=lc.scheduler.timing,
        now=lc.scheduler.now().isoformat(),
        delays={f.name: getattr(lc.delays, f.name) for f in fields(Delays)},
        default_outcome=lc.default_outcome.as_json(),
        template_groups={
            name: [{"Definition": s.definition, "Format": s.format} for s in specs]
            for name, specs in lc.template_groups.items()
        },
        pending=[{"due": due.isoformat(), "step": label} for due, label in lc.scheduler.pending],
        jobs=[job.as_json() for job in lc.jobs],
    )


@bp.get("")
def overview() -> Any:
    return _overview()


@bp.post("/timing")
def set_timing() -> Any:
    body = _body()
    lc = _lifecycle()
    delays = body.get("delays") or {}
    known = {f.name for f in fields(Delays)}
    if not isinstance(delays, dict) or set(delays) - known:
        return _bad(f"delays may set {', '.join(sorted(known))}")
    try:
        lc.delays = replace(lc.delays, **{name: float(value) for name, value in delays.items()})
        if "timing" in body:
            lc.scheduler.set_timing(str(body["timing"]))
    except (TypeError, ValueError) as error:
        return _bad(str(error))
    return _overview()


@bp.post("/outcomes")
def set_outcome() -> Any:
    body = dict(_body())
    video_id = body.pop("video_id", None)
    known = {f.name for f in fields(Outcome)}
    unknown = set(body) - known
    if unknown:
        return _bad(f"unknown outcome field(s): {', '.join(sorted(unknown))}")
    try:
        outcome = _lifecycle().set_outcome(video_id, **body)
    except (TypeError, ValueError) as error:
        return _bad(str(error))
    return jsonify(video_id=video_id, **outcome.as_json())


@bp.post("/advance")
def advance() -> Any:
    try:
        seconds = float(_body().get("seconds", 0))
    except (TypeError, ValueError):
        return _bad("seconds must be a number")
    return jsonify(ran=_lifecycle().scheduler.advance(seconds))


@bp.post("/run")
def run_all() -> Any:
    return jsonify(ran=_lifecycle().scheduler.run_all())
