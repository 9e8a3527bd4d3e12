"""VOD callback authentication: signature, timestamp window, replay cache."""

from __future__ import annotations

import pytest

from shared.events.signature import CallbackRejected, CallbackVerifier, sign, signed_headers

URL = "https://www.example.com/your/callback"
KEY = "test123"
NOW = 1519375990


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def verifier(clock: Clock | None = None, **kwargs) -> CallbackVerifier:
    return CallbackVerifier(url=URL, key=KEY, clock=clock or Clock(), **kwargs)


def test_documented_test_vector() -> None:
    # VOD's documentation: md5("https://www.example.com/your/callback|1519375990|test123")
    assert sign(URL, 1519375990, KEY) == "c72b60894140fa98920f1279219b7ed4"


def test_a_signed_callback_is_accepted_with_any_header_case() -> None:
    headers = {k.lower(): v for k, v in signed_headers(URL, KEY, NOW).items()}
    verdict = verifier().verify(headers, b"{}")
    assert verdict.timestamp == NOW and not verdict.duplicate


@pytest.mark.parametrize(
    ("headers", "code", "status"),
    [
        ({}, "MissingSignature", 401),
        ({"X-VOD-TIMESTAMP": str(NOW)}, "MissingSignature", 401),
        ({"X-VOD-TIMESTAMP": "soon", "X-VOD-SIGNATURE": "x"}, "InvalidTimestamp", 401),
        ({"X-VOD-TIMESTAMP": str(NOW), "X-VOD-SIGNATURE": "0" * 32}, "SignatureDoesNotMatch", 403),
        (signed_headers(URL, "other-key", NOW), "SignatureDoesNotMatch", 403),
        (signed_headers(URL + "?x=1", KEY, NOW), "SignatureDoesNotMatch", 403),
        (signed_headers(URL, KEY, NOW - 301), "StaleTimestamp", 401),
        (signed_headers(URL, KEY, NOW + 301), "StaleTimestamp", 401),
    ],
)
def test_bad_callbacks_are_refused(headers, code, status) -> None:
    with pytest.raises(CallbackRejected) as info:
        verifier().verify(headers, b"{}")
    assert info.value.code == code and info.value.status == status


def test_the_window_edge_is_inclusive() -> None:
    assert verifier().verify(signed_headers(URL, KEY, NOW - 300), b"{}")


def test_a_replayed_signature_on_another_body_is_refused() -> None:
    # GIVEN a callback VOD signed and we accepted
    check = verifier()
    headers = signed_headers(URL, KEY, NOW)
    check.verify(headers, b'{"EventType":"TranscodeComplete","VideoId":"a"}')
    # WHEN someone reuses its headers on a forged body
    with pytest.raises(CallbackRejected) as info:
        check.verify(headers, b'{"EventType":"TranscodeComplete","VideoId":"victim"}')
    # THEN it is refused
    assert info.value.code == "ReplayedSignature"


def test_a_retry_of_the_same_body_is_accepted_and_flagged_once_done() -> None:
    check = verifier()
    headers = signed_headers(URL, KEY, NOW)
    first = check.verify(headers, b"{}")
    # not processed yet (the first attempt failed): process again
    assert not check.verify(headers, b"{}").duplicate
    check.mark_done(first)
    assert check.verify(headers, b"{}").duplicate


def test_the_cache_is_bounded_and_forgets_expired_entries() -> None:
    clock = Clock()
    check = verifier(clock, max_entries=3)
    for offset in range(5):
        check.verify(signed_headers(URL, KEY, NOW - offset), str(offset).encode())
    assert len(check) == 3
    clock.now = NOW + 1000
    check.verify(signed_headers(URL, KEY, int(clock.now)), b"x")
    assert len(check) == 1


def test_url_override_per_request() -> None:
    other = "http://fc.example.com/2016-08-15/proxy/vodfc/AutoTagCallback/"
    assert verifier().verify(signed_headers(other, KEY, NOW), b"{}", other)
