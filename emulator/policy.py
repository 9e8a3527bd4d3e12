"""What a credential may do: RAM-style policies, the one model every emulated service evaluates.

A ``Policy`` is a list of statements, each with an ``Effect`` (``Allow`` / ``Deny``), action patterns
(``vod:GetVideoInfo``, ``oss:PutObject``, ``vod:Get*``, ``*``) and resource patterns
(``acs:oss:*:*:<bucket>/<key>``, ``acs:vod:*:<account>:*``, ``*``). ``*`` matches any run of
characters and ``?`` one character; actions match without regard to case (RAM does the same),
resources exactly. A request is allowed when some statement allows it and none denies it: an explicit
``Deny`` wins, and what no statement mentions is refused.

Who carries one: an STS token issued with ``Accounts.issue_sts_token(account, policy=...)`` (VOD's
upload credentials, a function's role, ``POST /_vodfc/sts`` with a ``Policy``). A credential without a
policy (the long-lived AccessKeys, an STS token issued without one) keeps full access to its own
account; crossing accounts is refused before any policy is read. The VOD gateway evaluates
``vod:<Action>`` on ``vod_resource(region, account)`` for every call; the OSS service evaluates the
RAM action of each request (``oss_action``) on ``oss_resource(bucket, key)``.

``Policy.from_document`` reads the JSON shape RAM, STS and template.yml's ``Policies`` use
(``{"Version": "1", "Statement": [{"Effect", "Action", "Resource"}]}``); keys the emulator cannot
evaluate (``Condition``, ``NotAction``, ``NotResource``, ``Principal``) are a ``PolicyError``, not
silently ignored.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

Effect = Literal["Allow", "Deny"]

_STATEMENT_KEYS = frozenset({"Effect", "Action", "Resource", "Sid"})
_UNSUPPORTED_KEYS = ("Condition", "NotAction", "NotResource", "Principal", "NotPrincipal")

# System policies a template may name instead of writing a document (the ones this project can use).
SYSTEM_POLICIES: Mapping[str, tuple[str, ...]] = {
    "AliyunVODFullAccess": ("vod:*",),
    "AliyunVODReadOnlyAccess": ("vod:Get*", "vod:List*", "vod:Search*", "vod:Describe*"),
    "AliyunOSSFullAccess": ("oss:*",),
    "AliyunOSSReadOnlyAccess": ("oss:Get*", "oss:List*"),
}


class PolicyError(ValueError):
    """A policy document the emulator cannot read or evaluate."""


@functools.lru_cache(maxsize=1024)
def _pattern(text: str, ignore_case: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(body, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL)


def _matches(patterns: tuple[str, ...], value: str, ignore_case: bool) -> bool:
    for pattern in patterns:
        if pattern == "*":
            return True
        if "*" in pattern or "?" in pattern:
            if _pattern(pattern, ignore_case).fullmatch(value):
                return True
        elif pattern == value or (ignore_case and pattern.lower() == value.lower()):
            return True
    return False


@dataclass(frozen=True)
class Statement:
    effect: Effect
    actions: tuple[str, ...]
    resources: tuple[str, ...] = ("*",)

    def __post_init__(self) -> None:
        if self.effect not in ("Allow", "Deny"):
            raise PolicyError(f"Effect must be Allow or Deny, not {self.effect!r}")
        if not self.actions or not self.resources:
            raise PolicyError("a statement needs at least one Action and one Resource")

    def covers(self, action: str, resource: str) -> bool:
        return _matches(self.actions, action, True) and _matches(self.resources, resource, False)

    def to_document(self) -> dict[str, Any]:
        return {"Effect": self.effect, "Action": list(self.actions), "Resource": list(self.resources)}


@dataclass(frozen=True)
class Policy:
    statements: tuple[Statement, ...]

    def allows(self, action: str, resource: str) -> bool:
        """True when a statement allows ``action`` on ``resource`` and none denies it."""
        allowed = False
        for statement in self.statements:
            if statement.covers(action, resource):
                if statement.effect == "Deny":
                    return False
                allowed = True
        return allowed

    @classmethod
    def allow(cls, actions: Iterable[str], resources: Iterable[str] = ("*",)) -> Policy:
        return cls((Statement("Allow", tuple(actions), tuple(resources)),))

    @classmethod
    def from_document(cls, document: Mapping[str, Any] | str) -> Policy:
        """A RAM policy document (a mapping, or its JSON text)."""
        if isinstance(document, str):
            try:
                document = json.loads(document)
            except ValueError:
                raise PolicyError("the policy is not valid JSON") from None
        if not isinstance(document, Mapping):
            raise PolicyError("a policy document is a JSON object with a Statement list")
        statements = document.get("Statement")
        if isinstance(statements, Mapping):
            statements = [statements]
        if not isinstance(statements, list) or not statements:
            raise PolicyError("a policy document needs a non-empty Statement list")
        return cls(tuple(_statement(item) for item in statements))

    @classmethod
    def from_documents(cls, documents: Iterable[Mapping[str, Any] | str]) -> Policy:
        """The union of several documents, as a role with several policies attached has it; a bare
        string is a system policy's name (``AliyunVODFullAccess``, ...)."""
        statements: list[Statement] = []
        for document in documents:
            if isinstance(document, str) and not document.lstrip().startswith("{"):
                actions = SYSTEM_POLICIES.get(document.strip())
                if actions is None:
                    known = ", ".join(SYSTEM_POLICIES)
                    raise PolicyError(f"unknown system policy {document!r}; the emulator knows {known}")
                statements.append(Statement("Allow", actions))
            else:
                statements.extend(cls.from_document(document).statements)
        return cls(tuple(statements))

    def to_document(self) -> dict[str, Any]:
        return {"Version": "1", "Statement": [s.to_document() for s in self.statements]}


