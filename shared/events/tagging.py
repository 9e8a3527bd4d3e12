"""Tagging rules shared by the auto_tag (videos) and tag_images (images) functions.

Facts about a media file (resolution, orientation, duration, file name) go through rules from configuration
and come out as tags and, optionally, a category. :func:`merge_tags` adds them to the tags the media already
has, within VOD's limits (at most 16 tags, each at most 32 bytes of UTF-8, no commas), and never removes or
reorders a tag that is already there: the user's tags always win a place before ours.

Configuration (a JSON object; every key optional)::

    {
      "resolution_tags": {"4k": "4k", "2k": "2k", "hd": "hd", "sd": "sd"},
      "orientation_tags": {"landscape": "landscape", "portrait": "portrait", "square": "square"},
      "duration_tags": [{"max_seconds": 60, "tag": "short"}, {"max_seconds": 1200, "tag": "medium"},
                        {"tag": "long"}],
      "keyword_rules": [{"keywords": ["trailer", "teaser"], "tags": ["trailer"], "cate_id": 1000001}],
      "resolution_categories": {"4k": 1000002},
      "max_tags": 16
    }

Resolution classes go by the *shorter* side, so a portrait 2160x3840 video is 4k like a landscape one:
>= 2160 px 4k, >= 1440 2k, >= 720 hd, else sd. Set a map to ``{}`` to turn that rule off. Keywords match
case-insensitively anywhere in the file name. The category applies only to media without one (a user's
choice is never overwritten): the first matching keyword rule with a ``cate_id`` wins, then
``resolution_categories``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .._record import FrozenRecord
from ..validation import MAX_TAGS, TAG_MAX_BYTES

RESOLUTION_CLASSES = ("4k", "2k", "hd", "sd")
ORIENTATIONS = ("landscape", "portrait", "square")
DEFAULT_RESOLUTION_TAGS = {name: name for name in RESOLUTION_CLASSES}
DEFAULT_ORIENTATION_TAGS = {name: name for name in ORIENTATIONS}
DEFAULT_DURATION_TAGS: tuple[tuple[float | None, str], ...] = (
    (60.0, "short"),
    (1200.0, "medium"),
    (None, "long"),
)


def check_tag(tag: Any, where: str) -> str:
    """``tag`` stripped, or ValueError naming ``where`` when VOD would refuse it."""
    if not isinstance(tag, str) or not tag.strip():
        raise ValueError(f"{where}: a tag must be a non-empty string")
    text = tag.strip()
    if "," in text:
        raise ValueError(f"{where}: tag {text!r} contains a comma (VOD separates tags with commas)")
    if len(text.encode("utf-8")) > TAG_MAX_BYTES:
        raise ValueError(f"{where}: tag {text!r} is longer than {TAG_MAX_BYTES} bytes")
    return text


def resolution_class(width: int | None, height: int | None) -> str | None:
    """4k, 2k, hd or sd by the shorter side; None when the size is unknown."""
    if not width or not height or width <= 0 or height <= 0:
        return None
    short = min(width, height)
    if short >= 2160:
        return "4k"
    if short >= 1440:
        return "2k"
    if short >= 720:
        return "hd"
    return "sd"


def orientation(width: int | None, height: int | None, rotate: int | None = None) -> str | None:
    """landscape, portrait or square as displayed (a 90/270 degree rotation swaps the sides)."""
    if not width or not height or width <= 0 or height <= 0:
        return None
    if rotate is not None and rotate % 180 == 90:
        width, height = height, width
    if width == height:
        return "square"
    return "landscape" if width > height else "portrait"


class KeywordRule(FrozenRecord):
    """File names containing one of ``keywords`` get ``tags`` and, if it has none, category ``cate_id``."""

    __slots__ = ("keywords", "tags", "cate_id")

    def __init__(
        self, keywords: tuple[str, ...], tags: tuple[str, ...] = (), cate_id: int | None = None
    ) -> None:
        self.keywords = keywords
        self.tags = tags
        self.cate_id = cate_id


class Facts(FrozenRecord):
    """What is known about one media file; None = unknown (the rule needing it is skipped)."""

    __slots__ = ("width", "height", "rotate", "duration", "file_name")

    def __init__(
        self,
        width: int | None = None,
        height: int | None = None,
        rotate: int | None = None,
        duration: float | None = None,
        file_name: str | None = None,
    ) -> None:
        self.width = width
        self.height = height
        self.rotate = rotate
        self.duration = duration
        self.file_name = file_name


class Decision(FrozenRecord):
    """What the rules call for: tags in rule order, a category (or None) and why."""

    __slots__ = ("tags", "cate_id", "reasons")

    def __init__(self, tags: tuple[str, ...], cate_id: int | None, reasons: tuple[str, ...]) -> None:
        self.tags = tags
        self.cate_id = cate_id
        self.reasons = reasons


class Rules(FrozenRecord):
    """The tagging configuration (see the module docstring); the defaults are the documented ones."""

    __slots__ = (
        "resolution_tags",
        "orientation_tags",
        "duration_tags",
        "keyword_rules",
        "resolution_categories",
        "max_tags",
    )

    def __init__(
        self,
        resolution_tags: Mapping[str, str] | None = None,
        orientation_tags: Mapping[str, str] | None = None,
        duration_tags: tuple[tuple[float | None, str], ...] = DEFAULT_DURATION_TAGS,
        keyword_rules: tuple[KeywordRule, ...] = (),
        resolution_categories: Mapping[str, int] | None = None,
        max_tags: int = MAX_TAGS,
    ) -> None:
        self.resolution_tags: Mapping[str, str] = (
            dict(DEFAULT_RESOLUTION_TAGS) if resolution_tags is None else resolution_tags
        )
        self.orientation_tags: Mapping[str, str] = (
            dict(DEFAULT_ORIENTATION_TAGS) if orientation_tags is None else orientation_tags
        )
        self.duration_tags = duration_tags
        self.keyword_rules = keyword_rules
        self.resolution_categories: Mapping[str, int] = (
            {} if resolution_categories is None else resolution_categories
        )
        self.max_tags = max_tags

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rules:
        """Parse and check the configuration; ValueError names the offending key."""
        known = sorted(cls.__slots__)  # the settings are the fields
        unknown = sorted(set(data) - set(known))
        if unknown:
            raise ValueError(f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(known)}")
        resolution = _tag_map(data, "resolution_tags", RESOLUTION_CLASSES, DEFAULT_RESOLUTION_TAGS)
        orient = _tag_map(data, "orientation_tags", ORIENTATIONS, DEFAULT_ORIENTATION_TAGS)
        durations = DEFAULT_DURATION_TAGS
        if "duration_tags" in data:
            durations = _durations(data["duration_tags"])
        keywords = tuple(_keyword_rule(r, i) for i, r in enumerate(_list(data, "keyword_rules")))
        categories_raw = data.get("resolution_categories") or {}
        if not isinstance(categories_raw, Mapping):
            raise ValueError('resolution_categories must be an object like {"4k": 1000002}')
        categories: dict[str, int] = {}
        for name, cate in categories_raw.items():
            if name not in RESOLUTION_CLASSES:
                raise ValueError(
                    f"resolution_categories: {name!r} is not one of {', '.join(RESOLUTION_CLASSES)}"
                )
            categories[name] = _cate_id(cate, f"resolution_categories.{name}")
        max_tags = data.get("max_tags", MAX_TAGS)
        if not isinstance(max_tags, int) or isinstance(max_tags, bool) or not 0 <= max_tags <= MAX_TAGS:
            raise ValueError(f"max_tags must be an integer from 0 to {MAX_TAGS} (VOD's limit)")
        return cls(resolution, orient, durations, keywords, categories, max_tags)

    def evaluate(self, facts: Facts) -> Decision:
        """The tags (in rule order, without duplicates) and category the facts call for, with reasons."""
        tags: list[str] = []
        reasons: list[str] = []
        cate_id: int | None = None
        resolution = resolution_class(facts.width, facts.height)
        if resolution and self.resolution_tags.get(resolution):
            tags.append(self.resolution_tags[resolution])
            reasons.append(f"{facts.width}x{facts.height} is {resolution}")
        shape = orientation(facts.width, facts.height, facts.rotate)
        if shape and self.orientation_tags.get(shape):
            tags.append(self.orientation_tags[shape])
        if facts.duration is not None and facts.duration >= 0:
            for limit, tag in self.duration_tags:
                if limit is None or facts.duration <= limit:
                    tags.append(tag)
                    reasons.append(f"duration {facts.duration:g} s -> {tag}")
                    break
        name = (facts.file_name or "").lower()
        if name:
            for rule in self.keyword_rules:
                hit = next((k for k in rule.keywords if k.lower() in name), None)
                if hit is None:
                    continue
                tags.extend(rule.tags)
                reasons.append(f"file name contains {hit!r}")
                if cate_id is None and rule.cate_id is not None:
                    cate_id = rule.cate_id
        if cate_id is None and resolution is not None and resolution in self.resolution_categories:
            cate_id = self.resolution_categories[resolution]
        return Decision(_unique(tags), cate_id, tuple(reasons))


class Merge(FrozenRecord):
    """The merged tag list: ``added`` went in, ``dropped`` did not fit within the limit."""

    __slots__ = ("tags", "added", "dropped")

    def __init__(self, tags: tuple[str, ...], added: tuple[str, ...], dropped: tuple[str, ...]) -> None:
        self.tags = tags
        self.added = added
        self.dropped = dropped

    @property
    def changed(self) -> bool:
        return bool(self.added)


def merge_tags(existing: Iterable[str], wanted: Iterable[str], max_tags: int = MAX_TAGS) -> Merge:
    """``existing`` unchanged and in order, then each ``wanted`` tag not yet present (case-insensitively)
    while fewer than ``max_tags`` are set. Idempotent: merging the result again adds nothing."""
    tags = [t for t in existing if t]
    present = {t.casefold() for t in tags}
    added: list[str] = []
    dropped: list[str] = []
    for tag in wanted:
        if tag.casefold() in present:
            continue
        if len(tags) >= max_tags:
            dropped.append(tag)
            continue
        tags.append(tag)
        added.append(tag)
        present.add(tag.casefold())
    return Merge(tuple(tags), tuple(added), tuple(dropped))


class Plan(FrozenRecord):
    """What to change on one media: the merged tags and the category to set (None: leave it)."""

    __slots__ = ("decision", "merge", "cate_id", "existing")

    def __init__(
        self, decision: Decision, merge: Merge, cate_id: int | None, existing: tuple[str, ...]
    ) -> None:
        self.decision = decision
        self.merge = merge
        self.cate_id = cate_id
        self.existing = existing

    @property
    def changed(self) -> bool:
        return self.merge.changed or self.cate_id is not None

    @property
    def tags_to_send(self) -> list[str] | None:
        """The full tag list for the update call, or None when the tags stay as they are."""
        return list(self.merge.tags) if self.merge.changed else None

    def report(self, outcome: str) -> dict[str, Any]:
        """The function's report for ``outcome`` (updated / unchanged)."""
        report: dict[str, Any] = {"Outcome": outcome, "Reasons": list(self.decision.reasons)}
        if outcome == "updated":
            report.update(Tags=list(self.merge.tags), Added=list(self.merge.added))
            if self.cate_id is not None:
                report["CateId"] = self.cate_id
        else:
            report["Tags"] = list(self.existing)
        if self.merge.dropped:
            report["Dropped"] = list(self.merge.dropped)
        return report


