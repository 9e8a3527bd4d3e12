"""Built emulators kept for reuse: what makes ``with mock_vod():`` cheap.

Building an emulator wires every component and compiles some forty Flask URL rules, about 10 ms; a
reset costs microseconds. So a ``mock_vod()`` that was not handed an app borrows a built emulator of
its configuration from here (``acquire``), resets it, and gives it back when it stops (``release``),
the way moto keeps its backends and resets them.

A reused emulator must be as good as a new one:

* ``reset()`` empties the data (records, quarantined ones, OSS objects, STS tokens and disabled keys,
  nonces, events, callbacks and queues, fault rules, jobs and outcomes, uploads, FC instances and logs) and
  puts back the knobs a test turns through the API (delivery mode, lifecycle timing, outcomes);
* what a reset keeps, because a caller *added or replaced* it (a hook, a listener, a route, a sleep
  function, a loaded FC template, a Flask rule), is read by ``Emulator.wiring()``. An emulator whose
  wiring differs from the reading taken after its build is closed when it is given back (or, if it
  changed later through a reference kept, when it would be lent again), and a new one is built.

Only a configuration that names the same emulator every time is reused: an equal ``EmulatorConfig``
with the same clock object, the same ``backend_factory`` and ``actions`` objects, no ``store`` of the
caller's, no ``data_dir`` (state on disk is the caller's, and its file is closed after use), and the
same values of the environment variables the build reads (``BUILD_ENVIRONMENT``). Anything else is
built for the one use, as before. At most ``MAX_IDLE`` emulators wait for reuse; the one returned
longest ago is closed first.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping

from vodfc.emulator.backends import BackendFactory
from vodfc.emulator.build import BUILD_ENVIRONMENT, Emulator, build
from vodfc.emulator.config import EmulatorConfig
from vodfc.emulator.store import Store
from vodfc.emulator.vod.action_table import Action

MAX_IDLE = 4


class _Same:
    """Compares its object by identity: a clock, a factory or an action table is the same or not."""

    __slots__ = ("obj",)

    def __init__(self, obj: object):
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Same) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)


def reuse_key(
    config: EmulatorConfig | None,
    *,
    store: Store | None = None,
    backend_factory: BackendFactory | None = None,
    actions: Mapping[str, Action] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Hashable | None:
    """What two builds must share to be interchangeable; None when this one cannot be reused."""
    config = config or EmulatorConfig()
    if store is not None or config.data_dir:
        return None
    env = os.environ if environ is None else environ
    key = (
        config,
        _Same(config.clock),  # EmulatorConfig's equality leaves the clock out
        _Same(backend_factory),
        _Same(actions),
        tuple(env.get(name) for name in BUILD_ENVIRONMENT),
    )
    try:
        hash(key)
    except TypeError:  # a field given as a list, say: such a config is built for its one use
        return None
    return key


class Lease:
    """An emulator ``Emulators.acquire`` lent, with what ``release`` needs to take it back."""

    __slots__ = ("emulator", "key", "wiring")

    def __init__(self, emulator: Emulator, key: Hashable | None, wiring: tuple[object, ...]):
        self.emulator = emulator
        self.key = key
        self.wiring = wiring


class Emulators:
    """Idle emulators by configuration, each with the wiring it had when it was built. Thread-safe.

    An emulator is lent to one holder at a time; a lease that is never released simply goes with its
    holder (nothing here keeps lent emulators).
    """

    def __init__(self, max_idle: int = MAX_IDLE):
        self.max_idle = max_idle
        self._lock = threading.Lock()
        self._idle: OrderedDict[Hashable, Lease] = OrderedDict()
        self.built = 0  # how many emulators acquire() had to build (tests and benchmarks read it)

    def acquire(
        self,
        config: EmulatorConfig | None = None,
        *,
        store: Store | None = None,
        backend_factory: BackendFactory | None = None,
        actions: Mapping[str, Action] | None = None,
    ) -> Lease:
        """An emulator of this configuration: an idle one whose wiring is untouched, else a new one.
        The holder resets it before use (``MockVod.start`` does)."""
        key = reuse_key(config, store=store, backend_factory=backend_factory, actions=actions)
        if key is not None:
            with self._lock:
                lease = self._idle.pop(key, None)
            if lease is not None:
                if lease.emulator.wiring() == lease.wiring:
                    return lease
                lease.emulator.close()
        emulator = build(config, store=store, backend_factory=backend_factory, actions=actions)
        self.built += 1
        return Lease(emulator, key, emulator.wiring() if key is not None else ())

    def release(self, lease: Lease) -> None:
        """Take an emulator back for reuse; one whose configuration cannot be reused is left to its
        holder, as before there was any reuse."""
        if lease.key is None:
            return
        if lease.emulator.wiring() != lease.wiring:
            # Not reusable: close it now (an FC runtime's instances, its internal server) rather than
            # when the next use of this configuration finds out.
            lease.emulator.close()
            return
        with self._lock:
            surplus = [self._idle.pop(lease.key)] if lease.key in self._idle else []
            self._idle[lease.key] = lease
            while len(self._idle) > self.max_idle:
                surplus.append(self._idle.popitem(last=False)[1])
        for spare in surplus:
            spare.emulator.close()

    def clear(self) -> None:
        """Close every idle emulator."""
        with self._lock:
            idle = list(self._idle.values())
            self._idle.clear()
        for lease in idle:
            lease.emulator.close()

    def idle(self) -> list[Emulator]:
        with self._lock:
            return [lease.emulator for lease in self._idle.values()]


# The process's emulators for mock_vod. Module-global on purpose: reuse across uses is the point.
# Each emulator still belongs to one configuration, and is lent to one mock_vod at a time.
EMULATORS = Emulators()
