"""Instances like FC's: processes of their own, started on demand up to a limit, queued beyond it,
killed at their timeout with everything they were doing, and nothing left behind.

Files the tests and the instances both see live in the probe's code folder: with a private /tmp an
instance sees of the host's /tmp only the folders its code needs.
"""

from __future__ import annotations

import json
import os
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from vodfc.emulator.fc import FunctionRuntime, Throttled
from vodfc.emulator.fc.settings import RuntimeSettings
from vodfc.emulator.fc.template import load_template

from tests.emulator.fc.support import write_project


@pytest.fixture
def make(tmp_path: Path) -> Iterator[Any]:
    """``make(**settings)``: a runtime over the probe template with those settings; closed after."""
    made: list[FunctionRuntime] = []
    template = load_template(write_project(tmp_path))

    def build(**settings: Any) -> FunctionRuntime:
        made.append(FunctionRuntime(template, settings=RuntimeSettings(**settings)))
        return made[-1]

    yield build
    for runtime in made:
        runtime.close()


def _shared_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "code" / f"meet-{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    return folder


def test_instances_run_side_by_side_up_to_the_limit(make: Any, tmp_path: Path) -> None:
    runtime = make(max_instances=3)
    folder = _shared_folder(tmp_path)
    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: runtime.invoke("Probe", {"barrier": [str(folder), 3]}), range(3)))
    # Each met the other two while it ran: three processes at once.
    assert [r.json()["out"]["met"] for r in results] == [3, 3, 3]
    assert len({r.json()["pid"] for r in results}) == 3
    assert all(r.cold_start for r in results)
    assert len(runtime.instances()["probe/Probe"]["instances"]) == 3


def test_beyond_the_limit_requests_queue_and_a_full_queue_is_throttled(make: Any, tmp_path: Path) -> None:
    runtime = make(max_instances=1, queue_size=1)
    flag = tmp_path / "code" / f"go-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(2) as pool:
        running = pool.submit(runtime.invoke, "Probe", {"wait_for": str(flag)})
        _wait(lambda: _busy(runtime) == 1)
        queued = pool.submit(runtime.invoke, "Probe", {})
        _wait(lambda: runtime.instances()["probe/Probe"]["queued"] == 1)
        with pytest.raises(Throttled) as caught:
            runtime.invoke("Probe", {})
        assert caught.value.code == "ResourceExhausted" and caught.value.status == 429
        assert "VODFC_FC_QUEUE_SIZE" in str(caught.value)
        flag.touch()
        first, second = running.result(10), queued.result(10)
    # The queued request got the same (warm) instance once it was free.
    assert first.ok and second.ok and not second.cold_start
    assert second.json()["pid"] == first.json()["pid"]


def test_a_queued_request_waits_at_most_the_queue_wait(make: Any, tmp_path: Path) -> None:
    runtime = make(max_instances=1, queue_wait=0.2)
    flag = tmp_path / "code" / f"go-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(runtime.invoke, "Probe", {"wait_for": str(flag)})
        _wait(lambda: _busy(runtime) == 1)
        with pytest.raises(Throttled, match="VODFC_FC_QUEUE_WAIT"):
            runtime.invoke("Probe", {})
        flag.touch()
        assert running.result(10).ok


def test_a_timeout_stops_the_function_and_its_side_effects(make: Any, tmp_path: Path) -> None:
    runtime = make()
    runtime.time_limit = lambda function: 0.3
    ticks = tmp_path / "code" / "ticks.txt"
    result = runtime.invoke("Probe", {"tick": str(ticks)})
    assert result.error is not None and result.error["errorType"] == "FunctionTimeoutError"
    written = ticks.read_text()
    assert written.count("tick") >= 3
    time.sleep(0.3)
    assert ticks.read_text() == written  # nothing more once the caller was told


def test_a_spinning_function_is_stopped_too(make: Any) -> None:
    runtime = make()
    runtime.time_limit = lambda function: 0.3
    result = runtime.invoke("Probe", {"spin": 60})
    assert result.error is not None and result.error["errorType"] == "FunctionTimeoutError"
    assert runtime.invoke("Probe", {}).cold_start


