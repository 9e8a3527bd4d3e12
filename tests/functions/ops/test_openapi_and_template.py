"""The OpenAPI document and template.yml agree with what the functions really register and send."""

from __future__ import annotations

import json

from tests.functions.ops.harness import (
    OPENAPI,
    OPERATIONS,
    PROJECT,
    http_apps,
    load_function,
    template_functions,
)


def test_openapi_document_is_valid_openapi_3() -> None:
    from openapi_spec_validator import validate

    validate(json.loads(OPENAPI.read_text()))


def test_every_registered_route_is_documented_and_nothing_else() -> None:
    document = json.loads(OPENAPI.read_text())
    documented = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    registered = {
        (f"/{name}{route.template}", route.method) for name, app in http_apps() for route in app.router.routes
    }
    assert documented == registered
    assert len(registered) >= len(OPERATIONS)


def test_documented_query_parameters_are_the_ones_the_routes_accept() -> None:
    document = json.loads(OPENAPI.read_text())
    for name, app in http_apps():
        for binding in app.bindings:
            operation = document["paths"][f"/{name}{binding.template}"][binding.method.lower()]
            query = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
            assert query == set(binding.query), (name, binding.template)


def test_template_has_an_event_and_an_http_function_per_operation() -> None:
    functions = template_functions()
    for name, folder in OPERATIONS.items():
        event, http = functions[name]["Properties"], functions[f"{name}Http"]["Properties"]
        assert event["CodeUri"] == http["CodeUri"] == f"build/fc/{name}/"  # what `vodfc build` writes
        assert (event["Handler"], http["Handler"]) == ("index.handler", "index.http_handler")
        assert event["Runtime"] == http["Runtime"] == "python3.10"
        assert "Events" not in functions[name]
        trigger = functions[f"{name}Http"]["Events"]["http"]
        assert trigger["Type"] == "HTTP"
        assert trigger["Properties"]["AuthType"] == "function"
        assert http["EnvironmentVariables"]["VODFC_HTTP_AUTH"] == "function"
        module = load_function(folder)
        assert module.app.name == name
        registered = {route.method for route in module.app.router.routes}
        allowed = set(trigger["Properties"]["Methods"])
        # Every trigger method reaches a route, and HEAD only where a GET route answers it.
        assert allowed - {"HEAD"} <= registered
        assert ("HEAD" in allowed) == ("GET" in registered)


def test_trigger_methods_are_ones_fc2_accepts() -> None:
    for block in template_functions().values():
        for trigger in block.get("Events", {}).values():
            if trigger["Type"] == "HTTP":  # event functions also have MNSTopic and Timer triggers
                assert set(trigger["Properties"]["Methods"]) <= {"GET", "POST", "PUT", "DELETE", "HEAD"}


def test_each_operation_function_sends_exactly_its_own_vod_action() -> None:
    for function in PROJECT.operations:
        assert function.vod_actions == (function.name,), function.folder


def test_service_role_allows_exactly_the_vod_actions_the_operations_send() -> None:
    import yaml

    from tests.functions.ops.harness import TEMPLATE

    service = yaml.safe_load(TEMPLATE.read_text())["Resources"]["vodfc"]["Properties"]
    (statement, _events) = service["Policies"][0]["Statement"]
    assert sorted(statement["Action"]) == sorted(f"vod:{name}" for name in OPERATIONS)
