"""FC instances as subprocesses: starting them, talking to them, stopping them.

One ``Supervisor`` per emulator process owns every instance process:

* its thread is the only one that starts them: ``PR_SET_PDEATHSIG`` ties a child to the *thread*
  that forked it, so a thread that may end (a request thread) must never fork one;
* it keeps a few blank workers started (the bootstrap loaded, waiting to be told which function it
  is) so a cold start does not wait for an interpreter to boot;
* it stops idle instances (each ``FunctionPool``'s keep-alive), reaps the processes it killed, and
  kills every child when the emulator exits.

One ``Hub`` thread reads every instance's socket and routes each frame to its ``Instance``, so no
instance needs a thread of its own in this process. It reads the instances' output too: an
instance's file descriptors 1 and 2 are the write end of a pipe whose read end only this process
holds, so what a function writes costs the instance no thread and no wake-up, and what it wrote
before a timeout or a crash is still in the pipe when the emulator reads it.

``Instance.call`` sends a request and waits for its answer with a deadline; the caller kills the
instance when the deadline passes. While an instance serving one request at a time runs a call, the
calling thread reads its socket and output itself (the hub stops watching them meanwhile): the answer
wakes the thread that waits for it, not the hub, which would then have to wake that thread in turn
(two thread switches in the emulator's one interpreter per call), and the output is read when the
answer comes (or at the deadline; a call running past ``DRAIN_SECONDS`` has it read as it comes),
not line by line.
"""

from __future__ import annotations

import atexit
import fcntl
import logging
import os
import queue
import select
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Protocol

from vodfc.emulator.fc import worker as bootstrap
from vodfc.emulator.fc.worker import FrameParser, encode_frame

log = logging.getLogger("vodfc.fc")

# Host variables an instance inherits (FC builds an instance's environment itself; these only keep
# the interpreter, locale and TLS trust working as on the host).
PASSTHROUGH = (
    "PATH",
    "LANG",
    "LANGUAGE",
    "TZ",
    "HOME",
    "SSL_CERT_FILE",
    "SSL_CERT_DIR",
    "REQUESTS_CA_BUNDLE",
)
# An instance's folder: <tmp>/vodfc-instance-<emulator pid>-<random>.
FOLDER_PREFIX = "vodfc-instance-"
START_TIMEOUT = 30.0
TICK_SECONDS = 1.0
# A thread waiting for the hub to hand it an answer waits this long past a deadline for the output
# the hub is still reading (a caller reading the instance itself reads it all at once instead).
OUTPUT_GRACE = 0.02
# A caller reading a running instance itself reads its output with the answer; a call running longer
# than this has its output read as it comes (a function writing more than the pipe holds waits at
# most this long), while a short one is never woken for it.
DRAIN_SECONDS = 0.05
PIPE_SIZE = 1 << 20  # asked of the kernel for the output pipe (it may give less: 64 KB by default)


def host_environment() -> dict[str, str]:
    """The host variables every instance starts with (``PASSTHROUGH`` and ``LC_*``)."""
    return {k: v for k, v in os.environ.items() if k in PASSTHROUGH or k.startswith("LC_")}


class InstanceStartError(Exception):
    """No instance process could be started (or given the /tmp it must have)."""


class InstanceLost(Exception):
    """The instance's process ended while a call was running (it exited, crashed, or was killed)."""

    def __init__(self, message: str, lines: list[str]):
        super().__init__(message)
        self.lines = lines


class CallTimedOut(Exception):
    """The deadline passed first; ``lines`` is what the call had logged by then."""

    def __init__(self, lines: list[str]):
        super().__init__("timed out")
        self.lines = lines


@dataclass(frozen=True)
class Kind:
    """What a worker is started as: its /tmp mode, its interpreter, whether it loads site-packages."""

    mode: str
    python: str
    site: bool


@dataclass
class Reply:
    header: dict[str, Any]
    body: bytes
    lines: list[str]


class _Owner(Protocol):
    def frame(self, header: dict[str, Any], body: bytes) -> None: ...

    def output(self, data: bytes) -> None: ...

    def lost(self) -> None: ...


