"""VOD's rules in one place, and the checks shared/ runs before it sends anything.

This module is the one home of what VOD accepts and how it writes things: batch, page and field limits,
statuses, the value sets of enumerated parameters, the characters VOD refuses, the default AppId, and VOD's
time format with its parsers. Everything is a plain constant or a small function. shared/ reads them here
(``from .validation import ...``), functions as ``shared.validation`` and the emulator as
``vodfc.shared.validation``; nobody keeps a copy. The home is this module rather than one of its own because
shared/ can never import the emulator, every reader in shared/ and functions/ already looked the limits up
here, and the module loads only :mod:`shared.errors` and the standard library: a cold start and the emulator
both get it for almost nothing. Patterns are compiled on first use, never at import.

The checks below are the client side: failing here costs nothing and names the field; failing at VOD costs a
request, a throttling-budget slot, and for a batch can leave some chunks applied and others not. Each raises
:class:`shared.errors.ValidationError` with VOD's own error code where VOD has one. Limits follow VOD's
documentation (bytes, not characters, for Title/Description/Tags on the update APIs). The emulator enforces
the same constants with its own VOD errors and switches (``VodOptions``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Sequence
from datetime import date, datetime, timezone

from .errors import ValidationError

# --- batches and pages ---------------------------------------------------------------------------------

MAX_BATCH = 20  # ids (or UpdateContent entries) in one request
MAX_PAGE_SIZE = 100
MAX_WINDOW = 5000  # PageNo x PageSize reachable without a ScrollToken (GetVideoList, SearchMedia)

# --- field limits: UTF-8 bytes (the Update* pages; the emulator can count characters instead) -----------

TITLE_MAX_BYTES = 128
DESCRIPTION_MAX_BYTES = 1024
TAG_MAX_BYTES = 32
MAX_TAGS = 16
CATE_NAME_MAX_BYTES = 64
USER_DATA_MAX_BYTES = 1024

# --- what fits in a request ------------------------------------------------------------------------------
# The SDK puts every parameter in the request's URL, and servers cap a request line (the emulator's at 256
# KiB, answering 431 past it). VOD's IDs (VideoId, ImageId, JobId, ... and each item of a ...Ids list) are
# 32 hex digits, a ReferenceId at most 64 characters; no parameter VOD accepts is anywhere near 64 KiB
# (20 UpdateContent entries at their field limits are about 40 KiB).
MAX_ID_LENGTH = 64
MAX_PARAMETER_BYTES = 64 * 1024

# --- statuses ------------------------------------------------------------------------------------------

VIDEO_STATUSES = (
    "Uploading",
    "UploadFail",
    "UploadSucc",
    "Transcoding",
    "TranscodeFail",
    "Checking",
    "Blocked",
    "Normal",
    "ProduceFail",
)
IMAGE_STATUSES = ("Uploading", "Normal", "UploadFail")
MEZZANINE_STATUSES = ("Uploading", "Normal", "UploadFail", "Deleted")

# --- values of enumerated parameters -------------------------------------------------------------------

SEARCH_TYPES = ("video", "audio", "image", "attached")
OUTPUT_TYPES = ("oss", "cdn")
ADDITION_TYPES = ("video", "audio")
SORT_VALUES = ("CreationTime:Desc", "CreationTime:Asc")
SEARCH_SORT_FIELDS = ("CreationTime", "ModificationTime")
DELETE_IMAGE_TYPES = ("ImageURL", "ImageId", "VideoId")
SNAPSHOT_TYPES = ("CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot")
VIDEO_IMAGE_TYPES = (*SNAPSHOT_TYPES, "All")  # DeleteImage's ImageType; "All" only on its own
PLAY_FORMATS = ("mp4", "m3u8", "mp3", "flv", "mpd")
# Also the order GetPlayInfo lists streams in within one format (captures: LD before SD).
DEFINITIONS = ("FD", "LD", "SD", "HD", "OD", "2K", "4K", "SQ", "HQ", "AUTO")
STREAM_TYPES = ("video", "audio")
RESULT_TYPES = ("Single", "Multiple")

DEFAULT_APP_ID = "app-1000000"  # the application every account starts with

# Auxiliary media assets (CreateUploadAttachedMedia): their business types and each one's file extensions.
ATTACHED_MEDIA_EXTENSIONS = {
    "watermark": ("png", "gif", "apng", "mov"),
    "subtitle": ("srt", "ass", "stl", "ttml", "vtt"),
    "material": ("jpg", "gif", "png", "mp4", "mat", "zip", "apk"),
}
BUSINESS_TYPES = tuple(ATTACHED_MEDIA_EXTENSIONS)
MAX_ATTACHED_CATE_IDS = 5  # CateIds of one auxiliary media asset

# --- signed URLs: AuthTimeout (seconds) ------------------------------------------------------------------

# With OutputType=oss the URL is a presigned OSS URL valid for AuthTimeout (default 3600, minimum 1), at most
# these: a file in a bucket VOD manages, for every reader of source files, images and attached media ...
AUTH_TIMEOUT_MAX_VOD_BUCKET = 2592000  # 30 days
# ... except GetPlayInfo's playback URLs (its page: 7 days);
PLAY_AUTH_TIMEOUT_MAX_VOD_BUCKET = 604800
# a file in the user's own OSS bucket (every reader).
AUTH_TIMEOUT_MAX_OWN_BUCKET = 129600  # 36 hours
DEFAULT_OSS_AUTH_TIMEOUT = 3600
# With OutputType=cdn the minimum is 1 and there is no maximum; it matters only with URL signing on.

# --- characters ----------------------------------------------------------------------------------------

# What answers IllegalCharacters ("contains illegal emoticon or special characters"). INFERRED: VOD names
# no code points. This set is every character outside the BMP (emoji, and every other 4-byte UTF-8
# character, which is what a store limited to 3-byte UTF-8 refuses and what "special characters" suggests),
# plus the BMP's symbol and dingbat blocks (U+2600-27BF, U+2B00-2BFF) and the pieces emoji sequences are
# built from (variation selector U+FE0F, joiner U+200D, keycap U+20E3). It refuses astral CJK (U+20000+)
# too, which VOD may accept. VOD documents the check for image fields and CreateUploadVideo; shared checks
# image fields only, the emulator also video fields (VodOptions.reject_emoji_in_video_fields) and CateName.
ILLEGAL_CHARACTERS = "[\U00010000-\U0010ffff\u2600-\u27bf\u2b00-\u2bff\ufe0f\u200d\u20e3]"

_REFERENCE_ID = "[A-Za-z0-9_-]{6,64}"
# An absolute http(s) URL with a host and no whitespace: what "is a URL" means where a check asks for one.
# VOD documents no format for CoverURL (its own SDK page sets "http192.168.0.0/16/tps/..."), so nothing
# requires it there; the emulator applies it only behind a switch (VodOptions.strict_cover_url).
_HTTP_URL = r"(?i:https?)://[^\s/?#]+[^\s]*"


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    """A module pattern, compiled when first used rather than on every cold start."""
    return re.compile(source)


def has_illegal_characters(text: str) -> bool:
    """Whether VOD refuses ``text`` in a Title, Description, Tag or CateName (see ILLEGAL_CHARACTERS)."""
    return _pattern(ILLEGAL_CHARACTERS).search(text) is not None


def is_reference_id(text: str) -> bool:
    """Whether ``text`` is a ReferenceId VOD accepts: 6-64 characters of A-Z, a-z, 0-9, '_' or '-'."""
    return _pattern(_REFERENCE_ID).fullmatch(text) is not None


def is_http_url(text: str) -> bool:
    """Whether ``text`` is an absolute http or https URL with a host (see ``_HTTP_URL``)."""
    return _pattern(_HTTP_URL).fullmatch(text) is not None


# --- time ----------------------------------------------------------------------------------------------

# VOD's time: UTC, whole seconds, "2017-11-14T09:15:50Z". Requests, answers and event payloads all use it.
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# The same, optionally with a fraction of a second (the SDKs' Timestamp, Match literals).
_UTC_TIME = "([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:[.]([0-9]{1,9}))?Z"
_PLAIN_UTC_TIME = "([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z"
_EPOCH_ORDINAL = 719163  # date(1970, 1, 1).toordinal()


def format_time(moment: datetime | None = None) -> str:
    """``moment`` (naive means UTC; None means now) in VOD's time format."""
    if moment is None:
        moment = datetime.now(timezone.utc)
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime(TIME_FORMAT)


