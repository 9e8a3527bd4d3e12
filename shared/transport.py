"""The single path every VOD request takes: build the SDK request, sign and send it, retry, map errors.

Keeping this in one place means signing, endpoint override, retry and error translation cannot drift apart
between operations. The operation modules only build parameter dicts and parse answers.
"""

from __future__ import annotations

import importlib
import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

from aliyunsdkcore.acs_exception.exceptions import ClientException, ServerException
from aliyunsdkcore.http import protocol_type

from . import config, validation
from ._record import FrozenRecord
from .errors import ValidationError, VodError, from_sdk_exception, redact
from .retry import RetryPolicy, may_have_landed

logger = logging.getLogger("vodfc.shared")

_REQUEST_PACKAGE = "aliyunsdkvod.request.v20170321"


class _SdkLogs(logging.Filter):
    """The core SDK's own log records, made fit for a function's log.

    The SDK logs connection errors at ERROR with the signed URL, STS token included: masked. It also logs
    every error answer at ERROR ("ServerException occurred. ..."), a 404 for a video someone deleted and a
    throttled attempt that the next try gets through alike; ``shared`` raises the same facts as a typed
    error and logs its retries itself, so the SDK's duplicate goes down to DEBUG (alerts watch ERROR lines).
    """

    _DUPLICATES = ("ServerException occurred.", "HttpError occurred.")

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = redact(message)
        if masked != message:
            record.msg, record.args = masked, ()
        if record.levelno == logging.ERROR and message.startswith(self._DUPLICATES):
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


# Logger filters apply only to records logged on that very logger, so both SDK loggers get one (the second
# prints the signed URL when the SDK's HTTP debug output is switched on).
for _name in ("aliyunsdkcore.client", "aliyunsdkcore.http.http_response"):
    _sdk_logger = logging.getLogger(_name)
    if not any(isinstance(f, _SdkLogs) for f in _sdk_logger.filters):
        _sdk_logger.addFilter(_SdkLogs())


class Reply(FrozenRecord):
    """A decoded answer plus how it was obtained.

    ``may_have_landed`` says an earlier attempt of this call failed in a way that does not rule out VOD having
    carried it out; delete operations use it to read "not found" as "already deleted by us".
    """

    __slots__ = ("data", "attempts", "may_have_landed")

    def __init__(self, data: dict[str, Any], attempts: int = 1, may_have_landed: bool = False) -> None:
        self.data = data
        self.attempts = attempts
        self.may_have_landed = may_have_landed


