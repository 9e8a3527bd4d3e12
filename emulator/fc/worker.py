"""The bootstrap an FC instance runs: one subprocess per instance, standard library only.

The emulator starts this file as a script with its own interpreter in isolated mode (``python -I``:
no ``PYTHON*`` variables, the script's folder not on ``sys.path``), in a session of its own, with
stdin/stdout/stderr on /dev/null, one end of a socket pair (``argv[1]``) and the write end of its
output pipe (``argv[2]``). It never imports
``vodfc``: what a function sees of the emulator is what FC shows a function, the environment, the
``context`` and its event. The parent imports this module too, for the frame format and the shapes
both sides share (``FCContext``, ``encode_result``): one definition of each.

Protocol: length-prefixed frames both ways, ``!II`` (header size, body size), a JSON header, raw
bytes (an event, a result, log output). Parent to child: ``assign`` (which function: environment,
``sys.path``, code folder, handler), ``init`` (run the Initializer), ``invoke`` (an event or an HTTP
request); child to parent: ``ready``, ``done`` (a result or FC's error body).

File descriptors 1 and 2 are the output pipe, whose read end only the parent holds: ``print``,
``logging`` (in FC's line format), and output of C code or child processes all reach it in the order
written, with no thread of the instance involved, and what a function wrote before a timeout killed
it is still in the pipe for the parent to read. The child flushes Python's streams before it answers,
and the parent reads the pipe empty before it takes an answer, so an answer follows the output
written before it. The child exits as soon as its
socket closes (the parent died or dropped it; the parent kills a busy instance before it drops it),
and asks the kernel for SIGKILL if the parent dies (``PR_SET_PDEATHSIG``). With ``private`` /tmp, it
moves into a mount namespace of its own before any thread starts and mounts its instance folder on
``/tmp``; folders under the host's ``/tmp`` that the function needs (its code, the interpreter) are
mounted back at the same path.
"""

from __future__ import annotations

import ctypes
import importlib
import io
import json
import logging
import os
import resource
import signal
import socket
import struct
import sys
import threading
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

FRAME = struct.Struct("!II")
LOG_CHUNK = 65536

# --- frames -------------------------------------------------------------------------------------------


def encode_frame(header: dict[str, Any], body: bytes = b"") -> bytes:
    head = json.dumps(header, separators=(",", ":")).encode("utf-8")
    return FRAME.pack(len(head), len(body)) + head + body


class FrameParser:
    """Cuts a byte stream into ``(header, body)`` frames; feed it whatever ``recv`` returned."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[tuple[dict[str, Any], bytes]]:
        self._buffer += data
        frames = []
        while len(self._buffer) >= FRAME.size:
            head_size, body_size = FRAME.unpack_from(self._buffer)
            end = FRAME.size + head_size + body_size
            if len(self._buffer) < end:
                break
            head = bytes(self._buffer[FRAME.size : FRAME.size + head_size])
            body = bytes(self._buffer[FRAME.size + head_size : end])
            del self._buffer[:end]
            frames.append((json.loads(head), body))
        return frames


# --- what a handler gets (FC 2.0 / python3.10 shapes) -----------------------------------------------


@dataclass(frozen=True)
class Credentials:
    access_key_id: str
    access_key_secret: str = field(repr=False)
    security_token: str = field(repr=False, default="")


@dataclass(frozen=True)
class FunctionMeta:
    # FC's python3.10 runtime has these four and no more: code reading context.function.initializer
    # would fail on FC (shared/spec/fc-runtime.md §1.2).
    name: str
    handler: str
    memory: int
    timeout: int


@dataclass(frozen=True)
class ServiceMeta:
    name: str
    log_project: str = ""
    log_store: str = ""
    qualifier: str = "LATEST"
    version_id: str = ""


@dataclass(frozen=True)
class Tracing:
    span_context: str | None = None
    jaeger_endpoint: str | None = None
    span_baggages: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class FCContext:
    request_id: str
    credentials: Credentials
    function: FunctionMeta
    service: ServiceMeta
    region: str
    account_id: str
    tracing: Tracing = field(default_factory=Tracing)
    retry_count: int = 0
    # FC sets a per-request logger only when instance concurrency > 1.
    logger: Any = None

    # FC's own (camelCase) name.
    def getLogger(self) -> logging.Logger:
        return self.logger if self.logger is not None else logging.getLogger()


# --- what a python3.12 handler gets (FC 3.0's runtime) ----------------------------------------------

# Runtimes whose context has FC 3.0's shape; python3.10 and older keep FC 2.0's, on FC 3.0 too.
FC3_CONTEXT_RUNTIMES = frozenset({"python3.12"})


@dataclass(frozen=True)
class FunctionMeta3:
    name: str
    handler: str
    memory: int
    timeout: int
    version_id: str = ""
    qualifier: str = "LATEST"


@dataclass(frozen=True)
class FC3Context:
    """python3.12's context: no ``credentials`` (they are in the ALIBABA_CLOUD_* variables) and no
    ``service``; the log settings are its own attributes, and ``logger`` is the request's."""

    request_id: str
    function: FunctionMeta3
    region: str
    account_id: str
    log_project: str = ""
    log_store: str = ""
    logger: Any = None