def parse_time(value: str | None) -> datetime | None:
    """A time as an aware UTC datetime, leniently: for event payloads and times a caller hands in.

    Accepts VOD's ``2020-07-10T06:49:51Z``, ImageUploadComplete's ``2024-04-10T01:37:14:627Z`` (a colon
    before the milliseconds), ``.627Z``, and any other ISO 8601 form (an offset is converted, naive means
    UTC); None for anything else.
    """
    if not value:
        return None
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1]
    if len(text) > 19 and text[19] == ":":
        text = text[:19] + "." + text[20:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _utc_parts(text: str) -> tuple[datetime, str] | None:
    """VOD's form with an optional fraction, as the whole-second datetime and the fraction's digits."""
    match = _pattern(_UTC_TIME).fullmatch(text)
    if match is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups()[:6])
        moment = datetime(year, month, day, hour, minute, second, tzinfo=timezone.utc)
    except ValueError:  # no such day or time
        return None
    return moment, match.group(7) or ""


def parse_utc_time(text: str, *, fraction: bool = False) -> datetime | None:
    """Strictly VOD's form, ``2017-11-14T09:15:50Z`` naming a real time, as an aware datetime; None if not.

    For wire parameters (StartTime, EndTime, the SDK's Timestamp). ``fraction`` also accepts
    ``…50.123Z`` (kept to the microsecond).
    """
    parts = _utc_parts(text)
    if parts is None:
        return None
    moment, digits = parts
    if not digits:
        return moment
    if not fraction:
        return None
    return moment.replace(microsecond=int(digits[:6].ljust(6, "0")))


