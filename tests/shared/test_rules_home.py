"""Each VOD rule is written once, in shared/validation.py: these checks fail when a copy appears elsewhere.

They read the sources of emulator/, shared/ and functions/ (syntax trees, not text, so comments and docstrings
never count) and look for what a copy would look like: the time format string, a set of strings equal to one
of the rule sets, a home constant's name assigned again, an illegal-character class, a time regex, a literal
batch limit or a literal 5000 window / 100 page size as a default.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterator

import pytest

from shared import validation
from tests.repo import REPO as ROOT

HOME = ROOT / "shared" / "validation.py"

RULE_NAMES = {name for name in vars(validation) if name.isupper() and not name.startswith("_")}
RULE_SETS = {
    name: frozenset(value)
    for name in RULE_NAMES
    if isinstance(value := getattr(validation, name), tuple) and all(isinstance(v, str) for v in value)
}
# The two media kinds are also PyAV's stream kinds and the SearchTypes that scroll: a pair of them is no copy.
MEDIA_KINDS = frozenset({"video", "audio"})
# Names the rules had before they moved home; a module defining one of them again is keeping a copy.
OLD_NAMES = {
    "BATCH_MAX",
    "PAGE_SIZE_MAX",
    "TITLE_MAX",
    "DESCRIPTION_MAX",
    "TAG_MAX",
    "TAGS_MAX",
    "CATE_NAME_MAX",
    "DEFINITION_ORDER",
    "MEDIA_TYPES",
    "SORT_FIELDS",
    "FORMATS",
}
# A date-time regular expression: a four-digit year (\d{4} or [0-9]{4}), later a "T" and a colon.
_TIME_REGEX = re.compile(r"(\\d|\[0-9\])\{4\}.*T.*:")
# The id-list readers whose third argument is the batch limit.
_LIMITED_READERS = {"id_list", "json_list"}


@functools.cache
def _sources() -> list[tuple[str, ast.Module]]:
    trees = []
    for folder in ("emulator", "shared", "functions"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path != HOME:
                trees.append((str(path.relative_to(ROOT)), ast.parse(path.read_text(encoding="utf-8"))))
    return trees


def _strings(tree: ast.AST) -> Iterator[ast.Constant]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node


def _assigned(tree: ast.Module) -> Iterator[tuple[str, ast.expr | None, int]]:
    """Names assigned at module or class level, with the value and the line."""
    bodies = [tree.body] + [node.body for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    for body in bodies:
        for stmt in body:
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    if isinstance(target, ast.Name):
                        yield target.id, stmt.value, stmt.lineno
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                yield stmt.target.id, stmt.value, stmt.lineno


def test_the_checks_see_the_sources_and_the_rules() -> None:
    assert len(_sources()) > 100
    assert {"VIDEO_STATUSES", "DEFINITIONS", "SORT_VALUES"} <= set(RULE_SETS)
    assert {"MAX_BATCH", "TIME_FORMAT", "DEFAULT_APP_ID", "ILLEGAL_CHARACTERS"} <= RULE_NAMES


def test_the_time_format_is_written_only_in_its_home() -> None:
    copies = [
        f"{path}:{node.lineno}"
        for path, tree in _sources()
        for node in _strings(tree)
        if validation.TIME_FORMAT in node.value
    ]
    assert copies == []


def test_no_other_module_parses_times_with_a_pattern_of_its_own() -> None:
    copies = [
        f"{path}:{node.lineno}"
        for path, tree in _sources()
        for node in _strings(tree)
        if _TIME_REGEX.search(node.value)
    ]
    assert copies == []


def test_no_set_of_strings_repeats_a_rule_set() -> None:
    copies = []
    for path, tree in _sources():
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Tuple, ast.List, ast.Set)) or len(node.elts) < 2:
                continue
            if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
                continue
            values = frozenset(e.value for e in node.elts if isinstance(e, ast.Constant))
            if values == MEDIA_KINDS:
                continue
            copies += [f"{path}:{node.lineno} {name}" for name, rule in RULE_SETS.items() if values == rule]
    assert copies == []


def test_no_module_defines_a_rule_name_again() -> None:
    copies = [
        f"{path}:{line} {name}"
        for path, tree in _sources()
        for name, _, line in _assigned(tree)
        if name in RULE_NAMES or name in OLD_NAMES
    ]
    assert copies == []


def test_the_illegal_characters_are_listed_only_in_their_home() -> None:
    # A character class holding astral code points or the emoji variation selector is a copy of the set
    # (a lone U+10FFFF sentinel is not a class).
    copies = [
        f"{path}:{node.lineno}"
        for path, tree in _sources()
        for node in _strings(tree)
        if node.value.startswith("[") and ("\ufe0f" in node.value or any(ord(c) > 0xFFFF for c in node.value))
    ]
    assert copies == []


def test_batch_limits_are_not_written_as_numbers() -> None:
    copies = [
        f"{path}:{node.lineno}"
        for path, tree in _sources()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) in _LIMITED_READERS
        and len(node.args) >= 3
        and isinstance(node.args[2], ast.Constant)
    ]
    assert copies == []


@pytest.mark.parametrize(
    ("word", "rule"), [("window", validation.MAX_WINDOW), ("page_size", validation.MAX_PAGE_SIZE)]
)
def test_switch_defaults_take_the_limit_from_its_home(word: str, rule: int) -> None:
    copies = [
        f"{path}:{line} {name}"
        for path, tree in _sources()
        for name, value, line in _assigned(tree)
        if word in name.lower() and isinstance(value, ast.Constant) and value.value == rule
    ]
    assert copies == []
