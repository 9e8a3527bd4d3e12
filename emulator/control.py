"""The control plane under ``/_vodfc/``: health, reset, seed, state, STS tokens, quarantined records.

Not part of VOD: these paths exist so tests and tools can drive a running emulator over HTTP the
way they drive an in-process one through ``vodfc.emulator.app.get_state(app)``. Answers are plain JSON,
errors included (``control_error``, also used for every other ``/_vodfc/`` path's failures).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from flask import Blueprint, jsonify, request
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.policy import Policy, PolicyError
from vodfc.emulator.state import EmulatorState
from werkzeug.exceptions import HTTPException

PREFIX = CONTROL_PREFIX

log = logging.getLogger("vodfc.control")


def _args() -> dict[str, Any]:
    """Query parameters merged with a JSON object body, if any."""
    values: dict[str, Any] = dict(request.args.items())
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        values.update(body)
    return values


def control_error(error: Exception) -> Any:
    if isinstance(error, HTTPException):
        return jsonify(error=error.name, message=error.description), error.code
    log.error("control plane failure on %s", request.path, exc_info=error)
    return jsonify(error="InternalError", message=f"{type(error).__name__}: {error}"), 500


def blueprint(state: EmulatorState, components: Sequence[str]) -> Blueprint:
    """The control plane of the emulator whose state is ``state`` and whose components are ``components``."""
    bp = Blueprint("vodfc_control", __name__, url_prefix=PREFIX)

    @bp.get("/health")
    def health() -> Any:
        quarantined = state.store.quarantined()
        return jsonify(
            # degraded: the store holds records it could not read (GET /_vodfc/quarantine lists them)
            status="degraded" if quarantined else "ok",
            quarantined=quarantined,
            region=state.config.region,
            accounts=state.accounts.account_ids(),
            components=list(components),
            verify_signatures=state.config.verify_signatures,
        )

    @bp.post("/reset")
    def reset() -> Any:
        state.reset()
        return jsonify(status="ok")

    @bp.post("/seed")
    def seed() -> Any:
        args = _args()
        result = state.seed(args.get("account") or None, args.get("region") or None)
        return jsonify(status="ok", seeded=result if isinstance(result, (list, dict)) else None)

    @bp.get("/state")
    def dump_state() -> Any:
        return jsonify(
            backends=[
                {"account": account, "region": region} for (account, region), _ in state.backends.items()
            ],
            records=state.store.dump(),
        )

    @bp.post("/sts")
    def issue_sts_token() -> Any:
        args = _args()
        try:
            duration = int(args.get("DurationSeconds", 3600))
        except (TypeError, ValueError):
            return jsonify(error="DurationSeconds must be an integer"), 400
        policy = None
        if args.get("Policy"):
            try:
                policy = Policy.from_document(args["Policy"])
            except PolicyError as error:
                return jsonify(error="InvalidParameter.Policy", message=str(error)), 400
        credential = state.accounts.issue_sts_token(
            str(args.get("AccountId") or state.config.default_account_id), duration, policy=policy
        )
        return jsonify(credential.as_sts_dict())

    @bp.get("/quarantine")
    def quarantine() -> Any:
        return jsonify(records=state.store.quarantine_list())

    @bp.delete("/quarantine")
    def forget_quarantine() -> Any:
        return jsonify(status="ok", removed=state.store.clear_quarantine())

    bp.register_error_handler(Exception, control_error)
    return bp
