"""Parameter parsing and field checks shared by the VOD actions.

Every helper raises the ``VodError`` VOD answers for that kind of bad input, so an action body is a
sequence of checks followed by the change. The limits, value sets and the illegal characters are VOD's
rules from ``vodfc.shared.validation`` (Title ≤128, Description ≤1024, CateName ≤64, UserData ≤1024,
Tags ≤16 of ≤32 each); here they are counted in bytes of UTF-8 or in characters as
``VodOptions.limits_in_bytes`` says, and illegal characters answer ``IllegalCharacters``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from vodfc.emulator.vod.exceptions import (
    IllegalCharacters,
    InvalidParameter,
    LengthExceededMax,
    MissingParameter,
    TagsExceededMax,
    VodError,
)
from vodfc.shared import boundedjson
from vodfc.shared.validation import (
    DESCRIPTION_MAX_BYTES,
    MAX_ATTACHED_CATE_IDS,
    MAX_PAGE_SIZE,
    MAX_TAGS,
    SORT_VALUES,
    TAG_MAX_BYTES,
    TITLE_MAX_BYTES,
    USER_DATA_MAX_BYTES,
    has_illegal_characters,
    is_http_url,
    is_reference_id,
    parse_utc_time,
)

if TYPE_CHECKING:
    from vodfc.emulator.vod.models import VodBackend

Params = Mapping[str, str]


def required(params: Params, name: str) -> str:
    value = params.get(name)
    if value is None or value.strip() == "":
        raise MissingParameter(name)
    return value


def optional(params: Params, name: str) -> str | None:
    value = params.get(name)
    return value if value not in (None, "") else None


def int_param(
    params: Params,
    name: str,
    default: int | None = None,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int | None:
    raw = params.get(name)
    if raw is None or raw.strip() == "":
        return default
    return to_int(raw, name, minimum=minimum, maximum=maximum)


def to_int(raw: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(raw, bool):
        raise InvalidParameter(name)
    if isinstance(raw, int):
        value = raw
    else:
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise InvalidParameter(name) from None
    if minimum is not None and value < minimum:
        raise InvalidParameter(name, f"the value must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise InvalidParameter(name, f"the value must be at most {maximum}")
    return value


def bool_param(params: Params, name: str, default: bool = False) -> bool:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise InvalidParameter(name)


def choice(params: Params, name: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
    value = optional(params, name)
    if value is None:
        return default
    if value not in allowed:
        raise InvalidParameter(name, f"one of {', '.join(allowed)}")
    return value


def id_list(params: Params, name: str, limit: int, too_many: type[VodError] | None = None) -> list[str]:
    """A comma-separated id list, blanks dropped, duplicates kept once, at most ``limit`` ids."""
    raw = params.get(name) or ""
    ids = list(dict.fromkeys(part.strip() for part in raw.split(",") if part.strip()))
    if len(ids) > limit:
        if too_many is not None:
            raise too_many()
        raise InvalidParameter(name, f"at most {limit} values")
    return ids


def json_list(params: Params, name: str, limit: int, too_many: type[VodError]) -> list[dict[str, Any]]:
    """``UpdateContent``: a JSON array of objects, at most ``limit`` of them."""
    raw = required(params, name)
    try:
        value = boundedjson.loads(raw)
    except ValueError:
        raise InvalidParameter(name, "it is not valid JSON") from None
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidParameter(name, "it must be a JSON array of objects")
    if not value:
        raise InvalidParameter(name, "it names nothing to update")
    if len(value) > limit:
        raise too_many()
    return value


R = TypeVar("R")


def plan_updates(
    entries: list[dict[str, Any]],
    id_field: str,
    records: Mapping[str, R],
    changes_of: Callable[[dict[str, Any]], dict[str, Any]],
) -> tuple[list[tuple[R, dict[str, Any]]], list[str]]:
    """An ``UpdateContent`` batch checked whole before anything is written: each entry's id
    (``id_field``: required, a string) and its validated changes (``changes_of``). Returns the records to
    change with their changes, and the ids that name no record."""
    plan: list[tuple[R, dict[str, Any]]] = []
    missing: list[str] = []
    for entry in entries:
        record_id = entry.get(id_field)
        if record_id in (None, ""):
            raise MissingParameter(f"UpdateContent.{id_field}")
        if not isinstance(record_id, str):
            raise InvalidParameter(f"UpdateContent.{id_field}")
        changes = changes_of(entry)
        record = records.get(record_id)
        if record is None:
            missing.append(record_id)
        else:
            plan.append((record, changes))
    return plan, missing


def _size(text: str, in_bytes: bool) -> int:
    return len(text.encode("utf-8")) if in_bytes else len(text)


def check_text(name: str, value: Any, limit: int, *, in_bytes: bool = True, no_emoji: bool = False) -> str:
    if not isinstance(value, str):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        else:
            raise InvalidParameter(name)
    if _size(value, in_bytes) > limit:
        raise LengthExceededMax(name, limit)
    if no_emoji and has_illegal_characters(value):
        raise IllegalCharacters(name)
    return str(value)


def check_title(value: Any, *, in_bytes: bool = True, no_emoji: bool = False) -> str:
    title = check_text("Title", value, TITLE_MAX_BYTES, in_bytes=in_bytes, no_emoji=no_emoji)
    if not title.strip():
        raise InvalidParameter("Title", "it must not be empty")
    return title


def check_description(value: Any, *, in_bytes: bool = True, no_emoji: bool = False) -> str:
    return check_text("Description", value, DESCRIPTION_MAX_BYTES, in_bytes=in_bytes, no_emoji=no_emoji)


def check_tags(value: Any, *, in_bytes: bool = True, no_emoji: bool = False) -> str:
    """Tags as VOD keeps them: one comma-separated string, ≤16 tags of ≤32 each (blanks dropped)."""
    if isinstance(value, list):
        value = ",".join(str(v) for v in value)
    if not isinstance(value, str):
        raise InvalidParameter("Tags")
    tags = [t.strip() for t in value.split(",") if t.strip()]
    if len(tags) > MAX_TAGS:
        raise TagsExceededMax()
    for tag in tags:
        if _size(tag, in_bytes) > TAG_MAX_BYTES:
            raise LengthExceededMax("Tags", TAG_MAX_BYTES)
        if no_emoji and has_illegal_characters(tag):
            raise IllegalCharacters("Tags")
    return ",".join(dict.fromkeys(tags))


def cate_ids(backend: VodBackend, value: Any, name: str = "CateIds") -> list[int]:
    """An auxiliary media asset's categories: a comma list (in an UpdateContent entry also a JSON list or
    number) of at most 5 category ids, each existing unless ``VodOptions.check_cate_id_exists`` is off;
    duplicates kept once."""
    if value is None or value == "":
        return []
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    raw = value.split(",") if isinstance(value, str) else value
    if not isinstance(raw, list):
        raise InvalidParameter(name)
    ids = list(dict.fromkeys(to_int(str(item).strip(), name) for item in raw if str(item).strip()))
    if len(ids) > MAX_ATTACHED_CATE_IDS:
        raise InvalidParameter(name, f"at most {MAX_ATTACHED_CATE_IDS} category ids")
    if backend.options.check_cate_id_exists:
        for cate_id in ids:
            backend.get_category(cate_id)
    return ids


def text_changes(
    entry: Mapping[str, Any], *, in_bytes: bool = True, no_emoji: bool = False
) -> dict[str, Any]:
    """The Title, Description and Tags an update entry sets, checked: an empty Title is ignored (a
    medium keeps its title), an empty Description or Tags clears the field."""
    changes: dict[str, Any] = {}
    if entry.get("Title") not in (None, ""):
        changes["title"] = check_title(entry["Title"], in_bytes=in_bytes, no_emoji=no_emoji)
    if entry.get("Description") is not None:
        changes["description"] = (
            check_description(entry["Description"], in_bytes=in_bytes, no_emoji=no_emoji) or None
        )
    if entry.get("Tags") is not None:
        changes["tags"] = check_tags(entry["Tags"], in_bytes=in_bytes, no_emoji=no_emoji) or None
    return changes


def check_user_data(value: Any) -> str:
    """UserData must be a JSON object string (VOD reads MessageCallback/Extend from it)."""
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if not isinstance(value, str):
        raise InvalidParameter("UserData")
    try:
        parsed = boundedjson.loads(value)
    except ValueError:
        raise InvalidParameter("UserData", "it is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise InvalidParameter("UserData", "it must be a JSON object")
    if len(value.encode("utf-8")) > USER_DATA_MAX_BYTES:
        raise LengthExceededMax("UserData", USER_DATA_MAX_BYTES)
    return value


def check_cover_url(value: Any, *, strict: bool = False) -> str:
    """A CoverURL: any string, since VOD documents neither a format nor a length for it (its own SDK page
    sets one without a scheme). ``strict`` (``VodOptions.strict_cover_url``) also wants an http(s) URL."""
    if not isinstance(value, str):
        raise InvalidParameter("CoverURL", "it must be a string")
    if strict and not is_http_url(value):
        raise InvalidParameter("CoverURL", "it must be an http or https URL")
    return value


def check_reference_id(backend: VodBackend, value: str) -> str:
    """A new video's ReferenceId: 6-64 characters of ``[A-Za-z0-9_-]``, not used by another video of the
    user (both documented, vod-api.md §2.2; the cloud's code for either is unknown, InvalidParameter is
    inferred). A second video with the same id would make every lookup by it ambiguous."""
    if not is_reference_id(value):
        raise InvalidParameter("ReferenceId", "6 to 64 characters of A-Z, a-z, 0-9, '_' or '-'")
    holder = backend.video_id_of_reference(value)
    if holder is not None:
        raise InvalidParameter("ReferenceId", f"{value} is already the ReferenceId of video {holder}")
    return value


def time_param(params: Params, name: str) -> str | None:
    """A UTC time parameter ``yyyy-MM-ddTHH:mm:ssZ``; returned in the same (sortable) form."""
    raw = optional(params, name)
    if raw is None:
        return None
    raw = raw.strip()
    if parse_utc_time(raw) is None:
        raise InvalidParameter(name, "use the UTC format yyyy-MM-ddTHH:mm:ssZ")
    return raw


def page(params: Params, default_size: int = 10, max_size: int = MAX_PAGE_SIZE) -> tuple[int, int]:
    page_no = int_param(params, "PageNo", 1, minimum=1)
    page_size = int_param(params, "PageSize", default_size, minimum=1, maximum=max_size)
    assert page_no is not None and page_size is not None
    return page_no, page_size


def sort_desc(params: Params, name: str = "SortBy") -> bool:
    value = choice(params, name, SORT_VALUES, "CreationTime:Desc")
    return value == "CreationTime:Desc"