def _strings(statement: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = statement.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(f"a statement's {key} is a string or a non-empty list of strings")
    return tuple(value)


def _statement(item: Any) -> Statement:
    if not isinstance(item, Mapping):
        raise PolicyError("each Statement is a JSON object")
    for key in _UNSUPPORTED_KEYS:
        if key in item:
            raise PolicyError(f"the emulator does not evaluate {key} in policies")
    unknown = sorted(set(item) - _STATEMENT_KEYS)
    if unknown:
        raise PolicyError(f"unknown statement key(s): {', '.join(unknown)}")
    return Statement(item.get("Effect", ""), _strings(item, "Action"), _strings(item, "Resource"))


# --- the resources and actions of the emulated services -----------------------------------------------


def vod_resource(region: str, account_id: str) -> str:
    """What a VOD call acts on: VOD authorizes its API actions per account (and region)."""
    return f"acs:vod:{region}:{account_id}:*"


def oss_resource(bucket: str, key: str | None = None) -> str:
    """``acs:oss:*:*:<bucket>`` for a bucket operation, ``acs:oss:*:*:<bucket>/<key>`` for an object."""
    return f"acs:oss:*:*:{bucket}" if key is None else f"acs:oss:*:*:{bucket}/{key}"


def oss_action(method: str, key: str, args: Mapping[str, str]) -> str:
    """The RAM action of an OSS request, named as RAM names it: the multipart steps of an upload
    (initiate, upload part, complete) are ``oss:PutObject``; HEAD and ?objectMeta are ``oss:GetObject``."""
    if not key:
        if method == "PUT":
            return "oss:PutBucket"
        if method == "DELETE":
            return "oss:DeleteBucket"
        return "oss:ListMultipartUploads" if "uploads" in args else "oss:ListObjects"
    if "uploadId" in args:
        if method == "DELETE":
            return "oss:AbortMultipartUpload"
        if method == "GET":
            return "oss:ListParts"
        return "oss:PutObject"
    if method in ("PUT", "POST"):
        return "oss:PutObject"
    if method == "DELETE":
        return "oss:DeleteObject"
    return "oss:GetObject"


# What oss2's uploads send for one object: put_object, the multipart steps (init, upload_part,
# complete), list_parts (resumable_upload always lists the parts of its upload, and checks an old
# upload still exists before resuming it) and abort_multipart_upload.
UPLOAD_ACTIONS = ("oss:PutObject", "oss:ListParts", "oss:AbortMultipartUpload")


def upload_policy(bucket: str, keys: Sequence[str], prefix: str | None = None) -> Policy:
    """VOD's upload credentials: these objects (and, for HLS, anything under ``prefix``), nothing else
    — no other object, no bucket operation, no VOD API action."""
    resources = [oss_resource(bucket, key) for key in keys]
    if prefix is not None:
        resources.append(oss_resource(bucket, prefix + "*"))
    return Policy.allow(UPLOAD_ACTIONS, resources)
