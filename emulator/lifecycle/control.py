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

from flask import Blueprint, jsonify, request
from vodfc.emulator.lifecycle.machine import Delays, Lifecycle, Outcome
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.views import ComponentViews

views: ComponentViews[Lifecycle] = ComponentViews()


def _body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


def _bad(message: str) -> Any:
    return jsonify(error="InvalidParameter", message=message), 400


def _overview(lc: Lifecycle) -> Any:
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


@views.get("")
def overview(lc: Lifecycle) -> Any:
    return _overview(lc)


@views.post("/timing")
def set_timing(lc: Lifecycle) -> Any:
    body = _body()
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
    return _overview(lc)


@views.post("/outcomes")
def set_outcome(lc: Lifecycle) -> Any:
    body = dict(_body())
    video_id = body.pop("video_id", None)
    known = {f.name for f in fields(Outcome)}
    unknown = set(body) - known
    if unknown:
        return _bad(f"unknown outcome field(s): {', '.join(sorted(unknown))}")
    try:
        outcome = lc.set_outcome(video_id, **body)
    except (TypeError, ValueError) as error:
        return _bad(str(error))
    return jsonify(video_id=video_id, **outcome.as_json())


@views.post("/advance")
def advance(lc: Lifecycle) -> Any:
    try:
        seconds = float(_body().get("seconds", 0))
    except (TypeError, ValueError):
        return _bad("seconds must be a number")
    return jsonify(ran=lc.scheduler.advance(seconds))


@views.post("/run")
def run_all(lc: Lifecycle) -> Any:
    return jsonify(ran=lc.scheduler.run_all())


def blueprint(lifecycle: Lifecycle) -> Blueprint:
    return views.blueprint(lifecycle, "vodfc_lifecycle", __name__, url_prefix=f"{CONTROL_PREFIX}/lifecycle")