def encode_result(value: Any) -> bytes:
    """What FC's Python runtime sends back for a handler's return value."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, indent=4, sort_keys=True, default=_json_default).encode("utf-8")


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def error_body(message: str, error_type: str, stack: list[list[Any]] | None = None) -> dict[str, Any]:
    """FC's function error body."""
    return {"errorMessage": message, "errorType": error_type, "stackTrace": stack or []}


class FunctionError(Exception):
    """A failure FC reports with its own error type (import errors, a bad WSGI answer)."""

    def __init__(self, error_type: str, message: str):
        super().__init__(message)
        self.error_type = error_type


def _error_payload(exc: BaseException) -> dict[str, Any]:
    if isinstance(exc, FunctionError):
        return error_body(str(exc), exc.error_type)
    here = os.path.abspath(__file__)
    frames = [
        f
        for f in traceback.extract_tb(exc.__traceback__)
        # FC's stack trace starts in user code: not the bootstrap's frames, nor importlib's.
        if os.path.abspath(f.filename) != here and not f.filename.startswith("<frozen ")
    ]
    stack = [[f.filename, f.lineno, f.name, f.line or ""] for f in frames]
    return error_body(str(exc), type(exc).__name__, stack)


# --- the child ----------------------------------------------------------------------------------------


class _Channel:
    """The socket to the parent; what one thread sends goes out whole."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self._lock = threading.Lock()

    def send(self, data: bytes) -> None:
        with self._lock:
            self.sock.sendall(data)


def _output_streams(fd: int) -> None:
    """Make ``fd`` (the output pipe) the process's fds 1 and 2 and Python's unbuffered stdout/stderr."""
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), encoding="utf-8", errors="backslashreplace", write_through=True
    )


def _flush_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:  # a handler may have replaced or closed them
            pass


class _FcLogHandler(logging.Handler):
    """FC's root-logger line: ``<UTC time>Z <request id> [LEVEL] message``, one write per record."""

    def __init__(self, current: Any):
        super().__init__(logging.NOTSET)
        self.current = current
        # The formatted UTC second of the last record: records come many a second, formatting is not free.
        self._second: tuple[int, str] = (-1, "")

    def _when(self, created: float) -> str:
        second = int(created)
        cached = self._second
        if cached[0] != second:
            text = datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            cached = self._second = (second, text)
        return cached[1]

    def emit(self, record: logging.LogRecord) -> None:
        try:
            when = self._when(record.created)
            # shared.fc.logs stamps records with its own request id ("-" outside its handlers).
            rid = getattr(record, "fc_request_id", None)
            if not rid or rid == "-":
                rid = self.current() or ""
            text = record.getMessage()
            if record.exc_info:
                text += "\n" + "".join(traceback.format_exception(*record.exc_info)).rstrip()
            line = f"{when}.{int(record.msecs):03d}Z {rid} [{record.levelname}] {text}\n"
            os.write(2, line.encode("utf-8", "backslashreplace"))
        except Exception:  # a broken record must not break the invocation
            pass


