"""Why the emulator refused a call, as a user finds out without turning ``explain_errors`` on: the
``x-vodfc-error-detail`` header of a raw answer, or the refusal's log line when an official SDK made
the call (neither SDK hands its users the headers of an error answer)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import unquote

import pytest
import requests
from werkzeug.datastructures import Headers
from werkzeug.test import TestResponse

DETAIL_HEADER = "x-vodfc-error-detail"
REFUSED_LOGGER = "vodfc.gateway.refused"


def detail_of(answer: requests.Response | TestResponse | list[tuple[str, str]]) -> str:
    """The decoded explanation an error answer (a response, or a WSGI answer's header list) carries;
    fails the test when it carries none."""
    headers = Headers(answer) if isinstance(answer, list) else answer.headers
    assert DETAIL_HEADER in headers, f"no {DETAIL_HEADER} header: {dict(headers)}"
    value = headers[DETAIL_HEADER]
    assert value.isascii() and "\r" not in value and "\n" not in value, value
    return unquote(value)


@dataclass(frozen=True)
class Refusal:
    """One refusal's log record, its parts apart: ``explained`` is the cloud's text with ``detail``."""

    line: str
    action: str
    code: str
    cloud_message: str
    detail: str | None
    explained: str


class Refusals:
    """The refusals the emulator logged during a test, in-process or by its ``ThreadedServer`` (a
    thread of the test's process, so its records reach ``caplog`` too)."""

    def __init__(self, caplog: pytest.LogCaptureFixture):
        caplog.set_level(logging.INFO, logger=REFUSED_LOGGER)
        self.caplog = caplog

    def all(self) -> list[Refusal]:
        return [
            Refusal(
                record.getMessage(),
                *(
                    getattr(record, name)
                    for name in ("action", "code", "cloud_message", "detail", "explained")
                ),
            )
            for record in self.caplog.records
            if record.name == REFUSED_LOGGER
        ]

    def last(self, code: str | None = None) -> Refusal:
        """The latest refusal (of ``code``, when given)."""
        found = [refusal for refusal in self.all() if code is None or refusal.code == code]
        assert found, f"no refusal {code or ''} logged: {[refusal.line for refusal in self.all()]}"
        return found[-1]

    def detail(self, code: str | None = None) -> str:
        """The explanation of the latest refusal (of ``code``); fails the test when it has none."""
        refusal = self.last(code)
        assert refusal.detail, f"the refusal has no detail: {refusal.line}"
        return refusal.detail
