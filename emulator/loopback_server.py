"""A thread-per-connection HTTP/1.1 server for a few busy keep-alive clients: the FC instances' own calls.

waitress (``vodfc.emulator.wsgi_server``) serves the public port: any number of clients, connections
opened and closed per call, slow clients that must not hold a thread. Each of its requests crosses
its loop thread, a task thread and its loop again (a wake-up pipe); for an FC instance, whose SDK
client keeps one connection open and sends request after request, that is most of what a call back
into VOD costs the emulator (about 0.3 ms of CPU a GetVideoInfo, against 0.13 ms served here). Here a
connection has a thread of its own that reads a request, calls the app and writes the answer, the
only hand-off being the kernel's.

What the app sees is what waitress gives it: the same environ keys (``PATH_INFO`` percent-decoded to
latin-1, ``REQUEST_URI``, ``REMOTE_ADDR`` ...), headers with an ``_`` in their name dropped and the
proxy headers (``X-Forwarded-*``, ``Forwarded``) cleared, a chunked request body de-chunked
(``wsgi.input_terminated``), the server's ``ThreadBudget`` and mode in every environ, a
``DropConnection`` closing the socket without an answer. Answers keep the app's ``Content-Length``
(a HEAD's included, without its body); one without is sent chunked. ``Expect: 100-continue`` is
honoured; ``Connection: close`` and HTTP/1.0 end the connection after the answer; a connection idle
``IDLE_SECONDS`` is closed.
"""

from __future__ import annotations

import io
import socket
import sys
import threading
from collections.abc import Iterable
from email.utils import formatdate
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from vodfc.emulator.callscope import MODE_KEY
from vodfc.emulator.protocol import DropConnection
from vodfc.emulator.thread_budget import BUDGET_KEY, RESERVED_THREADS, ThreadBudget

IDLE_SECONDS = 120.0
MAX_HEADER_BYTES = 256 * 1024
MAX_BODY_BYTES = 1024 * 1024 * 1024
# A connection beyond this many waits for one to close (each holds a thread).
MAX_CONNECTIONS = 256
SERVER_SOFTWARE = "vodfc"
# Cleared as waitress clears them when no proxy is trusted.
PROXY_HEADERS = frozenset(
    {
        "HTTP_X_FORWARDED_FOR",
        "HTTP_X_FORWARDED_HOST",
        "HTTP_X_FORWARDED_PROTO",
        "HTTP_X_FORWARDED_PORT",
        "HTTP_X_FORWARDED_BY",
        "HTTP_FORWARDED",
    }
)
_REASONS = {400: "Bad Request", 413: "Payload Too Large", 431: "Request Header Fields Too Large"}


