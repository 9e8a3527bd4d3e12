"""``python -m benchmarks.soak [--short]``: durability under kill -9, and mixed load, bounded in time.

1. **kill -9 under load.** Rounds of: start ``vodfc emulator --data-dir`` (a subprocess), check that
   every write acknowledged so far is there, let writer threads create videos (CreateUploadVideo, each
   one a write the emulator acknowledges with its VideoId) for a while, then SIGKILL the server in
   the middle of their writes. A last start checks the final round. Lost = acknowledged VideoIds that
   GetVideoInfos does not find after the restart.
2. **mixed load.** Client threads against one server for a while, each on its own videos: create,
   upload a small file with oss2 (every fourth), read (GetVideoInfo, GetVideoInfos, GetVideoList,
   SearchMedia), update (UpdateVideoInfo, then read back), delete (DeleteVideo). Errors = any call
   that fails (nothing here should); counts are consistent when the server's video list equals what
   the clients created minus what they deleted, and every title read back is the one written.

Prints the counts and exits 1 if anything was lost, failed or disagrees. ``--short`` is the form CI
runs (two rounds of a few seconds, a short mixed run: about half a minute); the full form takes about
two minutes. Traffic goes to loopback only.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import emu

START_SECONDS = 60


@dataclass(frozen=True)
class Plan:
    rounds: int
    writers: int
    round_seconds: float
    mixed_threads: int
    mixed_seconds: float


FULL = Plan(rounds=4, writers=4, round_seconds=10, mixed_threads=8, mixed_seconds=30)
SHORT = Plan(rounds=2, writers=4, round_seconds=3, mixed_threads=8, mixed_seconds=5)


class Emulator:
    """``vodfc emulator`` in a subprocess on a free port, with a data dir."""

    def __init__(self, data_dir: Path, seed: bool = False):
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "VODFC_STATE_DIR": str(data_dir / "state")}
        env["VODFC_ADMIN_TOKEN"] = secrets.token_urlsafe(16)
        command = [sys.executable, "-m", "vodfc", "emulator", "--port", "0", "--data-dir", str(data_dir)]
        if not seed:
            command.append("--no-seed")
        self.proc, self.url, self.output = emu.start_server(
            command, env, r"listening on (http://\S+)", START_SECONDS
        )
        if not self.url:
            self.kill()
            raise SystemExit(f"the emulator did not start:\n{''.join(self.output)[-2000:]}")

    @property
    def endpoint(self) -> str:
        return self.url.removeprefix("http://")

    def kill(self) -> None:
        """kill -9: no shutdown at all."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


class Client:
    """The core SDK's AcsClient (one keep-alive connection) sending VOD calls to ``endpoint``."""

    def __init__(self, endpoint: str):
        from aliyunsdkcore.client import AcsClient

        self.endpoint = endpoint
        self.acs = AcsClient(
            emu.ACCESS_KEY_ID, emu.ACCESS_KEY_SECRET, emu.REGION, auto_retry=False, timeout=30
        )

    def __call__(self, action: str, **params: Any) -> dict[str, Any]:
        from aliyunsdkcore.request import CommonRequest

        request = CommonRequest(domain=self.endpoint, version="2017-03-21", action_name=action)
        request.set_method("POST")
        for name, value in params.items():
            request.add_query_param(name, str(value))
        return json.loads(self.acs.do_action_with_exception(request))  # type: ignore[no-any-return]


def client(endpoint: str) -> Client:
    return Client(endpoint)


def call(acs: Client, action: str, **params: Any) -> dict[str, Any]:
    return acs(action, **params)


def create_video(acs: Any, title: str) -> str:
    return str(call(acs, "CreateUploadVideo", Title=title, FileName="soak.mp4")["VideoId"])


def missing(acs: Any, video_ids: list[str]) -> list[str]:
    """The ids GetVideoInfos does not know, 20 per call as VOD takes them."""
    from aliyunsdkcore.acs_exception.exceptions import ServerException

    gone: list[str] = []
    for start in range(0, len(video_ids), 20):
        chunk = video_ids[start : start + 20]
        try:
            answer = call(acs, "GetVideoInfos", VideoIds=",".join(chunk))
        except ServerException as error:
            if error.get_error_code() != "InvalidVideo.NotFound":
                raise
            gone.extend(chunk)  # VOD answers 404 when none of them exists
            continue
        gone.extend(answer.get("NonExistVideoIds") or [])
    return gone


def tiny_video() -> bytes:
    from vodfc.emulator.media.synth import make_video

    return bytes(make_video(seconds=0.2, width=64, height=48, audio=False))


def put(created: dict[str, Any], data: bytes) -> None:
    import base64

    import oss2

    address = json.loads(base64.b64decode(created["UploadAddress"]))
    auth = json.loads(base64.b64decode(created["UploadAuth"]))
    sts = oss2.StsAuth(auth["AccessKeyId"], auth["AccessKeySecret"], auth["SecurityToken"])
    oss2.Bucket(sts, address["Endpoint"], address["Bucket"]).put_object(address["FileName"], data)


# --- 1. kill -9 under load --------------------------------------------------------------------------


