"""SearchMedia: Match filtering, SortBy, Fields projection, PageNo/PageSize, the 5,000-result window
and ScrollToken continuation, over indexes kept in ``backend.extensions``.

Documents come from ``backend.search_documents()``; each is a :class:`SearchDocument` (or one of the
shapes :func:`as_entry` accepts). The index is a materialised view of them (typed filter values and
the wire body) plus secondary indexes by status, tag, category and creation time, so a selective
query touches only its candidates. It follows the backend's writes through
``backend.search_changes(since)`` when the backend offers it, else through a revision counter
(rebuilt when the counter moves), else it is rebuilt on every call.

What the reference leaves open is a switch on :class:`SearchOptions` (docs/search-media.md).
"""

from __future__ import annotations

import bisect
import logging
import os
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from vodfc.emulator.vod.exceptions import (
    InvalidParameter,
    InvalidScrollTokenExpired,
    SortByExceededMax,
)
from vodfc.emulator.vod.match import (
    DEFAULT_OPTIONS,
    And,
    Condition,
    MatchAll,
    MatchOptions,
    Node,
    compile_node,
    filter_values,
    parse,
    split_tags,
)
from vodfc.shared.validation import (
    MAX_PAGE_SIZE,
    MAX_WINDOW,
    SEARCH_SORT_FIELDS,
    SEARCH_TYPES,
    epoch_seconds,
)

if TYPE_CHECKING:
    from vodfc.emulator.protocol import RequestContext

log = logging.getLogger(__name__)

INDEX_KEY = "vodfc.search.index"
SCROLL_KEY = "vodfc.search.scroll"
OPTIONS_KEY = "vodfc.search.options"

SUB_OBJECT = {"video": "Video", "audio": "Audio", "image": "Image", "attached": "AttachedMedia"}
ID_FIELD = {"video": "VideoId", "audio": "AudioId", "image": "ImageId", "attached": "MediaId"}

# Fields each sub-object can return (the Tea models of SearchMediaResponseBodyMediaList*).
# fmt: off
_AV_RETURN = (
    "AppId", "CateId", "CateName", "CoverURL", "CreationTime", "Description", "DownloadSwitch", "Duration",
    "MediaSource", "ModificationTime", "PreprocessStatus", "ReferenceId", "RestoreExpiration",
    "RestoreStatus", "Size", "Snapshots", "SpriteSnapshots", "Status", "StorageClass", "StorageLocation",
    "Tags", "Title", "TranscodeMode",
)
RETURN_FIELDS: dict[str, tuple[str, ...]] = {
    "video": (*_AV_RETURN, "VideoId"),
    "audio": (*_AV_RETURN, "AudioId"),
    "image": (
        "AppId", "CateId", "CateName", "CreationTime", "Description", "ImageId", "ModificationTime",
        "Status", "StorageLocation", "Tags", "Title", "URL",
    ),
    "attached": (
        "AppId", "BusinessType", "Categories", "CreationTime", "Description", "MediaId", "ModificationTime",
        "Status", "StorageLocation", "Tags", "Title", "URL",
    ),
}
# fmt: on
# Without Fields: the six fields of VOD's SearchMedia sample (video), the same idea for the others.
BASIC_FIELDS: dict[str, tuple[str, ...]] = {
    "video": ("VideoId", "Title", "CoverURL", "Status", "CreationTime", "ModificationTime"),
    "audio": ("AudioId", "Title", "CoverURL", "Status", "CreationTime", "ModificationTime"),
    "image": ("ImageId", "Title", "URL", "Status", "CreationTime", "ModificationTime"),
    "attached": ("MediaId", "Title", "URL", "Status", "CreationTime", "ModificationTime"),
}


# --- options ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SearchOptions:
    """Switches for what the reference does not pin down; see docs/search-media.md.

    Set per backend with :func:`set_search_options` (dropped by reset), or for a server process
    through ``VODFC_SEARCH`` (``key=value,...``, e.g. ``tag_match=exact,scroll_ttl=60``).
    """

    match: MatchOptions = DEFAULT_OPTIONS
    window: int = MAX_WINDOW  # results reachable by PageNo/PageSize without a ScrollToken
    scroll_window: int = 1200  # records a ScrollToken request may move from the token's position
    scroll_ttl: timedelta = timedelta(minutes=10)  # inferred: VOD does not document the lifetime
    max_scroll_tokens: int = 1024  # oldest tokens are forgotten past this (memory bound)
    max_page_size: int = MAX_PAGE_SIZE
    max_sort_fields: int = 3
    window_error: bool = True  # False: past the window answer an empty MediaList instead of an error
    basic_fields: bool = True  # False: without Fields return only the id and the two times
    empty_other_types: bool = True  # the real answer carries "Audio": {}, "Image": {}, ... as well
    allow_type_list: bool = False  # SearchType "video,audio" (the reference documents one value)
    strict_fields: bool = False  # unknown names in Fields are an error instead of ignored