class Worker:
    """One child process running the bootstrap, and the socket to it."""

    def __init__(
        self, popen: subprocess.Popen[bytes], sock: socket.socket, output: int, folder: str, mode: str
    ):
        self.popen = popen
        self.sock = sock
        self.output_fd = output  # the read end of the process's fds 1 and 2 (non-blocking); -1: closed
        self.folder = folder
        self.mode = mode
        self.pid = popen.pid
        self.parser = FrameParser()
        self.ready = threading.Event()
        self.private_tmp = False
        self.tmp_problem: str | None = None
        self.owner: _Owner | None = None
        self.alive = True
        self.closed = False  # its socket is closed (the hub dropped it, or it ended)
        # Held by whichever thread reads the socket: the hub, or a caller waiting for its answer.
        self.read_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._poll = select.poll()
        self._poll.register(sock.fileno(), select.POLLIN)
        self._polling_output = False  # the output pipe is in ``_poll`` (a call past DRAIN_SECONDS)
        self._hub: Hub | None = None

    def send(self, header: dict[str, Any], body: bytes = b"") -> None:
        data = encode_frame(header, body)
        with self._send_lock:
            self.sock.sendall(data)

    def receive(self) -> bool:
        """Read what the socket holds and hand its frames on (``read_lock`` held); False when the
        socket ended or the instance sent a broken frame (it is killed then): the caller closes it."""
        try:
            # Never blocking: the hub may act on readiness a caller's reading consumed meanwhile.
            data = self.sock.recv(bootstrap.LOG_CHUNK, socket.MSG_DONTWAIT)
        except BlockingIOError:
            return True
        except OSError:
            data = b""
        if not data:
            self.drain_output()  # what it wrote before it ended
            return False
        try:
            frames = self.parser.feed(data)
        except ValueError:
            log.exception("FC instance %s sent a broken frame; stopping it", self.pid)
            self.kill()
            return False
        if frames:
            # An answer follows everything written before it: what the pipe holds goes first.
            self.drain_output()
        for header, body in frames:
            try:
                self.frame(header, body)
            except Exception:
                log.exception("handling a frame of FC instance %s failed", self.pid)
        return True

    def drain_output(self) -> None:
        """Read what the output pipe holds and hand it on (``read_lock`` held)."""
        while self.output_fd >= 0:
            try:
                data = os.read(self.output_fd, bootstrap.LOG_CHUNK)
            except BlockingIOError:
                return
            except OSError:
                data = b""
            if not data:  # every writer is gone (the process and whatever it started)
                if self._hub is not None:
                    self._hub.unwatch_output(self)
                self._unpoll_output()
                os.close(self.output_fd)
                self.output_fd = -1
                return
            self.output(data)

    def output(self, data: bytes) -> None:
        owner = self.owner
        if owner is not None:
            owner.output(data)
        else:
            log.debug("FC worker %s: %s", self.pid, data.decode("utf-8", "replace").rstrip())

    def read_until(self, done: threading.Event, deadline: float) -> bool | None:
        """Read the socket on this thread until ``done`` is set (True) or ``deadline`` passes (False,
        the output written by then read); None when the socket ended first (its output read). The
        caller holds ``read_lock`` (``take_over``)."""
        try:
            while not done.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    self.drain_output()
                    return False
                wait = left if self._polling_output else min(left, DRAIN_SECONDS)
                ready = self._poll.poll(max(1, int(wait * 1000) + 1))
                if not ready or all(fd != self.sock.fileno() for fd, _ in ready):
                    self.drain_output()
                    if not self._polling_output and self.output_fd >= 0:
                        # A longer call: from now on its output wakes this thread as it comes.
                        self._poll.register(self.output_fd, select.POLLIN)
                        self._polling_output = True
                    continue
                if not self.receive():
                    self.closed = True
                    self.sock.close()
                    return None
            return True
        finally:
            self._unpoll_output()

    def _unpoll_output(self) -> None:
        if self._polling_output:
            self._poll.unregister(self.output_fd)
            self._polling_output = False

    def take_over(self) -> bool:
        """Become the socket's reader (the hub stops watching it): False if it is closed already."""
        self.read_lock.acquire()
        if self.closed or self._hub is None:
            self.read_lock.release()
            return False
        self._hub.unwatch(self)
        self._hub.unwatch_output(self)
        return True

    def hand_back(self) -> None:
        """Give the socket back to the hub (it watches it again, unless it was closed meanwhile)."""
        try:
            if not self.closed and self._hub is not None:
                self._hub.watch(self)
                self._hub.watch_output(self)
        finally:
            self.read_lock.release()

    def exit_code(self) -> int | None:
        try:
            return self.popen.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            return None

    # Called by the hub thread.
    def frame(self, header: dict[str, Any], body: bytes) -> None:
        if header.get("op") == "ready":
            self.private_tmp = bool(header.get("private_tmp"))
            self.tmp_problem = header.get("why")
            self.ready.set()
            return
        owner = self.owner
        if owner is not None:
            owner.frame(header, body)

    def gone(self) -> None:
        self.alive = False
        self.ready.set()
        owner = self.owner
        if owner is not None:
            owner.lost()
        supervisor().bury(self)

    def kill(self) -> None:
        """Stop the process and everything it started (its whole process group), now; its /tmp folder
        is gone when this returns (unless the kernel takes over a second to end the process)."""
        self.alive = False
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.popen.wait(timeout=1.0)
        except subprocess.TimeoutExpired:
            pass
        supervisor().bury(self)


