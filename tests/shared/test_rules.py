"""The helpers of VOD's rules in shared.validation: the illegal characters and the three time parsers."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from shared.validation import (
    TIME_FORMAT,
    epoch_seconds,
    format_time,
    has_illegal_characters,
    parse_time,
    parse_utc_time,
)

WHEN = datetime(2017, 11, 14, 9, 15, 50, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "text",
    [
        "cat \U0001f63a",  # emoji
        "\u2b50",  # star, in the BMP's arrows and symbols block
        "\u2600",  # sun, the symbol block
        "1\ufe0f\u20e3",  # keycap sequence
        "\U0001f468\u200d\U0001f469",  # joined emoji
        "\U00020000",  # astral CJK: refused too (the inferred choice)
        "\U0001d11e",  # musical symbol outside the BMP
    ],
)
def test_the_illegal_characters_are_emoji_and_every_character_outside_the_bmp(text: str) -> None:
    assert has_illegal_characters(text)


@pytest.mark.parametrize("text", ["", "plain", "café", "上海的猫", "\u00a9 \u2122", "\ufffd"])
def test_text_in_the_bmp_outside_the_symbol_blocks_is_legal(text: str) -> None:
    assert not has_illegal_characters(text)


def test_format_time_writes_vods_form_in_utc_whatever_the_zone() -> None:
    assert format_time(WHEN) == "2017-11-14T09:15:50Z" == WHEN.strftime(TIME_FORMAT)
    assert format_time(WHEN.replace(tzinfo=None)) == "2017-11-14T09:15:50Z"  # naive means UTC
    assert format_time(WHEN.astimezone(timezone(timedelta(hours=8)))) == "2017-11-14T09:15:50Z"
    assert parse_utc_time(format_time()) is not None


def test_the_strict_parser_takes_only_vods_own_form() -> None:
    assert parse_utc_time("2017-11-14T09:15:50Z") == WHEN
    for text in [
        "2017-11-14T09:15:50",
        "2017-11-14 09:15:50Z",
        "2017-13-14T09:15:50Z",
        "2017-11-14T24:00:00Z",
    ]:
        assert parse_utc_time(text) is None, text
    assert parse_utc_time("2017-11-14T09:15:50.25Z") is None
    assert parse_utc_time("2017-11-14T09:15:50.25Z", fraction=True) == WHEN.replace(microsecond=250000)
    assert parse_utc_time("\u0662017-11-14T09:15:50Z") is None  # other scripts' digits are not digits here


def test_the_lenient_parser_takes_every_form_payloads_and_callers_use() -> None:
    ms = WHEN.replace(microsecond=627000)
    assert parse_time("2017-11-14T09:15:50Z") == WHEN
    assert parse_time("2017-11-14T09:15:50:627Z") == ms == parse_time("2017-11-14T09:15:50.627Z")
    assert parse_time("2017-11-14T17:15:50+08:00") == WHEN
    assert parse_time("2017-11-14T09:15:50") == WHEN
    assert parse_time("yesterday") is None and parse_time("") is None and parse_time(None) is None


@pytest.mark.parametrize(
    "text",
    ["2017-11-14T09:15:50Z", "1969-12-31T23:59:59Z", "2024-02-29T00:00:00Z", "2017-11-14T09:15:50.125Z"],
)
def test_epoch_seconds_agrees_with_the_strict_parser(text: str) -> None:
    moment = parse_utc_time(text, fraction=True)
    assert moment is not None and epoch_seconds(text) == moment.timestamp()


def test_epoch_seconds_refuses_what_is_no_time() -> None:
    for text in ["2023-02-29T00:00:00Z", "2017-11-14T09:60:00Z", "2017-11-14T09:15:50", "x"]:
        assert epoch_seconds(text) is None, text
