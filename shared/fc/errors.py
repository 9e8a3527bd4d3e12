"""HTTP-shaped errors of the FC plumbing, and the one mapping from any exception to a status and JSON body.

Every failure a caller can see leaves a function as ``{"Code", "Message", "RequestId"}`` with a fitting HTTP
status. VOD's own ``Code`` is kept (a caller who knows VOD's error table can branch on it), but the status is
chosen for *our* caller, not copied from VOD: when VOD refuses the function's own credentials that is our
deployment's fault (5xx), not the caller's (VOD itself would have said 403).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._record import FrozenRecord
from ..errors import (
    AuthFailed,
    IllegalStatus,
    InvalidParameter,
    MissingCredentials,
    NotFound,
    ServerError,
    Throttled,
    TransportError,
    ValidationError,
    VodError,
)

# How long a throttled caller should wait. VOD sends no Retry-After of its own, and shared/ has already
# retried with backoff before giving up, so one more second is a polite, short hint.
THROTTLED_RETRY_AFTER = "1"


class HttpError(Exception):
    """A failure with its HTTP status, error code and extra response headers.

    Raised by the plumbing itself (bad event, route not found, missing token) and produced by
    :func:`to_http_error` for everything else.
    """

    status = 400
    code = "InvalidParameter"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.headers: dict[str, str] = dict(headers or {})
        # VOD's RequestId, when the failure came from VOD (worth quoting in a support ticket).
        self.vod_request_id: str | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status}, code={self.code!r}, message={self.message!r})"


class BadRequest(HttpError):
    """The input cannot be used (not JSON, wrong fields)."""

    status = 400
    code = "InvalidParameter"


class Unauthorized(HttpError):
    """No credentials were presented to an HTTP function that requires a token."""

    status = 401
    code = "MissingAuthorization"


class Forbidden(HttpError):
    """The presented token is not one this function accepts."""

    status = 403
    code = "InvalidToken"


class RouteNotFound(HttpError):
    """No route of this function matches the request path."""

    status = 404
    code = "InvalidApi.NotFound"


class MethodNotAllowed(HttpError):
    """The path exists but not for this method; the ``Allow`` header lists the methods that do."""

    status = 405
    code = "MethodNotAllowed"


class ConfigurationError(HttpError):
    """The function is deployed without a setting it needs; the operator must fix it, not the caller."""

    status = 500
    code = "FunctionNotConfigured"


class ErrorResponse(FrozenRecord):
    """What a failed invocation answers: HTTP status, headers and the JSON body."""

    __slots__ = ("status", "body", "headers")

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.body = body
        self.headers: dict[str, str] = {} if headers is None else headers

    @property
    def code(self) -> str:
        return str(self.body["Code"])


def to_http_error(exc: BaseException) -> HttpError:
    """Classify any exception raised while serving a request.

    Unknown exceptions become a bare 500 ``InternalError`` whose message reveals nothing of the exception
    (its text may quote internals); the caller only gets the request id to find the logged traceback.
    """
    if isinstance(exc, HttpError):
        return exc
    if isinstance(exc, VodError):
        error = _from_vod_error(exc)
        error.vod_request_id = exc.request_id
        return error
    return HttpError(
        "The function failed with an unexpected error; its log has the details under this request id.",
        code="InternalError",
        status=500,
    )


def _from_vod_error(exc: VodError) -> HttpError:
    if isinstance(exc, ValidationError):
        return HttpError(exc.message, code=exc.code, status=400)
    if isinstance(exc, NotFound):
        return HttpError(exc.message, code=exc.code, status=404)
    if isinstance(exc, IllegalStatus):
        # The request is fine; the media is in a state that does not allow it (yet): a conflict.
        return HttpError(exc.message, code=exc.code, status=409)
    if isinstance(exc, Throttled):
        return HttpError(
            f"{exc.message} (VOD kept refusing after {exc.attempts} attempts; try again later)",
            code=exc.code,
            status=429,
            headers={"Retry-After": THROTTLED_RETRY_AFTER},
        )
    if isinstance(exc, MissingCredentials):
        return HttpError(
            "The function has no credentials to call VOD: give its service a role (FC passes the role's "
            "STS token in the context) or set ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET.",
            code=exc.code,
            status=500,
        )
    if isinstance(exc, AuthFailed):
        # VOD refused the *function's* credentials (the service role), so the caller cannot fix this by
        # changing the request: a bad-gateway answer that says where to look.
        return HttpError(
            f"VOD refused the function's own credentials (check the service role and its VOD policy): "
            f"{exc.message}",
            code=exc.code,
            status=502,
        )
    if isinstance(exc, InvalidParameter):
        return HttpError(exc.message, code=exc.code, status=400)
    if isinstance(exc, TransportError):
        return HttpError(f"VOD could not be reached: {exc.message}", code=exc.code, status=502)
    if isinstance(exc, ServerError):
        return HttpError(f"VOD failed: {exc.message}", code=exc.code, status=502)
    status = exc.http_status if exc.http_status is not None and 400 <= exc.http_status < 500 else 502
    return HttpError(exc.message, code=exc.code, status=status)


def error_response(exc: BaseException, request_id: str) -> ErrorResponse:
    """The status, headers and ``{"Code", "Message", "RequestId"}`` body for ``exc``."""
    error = to_http_error(exc)
    body: dict[str, Any] = {"Code": error.code, "Message": error.message, "RequestId": request_id}
    if error.vod_request_id:
        body["VodRequestId"] = error.vod_request_id
    return ErrorResponse(status=error.status, body=body, headers=dict(error.headers))