DEFAULT_SEARCH_OPTIONS = SearchOptions()


def options_from_env(text: str | None) -> SearchOptions:
    """``VODFC_SEARCH="tag_match=exact,scroll_ttl=60,window_error=0"`` as options (bad entries raise)."""
    if not text:
        return DEFAULT_SEARCH_OPTIONS
    search: dict[str, Any] = {}
    match: dict[str, Any] = {}
    for item in text.split(","):
        if not item.strip():
            continue
        key, _, value = item.partition("=")
        key, value = key.strip(), value.strip()
        target = match if key in MatchOptions.__dataclass_fields__ else search
        if key not in SearchOptions.__dataclass_fields__ and target is search:
            raise ValueError(f"VODFC_SEARCH: unknown switch {key!r}")
        current = getattr(MatchOptions() if target is match else DEFAULT_SEARCH_OPTIONS, key)
        if isinstance(current, bool):
            target[key] = value.lower() in ("1", "true", "yes", "on")
        elif isinstance(current, int):
            target[key] = int(value)
        elif isinstance(current, timedelta):
            target[key] = timedelta(seconds=float(value))
        else:
            target[key] = value
    return replace(DEFAULT_SEARCH_OPTIONS, match=MatchOptions(**match), **search)


_ENV_OPTIONS: dict[str, SearchOptions] = {}


def search_options(backend: Searchable) -> SearchOptions:
    options = _extensions(backend).get(OPTIONS_KEY)
    if isinstance(options, SearchOptions):
        return options
    text = os.environ.get("VODFC_SEARCH", "")
    if text not in _ENV_OPTIONS:
        try:
            _ENV_OPTIONS[text] = options_from_env(text)
        except (TypeError, ValueError) as exc:
            # A typo in the environment must not turn every SearchMedia into a 500.
            log.error("VODFC_SEARCH=%r ignored: %s", text, exc)
            _ENV_OPTIONS[text] = DEFAULT_SEARCH_OPTIONS
    return _ENV_OPTIONS[text]


def set_search_options(
    backend: Searchable, options: SearchOptions | None = None, **changes: Any
) -> SearchOptions:
    """Switch a backend's SearchMedia behaviour (until its next reset)."""
    base = options or search_options(backend)
    match_changes = {k: changes.pop(k) for k in list(changes) if k in MatchOptions.__dataclass_fields__}
    if match_changes:
        base = replace(base, match=replace(base.match, **match_changes))
    new = replace(base, **changes)
    with _lock_of(backend):
        _extensions(backend)[OPTIONS_KEY] = new
    return new


def _extensions(backend: Searchable) -> dict[str, Any]:
    ext: dict[str, Any] | None = getattr(backend, "extensions", None)
    if ext is None:
        ext = {}
        setattr(backend, "extensions", ext)  # noqa: B010 - not every searchable backend declares it
    return ext


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def _lock_of(backend: Searchable) -> Any:
    return getattr(backend, "lock", None) or _NoLock()


# --- documents ----------------------------------------------------------------------------------------


@runtime_checkable
class SearchDocument(Protocol):
    """What SearchMedia needs from one media record."""

    @property
    def media_type(self) -> str: ...  # video | audio | image | attached

    @property
    def media_id(self) -> str: ...

    def search_body(self) -> Mapping[str, Any]:
        """The ``Video``/``Audio``/``Image``/``AttachedMedia`` object with VOD's wire names and JSON
        types, plus filter-only values such as ``FileName``."""
        ...


class Searchable(Protocol):
    """What SearchMedia needs from a backend: its records as documents. It also uses, when the backend
    has them, ``extensions`` (a dict for the index, options and scroll tokens; made otherwise),
    ``lock``, ``search_changes(since)`` and a ``revision`` or ``search_revision`` counter."""

    def search_documents(self) -> Iterable[SearchDocument]: ...