@functools.lru_cache(maxsize=4096)
def _epoch_day(day: str) -> int | None:
    try:
        return date.fromisoformat(day).toordinal() - _EPOCH_ORDINAL
    except ValueError:
        return None


def epoch_seconds(text: str) -> float | None:
    """VOD's form, with an optional fraction, as seconds since the epoch; None if not one.

    The search engine's hot path: the plain form every record carries is read without building a datetime,
    and records share days, so the calendar part is cached.
    """
    plain = _pattern(_PLAIN_UTC_TIME).fullmatch(text)
    if plain is not None:
        days = _epoch_day(plain.group(1))
        hour, minute, second = int(plain.group(2)), int(plain.group(3)), int(plain.group(4))
        if days is None or hour > 23 or minute > 59 or second > 59:
            return None
        return float(days * 86400 + hour * 3600 + minute * 60 + second)
    parts = _utc_parts(text)
    if parts is None:
        return None
    moment, digits = parts
    return moment.timestamp() + (float("0." + digits) if digits else 0.0)


# --- checks --------------------------------------------------------------------------------------------


def require(field: str, value: object) -> None:
    if value is None or (isinstance(value, (str, list, tuple)) and not value):
        raise ValidationError(
            field,
            f'The input parameter "{field}" that is mandatory for processing this request is not supplied.',
            code="MissingParameter",
        )


def max_bytes(field: str, value: str | None, limit: int) -> None:
    if value is not None and len(value.encode("utf-8")) > limit:
        raise ValidationError(
            field,
            f"The specified {field} length has exceeded {limit} bytes (got {len(value.encode('utf-8'))}).",
            code="LengthExceededMax",
        )


def wire_parameter(name: str, value: str) -> None:
    """A parameter about to go on the wire: an ID (a name ending in ``Id``, each item of one ending in
    ``Ids``) is at most ``MAX_ID_LENGTH`` characters, any value at most ``MAX_PARAMETER_BYTES``."""
    if name.endswith("Id") or name.endswith("Ids"):
        items = value.split(",") if name.endswith("Ids") else [value]
        longest = max(items, key=len)
        if len(longest) > MAX_ID_LENGTH:
            raise ValidationError(
                name,
                f'The specified parameter "{name}" is not valid: an ID has at most {MAX_ID_LENGTH} '
                f"characters, got one of {len(longest)}.",
            )
    max_bytes(name, value, MAX_PARAMETER_BYTES)


