"""The error tree every VodClient operation raises.

The core SDK raises two exception classes for everything (``ServerException`` for any non-2xx answer,
``ClientException`` for local and transport failures). Callers need to branch on *what happened*, not on
the SDK's class, so :func:`from_sdk_exception` sorts each one into a small tree by VOD's error ``Code``
and HTTP status. Every error keeps the ``Code``, ``Message``, HTTP status, ``RequestId`` and the original
exception (``__cause__`` and ``.original``), so nothing VOD said is lost.

    VodError
    ├── NotFound            InvalidVideo.NotFound, InvalidFile.NotFound, NoSuchResource, ...
    ├── IllegalStatus       Forbidden.IllegalStatus (the media's status does not allow the operation)
    ├── Throttled           Throttling, Throttling.User, ...
    ├── InvalidParameter    MissingParameter, InvalidParameter, *ExceededMax, ErrorMatchSyntax, ...
    │   └── ValidationError raised before sending, for input VOD would refuse
    ├── AuthFailed          SignatureDoesNotMatch, InvalidAccessKeyId.*, Forbidden*, ...
    │   └── MissingCredentials  no credentials found anywhere (see shared.config)
    ├── ServerError         HTTP 5xx
    └── TransportError      the request never got an HTTP answer (SDK.HttpError)
"""

from __future__ import annotations

import re
from typing import Any

# Connection errors quote the request URL, whose query carries the signature and the STS token; the core
# SDK's debug log prints the parameter dict (`'SecurityToken': '...'`). Compiled on first use (re caches it).
_SECRET_QUERY = r"(SecurityToken|Signature|AccessKeyId)(=|'?:\s*')[^&\s'\")]+"


class VodError(Exception):
    """Base of every error raised by ``shared``.

    ``attempts`` is how many times the call was sent; ``may_have_landed`` is True when an earlier attempt of
    the same call failed in a way that does not prove VOD ignored it (5xx, lost connection), which is what
    lets a retried delete read a NotFound as "our first attempt already did it".
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        http_status: int | None = None,
        request_id: str | None = None,
        action: str | None = None,
        original: BaseException | None = None,
    ) -> None:
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.http_status = http_status
        self.request_id = request_id
        self.action = action
        self.original = original
        self.attempts = 1
        self.may_have_landed = False

    def __str__(self) -> str:
        parts = [f"{self.code}: {self.message}"]
        details = []
        if self.action:
            details.append(f"action={self.action}")
        if self.http_status is not None:
            details.append(f"http_status={self.http_status}")
        if self.request_id:
            details.append(f"request_id={self.request_id}")
        if self.attempts > 1:
            details.append(f"attempts={self.attempts}")
        if details:
            parts.append(f"({', '.join(details)})")
        return " ".join(parts)

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(code={self.code!r}, message={self.message!r}, http_status={self.http_status!r})"


class NotFound(VodError):
    """The video, file, stream, image or resource does not exist."""


class IllegalStatus(VodError):
    """The media exists but its status forbids the operation (e.g. still transcoding)."""


class Throttled(VodError):
    """VOD's flow control refused the request; nothing was done, so it is always safe to send again."""


class InvalidParameter(VodError):
    """VOD refused a parameter (or we refused it before sending, see :class:`ValidationError`)."""


class ValidationError(InvalidParameter):
    """Input VOD would refuse, caught before any request was sent. ``field`` names the offending parameter."""

    def __init__(self, field: str, message: str, *, code: str = "InvalidParameter") -> None:
        super().__init__(code, message)
        self.field = field


class AuthFailed(VodError):
    """Signature, AccessKey, STS token or permission problem."""


class MissingCredentials(AuthFailed):
    """No AccessKey pair was given, found in the FC context, or found in the environment."""


class ServerError(VodError):
    """VOD answered 5xx; the request may or may not have taken effect."""


class TransportError(VodError):
    """No HTTP answer (connection refused or reset, timeout); the request may or may not have landed."""


class WindowExhausted(VodError):
    """Paging cannot move on: 5,000 or more videos were created within two neighbouring seconds."""


_NOT_FOUND_CODES = frozenset(
    {
        "InvalidVideo.NotFound",
        "InvalidFile.NotFound",
        "InvalidStream.NotFound",
        "NoSuchResource",
        "InvalidVideo.NoneStream",
        "InvalidImage.NotFound",
    }
)
_INVALID_PARAMETER_CODES = frozenset(
    {
        "MissingParameter",
        "InvalidParameter",
        "ErrorMatchSyntax",
        "IllegalCharacters",
        "InvalidScrollToken.Expired",
    }
)
_AUTH_CODES = frozenset(
    {
        "SignatureDoesNotMatch",
        "IncompleteSignature",
        "InvalidAccessKeySecret",
        "SignatureNonceUsed",
        "InvalidSignatureMethod",
        "MissingAccessKeyId",
        "MissingSignature",
        "MissingSecurityToken",
        "OperationDenied",
        "NoPermission",
    }
)
_REQUEST_NOT_FOUND = frozenset({"InvalidApi.NotFound", "InvalidVersion.NotFound"})
_AUTH_PREFIXES = (
    "InvalidAccessKeyId",
    "InvalidSecurityToken",
    "InvalidTimeStamp",
    "Forbidden",
    "OperationDenied.",
)


def classify(code: str, http_status: int | None) -> type[VodError]:
    """Pick the error class for a VOD ``Code`` (and HTTP status when the code is unknown)."""
    if code in _NOT_FOUND_CODES:
        return NotFound
    if code == "Forbidden.IllegalStatus":
        return IllegalStatus
    if code == "Throttling" or code.startswith("Throttling."):
        return Throttled
    if code in _AUTH_CODES or code.startswith(_AUTH_PREFIXES):
        return AuthFailed
    if (
        code in _INVALID_PARAMETER_CODES
        or code.startswith(("InvalidParameter.", "MissingParameter."))
        or code.endswith("ExceededMax")
    ):
        return InvalidParameter
    if http_status is not None and http_status >= 500:
        return ServerError
    # An unknown `Invalid<Thing>.NotFound` is about a missing resource; InvalidApi.NotFound is about the
    # request (no such action or version) and must not read as "the video does not exist".
    if http_status == 404 and code.endswith(".NotFound") and code not in _REQUEST_NOT_FOUND:
        return NotFound
    return VodError


def from_sdk_exception(exc: BaseException, *, action: str | None = None) -> VodError:
    """Translate an ``aliyunsdkcore`` ServerException/ClientException into the tree above.

    Duck-typed on the SDK's attributes (``error_code``, ``message``, ``http_status``, ``request_id``) so this
    module needs no SDK import.
    """
    code = str(_attr(exc, "error_code") or type(exc).__name__)
    message = redact(str(_attr(exc, "message") or exc))
    http_status = _attr(exc, "http_status")
    request_id = _attr(exc, "request_id")
    if http_status is None and code == "SDK.HttpError":
        cls: type[VodError] = TransportError
    else:
        cls = classify(code, http_status if isinstance(http_status, int) else None)
    error = cls(
        code,
        message,
        http_status=http_status if isinstance(http_status, int) else None,
        request_id=str(request_id) if request_id else None,
        action=action,
        original=exc,
    )
    error.__cause__ = exc
    return error


def redact(text: str) -> str:
    """Mask credentials that SDK messages may quote from the signed URL."""
    return re.sub(_SECRET_QUERY, r"\1\2***", text)


def _attr(exc: BaseException, name: str) -> Any:
    return getattr(exc, name, None)