class _PrivateTmp:
    """A mount namespace of the instance's own with its folder on /tmp (Linux, CAP_SYS_ADMIN)."""

    CLONE_NEWNS = 0x00020000
    MS_BIND = 4096
    MS_REC = 16384
    MS_PRIVATE = 1 << 18

    def __init__(self) -> None:
        self.old_tmp: int | None = None
        self._libc: Any = None
        self._exposed: set[str] = set()

    def enter(self, folder: str, keep: list[str]) -> str | None:
        """Mount ``folder`` on /tmp; None when it worked, else why not. Call before any thread starts."""
        try:
            libc = ctypes.CDLL(None, use_errno=True)
        except OSError as exc:
            return str(exc)
        self._libc = libc
        if libc.unshare(self.CLONE_NEWNS) != 0:
            return f"unshare: {os.strerror(ctypes.get_errno())}"
        # Mounts made here must not propagate back to the host's namespace.
        if libc.mount(b"none", b"/", None, self.MS_REC | self.MS_PRIVATE, None) != 0:
            return f"mount --make-rprivate /: {os.strerror(ctypes.get_errno())}"
        self.old_tmp = os.open("/tmp", os.O_PATH | os.O_DIRECTORY)
        if libc.mount(folder.encode(), b"/tmp", None, self.MS_BIND, None) != 0:
            return f"mount --bind {folder} /tmp: {os.strerror(ctypes.get_errno())}"
        for path in keep:
            self.expose(path)
        return None

    def expose(self, path: str) -> None:
        """Make a folder of the host's /tmp visible again at the same path (read and write)."""
        if self.old_tmp is None:
            return
        path = os.path.abspath(path)
        if not path.startswith("/tmp/") or any(path == e or path.startswith(e + "/") for e in self._exposed):
            return
        relative = path[len("/tmp/") :]
        source = f"/proc/self/fd/{self.old_tmp}/{relative}"
        if not os.path.isdir(source):
            return
        os.makedirs(path, exist_ok=True)
        if self._libc.mount(source.encode(), path.encode(), None, self.MS_BIND | self.MS_REC, None) == 0:
            self._exposed.add(path)