class Hub:
    """The one thread reading every instance's socket; frames go to ``Worker.frame``."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        self._selector.register(self._wake_r, selectors.EVENT_READ, None)
        self._pending: deque[tuple[str, Worker]] = deque()
        self._thread = threading.Thread(target=self._loop, name="vodfc-fc-hub", daemon=True)
        self._thread.start()

    def add(self, worker: Worker) -> None:
        worker._hub = self
        self._pending.append(("add", worker))
        os.write(self._wake_w, b"x")

    # A caller reading a worker's socket (``Worker.take_over``) takes it out of the selector and puts it
    # back: epoll allows that from another thread, and a stale event for it finds ``read_lock`` held.
    def unwatch(self, worker: Worker) -> None:
        try:
            self._selector.unregister(worker.sock)
        except (KeyError, ValueError):
            pass

    def watch(self, worker: Worker) -> None:
        try:
            self._selector.register(worker.sock, selectors.EVENT_READ, (worker, False))
        except (KeyError, ValueError):
            pass

    def unwatch_output(self, worker: Worker) -> None:
        if worker.output_fd >= 0:
            try:
                self._selector.unregister(worker.output_fd)
            except (KeyError, ValueError):
                pass

    def watch_output(self, worker: Worker) -> None:
        if worker.output_fd >= 0:
            try:
                self._selector.register(worker.output_fd, selectors.EVENT_READ, (worker, True))
            except (KeyError, ValueError):
                pass

    def drop(self, worker: Worker) -> None:
        self._pending.append(("drop", worker))
        os.write(self._wake_w, b"x")

    def _loop(self) -> None:
        while True:
            try:
                events = self._selector.select()
            except OSError:
                continue
            for key, _ in events:
                if key.data is None:
                    self._commands()
                else:
                    self._read(*key.data)

    def _commands(self) -> None:
        try:
            while os.read(self._wake_r, 4096):
                pass
        except BlockingIOError:
            pass
        while self._pending:
            command, worker = self._pending.popleft()
            if command == "add":
                self.watch(worker)
                self.watch_output(worker)
            else:
                self._close(worker)

    def _close(self, worker: Worker) -> None:
        # Not under a caller reading it (the instance was killed, so that caller's read ends now).
        with worker.read_lock:
            worker.closed = True
            try:
                self._selector.unregister(worker.sock)
            except (KeyError, ValueError):
                pass
            worker.sock.close()
            self.unwatch_output(worker)
            if worker.output_fd >= 0:
                os.close(worker.output_fd)
                worker.output_fd = -1

    def _read(self, worker: Worker, output: bool) -> None:
        if not worker.read_lock.acquire(blocking=False):
            return  # a caller reads it now, and took it out of the selector
        try:
            if worker.closed:
                return
            if output:
                worker.drain_output()
                return
            alive = worker.receive()
        finally:
            worker.read_lock.release()
        if not alive:
            self._close(worker)
            worker.gone()


class Reapable(Protocol):
    def reap(self, now: float) -> None: ...


class Supervisor:
    """Starts, keeps and stops every instance process of this emulator process (see the module doc)."""

    def __init__(self, prestart: int = 2):
        self.prestart = prestart
        self.hub = Hub()
        self._lock = threading.Lock()
        # Blank workers by kind: (/tmp mode, interpreter, whether it loads the host's site-packages).
        self._blank: dict[Kind, deque[Worker]] = {}
        self._jobs: queue.Queue[tuple[Callable[[], Any], Future[Any]] | None] = queue.Queue()
        self._dying: list[Worker] = []
        self._living: set[Worker] = set()
        self._pools: weakref.WeakSet[Any] = weakref.WeakSet()
        self._private_tmp: bool | None = None
        self._closed = False
        _sweep_folders_of_dead_emulators()
        self._thread = threading.Thread(target=self._loop, name="vodfc-fc-supervisor", daemon=True)
        self._thread.start()

    # --- starting ---------------------------------------------------------------------------------

    def take(
        self, mode: str, timeout: float = START_TIMEOUT, *, python: str | None = None, site: bool = True
    ) -> Worker:
        """A started worker (a blank one when one is waiting), ready for its ``assign``.

        ``python``: the interpreter (default: this one); ``site``: False starts it without any
        site-packages and writing no bytecode (``-S -B``), for a build that must find everything in
        itself and must not change."""
        kind = Kind(mode, python or sys.executable, site)
        worker = None
        with self._lock:
            blank = self._blank.setdefault(kind, deque())
            while blank and worker is None:
                candidate = blank.popleft()
                if candidate.alive:
                    worker = candidate
        if worker is None:
            future: Future[Worker] = Future()
            self._jobs.put((lambda: self._spawn(kind), future))
            worker = future.result(timeout)
        else:
            self._jobs.put(None)  # wakes the thread: it starts a blank worker in place of this one
        if not worker.ready.wait(timeout) or not worker.alive:
            worker.kill()
            raise InstanceStartError(f"an instance process did not start within {timeout:.0f} s")
        return worker

    def _spawn(self, kind: Kind) -> Worker:
        if self._closed:
            raise InstanceStartError("the emulator is exiting")
        folder = tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-")
        parent_end, child_end = socket.socketpair()
        output_r, output_w = os.pipe()
        os.set_blocking(output_r, False)
        try:
            fcntl.fcntl(output_r, getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)
        except OSError:
            pass  # the default size: a chattier function waits for the next drain
        keep = _host_paths_under_tmp()
        command = [
            kind.python,
            "-I",
            # A build runs as deployed: no site-packages, no .pyc written into it (FC's code is read-only).
            *(() if kind.site else ("-S", "-B")),
            str(bootstrap.__file__),
            str(child_end.fileno()),
            str(output_w),
            str(os.getpid()),
            folder,
            kind.mode,
            *keep,
        ]
        try:
            popen = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                pass_fds=(child_end.fileno(), output_w),
                start_new_session=True,
                env=host_environment(),
            )
        except OSError as exc:
            parent_end.close()
            os.close(output_r)
            shutil.rmtree(folder, ignore_errors=True)
            raise InstanceStartError(f"cannot start an instance process: {exc}") from exc
        finally:
            child_end.close()
            os.close(output_w)
        worker = Worker(popen, parent_end, output_r, folder, kind.mode)
        with self._lock:
            self._living.add(worker)
        self.hub.add(worker)
        return worker

    # --- stopping ---------------------------------------------------------------------------------

    def bury(self, worker: Worker) -> None:
        """A worker that was killed or exited: close its socket, reap it, remove its folder (now if it
        has exited, else on a later tick)."""
        with self._lock:
            first = worker in self._living
            self._living.discard(worker)
        if first:
            self.hub.drop(worker)
        exited = worker.popen.poll() is not None
        with self._lock:
            if exited and worker in self._dying:
                self._dying.remove(worker)
            elif not exited and worker not in self._dying:
                self._dying.append(worker)
        if exited:
            shutil.rmtree(worker.folder, ignore_errors=True)

    def register(self, pool: Reapable) -> None:
        self._pools.add(pool)

    def _reap(self) -> None:
        with self._lock:
            dying, self._dying = self._dying, []
        still = []
        for worker in dying:
            if worker.popen.poll() is None:
                still.append(worker)
            else:
                shutil.rmtree(worker.folder, ignore_errors=True)
        if still:
            with self._lock:
                self._dying.extend(still)

    def shutdown(self) -> None:
        """Kill every instance process and remove its folder (at exit); start no other."""
        with self._lock:
            self._closed = True
            workers = list(self._living) + [w for d in self._blank.values() for w in d]
        for worker in workers:
            try:
                os.killpg(worker.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        for worker in workers:
            try:
                worker.popen.wait(timeout=2.0)
            except subprocess.TimeoutExpired:
                pass
            shutil.rmtree(worker.folder, ignore_errors=True)

    def private_tmp_works(self) -> bool:
        """Whether an instance started here gets a /tmp of its own (``auto`` mode), asked of a worker."""
        if self._private_tmp is None:
            worker = self.take("auto")
            self._private_tmp = worker.private_tmp
            with self._lock:
                # still blank: the next instance takes it
                self._blank[Kind("auto", sys.executable, True)].appendleft(worker)
        return self._private_tmp

    def counts(self) -> dict[str, int]:
        with self._lock:
            return {
                "processes": len(self._living),
                "blank": sum(len(d) for d in self._blank.values()),
                "dying": len(self._dying),
            }

    # --- the thread -------------------------------------------------------------------------------

    def _loop(self) -> None:
        next_tick = time.monotonic() + TICK_SECONDS
        while True:
            try:
                job = self._jobs.get(timeout=max(0.0, next_tick - time.monotonic()))
            except queue.Empty:
                job = None
            try:
                if job is not None:
                    work, future = job
                    try:
                        future.set_result(work())
                    except BaseException as exc:
                        future.set_exception(exc)
                self._replenish()
                if time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + TICK_SECONDS
                    for pool in list(self._pools):
                        pool.reap(time.monotonic())
                    self._reap()
            except Exception:  # the thread must outlive any failure: its children die with it
                log.exception("the FC supervisor hit an error")

    def _replenish(self) -> None:
        if self._closed:
            return
        with self._lock:
            for blank in self._blank.values():
                for dead in [w for w in blank if not w.alive]:
                    blank.remove(dead)
            wanted = [
                kind
                for kind, blank in self._blank.items()
                for _ in range(self.prestart - sum(1 for w in blank if w.alive))
            ]
        for kind in wanted:
            try:
                worker = self._spawn(kind)
            except InstanceStartError:
                log.warning("cannot start a blank FC worker", exc_info=True)
                return
            with self._lock:
                self._blank[kind].append(worker)


def _sweep_folders_of_dead_emulators() -> None:
    """Remove the instance folders an emulator that died without cleaning up (SIGKILL) left behind."""
    base = tempfile.gettempdir()
    try:
        names = os.listdir(base)
    except OSError:
        return
    for name in names:
        owner = name[len(FOLDER_PREFIX) :].partition("-")[0]
        if not name.startswith(FOLDER_PREFIX) or not owner.isdigit() or int(owner) == os.getpid():
            continue
        try:
            os.kill(int(owner), 0)
        except ProcessLookupError:
            shutil.rmtree(os.path.join(base, name), ignore_errors=True)
        except (PermissionError, OverflowError):
            pass  # another user's emulator, alive; or not a process id


def _host_paths_under_tmp() -> list[str]:
    """Folders under the host's /tmp the interpreter needs (a venv there): a private /tmp keeps them."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sys.path}
    found = set()
    for path in candidates:
        if path and os.path.abspath(path).startswith("/tmp/") and os.path.isdir(path):
            found.add(os.path.abspath(path))
    return sorted(found)


