"""``vodfc up`` (the README's ``make run``) as a user runs it: a process, its output, SDK calls, Ctrl-C."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from aliyunsdkcore.client import AcsClient
from aliyunsdkvod.request.v20170321.SearchMediaRequest import SearchMediaRequest
from vodfc.emulator.project.discover import discover
from vodfc.emulator.project.fc2 import all_faces

from tests.e2e.support import UpProcess
from tests.repo import REPO


@pytest.fixture
def up(request: pytest.FixtureRequest) -> Iterator[UpProcess]:
    process = UpProcess(*getattr(request, "param", ()))
    try:
        process.wait_serving()
        yield process
    finally:
        process.stop()


@pytest.mark.parametrize("up", [("--region", "cn-beijing")], indirect=True)
def test_up_serves_the_functions_runs_the_demo_and_stops_on_a_signal(up: UpProcess) -> None:
    first = up.lines[0]
    match = re.match(r"vodfc is up on (http://127\.0\.0\.1:(\d+)) .*region cn-beijing", first)
    assert match, first
    url = match.group(1)
    out = up.output
    assert "AccessKeyId:     vodfc-access-key-id" in out
    # Every FC function template.yml declares: each code package's faces (event, Http, Callback).
    assert f"Functions ({len(all_faces(discover(REPO)))}, from" in out
    # The event router runs every event function that handles the event.
    assert re.search(
        r"FileUploadComplete delivered to VodEvents \(ok, 1 attempt\(s\)\): auto_tag \w+", out
    ), out
    assert re.search(r"TranscodeComplete delivered to VodEvents \(ok, .*delete_source \w+", out), out
    assert "demo stopped" not in out and "Traceback" not in out
    # FC 3.0 beside FC 2.0: the same function through alibabacloud_fc20230330, and the trigger URLs.
    fc3_call = out[out.index("fc20230330 invoke_function GetVideoInfo") :]
    assert re.search(r"\n *-> HTTP 200, \d+ bytes\n", fc3_call[: fc3_call.index("->") + 40]), fc3_call
    assert re.search(
        rf"FC 3\.0 URL: {url}/_fcapp/vodfc-getvideoinfohttp-[a-z]{{10}}\.cn-beijing\.fcapp\.run/", out
    )
    # A fresh run sweeps the demo library's failed upload: no cursor left over from an earlier run.
    assert re.search(r"-> deleted: examined \d+, deleted [1-9] video\(s\): [0-9a-f]{32}", out), out

    client = AcsClient("vodfc-access-key-id", "vodfc-access-key-secret", "cn-beijing")
    client.add_endpoint("cn-beijing", "vod", url.removeprefix("http://"))
    request = SearchMediaRequest()
    request.set_Match("Title = 'Release webinar'")
    answer = json.loads(client.do_action_with_exception(request))
    assert answer["Total"] == 1 and answer["MediaList"][0]["Video"]["Title"] == "Release webinar"

    # Twice at once, as `timeout` does (the child, then its process group): still one clean stop.
    assert up.stop(signals=2) == 0
    assert "stopping" in up.lines and "Traceback" not in up.output, up.output
