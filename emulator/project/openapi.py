"""functions/openapi.json: the OpenAPI 3 document of the operation functions' HTTP routes.

Generating the document from the same ``OperationApp`` declarations that route the requests means the two
cannot disagree; ``vodfc generate`` writes it and a test keeps it current. It lives here, not in ``shared``,
because no function needs it at run time (``shared`` ships in every function's zip).

FC 2.0 gives every HTTP-triggered function its own URL prefix (``/2016-08-15/proxy/<service>/<function>``),
so each path here starts with the function's name: ``/GetVideoInfoHttp/videos/{video_id}`` under the server
``.../2016-08-15/proxy/vodfc``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from vodfc.emulator.project.fc2 import faces
from vodfc.emulator.project.model import SERVICE, Project

if TYPE_CHECKING:
    # The functions' apps come from their own (top-level) ``shared``; these are the same classes.
    from vodfc.shared.fc.app import OperationApp
    from vodfc.shared.fc.schema import Field, Schema

ERROR_RESPONSES = {
    "400": (
        "BadRequest",
        "Bad input: not JSON, a missing or wrong parameter (MissingParameter, InvalidParameter, ...).",
    ),
    "401": ("Unauthorized", "No bearer token (functions configured with VODFC_HTTP_AUTH=token)."),
    "403": (
        "Forbidden",
        "Wrong bearer token (FC answers 403 itself for a bad signature with AuthType function).",
    ),
    "404": (
        "NotFound",
        "Unknown video/image/stream (VOD's code, e.g. InvalidVideo.NotFound) or no such route.",
    ),
    "405": ("MethodNotAllowed", "The path exists for other methods (listed in the Allow header)."),
    "409": ("Conflict", "The media's status does not allow the operation (Forbidden.IllegalStatus)."),
    "429": ("TooManyRequests", "VOD kept throttling after retries (Throttling.User); see Retry-After."),
    "500": (
        "InternalError",
        "The function failed or is misconfigured (InternalError, FunctionNotConfigured).",
    ),
    "502": ("BadGateway", "VOD failed or refused the function's own credentials (service role)."),
}


def render(project: Project) -> str:
    """functions/openapi.json's text: the routes of every operation's HTTP face (FC 2.0 names)."""
    apps = [
        (face.name, function.app)
        for function in project.operations
        for face in faces(function)
        if function.http is not None and face.handler == function.http.handler
    ]
    return json.dumps(build_document(apps), indent=2, ensure_ascii=False) + "\n"


def build_document(apps: Iterable[tuple[str, OperationApp]], *, service: str = SERVICE) -> dict[str, Any]:
    """The OpenAPI document for ``(http_function_name, app)`` pairs."""
    paths: dict[str, dict[str, Any]] = {}
    for function_name, app in apps:
        for binding in app.bindings:
            path = f"/{function_name}{binding.template}"
            item = paths.setdefault(path, {})
            for index, method in enumerate(binding.methods):
                operation_id = app.name if index == 0 else f"{app.name}Via{method.title()}"
                item[method.lower()] = _operation(app, binding, operation_id, method)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "vodfc media-admin API",
            "version": "1.0.0",
            "description": (
                "The HTTP face of vodfc's operation functions (docs/operation-functions.md). Each "
                "operation is its own FC function with an HTTP trigger, hence the function name at the "
                "start of every path. Every GET route also answers HEAD. Errors are JSON "
                "{Code, Message, RequestId}."
            ),
        },
        "servers": [
            {
                "url": "https://{accountId}.{region}.fc.aliyuncs.com/2016-08-15/proxy/" + service,
                "variables": {
                    "accountId": {"default": "1234567890123456"},
                    "region": {"default": "cn-shanghai"},
                },
            },
            {"url": f"http://127.0.0.1:9000/2016-08-15/proxy/{service}", "description": "the vodfc emulator"},
        ],
        "security": [{"fcSignature": []}, {"bearerToken": []}],
        "paths": dict(sorted(paths.items())),
        "components": {
            "securitySchemes": {
                "fcSignature": {
                    "type": "apiKey",
                    "in": "header",
                    "name": "Authorization",
                    "description": "FC's request signature (AuthType function).",
                },
                "bearerToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "VODFC_HTTP_TOKEN, for functions behind an anonymous trigger.",
                },
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["Code", "Message", "RequestId"],
                    "properties": {
                        "Code": {"type": "string", "description": "VOD's error code where VOD has one."},
                        "Message": {"type": "string"},
                        "RequestId": {
                            "type": "string",
                            "description": "The FC request id (find it in the log).",
                        },
                        "VodRequestId": {
                            "type": "string",
                            "description": "VOD's RequestId, when VOD answered.",
                        },
                    },
                }
            },
            "responses": {
                name: {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    **(
                        {"headers": {"Retry-After": {"schema": {"type": "integer"}}}}
                        if status == "429"
                        else {}
                    ),
                }
                for status, (name, description) in ERROR_RESPONSES.items()
            },
        },
    }


def _operation(app: OperationApp, binding: Any, operation_id: str, method: str) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = []
    for variable, name in binding.path.items():
        parameters.append(
            {
                "name": variable,
                "in": "path",
                "required": True,
                "schema": {"type": "string"},
                "description": name,
            }
        )
    for query, name in binding.query.items():
        field = app.schema.fields[name]
        parameters.append(
            {
                "name": query,
                "in": "query",
                "required": field.required,
                "schema": _query_schema(field),
                "description": f"{name}: {field.description}".rstrip(": "),
            }
        )
    result_properties: dict[str, Any] = {"RequestId": {"type": "string"}}
    result_properties.update({key: {"description": text} for key, text in app.returns.items()})
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": binding.summary or app.description,
        "description": f"{app.description} Same as invoking the {app.name} function with a JSON event.",
        "tags": [app.name],
        "responses": {
            "200": {
                "description": "Done.",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": ["RequestId"],
                            "properties": result_properties,
                        }
                    }
                },
            },
            **{
                status: {"$ref": f"#/components/responses/{name}"}
                for status, (name, _) in ERROR_RESPONSES.items()
            },
        },
    }
    if parameters:
        operation["parameters"] = parameters
    if binding.body:
        body = input_schema(app.schema)
        taken = set(binding.path.values())
        body["properties"] = {k: v for k, v in body["properties"].items() if k not in taken}
        if "required" in body:
            body["required"] = [k for k in body["required"] if k not in taken]
            if not body["required"]:
                del body["required"]
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    return operation


def _query_schema(field: Field) -> dict[str, Any]:
    if field.kind == "integer":
        schema: dict[str, Any] = {"type": "integer"}
        if field.minimum is not None:
            schema["minimum"] = field.minimum
        if field.maximum is not None:
            schema["maximum"] = field.maximum
        return schema
    if field.kind == "boolean":
        return {"type": "boolean"}
    if field.kind == "string" and field.choices:
        return {"type": "string", "enum": list(field.choices)}
    if field.kind == "strings":
        return {"type": "string", "description": "comma-separated"}
    return {"type": "string"}


def input_schema(schema: Schema) -> dict[str, Any]:
    """An operation's whole input as one JSON Schema object (its event, and a route's JSON body)."""
    document: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {name: field_schema(field) for name, field in schema.fields.items()},
    }
    required = [name for name, field in schema.fields.items() if field.required]
    if required:
        document["required"] = required
    return document


def field_schema(field: Field) -> dict[str, Any]:
    """One parameter as a JSON Schema (see ``shared.fc.schema.Field`` for what each kind accepts)."""
    schema: dict[str, Any]
    if field.kind == "string":
        schema = {"type": "string"}
        if field.choices:
            schema["enum"] = list(field.choices)
    elif field.kind == "integer":
        schema = {"type": "integer"}
        if field.minimum is not None:
            schema["minimum"] = field.minimum
        if field.maximum is not None:
            schema["maximum"] = field.maximum
    elif field.kind == "boolean":
        schema = {"type": "boolean"}
    elif field.kind == "strings":
        item: dict[str, Any] = {"type": "string"}
        if field.choices:
            item["enum"] = list(field.choices)
        array: dict[str, Any] = {"type": "array", "items": item}
        if field.max_items is not None:
            array["maxItems"] = field.max_items
        schema = {"oneOf": [array, {"type": "string", "description": "comma-separated"}]}
    elif field.kind == "json":
        schema = {"oneOf": [{"type": "object"}, {"type": "string", "description": "JSON text"}]}
    else:
        array = {"type": "array", "items": {"type": "object"}}
        if field.max_items is not None:
            array["maxItems"] = field.max_items
        schema = {"oneOf": [array, {"type": "string", "description": "a JSON array as text"}]}
    if field.description:
        schema["description"] = field.description
    return schema