_supervisor: Supervisor | None = None
_supervisor_lock = threading.Lock()


def supervisor() -> Supervisor:
    """This process's supervisor, started on first use (``VODFC_FC_PRESTART`` blank workers, default 2)."""
    global _supervisor
    with _supervisor_lock:
        if _supervisor is None:
            prestart = int(os.environ.get("VODFC_FC_PRESTART", "2") or 2)
            _supervisor = Supervisor(max(0, prestart))
            atexit.register(_supervisor.shutdown)
        return _supervisor


def private_tmp_available() -> bool:
    """Whether instances here get a private /tmp in ``auto`` mode (a mount namespace each)."""
    return supervisor().private_tmp_works()


# --- an instance of one function ---------------------------------------------------------------------


@dataclass
class _Call:
    event: threading.Event = field(default_factory=threading.Event)
    output: bytearray = field(default_factory=bytearray)
    header: dict[str, Any] = field(default_factory=dict)
    body: bytes = b""
    lost: bool = False

    def lines(self) -> list[str]:
        text = self.output.decode("utf-8", "replace")
        if text.endswith("\n"):
            text = text[:-1]
        return text.split("\n") if text else []


class Instance:
    """A worker assigned to one function: its calls, its state in the pool, its stray output."""

    def __init__(
        self,
        worker: Worker,
        function: str,
        concurrency: int,
        on_output: Callable[[Instance, str], None] | None = None,
        on_lost: Callable[[Instance], None] | None = None,
    ):
        self.worker = worker
        self.function = function
        self.concurrency = concurrency
        self.instance_id = uuid.uuid4().hex[:16]
        self.initialized = False
        self.init_lock = threading.Lock()
        self.in_flight = 0
        self.invocations = 0
        self.started = time.monotonic()
        self.last_used = self.started
        self.dead = False
        # Values of the per-invocation variables (credentials, endpoint) the process already has.
        self.env_sent: dict[str, str | None] = {}
        self._on_output = on_output
        self._on_lost = on_lost
        self._calls: dict[str, _Call] = {}
        self._stray = bytearray()
        self._lock = threading.Lock()
        worker.owner = self

    @property
    def private_tmp(self) -> bool:
        return self.worker.private_tmp

    def send(self, header: dict[str, Any], body: bytes = b"") -> None:
        self.worker.send(header, body)

    def call(self, header: dict[str, Any], body: bytes, timeout: float) -> Reply:
        """Send ``init``/``invoke`` and wait for its ``done``; raises ``CallTimedOut``/``InstanceLost``."""
        rid = str(header["id"])
        call = _Call()
        with self._lock:
            if self.dead:
                raise InstanceLost(self._lost_message(), [])
            self._calls[rid] = call
        reading = self.concurrency == 1 and self.worker.take_over()
        ended = False
        try:
            try:
                self.worker.send(header, body)
            except OSError:
                with self._lock:
                    self._calls.pop(rid, None)
                raise InstanceLost(self._lost_message(), []) from None
            if reading:
                got = self.worker.read_until(call.event, time.monotonic() + timeout)
                # An ended socket is a lost call (``gone`` below marks it), not a timeout.
                finished, ended = got is not False, got is None
            else:
                finished = call.event.wait(timeout)
                if not finished:
                    time.sleep(OUTPUT_GRACE)  # the output the hub is still reading arrives meanwhile
        finally:
            if reading:
                self.worker.hand_back()
        if ended:
            self.worker.gone()  # as the hub does when a socket ends: the call is lost
        with self._lock:
            self._calls.pop(rid, None)
        if not finished:
            raise CallTimedOut(call.lines())
        if call.lost:
            raise InstanceLost(self._lost_message(), call.lines())
        return Reply(call.header, call.body, call.lines())

    def kill(self) -> None:
        self.dead = True
        self.worker.kill()

    def _lost_message(self) -> str:
        code = self.worker.exit_code()
        how = (
            f"exit code {code}" if code is not None and code >= 0 else f"signal {-code}" if code else "killed"
        )
        return f"Process exited unexpectedly before completing request ({how})"

    # Called by the hub thread.
    def frame(self, header: dict[str, Any], body: bytes) -> None:
        rid = header.get("id")
        with self._lock:
            call = self._calls.get(rid) if rid is not None else None
        if header.get("op") == "done" and call is not None:
            call.header, call.body = header, body
            call.event.set()

    def output(self, data: bytes) -> None:
        """Output of the process: the running call's when exactly one runs, else stray output."""
        with self._lock:
            calls = list(self._calls.values())
        if len(calls) == 1:
            calls[0].output += data
        else:
            self._stray_output(data)

    def lost(self) -> None:
        with self._lock:
            self.dead = True
            calls = list(self._calls.values())
        for call in calls:
            call.lost = True
            call.event.set()
        if self._stray:
            self._stray_output(b"\n")
        if self._on_lost is not None:
            self._on_lost(self)

    def _stray_output(self, data: bytes) -> None:
        """Output no invocation is running for (a thread the function left behind): whole lines."""
        self._stray += data
        *lines, rest = self._stray.split(b"\n")
        self._stray = bytearray(rest)
        if self._on_output is not None:
            for line in lines:
                self._on_output(self, line.decode("utf-8", "replace"))
