"""``/_vodfc/faults``: list (GET), add (POST, a rule as JSON), clear (DELETE), remove one (DELETE /<id>)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from vodfc.emulator.faults.rules import FaultError, FaultRule
from vodfc.emulator.gateway import CONTROL_PREFIX

bp = Blueprint("vodfc_faults", __name__, url_prefix=f"{CONTROL_PREFIX}/faults")


def _faults() -> Any:
    from vodfc.emulator.faults import get_faults

    return get_faults(current_app)


@bp.get("")
def list_rules() -> Any:
    return jsonify(rules=[rule.as_json() for rule in _faults().rules])


@bp.post("")
def add_rule() -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="InvalidParameter", message="the body must be a JSON object (a fault rule)"), 400
    try:
        rule = _faults().add(FaultRule.from_json(body))
    except (FaultError, TypeError) as error:
        return jsonify(error="InvalidParameter", message=str(error)), 400
    return jsonify(rule.as_json())


@bp.delete("")
def clear_rules() -> Any:
    _faults().clear()
    return jsonify(rules=[])


@bp.delete("/<rule_id>")
def remove_rule(rule_id: str) -> Any:
    if not _faults().remove(rule_id):
        return jsonify(error="NotFound", message=f"no fault rule {rule_id}"), 404
    return jsonify(removed=rule_id)