class Entry:
    """One record in the index. ``values`` (every searchable field, typed) is computed on first use:
    queries the secondary indexes answer never need it, and building it is most of an index build."""

    __slots__ = ("_options", "_values", "body", "cates", "creation_time", "ct", "has_ct", "media_id",
                 "media_type", "mt", "status", "tags")  # fmt: skip

    def __init__(
        self, media_type: str, media_id: str, creation_time: str, body: dict[str, Any], options: MatchOptions
    ):
        self.media_type = media_type
        self.media_id = media_id
        self.creation_time = creation_time
        self.body = body
        self._options = options
        self._values: dict[str, Any] | None = None
        # The keys of the secondary indexes, with the same normalisation as filter_values().
        status = body.get("Status")
        self.status = None if status is None or status == "" else str(status)
        tags = body.get("Tags")
        if isinstance(tags, str):
            self.tags: tuple[str, ...] = tuple(filter(None, map(str.strip, tags.lower().split(","))))
        else:
            self.tags = tuple(t.lower() for t in split_tags(tags))
        # One category for videos and images, a list for attached media (any of them matches).
        self.cates: tuple[int, ...] = _cate_ids(body.get("CateId"))
        raw_ct = body.get("CreationTime")
        ct = epoch_seconds(str(raw_ct)) if raw_ct else None
        self.has_ct = ct is not None
        self.ct: float = ct if ct is not None else 0.0
        raw_mt = body.get("ModificationTime")
        mt = ct if raw_mt == raw_ct else (epoch_seconds(str(raw_mt)) if raw_mt else None)
        self.mt: float = mt if mt is not None else self.ct

    @property
    def values(self) -> dict[str, Any]:
        values = self._values
        if values is None:
            values = self._values = filter_values(self.media_type, self.body, self._options)
        return values


def _cate_ids(raw: Any) -> tuple[int, ...]:
    items = raw if isinstance(raw, (list, tuple)) else (raw,)
    ids = []
    for item in items:
        if item is None or item == "":
            continue
        try:
            ids.append(int(item))
        except (TypeError, ValueError):
            continue
    return tuple(ids)


def as_entry(doc: Any, options: MatchOptions) -> Entry:
    """An index entry from a :class:`SearchDocument` or a ``{"MediaType", "MediaId", "Video": {..}}`` dict."""
    if isinstance(doc, Mapping):
        media_type = str(doc["MediaType"])
        body = dict(doc.get(SUB_OBJECT[media_type]) or {})
        media_id = str(doc.get("MediaId") or body.get(ID_FIELD[media_type]))
        creation = doc.get("CreationTime") or body.get("CreationTime")
    else:
        media_type = str(doc.media_type)
        body = doc.search_body()  # read only: copied below only when something must be added
        media_id = str(doc.media_id)
        creation = getattr(doc, "creation_time", None) or body.get("CreationTime")
    id_field = ID_FIELD[media_type]
    creation_time = str(creation or "")
    missing_time = bool(creation_time) and "CreationTime" not in body
    if id_field not in body or missing_time:
        body = dict(body)
        body.setdefault(id_field, media_id)
        if missing_time:
            body["CreationTime"] = creation_time
    return Entry(media_type, media_id, creation_time, body, options)


# --- index --------------------------------------------------------------------------------------------