def durability(plan: Plan, say: Callable[[str], None]) -> tuple[int, int]:
    """Returns (acknowledged, lost)."""
    acknowledged: list[str] = []
    lost: set[str] = set()
    with tempfile.TemporaryDirectory(prefix="vodfc-soak-") as folder:
        data = Path(folder)
        for round_no in range(1, plan.rounds + 2):
            server = Emulator(data)
            try:
                checker = client(server.endpoint)
                gone = missing(checker, acknowledged)
                lost.update(gone)
                if round_no > 1:
                    total = f"{len(acknowledged):,} acknowledged so far"
                    say(f"  restart {round_no - 1}: {total}, {len(gone)} lost")
                if round_no > plan.rounds:
                    break
                before = len(acknowledged)
                stop = threading.Event()
                lock = threading.Lock()

                def write(
                    stop: threading.Event = stop, lock: threading.Lock = lock, url: str = server.endpoint
                ) -> None:
                    acs = client(url)
                    while not stop.is_set():
                        try:
                            video_id = create_video(acs, "durable")
                        except Exception:
                            return  # the server was killed under us: unacknowledged, not counted
                        with lock:
                            acknowledged.append(video_id)

                threads = [threading.Thread(target=write) for _ in range(plan.writers)]
                for thread in threads:
                    thread.start()
                time.sleep(plan.round_seconds)
                server.kill()  # in the middle of the writers' calls
                stop.set()
                for thread in threads:
                    thread.join(60)
                written = f"{len(acknowledged) - before:,} acknowledged writes"
                say(f"  round {round_no}: {plan.writers} writers, {written}, then kill -9")
            finally:
                server.kill()
    return len(acknowledged), len(lost)


# --- 2. mixed load -------------------------------------------------------------------------------------


def mixed(plan: Plan, say: Callable[[str], None]) -> tuple[Counter[str], Counter[str], list[str]]:
    """Returns (calls by action, errors by action, disagreements)."""
    calls: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    problems: list[str] = []
    alive: list[set[str]] = [set() for _ in range(plan.mixed_threads)]
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="vodfc-soak-") as folder:
        server = Emulator(Path(folder), seed=True)
        try:
            seeded = int(call(client(server.endpoint), "GetVideoList", PageSize=1)["Total"])
            clip = tiny_video()
            deadline = time.monotonic() + plan.mixed_seconds

            def work(index: int) -> None:
                acs = client(server.endpoint)
                mine = alive[index]
                n = 0

                def upload(created: dict[str, Any]) -> None:
                    """The file of an upload, through oss2 with its UploadAuth, as the upload guide does."""
                    with lock:
                        calls["oss2 put_object"] += 1
                    try:
                        put(created, clip)
                    except Exception as error:
                        with lock:
                            errors["oss2 put_object"] += 1
                            problems.append(f"upload: {type(error).__name__}: {error}"[:300])

                def run(action: str, **params: Any) -> dict[str, Any] | None:
                    with lock:
                        calls[action] += 1
                    try:
                        return call(acs, action, **params)
                    except Exception as error:  # every call here should succeed
                        with lock:
                            errors[action] += 1
                            if len(problems) < 20:
                                problems.append(f"{action}: {type(error).__name__}: {error}"[:300])
                        return None

                while time.monotonic() < deadline:
                    n += 1
                    created = run("CreateUploadVideo", Title=f"mixed {index}-{n}", FileName="mixed.mp4")
                    if created is not None:
                        mine.add(created["VideoId"])
                        if n % 4 == 1:
                            upload(created)
                    if not mine:
                        continue
                    video_id = sorted(mine)[n % len(mine)]
                    title = f"renamed {index}-{n}"
                    if run("UpdateVideoInfo", VideoId=video_id, Title=title) is not None:
                        info = run("GetVideoInfo", VideoId=video_id)
                        if info is not None and info["Video"]["Title"] != title:
                            with lock:
                                problems.append(
                                    f"{video_id}: read {info['Video']['Title']!r} after writing {title!r}"
                                )
                    run("GetVideoInfos", VideoIds=",".join(sorted(mine)[:20]))
                    run("GetVideoList", PageSize=20)
                    run("SearchMedia", SearchType="video", Match=f"Title = 'mixed {index}-'", PageSize=10)
                    if n % 3 == 0:
                        doomed = sorted(mine)[0]
                        if run("DeleteVideo", VideoIds=doomed) is not None:
                            mine.discard(doomed)

            threads = [threading.Thread(target=work, args=(i,)) for i in range(plan.mixed_threads)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(plan.mixed_seconds + 120)
            expected = seeded + sum(len(mine) for mine in alive)
            total = int(call(client(server.endpoint), "GetVideoList", PageSize=1)["Total"])
            if total != expected:
                problems.append(f"GetVideoList Total {total} != {expected} (seeded + created - deleted)")
            lost = missing(client(server.endpoint), sorted(set().union(*alive)))
            if lost:
                problems.append(f"{len(lost)} created videos not found")
            left = total - seeded
            say(f"  videos: {seeded} seeded + {left} left by the clients = {total} (expected {expected})")
        finally:
            server.stop()
    return calls, errors, problems


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n")[0])
    parser.add_argument("--short", action="store_true", help="the short form CI runs (about half a minute)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    plan = SHORT if args.short else FULL

    def say(line: str) -> None:
        print(line, flush=True)

    started = time.monotonic()
    say(
        f"kill -9 under load: {plan.rounds} rounds of {plan.round_seconds:g} s, {plan.writers} writer threads"
    )
    acknowledged, lost = durability(plan, say)
    say(f"durability: {acknowledged:,} acknowledged writes, {lost} lost")
    say(f"mixed load: {plan.mixed_threads} threads for {plan.mixed_seconds:g} s")
    calls, errors, problems = mixed(plan, say)
    say(
        f"mixed: {sum(calls.values()):,} calls, {sum(errors.values())} errors ({dict(sorted(calls.items()))})"
    )
    for problem in problems:
        say(f"  problem: {problem}")
    consistent = not problems
    say(f"mixed: counts {'consistent' if consistent else 'INCONSISTENT'}")
    ok = acknowledged > 0 and lost == 0 and not errors and consistent
    say(f"soak {'passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
