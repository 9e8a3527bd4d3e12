"""Calling the emulator through both official SDKs, the way their users do, and checking the wire JSON.

``Sdk`` runs one VOD action through one SDK and hands back the raw JSON body. For the Tea SDK it
also checks what a Tea user depends on: the body parsed into its model (``body`` not ``None``), and
the wire JSON carries no key the model does not know (a key the model drops is data the user never
sees, and a wrong container shape is a ``None`` body).
"""

from __future__ import annotations

import importlib
import json
import re
from dataclasses import dataclass
from typing import Any

from alibabacloud_tea_openapi import exceptions as tea_exceptions
from alibabacloud_vod20170321 import models as tea_models
from aliyunsdkcore.acs_exception.exceptions import ServerException

SDKS = ("core", "tea")


def snake(action: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", action).lower()


def core_request(action: str, params: dict[str, Any]) -> Any:
    """``<Action>Request()`` of aliyun-python-sdk-vod with each parameter set through its setter."""
    module = importlib.import_module(f"aliyunsdkvod.request.v20170321.{action}Request")
    request = getattr(module, f"{action}Request")()
    for name, value in params.items():
        getattr(request, f"set_{name}")(value)
    return request


def unknown_keys(raw: Any, known: Any, path: str = "") -> list[str]:
    """Paths of ``raw`` (the wire JSON) that the model round trip ``known`` lost."""
    lost: list[str] = []
    if isinstance(raw, dict):
        if not isinstance(known, dict):
            return [path or "<body>"]
        for key, value in raw.items():
            if value is None:
                continue
            if key not in known:
                lost.append(f"{path}.{key}" if path else key)
            else:
                lost += unknown_keys(value, known[key], f"{path}.{key}" if path else key)
    elif isinstance(raw, list):
        if not isinstance(known, list) or len(known) != len(raw):
            return [path]
        for index, (item, kept) in enumerate(zip(raw, known, strict=True)):
            lost += unknown_keys(item, kept, f"{path}[{index}]")
    return lost


# Keys the real service sends although the Tea model lacks them (the Tea SDK drops them, against the
# cloud too), so an emulator faithful to the cloud sends them as well:
# GetPlayInfo VideoBase.TranscodeMode/OutputType and PlayInfo.PreprocessStatus are in real captures
# (vod-uncertainties.md §7); Mezzanine.CRC64 is in the GetMezzanineInfo doc sample (§6).
CLOUD_EXTRAS = {
    "GetPlayInfo": {
        "VideoBase.TranscodeMode",
        "VideoBase.OutputType",
        "PlayInfoList.PlayInfo[].PreprocessStatus",
    },
    "GetMezzanineInfo": {"Mezzanine.CRC64"},
}


def check_tea_model(action: str, raw: dict[str, Any], response: Any) -> None:
    """The Tea response parsed whole, and the model round trip keeps every wire key."""
    assert response is not None
    assert response.body is not None, f"{action}: the Tea SDK could not map the body: {raw}"
    assert response._map is None, f"{action}: the Tea SDK fell back to the raw map: {raw}"
    assert response.body.request_id == raw["RequestId"]
    # from_map on a fresh body raises where DaraCore.from_map would hide the error behind a None body.
    model = getattr(tea_models, f"{action}ResponseBody")().from_map(json.loads(json.dumps(raw)))
    lost = unknown_keys(raw, model.to_map())
    allowed = CLOUD_EXTRAS.get(action, set())
    lost = [path for path in lost if re.sub(r"\[\d+\]", "[]", path) not in allowed]
    assert not lost, f"{action}: keys the Tea model does not know: {lost}"


@dataclass
class VodFailure:
    code: str
    status: int
    message: str
    request_id: str


class Sdk:
    """One official SDK pointed at one emulator target: ``call`` and ``fail`` by action name."""

    def __init__(self, name: str, target: Any, **tea_options: Any):
        self.name = name
        self.target = target
        self.core = target.acs_client()
        self.tea = target.tea_client(**tea_options)
        self.raw_bodies: list[dict[str, Any]] = []
        original = self.tea.call_api

        def recording_call_api(params: Any, request: Any, runtime: Any) -> Any:
            result = original(params, request, runtime)
            self.raw_bodies.append(result.get("body"))
            return result

        self.tea.call_api = recording_call_api

    def __repr__(self) -> str:
        return f"Sdk({self.name}, {self.target.mode})"

    def tea_response(self, action: str, params: dict[str, Any]) -> Any:
        request = getattr(tea_models, f"{action}Request")().from_map(dict(params))
        return getattr(self.tea, snake(action))(request)

    def call(self, action: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """The action's JSON body (RequestId included); Tea answers are checked against the model."""
        params = params or {}
        if self.name == "core":
            body = json.loads(self.core.do_action_with_exception(core_request(action, params)))
            assert isinstance(body, dict)
            return body
        response = self.tea_response(action, params)
        raw = self.raw_bodies[-1]
        assert isinstance(raw, dict), f"{action}: the body is not a JSON object: {raw!r}"
        check_tea_model(action, raw, response)
        return raw

    def fail(self, action: str, params: dict[str, Any] | None = None) -> VodFailure:
        """The error the action answers; fails the test if it succeeds."""
        params = params or {}
        if self.name == "core":
            try:
                body = self.core.do_action_with_exception(core_request(action, params))
            except ServerException as error:
                return VodFailure(
                    error.get_error_code(),
                    error.get_http_status(),
                    error.get_error_msg(),
                    error.get_request_id(),
                )
            raise AssertionError(f"{action} {params} succeeded: {body!r}")
        try:
            response = self.tea_response(action, params)
        except (tea_exceptions.ClientException, tea_exceptions.ServerException) as error:
            data = error.data or {}
            return VodFailure(error.code, error.status_code, data.get("Message", ""), error.request_id)
        raise AssertionError(f"{action} {params} succeeded: {response.body!r}")

    def expect(
        self, action: str, params: dict[str, Any], code: str, status: int, message: str | None = None
    ) -> VodFailure:
        """The action fails with exactly this code and HTTP status (and message, when given)."""
        failure = self.fail(action, params)
        assert (failure.code, failure.status) == (code, status), failure
        if message is not None:
            assert failure.message == message, failure
        assert failure.request_id
        return failure