class TypeIndex:
    """The entries of one media type and their secondary indexes."""

    def __init__(self, fold: bool = True) -> None:
        self.fold = fold  # text is case-folded (MatchOptions.fuzzy_case_sensitive off)
        self.entries: dict[str, Entry] = {}
        self.by_status: dict[str, set[str]] = {}
        self.by_tag: dict[str, set[str]] = {}  # case-folded tag -> ids
        self.by_cate: dict[int, set[str]] = {}
        self.by_ct: list[tuple[float, str]] = []  # sorted (creation epoch, id)
        self.no_ct: set[str] = set()  # ids without a CreationTime (at epoch 0 in by_ct)
        self._blobs: dict[str, tuple[str, list[int], list[str]]] = {}

    def text_blob(self, name: str) -> tuple[str, list[int], list[str]]:
        """One field's (case-folded) texts joined with NULs, their start offsets and ids: a substring
        query becomes repeated ``str.find`` over one string instead of a Python loop over entries.
        Built on first use after a change."""
        blob = self._blobs.get(name)
        if blob is None:
            starts: list[int] = []
            ids: list[str] = []
            parts: list[str] = []
            pos = 0
            fold = self.fold
            entries = self.entries
            for _, mid in self.by_ct:  # creation order: search hits come out sorted
                entry = entries[mid]
                raw = entry.body.get(name)
                if raw is None or raw == "":
                    continue
                text = str(raw).lower() if fold else str(raw)  # as filter_values() has it
                starts.append(pos)
                ids.append(mid)
                parts.append(text)
                pos += len(text) + 1
            blob = self._blobs[name] = ("\x00".join(parts), starts, ids)
        return blob

    def add(self, entry: Entry) -> None:
        self._blobs.clear()
        if entry.media_id in self.entries:
            self.remove(entry.media_id)
        self.entries[entry.media_id] = entry
        for key, bucket in self._keys(entry):
            bucket.setdefault(key, set()).add(entry.media_id)
        bisect.insort(self.by_ct, (entry.ct, entry.media_id))
        if not entry.has_ct:
            self.no_ct.add(entry.media_id)

    def remove(self, media_id: str) -> None:
        self._blobs.clear()
        entry = self.entries.pop(media_id, None)
        if entry is None:
            return
        self.no_ct.discard(media_id)
        for key, bucket in self._keys(entry):
            ids = bucket.get(key)
            if ids is not None:
                ids.discard(media_id)
                if not ids:
                    del bucket[key]
        i = bisect.bisect_left(self.by_ct, (entry.ct, media_id))
        if i < len(self.by_ct) and self.by_ct[i] == (entry.ct, media_id):
            del self.by_ct[i]

    def _keys(self, entry: Entry) -> list[tuple[Any, dict[Any, set[str]]]]:
        keys: list[tuple[Any, dict[Any, set[str]]]] = []
        if entry.status is not None:
            keys.append((entry.status, self.by_status))
        for tag in entry.tags:
            keys.append((tag, self.by_tag))
        for cate in entry.cates:
            keys.append((cate, self.by_cate))
        return keys

    def bulk_load(self, entries: Iterable[Entry]) -> None:
        self._blobs.clear()
        for entry in entries:
            self.entries[entry.media_id] = entry
            for key, bucket in self._keys(entry):
                bucket.setdefault(key, set()).add(entry.media_id)
            if not entry.has_ct:
                self.no_ct.add(entry.media_id)
        self.by_ct = sorted((e.ct, e.media_id) for e in self.entries.values())


class SearchIndex:
    def __init__(self, options: MatchOptions):
        self.options = options
        self.types: dict[str, TypeIndex] = {t: self._new_type() for t in SEARCH_TYPES}
        self.marker: Any = None

    def _new_type(self) -> TypeIndex:
        return TypeIndex(fold=not self.options.fuzzy_case_sensitive)

    def rebuild(self, docs: Iterable[Any]) -> None:
        grouped: dict[str, list[Entry]] = {t: [] for t in SEARCH_TYPES}
        for doc in docs:
            entry = as_entry(doc, self.options)
            grouped[entry.media_type].append(entry)
        self.types = {t: self._new_type() for t in SEARCH_TYPES}
        for media_type, entries in grouped.items():
            self.types[media_type].bulk_load(entries)

    def apply(self, changed: Iterable[tuple[str, str, Any]]) -> None:
        """Changes as ``(media_type, media_id, document_or_None)``; None means deleted."""
        for media_type, media_id, doc in changed:
            index = self.types[media_type]
            if doc is None:
                index.remove(media_id)
            else:
                index.add(as_entry(doc, self.options))


def current_index(backend: Searchable, options: MatchOptions) -> SearchIndex:
    """The backend's index, brought up to date with its records."""
    ext = _extensions(backend)
    index = ext.get(INDEX_KEY)
    if not isinstance(index, SearchIndex) or index.options != options:
        index = SearchIndex(options)
        ext[INDEX_KEY] = index
    changes = getattr(backend, "search_changes", None)
    if callable(changes) and index.marker is not None:
        marker, changed = changes(index.marker)
        if changed is None:
            index.rebuild(backend.search_documents())
        else:
            index.apply(changed)
        index.marker = marker
        return index
    revision = _revision(backend)
    if revision is None or revision != index.marker:
        index.rebuild(backend.search_documents())
        index.marker = revision
    return index


