"""Which account and region a dashboard page shows: the URL's ``account`` and ``region``, and the picker.

The emulator keeps one VOD backend per account and region. A page shows one of them, named in its URL
(``?account=<id>&region=<region>``; either left out means the default account, the default region), so
a link shows what its sender saw and two tabs can show two accounts. Every link and form of a page
carries the choice on (``Scope.href``, ``Scope.args``).

The accounts the emulator knows are those its key ring holds a long-lived key of (``VODFC_ACCESS_KEYS``,
keys added at run time) and those the store holds state of (a data directory kept from a run with other
keys). An account's regions are the default region and every region it has state in. A value the URL
gives outside those is refused before any backend is touched: a page never creates a backend by
being opened with a misspelt region.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from vodfc.emulator.paths import CONTROL_PREFIX
from vodfc.emulator.state import EmulatorState

ACCOUNT_ARG = "account"
REGION_ARG = "region"
# What could be an account id or a region at all; anything else is a malformed value (400), while a
# well-formed value the emulator does not know is 404.
_ACCOUNT_SHAPE = re.compile(r"[A-Za-z0-9._-]{1,64}")
_REGION_SHAPE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
_SHOWN = 80  # how much of a bad value the error page repeats


class ScopeError(Exception):
    """The URL's account or region is malformed (400) or unknown (404); the message names it."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(message)
        self.status = status
        self.title = title
        self.message = message


@dataclass(frozen=True)
class Scope:
    """One account and region, and the defaults it is compared with (which the URL leaves out)."""

    account_id: str
    region: str
    default_account: str
    default_region: str

    @property
    def is_default(self) -> bool:
        return self.account_id == self.default_account and self.region == self.default_region

    def args(self) -> dict[str, str]:
        """The query arguments that name this scope: none for the defaults."""
        values = {}
        if self.account_id != self.default_account:
            values[ACCOUNT_ARG] = self.account_id
        if self.region != self.default_region:
            values[REGION_ARG] = self.region
        return values

    def href(self, path: str, /, **params: Any) -> str:
        """``path`` under the dashboard's prefix, with ``params`` (empty ones left out) and this scope."""
        query = {name: str(value) for name, value in params.items() if value not in (None, "")}
        query.update(self.args())
        return CONTROL_PREFIX + path + (f"?{urlencode(query)}" if query else "")

    def other(self, account_id: str, region: str) -> Scope:
        return Scope(account_id, region, self.default_account, self.default_region)


@dataclass(frozen=True)
class AccountChoice:
    """One account of the picker: its regions (the default one first) and what it is."""

    account_id: str
    regions: tuple[str, ...]
    default: bool
    # A long-lived key that may call now: uploads are made with it (none: the account is read only).
    has_key: bool
    # The FC runtime's functions belong to it.
    runs_functions: bool

    @property
    def marks(self) -> list[str]:
        marks = ["default"] if self.default else []
        if self.runs_functions:
            marks.append("functions")
        if not self.has_key:
            marks.append("no AccessKey")
        return marks


def default_scope(state: EmulatorState) -> Scope:
    config = state.config
    return Scope(config.default_account_id, config.region, config.default_account_id, config.region)


def regions_with_state(state: EmulatorState) -> dict[str, set[str]]:
    """Each account's regions that have a backend in memory or records in the store (a backend's
    namespace is ``<account>/<region>``; other components' namespaces, such as the event bus's
    ``<account>/_events``, name no region)."""
    pairs = {key for key, _ in state.backends.items()}
    for namespace in state.store.namespaces():
        account, _, region = namespace.partition("/")
        if account and _REGION_SHAPE.fullmatch(region):
            pairs |= {(account, region)}
    found: dict[str, set[str]] = {}
    for account, region in pairs:
        found.setdefault(account, set()).update((region,))
    return found


def choices(state: EmulatorState, functions_account: str | None = None) -> list[AccountChoice]:
    """Every account the emulator knows, the default one first."""
    default = default_scope(state)
    with_state = regions_with_state(state)
    accounts = set(state.accounts.account_ids()) | set(with_state) | {default.account_id}
    ordered = sorted(accounts, key=lambda account: (account != default.account_id, account))
    return [
        AccountChoice(
            account_id=account,
            regions=(default.region, *sorted(with_state.get(account, set()) - {default.region})),
            default=account == default.account_id,
            has_key=bool(state.accounts.usable_keys(account)),
            runs_functions=account == functions_account,
        )
        for account in ordered
    ]


def _one(args: Mapping[str, Any], name: str) -> str:
    getlist = getattr(args, "getlist", None)
    values: Sequence[str] = getlist(name) if getlist is not None else [args[name]] if name in args else []
    if len(values) > 1:
        shown = ", ".join(repr(value[:_SHOWN]) for value in values)
        raise ScopeError(
            400, f"More than one {name}", f"The address gives {len(values)} {name}s ({shown}): give one."
        )
    return values[0].strip() if values else ""


def resolve(state: EmulatorState, args: Mapping[str, Any]) -> Scope:
    """The scope the query ``args`` name; raises ``ScopeError`` for a malformed or unknown value."""
    default = default_scope(state)
    account = _one(args, ACCOUNT_ARG) or default.account_id
    region = _one(args, REGION_ARG) or default.region
    known = {choice.account_id: choice for choice in choices(state)}
    if account not in known:
        shown = account[:_SHOWN]
        if not _ACCOUNT_SHAPE.fullmatch(account):
            raise ScopeError(
                400,
                "Bad account",
                f"account={shown!r} is not an account id (letters, digits, '.', '_' or '-', at most 64).",
            )
        raise ScopeError(
            404,
            "No such account",
            f"This emulator knows no account {shown}: its accounts are {', '.join(known)}. "
            "Add one with VODFC_ACCESS_KEYS=id:secret:account.",
        )
    regions = known[account].regions
    if region not in regions:
        shown = region[:_SHOWN]
        if not _REGION_SHAPE.fullmatch(region):
            raise ScopeError(
                400, "Bad region", f"region={shown!r} is not a region id (like {default.region})."
            )
        raise ScopeError(
            404,
            "No such region",
            f"Account {account} has no state in region {shown}: its regions are {', '.join(regions)}.",
        )
    return default.other(account, region)
