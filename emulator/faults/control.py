"""``/_vodfc/faults``: list (GET), add (POST, a rule as JSON), clear (DELETE), remove one (DELETE /<id>),
switch one on or off (PATCH /<id> with ``{"enabled": true|false}``; the dashboard's switch is this)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from vodfc.emulator.faults.rules import FaultError, FaultRule, Faults, parse_switch
from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.views import ComponentViews

views: ComponentViews[Faults] = ComponentViews()


@views.get("")
def list_rules(faults: Faults) -> Any:
    return jsonify(rules=[rule.as_json() for rule in faults.rules])


@views.post("")
def add_rule(faults: Faults) -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return jsonify(error="InvalidParameter", message="the body must be a JSON object (a fault rule)"), 400
    try:
        rule = faults.add(FaultRule.from_json(body))
    except (FaultError, TypeError) as error:
        return jsonify(error="InvalidParameter", message=str(error)), 400
    return jsonify(rule.as_json())


@views.delete("")
def clear_rules(faults: Faults) -> Any:
    faults.clear()
    return jsonify(rules=[])


@views.delete("/<rule_id>")
def remove_rule(faults: Faults, rule_id: str) -> Any:
    if not faults.remove(rule_id):
        return jsonify(error="NotFound", message=f"no fault rule {rule_id}"), 404
    return jsonify(removed=rule_id)


@views.route("/<rule_id>", methods=["PATCH"])
def switch_rule(faults: Faults, rule_id: str) -> Any:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or set(body) != {"enabled"}:
        return jsonify(error="InvalidParameter", message='the body must be {"enabled": true|false}'), 400
    try:
        enabled = parse_switch(body["enabled"])
    except FaultError as error:
        return jsonify(error="InvalidParameter", message=str(error)), 400
    rule = faults.set_enabled(rule_id, enabled)
    if rule is None:
        return jsonify(error="NotFound", message=f"no fault rule {rule_id}"), 404
    return jsonify(rule.as_json())


def blueprint(faults: Faults) -> Blueprint:
    return views.blueprint(faults, "vodfc_faults", __name__, url_prefix=f"{CONTROL_PREFIX}/faults")