def _revision(backend: Searchable) -> Any:
    changes = getattr(backend, "search_changes", None)
    if callable(changes):
        marker, _ = changes(None)
        return marker
    for name in ("search_revision", "revision"):
        value = getattr(backend, name, None)
        if value is not None and not callable(value):
            return value
    return None


# --- request parsing ----------------------------------------------------------------------------------


def invalid_parameter(name: str, reason: str) -> InvalidParameter:
    err = InvalidParameter(name, reason)
    err.args = (f"{err.code}: {err.message}",)  # str(err) carries the reason too
    return err


def _int_param(params: Mapping[str, Any], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(str(raw).strip())
    except ValueError:
        raise invalid_parameter(name, f"{raw!r} is not an integer") from None


def parse_search_types(raw: Any, options: SearchOptions) -> list[str]:
    text = str(raw or "video").strip() or "video"
    names = [t.strip() for t in text.split(",")]
    if len(names) > 1 and not options.allow_type_list:
        raise invalid_parameter("SearchType", "one of video, audio, image, attached")
    for name in names:
        if name not in SEARCH_TYPES:
            raise invalid_parameter("SearchType", "one of video, audio, image, attached")
    return list(dict.fromkeys(names))


def parse_sort(raw: Any, options: SearchOptions, scrolling: bool) -> list[tuple[str, bool]]:
    """``CreationTime:Desc,ModificationTime:Asc`` as ``[(field, descending), ...]``."""
    text = str(raw or "").strip()
    if not text:
        return [("CreationTime", True)]
    keys: list[tuple[str, bool]] = []
    for part in text.split(","):
        name, _, direction = part.strip().partition(":")
        name, direction = name.strip(), direction.strip() or "Desc"
        if name not in SEARCH_SORT_FIELDS:
            raise invalid_parameter(
                "SortBy", f"{name!r} is not sortable; use {' or '.join(SEARCH_SORT_FIELDS)}"
            )
        if direction.lower() not in ("asc", "desc"):
            raise invalid_parameter("SortBy", f"{direction!r} is not Asc or Desc")
        keys.append((name, direction.lower() == "desc"))
    limit = 1 if scrolling else options.max_sort_fields
    if len(keys) > limit:
        raise SortByExceededMax(
            detail=f"at most {limit} sort field{'s' if limit > 1 else ''}"
            + (" with a ScrollToken" if scrolling else "")
        )
    return keys


def parse_fields(raw: Any, media_type: str, options: SearchOptions) -> tuple[str, ...]:
    id_field = ID_FIELD[media_type]
    text = str(raw or "").strip()
    if not text:
        if options.basic_fields:
            return BASIC_FIELDS[media_type]
        return (id_field, "CreationTime", "ModificationTime")
    allowed = RETURN_FIELDS[media_type]
    wanted = [f.strip() for f in text.split(",") if f.strip()]
    unknown = [f for f in wanted if f not in allowed]
    if unknown and options.strict_fields:
        raise invalid_parameter("Fields", f"{', '.join(unknown)} cannot be returned for {media_type}")
    chosen = [f for f in wanted if f in allowed]
    if id_field not in chosen:
        chosen.insert(0, id_field)
    return tuple(dict.fromkeys(chosen))


# --- querying -----------------------------------------------------------------------------------------


def _top_conditions(node: Node | MatchAll) -> list[Condition]:
    if isinstance(node, Condition):
        return [node]
    if isinstance(node, And):
        return [item for item in node.items if isinstance(item, Condition)]
    return []


def _candidates(
    index: TypeIndex, node: Node | MatchAll, options: MatchOptions
) -> tuple[Sequence[Entry] | None, bool]:
    """``(entries that may match or None for "all of them", exact)``.

    Every top-level condition an index answers narrows the candidates: sets are intersected in C,
    smallest first, and a CreationTime range is a slice of the sorted times; whichever is smaller
    drives, and the others are membership tests. Results from the time slice or from a single text
    search come in creation order (an :class:`_OrderedView`), so they need no sort. ``exact`` says
    the indexes answered every condition and the predicate need not run; otherwise it runs on every
    candidate, and an index only has to give a superset.
    """
    sets: list[set[str]] = []
    ordered: list[str] | None = None  # a lone text search's ids, already in creation order
    ct_slice: tuple[int, int] | None = None
    items = node.items if isinstance(node, And) else (node,)
    exact = all(isinstance(item, Condition) for item in items)
    for cond in _top_conditions(node):
        found: set[str] | list[str] | None = None
        answered = True
        if cond.op in ("eq", "in"):
            if cond.field == "Status":
                found = _union(index.by_status.get(str(v)) for v in cond.values)
            elif cond.field == "CateId":
                found = _union(index.by_cate.get(int(v)) for v in cond.values if float(v) == int(v))
            elif cond.field == "Tags":
                found = _tag_candidates(index, cond, options)
                answered = options.tag_match == "exact" or not options.fuzzy_case_sensitive
            elif cond.field in ID_FIELDS:
                found = {str(v) for v in cond.values if str(v) in index.entries}
            elif cond.kind == "text" and cond.fuzzy:
                found = _text_candidates(index, cond, options)
        elif cond.op == "range" and cond.field == "CreationTime":
            lo, hi = _ct_bounds(index, cond)
            if ct_slice is not None:
                exact = False  # two ranges on one field: the predicate settles the second
            if ct_slice is None or hi - lo < ct_slice[1] - ct_slice[0]:
                ct_slice = (lo, hi)
            exact = exact and not index.no_ct
            continue
        if found is None:
            exact = False
            continue
        exact = exact and answered
        if isinstance(found, list):
            if ordered is None:
                ordered = found
                continue
            found = set(found)
        sets.append(found)
    entries = index.entries
    if ordered is not None:
        if not sets and ct_slice is None:
            return _OrderedView(ordered, entries), exact
        sets.append(set(ordered))
    sets.sort(key=len)
    if ct_slice is not None and (not sets or ct_slice[1] - ct_slice[0] <= len(sets[0])):
        window = index.by_ct[ct_slice[0] : ct_slice[1]]
        if not sets:
            ids = [mid for _, mid in window]
        elif len(sets) == 1:
            only = sets[0]
            ids = [mid for _, mid in window if mid in only]
        else:
            ids = [mid for _, mid in window if all(mid in s for s in sets)]
        return _OrderedView(ids, entries), exact
    if sets:
        base = sets[0].intersection(*sets[1:]) if len(sets) > 1 else sets[0]
        return [entries[i] for i in base if i in entries], exact and ct_slice is None
    return None, False


def _union(groups: Iterable[set[str] | None]) -> set[str]:
    present = [g for g in groups if g]
    if not present:
        return set()
    return present[0].union(*present[1:]) if len(present) > 1 else present[0]


ID_FIELDS = frozenset(ID_FIELD.values())


def _tag_candidates(index: TypeIndex, cond: Condition, options: MatchOptions) -> set[str]:
    needles = [str(v).lower() for v in cond.values]
    if options.tag_match == "exact":
        return _union(index.by_tag.get(n) for n in needles)
    # The index is case-folded, so with case-sensitive matching this is a superset; fine for candidates.
    return _union(ids for tag, ids in index.by_tag.items() if any(n in tag for n in needles))


def _text_candidates(index: TypeIndex, cond: Condition, options: MatchOptions) -> list[str] | None:
    """Ids whose field contains a value, in creation order (the blob is laid out in that order)."""
    needles = [str(v) if options.fuzzy_case_sensitive else str(v).lower() for v in cond.values]
    if any(not n or "\x00" in n for n in needles):
        return None  # the empty needle matches every text; NUL would cross the separators
    blob, starts, ids = index.text_blob(cond.field)
    hits: set[int] = set()
    find, locate = blob.find, bisect.bisect_right
    for needle in needles:
        i = find(needle)
        while i != -1:
            k = locate(starts, i) - 1
            hits.add(k)
            # One hit per text is enough: go on from the next text.
            i = find(needle, starts[k + 1]) if k + 1 < len(starts) else -1
    return [ids[k] for k in sorted(hits)]


def _ct_bounds(index: TypeIndex, cond: Condition) -> tuple[int, int]:
    lo, hi = 0, len(index.by_ct)
    if cond.low is not None:
        # Ids sort after "" and before U+10FFFF: the tuples bracket every id at that time.
        lo = bisect.bisect_left(
            index.by_ct, (cond.low, "") if cond.low_inclusive else (cond.low, "\U0010ffff")
        )
    if cond.high is not None:
        hi = bisect.bisect_right(
            index.by_ct, (cond.high, "\U0010ffff") if cond.high_inclusive else (cond.high, "")
        )
    return lo, max(lo, hi)


_ATTR = {"CreationTime": attrgetter("ct"), "ModificationTime": attrgetter("mt")}
_BY_ID = attrgetter("media_id")


def sort_entries(hits: list[Entry], keys: list[tuple[str, bool]]) -> None:
    """Sort in place by the SortBy keys; the id breaks ties in the first key's direction, so pages
    never overlap. Stable passes from the last key to the first keep each pass in C."""
    hits.sort(key=_BY_ID, reverse=keys[0][1])
    for name, descending in reversed(keys):
        hits.sort(key=_ATTR[name], reverse=descending)


def run_query(
    backend: Searchable,
    media_types: list[str],
    match: str | None,
    sort: list[tuple[str, bool]],
    options: SearchOptions,
) -> Sequence[Entry]:
    """Every matching entry, sorted."""
    compiled = []
    for media_type in media_types:
        node = parse(match, media_type, options.match)
        compiled.append((media_type, node, compile_node(node, options.match)))
    index = current_index(backend, options.match)
    by_creation = len(sort) == 1 and sort[0][0] == "CreationTime"
    hits: list[Entry] = []
    single = len(compiled) == 1 and by_creation
    for media_type, node, predicate in compiled:
        type_index = index.types[media_type]
        candidates, exact = _candidates(type_index, node, options.match)
        if candidates is None:
            if isinstance(node, MatchAll) and single:
                return _CreationView(
                    type_index.by_ct, type_index.entries, sort[0][1]
                )  # everything, already in order
            pool: Iterable[Entry] = type_index.entries.values()
            exact = isinstance(node, MatchAll)
        else:
            pool = candidates
        if single and isinstance(pool, _OrderedView):
            # Already in (creation time, id) order; reversed, that is the descending order sort_entries gives.
            if exact:
                return pool.directed(sort[0][1])
            kept = [e for e in pool if predicate(e.values)]
            if sort[0][1]:
                kept.reverse()
            return kept
        hits.extend(pool if exact else [e for e in pool if predicate(e.values)])
    sort_entries(hits, sort)
    return hits


class _OrderedView(Sequence[Entry]):
    """Entries by id, in (creation time, id) order or its reverse, looked up only when read."""

    def __init__(self, ids: Sequence[Any], entries: dict[str, Entry], descending: bool = False):
        self.ids = ids
        self.entries = entries
        self.descending = descending

    def directed(self, descending: bool) -> _OrderedView:
        return type(self)(self.ids, self.entries, descending)

    def _id(self, j: int) -> str:
        return str(self.ids[j])

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, i: Any) -> Any:
        n = len(self.ids)
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(n))]
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError(i)
        return self.entries[self._id(n - 1 - i if self.descending else i)]


