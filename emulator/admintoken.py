"""The admin token: where it comes from, where a server leaves it, how a client finds it.

Every ``/_vodfc`` route but ``health`` wants the token (``vodfc.emulator.guard`` checks it). A client
sends it as ``Authorization: Bearer <token>`` or as ``X-Vodfc-Token: <token>``; never in a URL, but
for the one exchange that signs a browser in to the dashboard (``dashboard_url``: the token goes into
a session cookie, ``cookie_name``, and the page redirects to drop it from the URL).

* Where it comes from: ``VODFC_ADMIN_TOKEN`` (``EmulatorConfig.admin_token``) or, without it, a new
  random token each time an emulator is built.
* Where a server leaves it (``publish``, by ``vodfc emulator`` and ``vodfc up``, removed again when
  they stop): ``<state dir>/admin-token-<port>``, and ``<data dir>/admin-token`` too when the server
  has a data dir. The state dir is ``VODFC_STATE_DIR``, else ``~/.vodfc``. Files are mode 0600, their
  directory 0700 when we create it.
* How a client finds it (``find_token``, used by every CLI command that talks to a running emulator):
  ``VODFC_ADMIN_TOKEN``, else the file of the URL's port in the state dir, else
  ``$VODFC_DATA_DIR/admin-token``.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

ENV_TOKEN = "VODFC_ADMIN_TOKEN"
ENV_STATE_DIR = "VODFC_STATE_DIR"
TOKEN_HEADER = "X-Vodfc-Token"
DATA_DIR_FILE = "admin-token"


def cookie_name(host: str) -> str:
    """The dashboard's session cookie for a server reached at ``host`` (``Host`` header). Browsers share
    cookies between the ports of one host: each port gets its own name, so two emulators on one machine
    do not sign each other out."""
    _, colon, port = host.rpartition(":")
    return f"vodfc-admin-{port}" if colon and port.isdigit() else "vodfc-admin"


def dashboard_url(url: str, token: str) -> str:
    """The dashboard's address with the token that signs the browser in (``vodfc up`` prints it)."""
    return f"{url.rstrip('/')}/_vodfc/?token={token}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def auth_headers(token: str) -> dict[str, str]:
    """The headers that carry ``token`` to the admin plane."""
    return {"Authorization": f"Bearer {token}"}


def state_dir(environ: Mapping[str, str] | None = None) -> Path:
    env = os.environ if environ is None else environ
    return Path(env[ENV_STATE_DIR]) if env.get(ENV_STATE_DIR) else Path.home() / ".vodfc"


def port_file(port: int, environ: Mapping[str, str] | None = None) -> Path:
    return state_dir(environ) / f"admin-token-{port}"


def _write_private(path: Path, token: str) -> None:
    """Write ``token`` so that only its owner can read it, at no moment readable by anyone else."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(token + "\n")
        os.chmod(temporary, 0o600)  # whatever the umask did
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def publish(
    token: str,
    port: int,
    data_dir: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
) -> tuple[list[Path], list[str]]:
    """Leave ``token`` where clients look for it; returns the files written and the problems met (a
    file that cannot be written is reported, not fatal: the token is also printed)."""
    targets = [port_file(port, environ)]
    if data_dir is not None:
        targets.append(Path(data_dir) / DATA_DIR_FILE)
    written, problems = [], []
    for path in targets:
        try:
            _write_private(path, token)
        except OSError as error:
            problems.append(f"cannot write the admin token to {path}: {error.strerror or error}")
        else:
            written.append(path)
    return written, problems


def unpublish(paths: list[Path], token: str) -> None:
    """Remove the token files this server wrote (not one another server has written since)."""
    for path in paths:
        with contextlib.suppress(OSError):
            if read_token_file(path) == token:
                path.unlink()


def read_token_file(path: Path) -> str | None:
    try:
        text = path.read_text("ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text or None


def find_token(url: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The admin token of the emulator at ``url``, as a client on this machine can find it."""
    env = os.environ if environ is None else environ
    if env.get(ENV_TOKEN):
        return env[ENV_TOKEN]
    parts = urlsplit(url if "://" in url else "http://" + url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        port = None
    if port is not None:
        found = read_token_file(port_file(port, env))
        if found:
            return found
    if env.get("VODFC_DATA_DIR"):
        return read_token_file(Path(env["VODFC_DATA_DIR"]) / DATA_DIR_FILE)
    return None
