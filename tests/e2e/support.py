"""``vodfc up`` as a process, the way a user starts it: its output as it comes, its URLs, its admin plane."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.repo import REPO

STARTUP_SECONDS = 90


class UpProcess:
    """``vodfc up --port 0 ARGS...`` from the checkout; ``serving`` is set once it prints "Serving on"."""

    def __init__(self, *args: str, state_dir: Path | None = None, env: Mapping[str, str] | None = None):
        environ = {**os.environ, "PYTHONUNBUFFERED": "1"}
        # The user's shell holds neither: a test's own settings must not leak into the process.
        environ.pop("VOD_ENDPOINT", None)
        environ.pop("VODFC_ADMIN_TOKEN", None)
        environ.update(env or {})
        if state_dir is not None:
            environ["VODFC_STATE_DIR"] = str(state_dir)
        self.proc = subprocess.Popen(
            [sys.executable, "-X", "faulthandler", "-m", "emulator", "up", "--port", "0", *args],
            cwd=REPO,
            env=environ,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self.serving = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("Serving on"):
                self.serving.set()
        self.serving.set()

    def wait_serving(self) -> None:
        assert self.serving.wait(STARTUP_SECONDS), self.output
        assert self.proc.poll() is None, self.output

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    @property
    def dashboard(self) -> str:
        """The dashboard's sign-in URL, token included, as printed."""
        found = re.search(r"Dashboard: +(http://127\.0\.0\.1:\d+/_vodfc/\?token=\S+)", self.output)
        assert found, self.output
        return found.group(1)

    @property
    def url(self) -> str:
        return self.dashboard.split("/_vodfc/")[0]

    @property
    def token(self) -> str:
        return self.dashboard.split("token=", 1)[1]

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            return json.loads(answer.read() or b"null")

    def stop(self, signals: int = 1) -> int:
        """SIGTERM (``signals`` times, as an impatient Ctrl-C does) and the exit status."""
        for _ in range(signals):
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.send_signal(signal.SIGABRT)  # faulthandler prints every thread's stack
            self.proc.wait(timeout=30)
            self._reader.join(10)
            raise AssertionError(f"vodfc up did not stop:\n{self.output}") from None
        self._reader.join(10)  # the last lines may still be in the pipe
        return code