class _Refused(Exception):
    """A request this server answers itself (and then closes the connection)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class LoopbackServer:
    """Serves ``app`` on ``host:port`` (0: any free port), a thread per connection; ``mode`` tags
    every request (``MODE_KEY``), ``threads`` sizes the ``ThreadBudget`` long-held requests share."""

    def __init__(self, app: Any, *, host: str = "127.0.0.1", port: int = 0, threads: int = 32, mode: str):
        self.app = app
        self.host = host
        self.port = port
        self.mode = mode
        self.budget = ThreadBudget(threads - RESERVED_THREADS)
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(MAX_CONNECTIONS)

    @property
    def url(self) -> str:
        if self._listener is None:
            raise RuntimeError("the server is not running")
        return f"http://{self.host}:{self._listener.getsockname()[1]}"

    @property
    def endpoint(self) -> str:
        return self.url.removeprefix("http://")

    def start(self) -> LoopbackServer:
        if self._listener is not None:
            raise RuntimeError("the server is already running")
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.port))
        listener.listen(128)
        self._listener = listener
        self._thread = threading.Thread(
            target=self._accept, args=(listener,), name="vodfc-loopback", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting and end every connection (a request being served finishes on its own)."""
        listener, self._listener = self._listener, None
        if listener is None:
            return
        try:
            listener.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        listener.close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- connections ------------------------------------------------------------------------------

    def _accept(self, listener: socket.socket) -> None:
        while True:
            self._slots.acquire()
            try:
                conn, address = listener.accept()
            except OSError:  # closed by stop()
                self._slots.release()
                return
            with self._lock:
                self._connections.add(conn)
            name = f"vodfc-loopback-{listener.getsockname()[1]}"  # the port: whose connection it is
            threading.Thread(target=self._serve, args=(conn, address), name=name, daemon=True).start()

    def _serve(self, conn: socket.socket, address: Any) -> None:
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn.settimeout(IDLE_SECONDS)
            reader = conn.makefile("rb")
            while self._listener is not None and self._one(conn, reader, address):
                pass
        except (OSError, DropConnection):
            pass  # the client went away, idled out, or a hook dropped the call: close without a word
        finally:
            with self._lock:
                self._connections.discard(conn)
            try:
                conn.close()
            except OSError:
                pass
            self._slots.release()

    def _one(self, conn: socket.socket, reader: Any, address: Any) -> bool:
        """Serve one request; whether the connection stays open."""
        try:
            line = reader.readline(MAX_HEADER_BYTES + 1)
            if not line:
                return False
            environ, keep = self._environ(line, reader, conn, address)
        except _Refused as refused:
            body = f"{refused}\n".encode()
            reason = _REASONS.get(refused.status, "Bad Request")
            head = f"HTTP/1.1 {refused.status} {reason}\r\nContent-Length: {len(body)}\r\n"
            conn.sendall(f"{head}Content-Type: text/plain\r\nConnection: close\r\n\r\n".encode() + body)
            _linger(conn)
            return False
        return self._answer(conn, environ, keep)

    # --- a request --------------------------------------------------------------------------------

    def _environ(
        self, line: bytes, reader: Any, conn: socket.socket, address: Any
    ) -> tuple[dict[str, Any], bool]:
        if len(line) > MAX_HEADER_BYTES or not line.endswith(b"\n"):
            raise _Refused(431, "request line too long")
        parts = line.decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            raise _Refused(400, "malformed request line")
        method, target, version = parts
        if target.startswith(("http://", "https://")):
            split = urlsplit(target)
            path, query = split.path or "/", split.query
        else:
            path, _, query = target.partition("?")
        if path.startswith("/"):
            path = "/" + path.lstrip("/")
        environ: dict[str, Any] = {
            "REMOTE_ADDR": address[0],
            "REMOTE_HOST": address[0],
            "REMOTE_PORT": str(address[1]),
            "REQUEST_METHOD": method.upper(),
            "SERVER_PORT": str(conn.getsockname()[1]),
            "SERVER_NAME": self.host,
            "SERVER_SOFTWARE": SERVER_SOFTWARE,
            "SERVER_PROTOCOL": version,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "REQUEST_URI": target,
            "QUERY_STRING": query,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
            "wsgi.input_terminated": True,
            BUDGET_KEY: self.budget,
            MODE_KEY: self.mode,
        }
        headers: dict[str, str] = {}
        size = len(line)
        last = ""
        while True:
            raw = reader.readline(MAX_HEADER_BYTES + 1)
            size += len(raw)
            if size > MAX_HEADER_BYTES:
                raise _Refused(431, "request headers too large")
            if raw in (b"\r\n", b"\n"):
                break
            if not raw:
                raise OSError("the client closed the connection mid-request")
            text = raw.decode("latin-1").rstrip("\r\n")
            if text[:1] in (" ", "\t") and last:
                headers[last] += " " + text.strip()  # an obsolete folded line
                continue
            name, colon, value = text.partition(":")
            if not colon or not name or name != name.strip():
                raise _Refused(400, f"malformed header line {text[:80]!r}")
            if "_" in name:
                continue  # as waitress: a name with an underscore could pose as another in the environ
            key = name.upper().replace("-", "_")
            value = value.strip()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
            last = key
        for key, value in headers.items():
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = value
            elif f"HTTP_{key}" not in PROXY_HEADERS:
                environ[f"HTTP_{key}"] = value
        if headers.get("EXPECT", "").lower() == "100-continue":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        environ["wsgi.input"] = io.BytesIO(self._body(headers, reader))
        if "TRANSFER_ENCODING" in headers:
            environ.pop("HTTP_TRANSFER_ENCODING", None)
            environ["CONTENT_LENGTH"] = str(len(environ["wsgi.input"].getvalue()))
        connection = headers.get("CONNECTION", "").lower()
        keep = version == "HTTP/1.1" and "close" not in connection
        return environ, keep

    def _body(self, headers: dict[str, str], reader: Any) -> bytes:
        if "chunked" in headers.get("TRANSFER_ENCODING", "").lower():
            chunks: list[bytes] = []
            total = 0
            while True:
                size_line = reader.readline(1024)
                try:
                    size = int(size_line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise _Refused(400, "malformed chunk size") from None
                if size == 0:
                    while reader.readline(MAX_HEADER_BYTES) not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                total += size
                if total > MAX_BODY_BYTES:
                    raise _Refused(413, "request body too large")
                chunks.append(reader.read(size))
                reader.readline(3)  # the CRLF after the chunk
        length = headers.get("CONTENT_LENGTH", "")
        if not length:
            return b""
        if not length.isdigit():
            raise _Refused(400, f"bad Content-Length {length!r}")
        if int(length) > MAX_BODY_BYTES:
            raise _Refused(413, "request body too large")
        data: bytes = reader.read(int(length))
        if len(data) < int(length):
            raise OSError("the client closed the connection mid-body")
        return data

    # --- its answer -------------------------------------------------------------------------------

    def _answer(self, conn: socket.socket, environ: dict[str, Any], keep: bool) -> bool:
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if exc_info is not None and started and started[2]:
                raise exc_info[1].with_traceback(exc_info[2])
            started[:] = [status, headers, False]
            return lambda data: chunks.append(data)

        chunks: list[bytes] = []
        head_only = environ["REQUEST_METHOD"] == "HEAD"
        try:
            result: Iterable[bytes] = self.app(environ, start_response)
        except DropConnection:
            raise
        except Exception:
            # The app failed before answering (the emulator's front renders its own errors; this is
            # what waitress does with anything else).
            conn.sendall(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 21\r\nContent-Type: text/plain\r\n"
                b"Connection: close\r\n\r\nInternal Server Error"
            )
            return False
        try:
            body_parts = [*chunks, *result] if chunks else list(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if not started:
            raise OSError("the app answered without calling start_response")
        status, headers = started[0], started[1]
        names = {name.lower() for name, _ in headers}
        lines = [f"HTTP/1.1 {status}\r\n"]
        lines += [f"{name}: {value}\r\n" for name, value in headers]
        code = int(status[:3])
        # These answers have no body whatever their headers say (RFC 9110 6.4.1).
        head_only = head_only or code < 200 or code in (204, 304)
        chunked = "content-length" not in names and not head_only
        if chunked:
            lines.append("Transfer-Encoding: chunked\r\n")
        if "date" not in names:
            lines.append(f"Date: {formatdate(usegmt=True)}\r\n")
        if "server" not in names:
            lines.append(f"Server: {SERVER_SOFTWARE}\r\n")
        if any(name.lower() == "connection" and value.lower() == "close" for name, value in headers):
            keep = False
        elif not keep:
            lines.append("Connection: close\r\n")
        lines.append("\r\n")
        out = "".join(lines).encode("latin-1")
        if head_only:
            conn.sendall(out)
        elif chunked:
            parts = [b"%x\r\n%s\r\n" % (len(part), part) for part in body_parts if part]
            conn.sendall(out + b"".join(parts) + b"0\r\n\r\n")
        else:
            conn.sendall(out + b"".join(body_parts))
        return keep


def _linger(conn: socket.socket) -> None:
    """Close gently after a refusal: what the client still sends is read and dropped for a moment, so
    the kernel does not answer it with a reset that could destroy the refusal before it is read."""
    try:
        conn.shutdown(socket.SHUT_WR)
        conn.settimeout(1.0)
        for _ in range(64):
            if not conn.recv(65536):
                return
    except OSError:
        pass