class _CreationView(_OrderedView):
    """All entries of a type in creation order (over the sorted ``(time, id)`` list itself), without
    building a 100k-item list per request."""

    def _id(self, j: int) -> str:
        return str(self.ids[j][1])


# --- scroll tokens ------------------------------------------------------------------------------------


@dataclass
class ScrollState:
    token: str
    query: tuple[Any, ...]  # (SearchType, Match, SortBy) the token belongs to
    offset: int  # results before the token's position
    cursor: tuple[float, str] | None  # (sort value, id) of the last result handed out
    expires: datetime


def _scrolls(backend: Searchable) -> dict[str, ScrollState]:
    ext = _extensions(backend)
    tokens = ext.get(SCROLL_KEY)
    if not isinstance(tokens, dict):
        tokens = ext[SCROLL_KEY] = {}
    return tokens


def _now(ctx: object) -> datetime:
    now = getattr(ctx, "now", None)
    if isinstance(now, datetime):
        return now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    if callable(now):
        value = now()
        if isinstance(value, datetime):
            return value
    return datetime.now(timezone.utc)


def _new_token() -> str:
    return uuid.uuid4().hex  # 32 hex characters, the shape VOD's tokens have


# --- the action ---------------------------------------------------------------------------------------


def search_media(backend: Searchable, params: Mapping[str, Any], ctx: RequestContext) -> dict[str, Any]:
    options = search_options(backend)
    token_in = str(params.get("ScrollToken") or "").strip()
    scrolling = bool(token_in)
    media_types = parse_search_types(params.get("SearchType"), options)
    sort = parse_sort(params.get("SortBy"), options, scrolling)
    page_no = _int_param(params, "PageNo", 1)
    page_size = _int_param(params, "PageSize", 10)
    if page_no < 1:
        raise invalid_parameter("PageNo", "it must be 1 or more")
    if not 1 <= page_size <= options.max_page_size:
        raise invalid_parameter("PageSize", f"it must be between 1 and {options.max_page_size}")
    fields = {t: parse_fields(params.get("Fields"), t, options) for t in media_types}
    match = params.get("Match")
    query_key = (",".join(media_types), str(match or "").strip(), tuple(sort))
    now = _now(ctx)
    start = (page_no - 1) * page_size

    with _lock_of(backend):
        scrolls = _scrolls(backend)
        state: ScrollState | None = None
        if scrolling:
            state = scrolls.get(token_in)
            if state is None or now >= state.expires:
                scrolls.pop(token_in, None)
                raise InvalidScrollTokenExpired()
            if state.query != query_key:
                raise invalid_parameter(
                    "ScrollToken", "it belongs to a search with another SearchType, Match or SortBy"
                )
        hits = run_query(backend, media_types, match, sort, options)
        total = len(hits)
        can_scroll = all(t in ("video", "audio") for t in media_types)
        if state is not None and can_scroll:
            # Moving from the token's position: at most scroll_window records either way.
            if abs(start - state.offset) > options.scroll_window:
                raise invalid_parameter(
                    "PageNo",
                    f"a ScrollToken request may move at most {options.scroll_window} records from the"
                    f" token's position (record {state.offset}); this page starts at record {start}",
                )
            anchor = state.offset if state.cursor is None else _position_after(hits, state.cursor, sort[0])
            begin = max(0, anchor + (start - state.offset))
        else:
            if start + page_size > options.window:
                if options.window_error:
                    raise invalid_parameter(
                        "PageNo",
                        f"only the first {options.window} results can be reached by PageNo and PageSize"
                        + ("; pass the ScrollToken to go further" if can_scroll else "; narrow the Match"),
                    )
                begin = total
            else:
                begin = start
        page = hits[begin : begin + page_size]
        end_offset = start + len(page)
        cursor = _cursor_of(page[-1], sort[0]) if page else (state.cursor if state is not None else None)
        if state is None:
            state = ScrollState(_new_token(), query_key, end_offset, cursor, now)
            scrolls[state.token] = state
            while len(scrolls) > options.max_scroll_tokens:
                scrolls.pop(next(iter(scrolls)))
        else:
            state.offset, state.cursor = end_offset, cursor
            scrolls[state.token] = scrolls.pop(state.token)  # most recently used last
        state.expires = now + options.scroll_ttl

    return {
        "Total": total,
        "ScrollToken": state.token,
        "MediaList": [_render(entry, fields[entry.media_type], options) for entry in page],
    }