def title(value: str | None, field: str = "Title") -> None:
    max_bytes(field, value, TITLE_MAX_BYTES)


def description(value: str | None, field: str = "Description") -> None:
    max_bytes(field, value, DESCRIPTION_MAX_BYTES)


def normalize_tags(value: str | Iterable[str] | None, field: str = "Tags") -> str | None:
    """Tags as VOD's comma string, checked: at most 16, each at most 32 bytes, none containing a comma."""
    if value is None:
        return None
    if isinstance(value, str):
        parts = [t.strip() for t in value.split(",")]
    else:
        parts = []
        for tag in value:
            if not isinstance(tag, str):
                raise ValidationError(field, f"{field} must be strings, got {tag!r}")
            if "," in tag:
                raise ValidationError(field, f"tag {tag!r} in {field} must not contain a comma")
            parts.append(tag.strip())
    parts = [t for t in parts if t]
    if len(parts) > MAX_TAGS:
        raise ValidationError(
            field,
            f"The specified {field} count has exceeded {MAX_TAGS} (got {len(parts)}).",
            code="TagsExceededMax",
        )
    for tag in parts:
        max_bytes(f"{field}[{tag!r}]", tag, TAG_MAX_BYTES)
    return ",".join(parts)


def reference_id(value: str, field: str = "ReferenceId") -> None:
    if not is_reference_id(value):
        raise ValidationError(
            field, f"{field} {value!r} must be 6-64 characters of A-Z, a-z, 0-9, '_' or '-'"
        )


def no_emoji(field: str, value: str | None) -> None:
    if value and has_illegal_characters(value):
        raise ValidationError(
            field,
            f"The specified {field} contains illegal emoticon or special characters.",
            code="IllegalCharacters",
        )


def one_of(field: str, value: str | None, allowed: Collection[str]) -> None:
    if value is not None and value not in allowed:
        raise ValidationError(field, f"{field} must be one of {', '.join(allowed)}; got {value!r}")


def each_one_of(field: str, values: Sequence[str], allowed: Collection[str]) -> None:
    for value in values:
        one_of(field, value, allowed)


def batch(field: str, values: Sequence[str], limit: int = MAX_BATCH) -> None:
    """A list the caller passes as one request (no automatic chunking)."""
    if len(values) > limit:
        raise ValidationError(
            field,
            f"The {field} exceeded maximum: {len(values)} given, at most {limit}.",
            code=f"{field}ExceededMax",
        )


def ids(field: str, values: str | Iterable[str]) -> tuple[str, ...]:
    """IDs as a de-duplicated tuple; a single string is one ID (or a comma list)."""
    if isinstance(values, str):
        items = [v.strip() for v in values.split(",")]
    else:
        items = []
        for v in values:
            if not isinstance(v, str):
                raise ValidationError(field, f"{field} must be strings, got {v!r}")
            items.append(v.strip())
    for item in items:
        if not item:
            raise ValidationError(field, f"{field} contains an empty ID")
        if "," in item:
            raise ValidationError(field, f"{field} item {item!r} must not contain a comma")
    return tuple(dict.fromkeys(items))


def page(page_no: int, page_size: int) -> None:
    if not isinstance(page_no, int) or page_no < 1:
        raise ValidationError("PageNo", f"PageNo must be a positive integer, got {page_no!r}")
    if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
        raise ValidationError(
            "PageSize", f"PageSize must be between 1 and {MAX_PAGE_SIZE}, got {page_size!r}"
        )


def window(page_no: int, page_size: int, field: str = "PageNo") -> None:
    """Without a scroll token VOD serves only the first 5,000 results."""
    if page_no * page_size > MAX_WINDOW:
        raise ValidationError(
            field,
            f"PageNo {page_no} x PageSize {page_size} is past the first {MAX_WINDOW} results VOD can return; "
            "use the iter_* method (it moves the window for you)",
        )


def auth_timeout(value: int | None) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValidationError(
            "AuthTimeout", f"AuthTimeout must be a positive number of seconds, got {value!r}"
        )


def cate_id(value: int | None, field: str = "CateId") -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
        raise ValidationError(field, f"{field} must be an integer, got {value!r}")
