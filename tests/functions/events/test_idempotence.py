"""Property tests: duplicated, reordered and faulty deliveries end in the same state as one clean delivery."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vodfc.emulator.events import payloads as p

from shared.errors import ServerError, Throttled
from shared.events.app import RetryLater
from tests.functions.support.events import Clock, invoke, load_function
from tests.functions.support.fakes import FakeStream, FakeVideo, FakeVod

PROPERTY = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
RULES = {"keyword_rules": [{"keywords": ["trailer"], "tags": ["trailer"], "cate_id": 7}]}

tag_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12)


@contextmanager
def function(folder: str, vod: FakeVod, env: dict[str, str]) -> Iterator[object]:
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    module = load_function(folder)
    module.app.clients.override(vod)
    module.app.clock = Clock()
    try:
        yield module
    finally:
        module.app.clients.override(None)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def deliver(module: object, event: dict) -> None:
    """Deliver like a retrying trigger: transient failures and RetryLater are redelivered."""
    for _ in range(10):
        try:
            invoke(module, event)
            return
        except (Throttled, ServerError, RetryLater):
            continue
    raise AssertionError("never delivered")


@PROPERTY
@given(
    user_tags=st.lists(tag_text, max_size=16, unique_by=str.casefold),
    width=st.sampled_from([None, 640, 1280, 1920, 3840]),
    duration=st.one_of(st.none(), st.floats(min_value=0, max_value=10_000)),
    order=st.lists(st.sampled_from(["upload", "analysis"]), min_size=1, max_size=6),
    faults=st.lists(st.sampled_from(["GetVideoInfo", "UpdateVideoInfo", "GetMezzanineInfo"]), max_size=3),
)
def test_auto_tag_end_state_does_not_depend_on_duplicates_order_or_faults(
    user_tags, width, duration, order, faults
) -> None:
    # GIVEN VOD has analysed the source (the facts are complete whichever event comes first)
    def run(sequence: list[str], inject: list[str]) -> FakeVideo:
        vod = FakeVod()
        video = vod.add(
            FakeVideo(
                "v1",
                tags=list(user_tags),
                width=width,
                height=None if width is None else width * 9 // 16,
                duration=duration,
                file_name="my-trailer.mp4",
            )
        )
        for action in inject:
            vod.fail(
                action, ServerError("InternalError", "x", http_status=500), after=action == "UpdateVideoInfo"
            )
        events = {
            "upload": p.file_upload_complete("v1", size=1, file_url="http://b/x.mp4"),
            "analysis": p.video_analysis_complete("v1", width=width, height=None, duration=duration),
        }
        with function("auto_tag", vod, {"VODFC_AUTO_TAG_CONFIG": json.dumps(RULES)}) as module:
            for name in sequence:
                deliver(module, events[name])
        return video

    clean = run(["upload"], [])
    # WHEN the events come duplicated, in any order, with faults on the way
    messy = run(order, faults)
    # THEN the end state is the clean one, and the user's tags are all there, first, in order
    assert messy.tags == clean.tags
    assert messy.cate_id == clean.cate_id
    assert messy.tags[: len(user_tags)] == list(user_tags)
    assert len(messy.tags) <= 16


DEFINITIONS = ("FD", "LD", "SD", "HD")


@PROPERTY
@given(
    order=st.permutations(["stream:FD", "stream:LD", "stream:SD", "stream:HD", "job", "job", "stream:FD"]),
    flip_after=st.integers(min_value=0, max_value=7),
    fault_actions=st.lists(st.sampled_from(["GetPlayInfo", "DeleteStream", "DeleteMezzanines"]), max_size=3),
    keep_tag=st.booleans(),
)
def test_prune_and_delete_source_together_are_order_independent_and_safe(
    order, flip_after, fault_actions, keep_tag
) -> None:
    # GIVEN a job making FD/LD/SD/HD; prune_streams keeps SD+HD; delete_source ignores what prune removes
    vod = FakeVod()
    video = vod.add(
        FakeVideo(
            "v1",
            status="Transcoding",
            tags=["keep-source"] if keep_tag else [],
            streams=[FakeStream(f"job-{d}", d) for d in DEFINITIONS],
        )
    )
    for action in fault_actions:
        vod.fail(action, Throttled("Throttling.User", "x", http_status=400))
    infos = {d: p.stream_info(job_id=f"job-{d}", definition=d, file_url="http://x") for d in DEFINITIONS}
    events = {f"stream:{d}": p.stream_transcode_complete("v1", infos[d]) for d in DEFINITIONS}
    events["job"] = p.transcode_complete("v1", list(infos.values()))
    prune_env = {"VODFC_PRUNE_STREAMS_CONFIG": json.dumps({"keep_definitions": ["SD", "HD"]})}
    source_env = {"VODFC_DELETE_SOURCE_CONFIG": json.dumps({"ignore_definitions": ["FD", "LD"]})}
    with (
        function("prune_streams", vod, prune_env) as prune,
        function("delete_source", vod, source_env) as source,
    ):
        for index, name in enumerate(order):
            if index == flip_after:
                video.status = "Normal"  # VOD flips the status at some point around the job's end
            if name == "job" and video.status != "Normal":
                video.status = "Normal"  # TranscodeComplete is redelivered until the flip; model the flip
            # the MNS topic fans every event out to both functions, in either order
            deliver(prune, events[name])
            deliver(source, events[name])
    # THEN only the kept definitions remain, and the source is gone exactly when no opt-out tag says keep
    assert sorted(s.definition for s in video.streams) == ["HD", "SD"]
    assert video.source is keep_tag
    # and DeleteMezzanines was sent once, plus once per throttled (refused, so not landed) attempt
    assert len(vod.actions("DeleteMezzanines")) <= (
        0 if keep_tag else 1 + fault_actions.count("DeleteMezzanines")
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=20,
)
shaped = st.fixed_dictionaries(
    {},
    optional={
        "EventType": st.sampled_from(["FileUploadComplete", "TranscodeComplete", "X", ""]) | st.integers(),
        "VideoId": json_values,
        "Status": json_values,
        "StreamInfos": json_values,
        "Message": json_values,
        "TopicName": json_values,
        "specversion": json_values,
        "data": json_values,
        "triggerTime": json_values,
        "payload": json_values,
    },
)


@PROPERTY
@given(body=st.one_of(json_values, shaped, st.binary(max_size=40)))
def test_no_input_crashes_the_event_face(body: object) -> None:
    # GIVEN any bytes or JSON at all, WHEN the event face gets them, THEN it answers or asks for a retry
    vod = FakeVod()
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    with function("auto_tag", vod, {"VODFC_AUTO_TAG_CONFIG": "{}"}) as module:
        try:
            answer = invoke(module, raw)
        except RetryLater:
            return
        assert "RequestId" in answer and ("Results" in answer or answer.get("Code") == "InvalidEvent")