def test_an_instance_that_exits_is_an_error_and_the_next_call_starts_cold(make: Any) -> None:
    runtime = make()
    gone = runtime.invoke("Probe", {"exit": 3})
    assert gone.error is not None and gone.error["errorType"] == "ProcessExitedUnexpectedly"
    assert "exit code 3" in gone.error["errorMessage"]
    assert runtime.invoke("Probe", {}).cold_start


def test_environment_changes_stay_in_their_instance(make: Any) -> None:
    runtime = make()
    runtime.invoke("Probe", {"setenv": {"PROBE_CHANGED": "by Probe"}})
    assert runtime.invoke("Probe", {}).json()["env"]["PROBE_CHANGED"] == "by Probe"
    assert runtime.invoke("Other", {}).json()["env"]["PROBE_CHANGED"] is None
    assert "PROBE_CHANGED" not in os.environ


def test_a_hundred_hanging_invocations_leave_no_process_or_thread_behind(make: Any) -> None:
    runtime = make(max_instances=10)
    runtime.time_limit = lambda function: 0.2
    runtime.invoke("Probe", {})  # the runtime's own threads and blank workers exist from here on
    runtime.stop_instances()
    threads, children = _settled()
    with ThreadPoolExecutor(10) as pool:
        results = list(pool.map(lambda _: runtime.invoke("Probe", {"sleep": 60}), range(100)))
    assert {r.error["errorType"] for r in results if r.error} == {"FunctionTimeoutError"}
    assert all(not r.ok for r in results)
    after_threads, after_children = _settled(expect=(threads, children))
    assert (after_threads, after_children) == (threads, children)
    assert not [pid for pid in _children() if _state(pid) == "Z"]


def test_an_instance_serves_several_requests_with_instance_concurrency(tmp_path: Path) -> None:
    extra = """\
    Shared:
      Type: 'Aliyun::Serverless::Function'
      Properties:
        Handler: main.handler
        Runtime: python3.10
        CodeUri: code/
        InstanceConcurrency: 3
"""
    from tests.emulator.fc.support import template_text

    template = load_template(write_project(tmp_path, template_text(extra_functions=extra)))
    runtime = FunctionRuntime(template, settings=RuntimeSettings(max_instances=1))
    try:
        folder = _shared_folder(tmp_path)
        with ThreadPoolExecutor(3) as pool:
            results = list(
                pool.map(lambda _: runtime.invoke("Shared", {"barrier": [str(folder), 3]}), range(3))
            )
        assert [r.json()["out"]["met"] for r in results] == [3, 3, 3]
        assert len({r.json()["pid"] for r in results}) == 1
    finally:
        runtime.close()


def _busy(runtime: FunctionRuntime) -> int:
    listed = runtime.instances().get("probe/Probe", {"instances": []})["instances"]
    return sum(i["busy"] for i in listed)


def _wait(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.01)


def _children() -> list[int]:
    me = str(os.getpid())
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me:
                found.append(int(entry))
    return found


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def _settled(expect: tuple[int, int] | None = None, seconds: float = 10.0) -> tuple[int, int]:
    """Thread and child-process counts once they stop moving (the supervisor refills its blank
    workers and reaps the killed ones on its own thread), or once they are ``expect``."""
    deadline = time.monotonic() + seconds
    last = (-1, -1)
    while time.monotonic() < deadline:
        now = (threading.active_count(), len([p for p in _children() if _state(p) not in ("Z", "gone")]))
        if now == expect or (expect is None and now == last):
            return now
        last = now
        time.sleep(0.2)
    return last


def test_the_instances_control_plane_lists_and_stops_them(make: Any) -> None:
    runtime = make()
    runtime.invoke("Probe", {})
    listed = runtime.instances()["probe/Probe"]
    assert listed["maxInstances"] == 4 and len(listed["instances"]) == 1
    runtime.stop_instances()
    assert runtime.instances()["probe/Probe"]["instances"] == []
    assert runtime.invoke("Probe", {}).cold_start


def test_settings_come_from_the_environment() -> None:
    settings = RuntimeSettings.from_env(
        {
            "VODFC_FC_MAX_INSTANCES": "7",
            "VODFC_FC_QUEUE_SIZE": "3",
            "VODFC_FC_QUEUE_WAIT": "1.5",
            "VODFC_FC_KEEP_ALIVE": "60",
            "VODFC_FC_PRIVATE_TMP": "OFF",
        }
    )
    assert settings == RuntimeSettings(7, 3, 1.5, 60.0, "off")
    with pytest.raises(ValueError, match="VODFC_FC_MAX_INSTANCES"):
        RuntimeSettings.from_env({"VODFC_FC_MAX_INSTANCES": "many"})
    with pytest.raises(ValueError, match="VODFC_FC_PRIVATE_TMP"):
        RuntimeSettings.from_env({"VODFC_FC_PRIVATE_TMP": "sometimes"})


