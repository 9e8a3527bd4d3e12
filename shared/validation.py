"""Checks for input VOD would refuse, run before anything is sent.

Failing here costs nothing and names the field; failing at VOD costs a request, a throttling-budget slot, and
for a batch can leave some chunks applied and others not. Limits follow VOD's documentation (bytes, not
characters, for Title/Description/Tags on the update APIs). Each check raises
:class:`shared.errors.ValidationError` with VOD's own error code where VOD has one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from .errors import ValidationError

MAX_BATCH = 20
MAX_PAGE_SIZE = 100
MAX_WINDOW = 5000
TITLE_MAX_BYTES = 128
DESCRIPTION_MAX_BYTES = 1024
TAG_MAX_BYTES = 32
MAX_TAGS = 16

# Patterns are compiled on first use (re caches them), not on every cold start.
_REFERENCE_ID = r"^[A-Za-z0-9_-]{6,64}$"
# Emoji and other astral-plane symbols (VOD refuses them in image Title/Description/Tags).
_EMOJI = "[\U0001f000-\U0001faff\U00002600-\U000027bf\U0001f1e6-\U0001f1ff\ufe0f]"

SEARCH_TYPES = ("video", "audio", "image", "attached")
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
OUTPUT_TYPES = ("oss", "cdn")
ADDITION_TYPES = ("video", "audio")
SORT_VALUES = ("CreationTime:Desc", "CreationTime:Asc")
SEARCH_SORT_FIELDS = ("CreationTime", "ModificationTime")
DELETE_IMAGE_TYPES = ("ImageURL", "ImageId", "VideoId")
VIDEO_IMAGE_TYPES = ("CoverSnapshot", "NormalSnapshot", "SpriteSnapshot", "SpriteOriginSnapshot", "All")
PLAY_FORMATS = ("mp4", "m3u8", "mp3", "flv", "mpd")
DEFINITIONS = ("FD", "LD", "SD", "HD", "OD", "2K", "4K", "SQ", "HQ", "AUTO")
STREAM_TYPES = ("video", "audio")
RESULT_TYPES = ("Single", "Multiple")


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
    if not re.match(_REFERENCE_ID, value):
        raise ValidationError(
            field, f"{field} {value!r} must be 6-64 characters of A-Z, a-z, 0-9, '_' or '-'"
        )


def no_emoji(field: str, value: str | None) -> None:
    if value and re.search(_EMOJI, value):
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