class VodTransport:
    """Owns the AcsClient, the endpoint override and the retry policy; operations live in ``shared.ops``."""

    def __init__(
        self,
        acs_client: Any = None,
        *,
        access_key_id: str | None = None,
        access_key_secret: str | None = None,
        security_token: str | None = None,
        region: str | None = None,
        endpoint: str | None = None,
        context: Any = None,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = config.resolve_endpoint(endpoint)
        if acs_client is None:
            self.region = config.resolve_region(region, context=context)
            credentials = config.resolve_credentials(
                access_key_id=access_key_id,
                access_key_secret=access_key_secret,
                security_token=security_token,
                context=context,
            )
            self.credentials_source: str = credentials.source
            acs_client = _build_acs_client(credentials, self.region)
        else:
            self.region = region or str(acs_client.get_region_id())
            self.credentials_source = "acs_client"
        self.acs_client = acs_client
        self.retry = retry or RetryPolicy()
        self._sleep = sleep

    def call(self, action: str, params: Mapping[str, Any], *, idempotent: bool) -> dict[str, Any]:
        """Send one VOD action and return its decoded JSON answer.

        ``idempotent`` says whether the call may be repeated after a 5xx or a lost connection (throttled
        calls are always repeated: VOD refused them before doing anything). None values are not sent;
        lists are joined with commas and booleans sent as ``true``/``false``, as VOD expects.
        """
        return self.send(action, params, idempotent=idempotent).data

    def send(self, action: str, params: Mapping[str, Any], *, idempotent: bool) -> Reply:
        """Like :meth:`call`, but also says whether an earlier attempt may have taken effect."""
        attempt = 0
        landed = False
        while True:
            attempt += 1
            request = self._request(action, params)
            try:
                body = self.acs_client.do_action_with_exception(request)
            except (ServerException, ClientException) as exc:
                error = from_sdk_exception(exc, action=action)
                error.attempts = attempt
                error.may_have_landed = landed
                if not self.retry.should_retry(error, attempt, idempotent=idempotent):
                    if not idempotent and may_have_landed(error) and attempt < self.retry.max_attempts:
                        logger.warning(
                            "VOD %s failed with %s (request_id=%s); not retried: the call is not idempotent "
                            "and may have taken effect",
                            action,
                            error.code,
                            error.request_id,
                        )
                    raise error from exc
                delay = self.retry.delay(attempt)
                logger.warning(
                    "VOD %s attempt %d/%d failed with %s (http_status=%s, request_id=%s); retrying in %.3fs",
                    action,
                    attempt,
                    self.retry.max_attempts,
                    error.code,
                    error.http_status,
                    error.request_id,
                    delay,
                )
                landed = landed or may_have_landed(error)
                self._sleep(delay)
                continue
            except Exception as exc:
                # The SDK itself can fail on odd answers (e.g. an IndexError on a SignatureDoesNotMatch
                # message without ':'); callers still get one of our errors, never a bare traceback.
                raise VodError(
                    "SDK.UnexpectedError", redact(f"{type(exc).__name__}: {exc}"), action=action, original=exc
                ) from exc
            return Reply(_decode(action, body), attempts=attempt, may_have_landed=landed)

    def _request(self, action: str, params: Mapping[str, Any]) -> Any:
        # Each request class is imported on first use only: shared/ ships in every function and a handler
        # should pay the import cost of the one or two actions it calls, not of all 200 VOD actions.
        try:
            module = importlib.import_module(f"{_REQUEST_PACKAGE}.{action}Request")
        except ModuleNotFoundError:
            raise ValidationError("Action", f"Action {action!r} is not a VOD API action") from None
        request = getattr(module, f"{action}Request")()
        for key, value in params.items():
            wire = _wire_value(value)
            if wire is not None:
                # Checked here, before it goes into the URL: a 1 MB VideoId is a clear InvalidParameter,
                # not a 431 from the server's request-line limit.
                validation.wire_parameter(key, wire)
                request.add_query_param(key, wire)
        # The SDK compares the protocol with `is` against its own constants: pass those, not an equal string.
        if self.endpoint is not None:
            request.set_endpoint(self.endpoint.host)
            request.set_protocol_type(
                protocol_type.HTTPS if self.endpoint.scheme == "https" else protocol_type.HTTP
            )
        else:
            # The core SDK defaults to plain http; the real service gets https.
            request.set_protocol_type(protocol_type.HTTPS)
        return request


def _build_acs_client(credentials: config.Credentials, region: str) -> Any:
    from aliyunsdkcore.client import AcsClient

    # auto_retry=False: the SDK would not retry VOD anyway (its table lists only ECS); this makes it explicit
    # that shared.retry is the only retry layer.
    if credentials.security_token:
        from aliyunsdkcore.auth.credentials import StsTokenCredential

        sts = StsTokenCredential(
            credentials.access_key_id, credentials.access_key_secret, credentials.security_token
        )
        return AcsClient(region_id=region, credential=sts, auto_retry=False)
    return AcsClient(credentials.access_key_id, credentials.access_key_secret, region, auto_retry=False)


def _wire_value(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value) if value else None
    return str(value)


def _decode(action: str, body: Any) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8") if isinstance(body, bytes) else body)
    except (ValueError, TypeError, AttributeError) as exc:
        raise VodError(
            "SDK.InvalidResponse", f"VOD answered {action} with non-JSON content", action=action
        ) from exc
    if not isinstance(data, dict):
        raise VodError(
            "SDK.InvalidResponse", f"VOD answered {action} with JSON that is not an object", action=action
        )
    return data