class Runner:
    """What runs inside the instance: the function it was assigned, its modules, the requests running."""

    def __init__(self, channel: _Channel, private_tmp: _PrivateTmp | None):
        self.channel = channel
        self.private_tmp = private_tmp
        self.meta: dict[str, Any] = {}
        self.concurrency = 1
        self.modules: dict[str, Any] = {}
        self._local = threading.local()
        self._running: set[str] = set()
        self._running_lock = threading.Lock()
        self.assign_error: str | None = None
        # What every context of this instance shares (frozen): built once, not per invocation.
        self._shared: tuple[FunctionMeta, ServiceMeta] | None = None
        self._credentials: Credentials | None = None

    # What the current output belongs to: the request this thread runs, else the only one running.
    def current(self) -> str | None:
        rid = getattr(self._local, "request_id", None)
        if rid is not None:
            return str(rid)
        with self._running_lock:
            return next(iter(self._running)) if len(self._running) == 1 else None

    def assign(self, header: dict[str, Any]) -> None:
        self.meta = header["function"]
        self._shared = None
        self.concurrency = int(header.get("concurrency") or 1)
        os.environ.clear()
        os.environ.update(header["env"])
        import tempfile

        tempfile.tempdir = None  # TMPDIR changed: let tempfile look again
        for path in reversed(header.get("sys_path", [])):
            if path not in sys.path:
                sys.path.insert(0, path)
        if self.private_tmp is not None:
            for path in [*header.get("sys_path", []), header["code_dir"]]:
                self.private_tmp.expose(path)
        try:
            os.chdir(header["code_dir"])
        except OSError as exc:
            self.assign_error = f"cannot enter the code folder {header['code_dir']}: {exc.strerror}"
        root = logging.getLogger()
        root.handlers[:] = [_FcLogHandler(self.current)]
        level = os.environ.get("FC_SERVER_LOG_LEVEL", "INFO").upper()
        root.setLevel(level if isinstance(logging.getLevelName(level), int) else logging.INFO)

    def context(self, header: dict[str, Any]) -> FCContext | FC3Context:
        meta = self.meta
        creds = header["credentials"]
        logger = None
        fc3 = meta.get("runtime") in FC3_CONTEXT_RUNTIMES
        if self.concurrency > 1 or fc3:
            # FC's per-request logger: the root logger's line format with this request's id.
            logger = logging.LoggerAdapter(logging.getLogger(), {"fc_request_id": header["id"]})
        if fc3:
            return FC3Context(
                request_id=header["id"],
                function=FunctionMeta3(
                    meta["name"], meta["handler"], int(meta["memory"]), int(meta["timeout"])
                ),
                region=meta["region"],
                account_id=meta["account_id"],
                log_project=meta.get("log_project", ""),
                log_store=meta.get("log_store", ""),
                logger=logger,
            )
        if self._shared is None:
            function = FunctionMeta(
                meta["name"],
                meta["handler"],
                int(meta["memory"]),
                int(meta["timeout"]),
            )
            service = ServiceMeta(meta["service"], meta.get("log_project", ""), meta.get("log_store", ""))
            self._shared = (function, service)
        known = self._credentials
        if known is None or (known.access_key_id, known.access_key_secret, known.security_token) != tuple(
            creds
        ):
            # FC refreshes them now and then: a new object only when they changed.
            known = self._credentials = Credentials(creds[0], creds[1], creds[2])
        return FCContext(
            request_id=header["id"],
            credentials=known,
            function=self._shared[0],
            service=self._shared[1],
            region=meta["region"],
            account_id=meta["account_id"],
            retry_count=int(header.get("retry_count", 0)),
            logger=logger,
        )

    def resolve(self, spec: str) -> Any:
        """``module.func`` (``a.b.main.func`` or ``sub/dir/main.func``) -> the function, as FC loads it."""
        module_name, _, func = spec.rpartition(".")
        if not module_name or not func:
            raise FunctionError("InvalidHandleName", f"Invalid handler name '{spec}'")
        module = self.modules.get(module_name)
        if module is None:
            module = self.modules[module_name] = self._import(module_name)
        target = getattr(module, func, None)
        if target is None or not callable(target):
            raise FunctionError("HandlerNotFound", f"Handler '{func}' is missing on module '{module_name}'")
        return target

    def _import(self, module_name: str) -> Any:
        if self.assign_error is not None:
            raise FunctionError(
                "ImportModuleError", f"Unable to import module '{module_name}': {self.assign_error}"
            )
        dotted = module_name.replace("/", ".")
        try:
            return importlib.import_module(dotted)
        except SyntaxError as exc:
            where = os.path.basename(exc.filename or module_name)
            raise FunctionError("UserCodeSyntaxError", f"{where} line {exc.lineno}: {exc.msg}") from exc
        except ImportError as exc:
            raise FunctionError(
                "ImportModuleError", f"Unable to import module '{module_name}': {exc}"
            ) from exc
        except Exception as exc:
            raise FunctionError(
                "UserCodeError", f"Module initialization error: {type(exc).__name__}: {exc}"
            ) from exc

    def run(self, header: dict[str, Any], body: bytes) -> None:
        rid = header["id"]
        self._local.request_id = rid
        with self._running_lock:
            self._running.add(rid)
        reply: dict[str, Any] = {"op": "done", "id": rid}
        result = b""
        value: Any = None
        try:
            for key, setting in (header.get("env") or {}).items():
                if setting is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = setting
            ctx = self.context(header)
            if header["op"] == "init":
                self.resolve(self.meta["initializer"])(ctx)
            elif header.get("kind") == "http":
                reply["status"], reply["headers"], result = self._http(header["http"], body, ctx)
            else:
                value = self.resolve(self.meta["handler"])(body, ctx)
                try:
                    result = encode_result(value)
                except (TypeError, ValueError) as exc:
                    message = f"the handler's result is not JSON serializable: {exc}"
                    raise FunctionError("TypeError", message) from exc
        except BaseException as exc:
            reply["error"] = _error_payload(exc)
            result = b""
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                # The handler asked the process to stop: answer, then go, as the instance would.
                self._answer(reply, result)
                os._exit(1)
        self._answer(reply, result)
        with self._running_lock:
            self._running.discard(rid)
        self._local.request_id = None

    def _answer(self, reply: dict[str, Any], result: bytes) -> None:
        reply["memory_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        _flush_streams()  # what Python still holds goes to the pipe before the answer leaves
        self.channel.send(encode_frame(reply, result))

    def _http(
        self, request: dict[str, Any], body: bytes, ctx: FCContext | FC3Context
    ) -> tuple[int, list[list[str]], bytes]:
        handler = self.resolve(self.meta["handler"])
        environ: dict[str, Any] = dict(os.environ)
        environ.update(request["environ"])
        environ.update(
            {
                "wsgi.input": io.BytesIO(body),
                "wsgi.errors": sys.stderr,
                "wsgi.version": (1, 0),
                "wsgi.url_scheme": "http",
                "wsgi.multithread": self.concurrency > 1,
                "wsgi.multiprocess": False,
                "wsgi.run_once": False,
                "fc.context": ctx,
                "HTTP_X_FC_FUNCTION_HANDLER": self.meta["handler"],
            }
        )
        captured: dict[str, Any] = {}
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, [[str(k), str(v)] for k, v in headers]
            return chunks.append

        answer = handler(environ, start_response)
        try:
            for chunk in answer:
                chunks.append(chunk if isinstance(chunk, bytes) else str(chunk).encode())
        finally:
            if hasattr(answer, "close"):
                answer.close()
        if "status" not in captured:
            raise FunctionError("InvalidHttpResponse", "the WSGI handler never called start_response")
        return int(str(captured["status"]).split(" ", 1)[0]), captured["headers"], b"".join(chunks)


def _die_with_parent(parent: int) -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def main(argv: list[str]) -> None:
    fd, output, parent, folder, tmp_mode = int(argv[1]), int(argv[2]), int(argv[3]), argv[4], argv[5]
    keep = argv[6:]
    _die_with_parent(parent)
    private: _PrivateTmp | None = None
    tmp_problem = None
    if tmp_mode != "off":
        private = _PrivateTmp()
        tmp_problem = private.enter(folder, keep)
        if tmp_problem is not None:
            private = None
    channel = _Channel(socket.socket(fileno=fd))
    runner = Runner(channel, private)
    _output_streams(output)
    ready = {"op": "ready", "pid": os.getpid(), "private_tmp": private is not None, "why": tmp_problem}
    channel.send(encode_frame(ready))
    # The main thread reads the socket and runs the handler itself (a handler may install signal
    # handlers, which only the main thread can): with one request at a time nothing else arrives
    # meanwhile, and the parent kills an instance before it drops it.
    parser = FrameParser()
    while True:
        try:
            data = channel.sock.recv(LOG_CHUNK)
        except OSError:
            data = b""
        if not data:
            # The parent closed the socket or is gone: the instance goes with it, now.
            os._exit(0)
        for header, body in parser.feed(data):
            if header["op"] == "assign":
                runner.assign(header)
            elif runner.concurrency > 1 and header["op"] == "invoke":
                threading.Thread(target=runner.run, args=(header, body), daemon=True).start()
            else:
                runner.run(header, body)


if __name__ == "__main__":
    main(sys.argv)
