"""The options several commands share, their environment variables, and one-line network errors.

| flag | variable | default | commands |
|---|---|---|---|
| ``--host`` | ``VODFC_HOST`` | ``127.0.0.1`` | emulator, up |
| ``--port`` | ``VODFC_PORT`` | ``9000`` | emulator, up |
| ``--url`` | ``VODFC_URL`` | ``http://127.0.0.1:9000`` | events, faults |
| ``--url`` | ``VODFC_URL`` | none: run in-process | invoke, timer |
| ``--allow-host`` (repeatable) | ``VODFC_ALLOWED_HOSTS`` (comma list) | none | emulator, up |
| ``--explain-errors`` | ``VODFC_EXPLAIN_ERRORS=1`` | off | emulator, up |

A flag wins over its variable. A variable that does not parse stops the command with argparse's error,
naming the variable.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping

from vodfc.emulator.config import DEFAULT_HOST, DEFAULT_PORT, EmulatorConfig

DEFAULT_URL = f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
HOST_VARIABLE, PORT_VARIABLE, URL_VARIABLE = "VODFC_HOST", "VODFC_PORT", "VODFC_URL"


class _FromEnvironment(str):
    """A default read from a variable: argparse converts it only when the flag is absent, and an error
    then names the variable instead of the flag."""

    variable = ""


def _from_environment(variable: str, value: str) -> _FromEnvironment:
    text = _FromEnvironment(value)
    text.variable = variable
    return text


def port(text: str) -> int:
    """argparse type of a TCP port (0 picks a free one)."""
    source = f"${text.variable}=" if isinstance(text, _FromEnvironment) else ""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{source}{text!s} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{source}{text!s} is not a port number (0-65535)")
    return value


def _environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def add_listen_options(parser: argparse.ArgumentParser, environ: Mapping[str, str] | None = None) -> None:
    """``--host`` and ``--port``, defaulting to ``VODFC_HOST`` / ``VODFC_PORT``."""
    env = _environ(environ)
    port_text = env.get(PORT_VARIABLE, "").strip()
    parser.add_argument(
        "--host",
        default=env.get(HOST_VARIABLE) or DEFAULT_HOST,
        help=f"interface to bind (${HOST_VARIABLE}; default {DEFAULT_HOST})",
    )
    parser.add_argument(
        "--port",
        type=port,
        default=_from_environment(PORT_VARIABLE, port_text) if port_text else DEFAULT_PORT,
        help=f"port (${PORT_VARIABLE}; default {DEFAULT_PORT}; 0 = any free port)",
    )


def add_url_option(
    parser: argparse.ArgumentParser,
    *,
    in_process: bool = False,
    environ: Mapping[str, str] | None = None,
) -> None:
    """``--url`` of a running emulator, defaulting to ``VODFC_URL``. With ``in_process`` the command runs
    in-process when neither is given; otherwise it talks to ``http://127.0.0.1:9000``."""
    env = _environ(environ)
    fallback = None if in_process else DEFAULT_URL
    default = env.get(URL_VARIABLE) or fallback
    where = "in-process" if in_process else DEFAULT_URL
    parser.add_argument(
        "--url", default=default, help=f"a running emulator (${URL_VARIABLE}; default {where})"
    )


def listen_error(command: str, host: str, port_number: int, error: OSError) -> str:
    """One line for a server that cannot listen (the port is taken, the host is not ours ...)."""
    return f"vodfc {command}: cannot listen on {host}:{port_number}: {reason(error)}"


def unreachable(command: str, url: str, error: BaseException) -> str:
    """One line for an emulator the command cannot reach."""
    return f"vodfc {command}: cannot reach the emulator at {url}: {reason(error)}"


def reason(error: BaseException) -> str:
    """The operating system's words for a network error, found in the chain the HTTP libraries build
    around it (requests -> urllib3 -> socket), else the error's own text."""
    pending: list[BaseException] = [error]
    seen: set[int] = set()
    while pending:
        current = pending.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return str(current.strerror)
        linked = (current.__cause__, current.__context__, getattr(current, "reason", None), *current.args)
        pending.extend(item for item in linked if isinstance(item, BaseException))
    return str(error) or type(error).__name__


def add_allow_host(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer requests whose Host is NAME (besides loopback names and --host); repeat it, "
        "or give * to answer any Host, which turns the DNS-rebinding guard off (VODFC_ALLOWED_HOSTS)",
    )


def with_allowed_hosts(config: EmulatorConfig, args: argparse.Namespace) -> EmulatorConfig:
    """``config`` with the ``--allow-host`` names added to those of ``VODFC_ALLOWED_HOSTS``."""
    if not args.allow_host:
        return config
    return config.with_changes(allowed_hosts=(*config.allowed_hosts, *args.allow_host))


def add_explain_errors(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--explain-errors",
        action="store_true",
        help="put the emulator's explanation of a refused call (which limit, which value) in the error's "
        "Message after the cloud's text; without it Message is exactly the cloud's and the explanation is "
        "in the x-vodfc-error-detail header and the log (VODFC_EXPLAIN_ERRORS=1)",
    )


def with_explain_errors(config: EmulatorConfig, args: argparse.Namespace) -> EmulatorConfig:
    """``config`` with ``--explain-errors`` applied (the flag only turns it on; the variable may too)."""
    return config.with_changes(explain_errors=True) if args.explain_errors else config
