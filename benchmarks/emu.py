"""Emulator plumbing shared by the parts: the app, a video to fetch, the core SDK client.

Everything that depends on code other helpers are still writing goes through here, so a missing
piece turns into one ``NotAvailable`` with a reason instead of an ImportError deep in a part.
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import threading
from pathlib import Path
from typing import Any

from benchmarks.harness import NotAvailable

ACCESS_KEY_ID = "vodfc-access-key-id"
ACCESS_KEY_SECRET = "vodfc-access-key-secret"
REGION = "cn-shanghai"
ACCOUNT_ID = "1234567890123456"
REPO = Path(__file__).resolve().parents[1]


def require(module: str, what: str | None = None) -> Any:
    """Import ``module`` or say which piece is missing."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name == module:
            raise NotAvailable(f"{what or module} not committed yet") from None
        raise NotAvailable(f"{what or module} does not import: no module {exc.name}") from None
    except ImportError as exc:  # a half-landed change elsewhere must not stop the other parts
        raise NotAvailable(f"{what or module} does not import: {exc}") from None


def require_vod() -> None:
    require("vodfc.emulator.vod.models", "emulator/vod/models.py")
    require("vodfc.emulator.vod.action_table", "emulator/vod/action_table.py")


def build_app(**config_changes: Any) -> Any:
    """A fresh emulator app with every installed component and no demo library."""
    require_vod()
    from vodfc.emulator.app import create_app
    from vodfc.emulator.config import EmulatorConfig

    return create_app(EmulatorConfig(seed=False).with_changes(**config_changes))


def add_video(backend: Any, **fields: Any) -> str:
    """Create one video directly through the VodBackend API; returns its VideoId."""
    create = getattr(backend, "create_video", None)
    if create is None:
        raise NotAvailable("VodBackend.create_video missing")
    with backend.lock:
        video = create(**{"title": "benchmark video", **fields})
    return str(getattr(video, "video_id", None) or getattr(video, "id", None) or video)


def acs_client(endpoint: str | None = None) -> Any:
    from aliyunsdkcore.client import AcsClient

    client = AcsClient(ACCESS_KEY_ID, ACCESS_KEY_SECRET, REGION, auto_retry=False)
    if endpoint is not None:
        client.add_endpoint(REGION, "vod", endpoint)
    return client


def get_video_info(client: Any, video_id: str) -> dict[str, Any]:
    """One GetVideoInfo as an application does it: build the request, send, decode."""
    from aliyunsdkvod.request.v20170321.GetVideoInfoRequest import GetVideoInfoRequest

    request = GetVideoInfoRequest()
    request.set_VideoId(video_id)
    data: dict[str, Any] = json.loads(client.do_action_with_exception(request))
    return data


def start_server(
    command: list[str], env: dict[str, str], ready: str, seconds: float
) -> tuple[subprocess.Popen[str], str, list[str]]:
    """Start ``command`` in the repository and wait up to ``seconds`` for an output line matching
    ``ready``, whose first group is the server's URL. Returns the process, that URL ('' when it never
    came: the process ended or the time ran out) and the output lines, which keep coming in."""
    proc = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines: list[str] = []
    url: list[str] = []
    came = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            found = re.search(ready, line)
            if found and not url:
                url.append(found.group(1))
                came.set()
        came.set()

    threading.Thread(target=read, daemon=True).start()
    came.wait(seconds)
    return proc, (url[0] if url else ""), lines
