from __future__ import annotations

import logging
import re
from typing import Any

import pytest

from shared.fc.logs import mask, register_secret, setup_logging


@pytest.mark.parametrize(
    ("line", "leaked"),
    [
        (
            "GET /?AccessKeyId=ak&Signature=abcDEF%2B123&SecurityToken=CAIS.token.x",
            ["abcDEF%2B123", "CAIS.token.x"],
        ),
        ('{"AccessKeySecret": "s3cr3t-value", "x": 1}', ["s3cr3t-value"]),
        ("headers={'Authorization': 'FC ak:c2lnbmF0dXJl'}", ["c2lnbmF0dXJl"]),
        ("authorization: Bearer tok.en-123", ["tok.en-123"]),
        ("Credentials(access_key_secret='abcdef123456')", ["abcdef123456"]),
        ("x-acs-security-token: CAISxyz", ["CAISxyz"]),
        ("SIGNATURE=UPPER-case-sig", ["UPPER-case-sig"]),  # keys in any case
        # Non-ASCII text always meets the patterns: their case folding takes the long s for an s.
        ("título ſecurity_token=abcdefgh123", ["abcdefgh123"]),
    ],
)
def test_mask_hides_credential_shaped_values(line: str, leaked: list[str]) -> None:
    masked = mask(line)
    for value in leaked:
        assert value not in masked
    assert "***" in masked


def test_mask_keeps_ordinary_text() -> None:
    text = "ScrollToken=abc VideoId=123 Title='a cat'"
    assert mask(text) == text


def test_registered_literal_secrets_are_masked_anywhere() -> None:
    register_secret("literal-secret-987654")
    assert mask("oops literal-secret-987654 leaked") == "oops *** leaked"


def test_log_lines_have_fc_format_and_no_secrets(fc_logs: Any) -> None:
    from shared.fc.logs import current_request_id

    setup_logging()
    register_secret("another-secret-value-42")
    token = current_request_id.set("req-abc")
    try:
        logging.getLogger().info("root says %s", "another-secret-value-42")
        logging.getLogger("vodfc.anything").warning("child says SecurityToken=zzzzzzzzzz")
    finally:
        current_request_id.reset(token)
    first, second = fc_logs.records
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z req-abc \[INFO\] root says \*\*\*", first)
    assert second.endswith("[WARNING] child says SecurityToken=***")