def plan(rules: Rules, facts: Facts, tags: Iterable[str], cate_id: int | None) -> Plan:
    """Evaluate ``rules`` on ``facts`` against a media's current ``tags`` and category."""
    existing = tuple(tags)
    decision = rules.evaluate(facts)
    merge = merge_tags(existing, decision.tags, rules.max_tags)
    category = decision.cate_id if decision.cate_id is not None and not has_category(cate_id) else None
    return Plan(decision, merge, category, existing)


def has_category(cate_id: int | None) -> bool:
    """Whether a media already has a category a user (or VOD's default) set. -1/0/None mean none."""
    return cate_id is not None and cate_id > 0


def _unique(tags: Sequence[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    result = []
    for tag in tags:
        if tag.casefold() not in seen:
            seen.add(tag.casefold())
            result.append(tag)
    return tuple(result)


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a list")
    return value


def _tag_map(
    data: Mapping[str, Any], key: str, allowed: Sequence[str], default: Mapping[str, str]
) -> dict[str, str]:
    if key not in data:
        return dict(default)
    value = data[key]
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise ValueError(f"{key} must be an object mapping {', '.join(allowed)} to tags")
    result = {}
    for name, tag in value.items():
        if name not in allowed:
            raise ValueError(f"{key}: {name!r} is not one of {', '.join(allowed)}")
        result[name] = check_tag(tag, f"{key}.{name}")
    return result


def _durations(value: Any) -> tuple[tuple[float | None, str], ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError("duration_tags must be a list of {max_seconds, tag}")
    result: list[tuple[float | None, str]] = []
    previous = -1.0
    for index, item in enumerate(value):
        where = f"duration_tags[{index}]"
        if not isinstance(item, Mapping):
            raise ValueError(f"{where} must be an object {{max_seconds, tag}}")
        limit = item.get("max_seconds")
        if limit is not None:
            if isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit < 0:
                raise ValueError(f"{where}.max_seconds must be a non-negative number")
            if limit <= previous:
                raise ValueError(f"{where}.max_seconds must be larger than the one before")
            previous = float(limit)
        elif index != len(value) - 1:
            raise ValueError(f"{where}: only the last entry may leave out max_seconds")
        result.append((None if limit is None else float(limit), check_tag(item.get("tag"), f"{where}.tag")))
    return tuple(result)


def _keyword_rule(value: Any, index: int) -> KeywordRule:
    where = f"keyword_rules[{index}]"
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} must be an object {{keywords, tags, cate_id}}")
    words = value.get("keywords")
    if isinstance(words, str):
        words = [words]
    if not isinstance(words, list) or not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueError(f"{where}.keywords must be a non-empty list of strings")
    tags = value.get("tags") or []
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list):
        raise ValueError(f"{where}.tags must be a list")
    checked = tuple(check_tag(t, f"{where}.tags") for t in tags)
    cate = value.get("cate_id")
    if not checked and cate is None:
        raise ValueError(f"{where} needs tags or a cate_id")
    return KeywordRule(
        tuple(w.strip() for w in words), checked, None if cate is None else _cate_id(cate, f"{where}.cate_id")
    )


def _cate_id(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{where} must be a positive integer category ID")
    return value