def _cursor_of(entry: Entry, key: tuple[str, bool]) -> tuple[float, str]:
    return (_ATTR[key[0]](entry), entry.media_id)


def _position_after(hits: Sequence[Entry], cursor: tuple[float, str], key: tuple[str, bool]) -> int:
    """Where the results after the token's last one start (a scroll sorts by one key only). Found
    by value, not by offset, so records added or deleted before the position do not shift it.
    ``hits`` is sorted by (value, id) in the key's direction: "after the cursor" flips once."""
    get, descending = _ATTR[key[0]], key[1]

    def after(entry: Entry) -> bool:
        here = (get(entry), entry.media_id)
        return here < cursor if descending else here > cursor

    lo, hi = 0, len(hits)
    while lo < hi:
        mid = (lo + hi) // 2
        if after(hits[mid]):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _render(entry: Entry, fields: tuple[str, ...], options: SearchOptions) -> dict[str, Any]:
    body = entry.body
    sub = {name: body[name] for name in fields if name in body and body[name] is not None}
    item: dict[str, Any] = {
        "MediaType": entry.media_type,
        "MediaId": entry.media_id,
        "CreationTime": entry.creation_time,
    }
    for media_type, key in SUB_OBJECT.items():
        if media_type == entry.media_type:
            item[key] = sub
        elif options.empty_other_types:
            item[key] = {}
    return item


ACTIONS: dict[str, Callable[[Searchable, Mapping[str, Any], RequestContext], dict[str, Any]]] = {
    "SearchMedia": search_media,
}

__all__ = [
    "ACTIONS",
    "DEFAULT_SEARCH_OPTIONS",
    "SearchDocument",
    "SearchOptions",
    "current_index",
    "search_media",
    "set_search_options",
]
