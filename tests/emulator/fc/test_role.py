"""A function's credentials allow exactly what its role allows, evaluated by the VOD gateway like every
credential's policy: on FC 2.0 its service's (the Policies in template.yml), on FC 3.0 its own (the
policy the project keeps for the role s.yaml names, ram/<role>.json)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.app import create_app, get_state
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.fc import descriptor, get_fc
from vodfc.emulator.fc.template import TemplateError, load_template

from tests.emulator.fc.support import template_text, write_project

ROLE = """\
      Description: probe service
      Policies:
        - Version: '1'
          Statement:
            - Effect: Allow
              Action: ['vod:GetVideoInfo']
              Resource: '*'
"""


def _with_service_properties(properties: str) -> str:
    text = template_text()
    assert "      Description: probe service\n" in text
    return text.replace("      Description: probe service\n", properties)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Any]:
    app = create_app(EmulatorConfig(components=("events", "fc")))
    yield app
    get_fc(app).close()


def _vod_call(app: Any, action: str) -> Any:
    video = get_state(app).backend().create_video("the probe's video", status="Normal")
    event = json.dumps({"vodcall": video.video_id, "vodaction": action}).encode()
    result = get_fc(app).runtime.invoke("Probe", event, service="probe")
    assert result.ok, result.error
    return result.json()["out"]["vod"], get_state(app).backend().get_video(video.video_id).title


def test_the_role_allows_what_its_policies_list(app: Any, tmp_path: Path) -> None:
    get_fc(app).load(write_project(tmp_path, _with_service_properties(ROLE)))
    assert _vod_call(app, "GetVideoInfo") == ("the probe's video", "the probe's video")
    assert _vod_call(app, "UpdateVideoInfo") == ("Forbidden", "the probe's video")


def test_a_service_with_a_role_arn_or_no_policies_is_not_limited(app: Any, tmp_path: Path) -> None:
    role_arn = ROLE.replace(
        "      Policies:", "      Role: 'acs:ram::1234567890123456:role/probe'\n      Policies:"
    )
    for properties in (role_arn, "      Description: probe service\n"):
        get_fc(app).load(write_project(tmp_path, _with_service_properties(properties)))
        assert _vod_call(app, "UpdateVideoInfo") == ("ok", "renamed by the probe")


def test_a_policy_the_emulator_cannot_evaluate_fails_validation(tmp_path: Path) -> None:
    conditional = ROLE + "              Condition: {IpAddress: {acs:SourceIp: 10.0.0.0/8}}\n"
    with pytest.raises(TemplateError) as error:
        load_template(write_project(tmp_path, _with_service_properties(conditional)))
    assert "Policies" in str(error.value) and "Condition" in str(error.value)


SYAML = """\
edition: 3.0.0
name: roles
vars: {role: "acs:ram::${config('AccountID')}:role/"}
resources:
  Probe:
    component: fc3
    props:
      region: cn-shanghai
      functionName: Probe
      runtime: python3.10
      code: ./code
      handler: main.handler
      role: ${vars.role}probe-role
"""


def _fc3_vod_call(app: Any, action: str) -> Any:
    video = get_state(app).backend().create_video("the probe's video", status="Normal")
    event = json.dumps({"vodcall": video.video_id, "vodaction": action}).encode()
    result = get_fc(app).runtime.invoke("Probe", event)
    assert result.ok, result.error
    return result.json()["out"]["vod"]


def fc3_project(root: Path, policy: str | None) -> Path:
    write_project(root)
    (root / "s.yaml").write_text(SYAML)
    if policy is not None:
        (root / "ram").mkdir(exist_ok=True)
        (root / "ram" / "probe-role.json").write_text(policy)
    return root / "s.yaml"


def test_an_fc3_function_acts_with_its_own_roles_policy(app: Any, tmp_path: Path) -> None:
    allow = {
        "Version": "1",
        "Statement": [{"Effect": "Allow", "Action": ["vod:GetVideoInfo"], "Resource": "*"}],
    }
    get_fc(app).load(fc3_project(tmp_path, json.dumps(allow)))
    assert _fc3_vod_call(app, "GetVideoInfo") == "the probe's video"
    assert _fc3_vod_call(app, "UpdateVideoInfo") == "Forbidden"


def test_an_fc3_role_whose_policy_the_project_does_not_hold_is_not_limited(app: Any, tmp_path: Path) -> None:
    get_fc(app).load(fc3_project(tmp_path, None))
    assert _fc3_vod_call(app, "UpdateVideoInfo") == "ok"


def test_an_fc3_roles_policy_the_emulator_cannot_read_fails_validation(tmp_path: Path) -> None:
    issues = descriptor.validate_file(fc3_project(tmp_path, '{"Statement": [{"Effect": "Maybe"}]}'))
    (error,) = [str(i) for i in issues if i.level == "error"]
    assert error.startswith("resources.Probe.props.role: its policy in ram/ cannot be read:")