def test_idle_instances_are_reaped_after_the_keep_alive(make: Any) -> None:
    runtime = make(keep_alive=0.3)
    pid = runtime.invoke("Probe", {}).json()["pid"]
    _wait(lambda: runtime.instances()["probe/Probe"]["instances"] == [], seconds=10)
    _wait(lambda: _state(pid) == "gone", seconds=5)
    assert runtime.invoke("Probe", {}).cold_start


def test_results_of_many_concurrent_invocations_never_mix(make: Any) -> None:
    runtime = make(max_instances=4)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: runtime.invoke("Probe", {"n": n, "print": f"line {n}"}), range(40)))
    for n, result in enumerate(results):
        assert result.json()["event"]["n"] == n
        assert f"line {n}" in result.log_lines
        assert not [line for line in result.log_lines if line.startswith("line ") and line != f"line {n}"]
    assert json.loads(results[0].body)["request_id"] == results[0].request_id


def test_folders_an_emulator_killed_without_cleaning_up_left_are_swept() -> None:
    import subprocess
    import tempfile

    from vodfc.emulator.fc.instances import FOLDER_PREFIX, _sweep_folders_of_dead_emulators

    gone = subprocess.Popen(["true"])
    gone.wait()
    base = Path(tempfile.gettempdir())
    dead = base / f"{FOLDER_PREFIX}{gone.pid}-{uuid.uuid4().hex[:8]}"
    mine = base / f"{FOLDER_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}"
    for folder in (dead, mine):
        folder.mkdir()
        (folder / "left").write_text("behind")
    try:
        _sweep_folders_of_dead_emulators()
        assert not dead.exists() and mine.exists()
    finally:
        for folder in (dead, mine):
            if folder.exists():
                (folder / "left").unlink()
                folder.rmdir()


def test_stopping_an_instance_while_it_runs_fails_its_call_at_once(make: Any, tmp_path: Path) -> None:
    runtime = make()
    never = tmp_path / "code" / f"never-{uuid.uuid4().hex[:8]}"
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(runtime.invoke, "Probe", {"wait_for": str(never)})
        _wait(lambda: _busy(runtime) == 1)
        started = time.monotonic()
        runtime.stop_instances()
        result = running.result(10)
    assert time.monotonic() - started < 5
    assert result.error is not None and result.error["errorType"] == "ProcessExitedUnexpectedly"
    assert runtime.invoke("Probe", {}).cold_start


def test_output_after_the_answer_reaches_the_console_and_the_instance_serves_on(make: Any) -> None:
    runtime = make()
    console: list[str] = []
    runtime.log_sink = console.append
    # A second after the answer: a busy machine (CI) can delay taking the answer by a tenth of one,
    # and what is written before the answer is taken is the invocation's own output.
    first = runtime.invoke("Probe", {"later": "written after the answer", "after": 1.0})
    assert first.ok and "written after the answer" not in first.log_text
    _wait(lambda: any(line.endswith("] written after the answer") for line in console))
    second = runtime.invoke("Probe", {})
    assert second.ok and not second.cold_start
    assert second.json()["pid"] == first.json()["pid"]


def test_output_beyond_what_the_pipe_holds_is_all_in_the_log_in_order(make: Any) -> None:
    runtime = make()
    lines = 120_000  # about 1.8 MB: more than the instance's output pipe holds
    result = runtime.invoke("Probe", {"bulk": lines})
    assert result.ok
    written = [line for line in result.log_lines if line.startswith("bulk line ")]
    assert written == [f"bulk line {i}" for i in range(lines)]


def test_what_a_function_wrote_right_before_its_process_ended_is_in_the_log(make: Any) -> None:
    runtime = make()
    gone = runtime.invoke("Probe", {"oswrite": "last words", "exit": 3})
    assert gone.error is not None and gone.error["errorType"] == "ProcessExitedUnexpectedly"
    assert "last words" in gone.log_lines
