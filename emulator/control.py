"""The control plane under ``/_vodfc/``: health, reset, seed, state, STS tokens.

Not part of VOD: these paths exist so tests and tools can drive a running emulator over HTTP the
way they drive an in-process one through ``vodfc.emulator.app.get_state(app)``. Answers are plain JSON.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request
from vodfc.emulator.app import get_state
from vodfc.emulator.gateway import CONTROL_PREFIX
from werkzeug.exceptions import HTTPException

PREFIX = CONTROL_PREFIX

bp = Blueprint("vodfc_control", __name__, url_prefix=PREFIX)


def _args() -> dict[str, Any]:
    """Query parameters merged with a JSON object body, if any."""
    values: dict[str, Any] = dict(request.args.items())
    body = request.get_json(silent=True)
    if isinstance(body, dict):
        values.update(body)
    return values


@bp.get("/health")
def health() -> Any:
    state = get_state(current_app)
    return jsonify(
        status="ok",
        region=state.config.region,
        accounts=state.accounts.account_ids(),
        components=state.components,
        verify_signatures=state.config.verify_signatures,
    )


@bp.post("/reset")
def reset() -> Any:
    get_state(current_app).reset()
    return jsonify(status="ok")


@bp.post("/seed")
def seed() -> Any:
    args = _args()
    state = get_state(current_app)
    result = state.seed(args.get("account") or None, args.get("region") or None)
    return jsonify(status="ok", seeded=result if isinstance(result, (list, dict)) else None)


@bp.get("/state")
def dump_state() -> Any:
    state = get_state(current_app)
    return jsonify(
        backends=[{"account": account, "region": region} for (account, region), _ in state.backends.items()],
        records=state.store.dump(),
    )


@bp.post("/sts")
def issue_sts_token() -> Any:
    args = _args()
    state = get_state(current_app)
    try:
        duration = int(args.get("DurationSeconds", 3600))
    except (TypeError, ValueError):
        return jsonify(error="DurationSeconds must be an integer"), 400
    credential = state.accounts.issue_sts_token(
        str(args.get("AccountId") or state.config.default_account_id), duration
    )
    return jsonify(credential.as_sts_dict())


@bp.errorhandler(Exception)
def control_error(error: Exception) -> Any:
    if isinstance(error, HTTPException):
        return jsonify(error=error.name, message=error.description), error.code
    current_app.logger.exception("control plane failure on %s", request.path)
    return jsonify(error="InternalError", message=f"{type(error).__name__}: {error}"), 500


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
