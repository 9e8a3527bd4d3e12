"""SearchMedia's ``Match`` language: a tokenizer, a recursive-descent parser and compiled predicates.

The grammar (VOD's "protocol for media asset search"; keywords are case-insensitive)::

    match      := [conjunction] EOF
    conjunction:= term ("and" term)*
    term       := "(" disjunction ")" | condition
    disjunction:= conjunction ("or" conjunction)*          -- "or" only inside parentheses
    condition  := FIELD "=" value                          -- exact, or "contains" on fuzzy fields
                | FIELD "=" range                          -- ( ) open bound, [ ] closed bound
                | FIELD "in" "(" value ("," value)* ")"    -- any of
    range      := ("(" | "[") [value] "," [value] (")" | "]")
    value      := 'text' | "text" | NUMBER

Inside a quoted value a backslash takes the next character literally and a doubled quote is one
quote (VOD documents no escape rule; both forms are accepted). Every problem is answered as VOD's
``ErrorMatchSyntax`` (400) whose message names the field or the position and what is wrong; the
parser never raises anything else.

Which field takes which operator follows the per-field table of the protocol (reference §5):
exact ``=``, fuzzy ``=`` (substring), multi-value ``in``, range ``= (a,b)``. Where the reference is
silent the behaviour is a switch on :class:`MatchOptions`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union

from vodfc.emulator.vod.exceptions import ErrorMatchSyntax

# A time literal is VOD's time (a fraction allowed), compared as epoch seconds like the indexed times.
from vodfc.shared.validation import epoch_seconds as parse_time

# --- options ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatchOptions:
    """Behaviour the reference leaves open; the defaults are the documented choice (docs/search-media.md).

    * ``strict_operators``: only the operators the protocol table lists per field. Off: ``=`` also
      works on multi-value fields (``Status = 'Normal'``, as the doc samples do), ``in`` on exact
      fields and ``=`` on range fields (point equality). ``=`` on a multi-value field is always
      accepted because VOD's own samples use it.
    * ``case_insensitive_fields``: accept ``title`` for ``Title``. Off: field names are exact.
    * ``allow_top_level_or``: accept ``a = 'x' or b = 'y'`` without parentheses.
    * ``tag_match``: ``"substring"`` (Tags is a fuzzy field: a tag containing the value matches) or
      ``"exact"`` (a tag equal to the value, ignoring case).
    * ``fuzzy_case_sensitive``: substring matches respect case.
    """

    strict_operators: bool = False
    case_insensitive_fields: bool = False
    allow_top_level_or: bool = False
    tag_match: str = "substring"
    fuzzy_case_sensitive: bool = False
    max_depth: int = 32
    max_in_values: int = 100
    max_length: int = 8192

    def __post_init__(self) -> None:
        if self.tag_match not in ("substring", "exact"):
            raise ValueError(f"tag_match must be 'substring' or 'exact', not {self.tag_match!r}")


DEFAULT_OPTIONS = MatchOptions()

# --- field table ----------------------------------------------------------------------------------------

# kinds: "text" (fuzzy string), "keyword" (exact string), "int", "float", "time", "tags"


@dataclass(frozen=True)
class FieldSpec:
    name: str
    kind: str
    exact: bool = False
    fuzzy: bool = False
    multi: bool = False
    range: bool = False


def _spec(name: str, kind: str, ops: str) -> FieldSpec:
    return FieldSpec(name, kind, exact="e" in ops, fuzzy="f" in ops, multi="m" in ops, range="r" in ops)


_TEXT = [_spec("Title", "text", "fm"), _spec("Description", "text", "fm"), _spec("Tags", "tags", "fm")]
_TIMES = [_spec("CreationTime", "time", "r"), _spec("ModificationTime", "time", "r")]
_AV_COMMON = [
    _spec("CateId", "int", "e"),
    _spec("AppId", "keyword", "m"),
    _spec("Status", "keyword", "m"),
    _spec("MediaSource", "keyword", "m"),
    _spec("PreprocessStatus", "keyword", "m"),
    _spec("Size", "int", "r"),
    _spec("Duration", "float", "r"),
]

FIELDS: dict[str, dict[str, FieldSpec]] = {
    "video": {
        f.name: f
        for f in [
            _spec("VideoId", "keyword", "em"),
            _spec("StorageLocation", "keyword", "em"),
            *_AV_COMMON,
            *_TEXT,
            *_TIMES,
        ]
    },
    "audio": {
        f.name: f
        for f in [
            _spec("AudioId", "keyword", "em"),
            _spec("StorageLocation", "keyword", "m"),
            *_AV_COMMON,
            *_TEXT,
            *_TIMES,
        ]
    },
    "image": {
        f.name: f
        for f in [
            _spec("ImageId", "keyword", "em"),
            _spec("CateId", "int", "e"),
            _spec("StorageLocation", "keyword", "em"),
            _spec("AppId", "keyword", "m"),
            _spec("Status", "keyword", "m"),
            _spec("FileName", "text", "fm"),
            *_TEXT,
            *_TIMES,
        ]
    },
    "attached": {
        f.name: f
        for f in [
            _spec("MediaId", "keyword", "em"),
            _spec("CateId", "int", "e"),
            _spec("StorageLocation", "keyword", "em"),
            _spec("BusinessType", "keyword", "e"),
            _spec("AppId", "keyword", "m"),
            _spec("Status", "keyword", "m"),
            _spec("FileName", "text", "fm"),
            *_TEXT,
            *_TIMES,
        ]
    },
}

# Returned by SearchMedia but not usable in Match (protocol table notes).
RETURN_ONLY = frozenset(
    {"CateName", "CoverURL", "Snapshots", "SpriteSnapshots", "DownloadSwitch", "TranscodeMode", "URL"}
)

# --- errors --------------------------------------------------------------------------------------------


def syntax_error(reason: str, field: str | None = None) -> ErrorMatchSyntax:
    """VOD's ``ErrorMatchSyntax`` text, naming the field when there is one, plus what is wrong."""
    return ErrorMatchSyntax(field, reason)


# --- tokenizer -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # IDENT STRING NUMBER AND OR IN = , ( ) [ ] EOF
    value: Any
    pos: int


_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_KEYWORDS = {"and": "AND", "or": "OR", "in": "IN"}
_PUNCT = {"=", ",", "(", ")", "[", "]"}
# Full-width punctuation a Chinese input method produces; VOD asks for half-width.
_FULL_WIDTH = {"＝", "，", "（", "）", "【", "】", "‘", "’", "“", "”", "［", "］"}


def tokenize(text: str) -> list[Token]:
    """Split a Match expression into tokens; raise ``ErrorMatchSyntax`` on anything it cannot read."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        if ch in _PUNCT:
            if ch == "=" and text.startswith("==", i):
                raise syntax_error(f"position {i}: '==' is not an operator; use '='")
            tokens.append(Token(ch, ch, i))
            i += 1
            continue
        if ch in ("'", '"'):
            value, end = _read_string(text, i)
            tokens.append(Token("STRING", value, i))
            i = end
            continue
        m = _NUMBER.match(text, i)
        if m and (ch.isdigit() or ch in "+-."):
            end = m.end()
            if end < n and (text[end].isalnum() or text[end] == "_"):
                raise syntax_error(f"position {i}: {text[i : end + 1]!r} is neither a number nor quoted text")
            tokens.append(Token("NUMBER", m.group(), i))
            i = end
            continue
        m = _IDENT.match(text, i)
        if m:
            word = m.group()
            kind = _KEYWORDS.get(word.lower(), "IDENT")
            tokens.append(Token(kind, word, i))
            i = m.end()
            continue
        if ch in _FULL_WIDTH:
            raise syntax_error(f"position {i}: full-width {ch!r}; use half-width punctuation")
        raise syntax_error(f"position {i}: unexpected character {ch!r}")
    tokens.append(Token("EOF", None, n))
    return tokens


def _read_string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i, n = start + 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            if i + 1 >= n:
                break
            out.append(text[i + 1])
            i += 2
            continue
        if ch == quote:
            if i + 1 < n and text[i + 1] == quote:
                out.append(quote)
                i += 2
                continue
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise syntax_error(f"position {start}: unterminated quoted value")


# --- AST -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    """One comparison. ``op`` is ``eq``, ``in`` or ``range``; values are already typed for the field."""

    field: str
    kind: str
    op: str
    fuzzy: bool
    values: tuple[Any, ...] = ()
    low: Any = None
    high: Any = None
    low_inclusive: bool = False
    high_inclusive: bool = False


@dataclass(frozen=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Node, ...]


Node = Union[Condition, And, Or]  # noqa: UP007 (a runtime alias; py310 has no X | Y on forward refs)


class MatchAll:
    """The empty Match: every document."""


# --- parser --------------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token], media_type: str, options: MatchOptions):
        self.tokens = tokens
        self.i = 0
        self.media_type = media_type
        self.fields = FIELDS[media_type]
        self.options = options
        self.depth = 0
        if options.case_insensitive_fields:
            self.lower_fields = {name.lower(): name for name in self.fields}

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def advance(self) -> Token:
        tok = self.tokens[self.i]
        if tok.kind != "EOF":
            self.i += 1
        return tok

    def expect(self, kind: str, what: str) -> Token:
        if self.tok.kind != kind:
            raise syntax_error(f"position {self.tok.pos}: expected {what}, found {_describe(self.tok)}")
        return self.advance()

    def parse(self) -> Node | MatchAll:
        if self.tok.kind == "EOF":
            return MatchAll()
        node = self.conjunction()
        if self.tok.kind == "OR":
            if not self.options.allow_top_level_or:
                raise syntax_error(
                    f"position {self.tok.pos}: 'or' is only allowed inside parentheses"
                    ", e.g. (a = 'x' or b = 'y')"
                )
            items = [node]
            while self.tok.kind == "OR":
                self.advance()
                items.append(self.conjunction())
            node = Or(tuple(items))
        if self.tok.kind != "EOF":
            raise syntax_error(
                f"position {self.tok.pos}: expected 'and' or the end, found {_describe(self.tok)}"
            )
        return node

    def conjunction(self) -> Node:
        items = [self.term()]
        while self.tok.kind == "AND":
            self.advance()
            items.append(self.term())
        return items[0] if len(items) == 1 else And(tuple(items))

    def term(self) -> Node:
        if self.tok.kind == "(":
            start = self.advance()
            self.depth += 1
            if self.depth > self.options.max_depth:
                raise syntax_error(
                    f"position {start.pos}: parentheses nested deeper than {self.options.max_depth}"
                )
            items = [self.conjunction()]
            while self.tok.kind == "OR":
                self.advance()
                items.append(self.conjunction())
            self.expect(")", "')' or 'or'")
            self.depth -= 1
            return items[0] if len(items) == 1 else Or(tuple(items))
        return self.condition()

    def field(self) -> tuple[FieldSpec, Token]:
        tok = self.tok
        if tok.kind != "IDENT":
            raise syntax_error(f"position {tok.pos}: expected a field name, found {_describe(tok)}")
        self.advance()
        name = tok.value
        spec = self.fields.get(name)
        if spec is None and self.options.case_insensitive_fields:
            canonical = self.lower_fields.get(name.lower())
            spec = self.fields.get(canonical) if canonical else None
        if spec is None:
            if name in RETURN_ONLY:
                raise syntax_error("this field can be returned but not searched on", name)
            hint = next((f for f in self.fields if f.lower() == name.lower()), None)
            if hint:
                raise syntax_error(f"unknown field; field names are case-sensitive: {hint}", name)
            raise syntax_error(
                f"unknown field for SearchType {self.media_type}"
                f"; searchable: {', '.join(sorted(self.fields))}",
                name,
            )
        return spec, tok

    def condition(self) -> Condition:
        spec, _ = self.field()
        strict = self.options.strict_operators
        if self.tok.kind == "IN":
            self.advance()
            if not spec.multi and (strict or not spec.exact):
                raise syntax_error("the 'in' operator is not supported on this field", spec.name)
            self.expect("(", "'(' after 'in'")
            values = [self.value(spec)]
            while self.tok.kind == ",":
                self.advance()
                values.append(self.value(spec))
            self.expect(")", "',' or ')' in the value list")
            if len(values) > self.options.max_in_values:
                raise syntax_error(f"more than {self.options.max_in_values} values in 'in'", spec.name)
            return Condition(spec.name, spec.kind, "in", spec.fuzzy, tuple(values))
        if self.tok.kind != "=":
            raise syntax_error(
                f"expected '=' or 'in' after the field, found {_describe(self.tok)}",
                spec.name,
            )
        self.advance()
        if self.tok.kind in ("(", "["):
            if not spec.range:
                raise syntax_error("range queries are not supported on this field", spec.name)
            return self.range(spec)
        if spec.range and not (spec.exact or spec.multi or spec.fuzzy) and strict:
            raise syntax_error("this field only takes a range, e.g. ('a','b')", spec.name)
        value = self.value(spec)
        return Condition(spec.name, spec.kind, "eq", spec.fuzzy, (value,))

    def range(self, spec: FieldSpec) -> Condition:
        opener = self.advance()
        low = high = None
        if self.tok.kind != ",":
            low = self.value(spec)
        self.expect(",", f"',' between the two bounds of the {spec.name} range")
        if self.tok.kind not in (")", "]"):
            high = self.value(spec)
        closer = self.tok
        if closer.kind not in (")", "]"):
            raise syntax_error(
                f"expected ')' or ']' to close the range, found {_describe(closer)}",
                spec.name,
            )
        self.advance()
        if low is None and high is None:
            raise syntax_error("a range needs at least one bound", spec.name)
        return Condition(
            spec.name,
            spec.kind,
            "range",
            False,
            low=low,
            high=high,
            low_inclusive=opener.kind == "[",
            high_inclusive=closer.kind == "]",
        )

    def value(self, spec: FieldSpec) -> Any:
        tok = self.tok
        if tok.kind not in ("STRING", "NUMBER"):
            if tok.kind == "IDENT":
                raise syntax_error(f"value {tok.value!r} must be quoted: '{tok.value}'", spec.name)
            raise syntax_error(f"expected a value, found {_describe(tok)}", spec.name)
        self.advance()
        return convert_value(spec, tok.value, quoted=tok.kind == "STRING")


def _describe(tok: Token) -> str:
    if tok.kind == "EOF":
        return "the end of the expression"
    if tok.kind == "STRING":
        return f"the value {tok.value!r}"
    return repr(tok.value)


def convert_value(spec: FieldSpec, raw: str, quoted: bool) -> Any:
    """A Match literal typed for its field; ``ErrorMatchSyntax`` naming the field when it does not fit."""
    if spec.kind == "time":
        when = parse_time(raw) if quoted else None
        if when is None:
            raise syntax_error(f"{raw!r} is not a time like '2018-07-01T08:00:00Z'", spec.name)
        return when
    if spec.kind == "int":
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or (spec.exact and number != int(number)):
            raise syntax_error(f"{raw!r} is not an integer", spec.name)
        return int(number) if number == int(number) else number
    if spec.kind == "float":
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise syntax_error(f"{raw!r} is not a number", spec.name)
        return number
    if not quoted:
        raise syntax_error(f"value {raw} must be quoted: '{raw}'", spec.name)
    return raw


def parse(
    match: str | None, media_type: str = "video", options: MatchOptions = DEFAULT_OPTIONS
) -> Node | MatchAll:
    """Parse a Match expression for one SearchType; raises only ``ErrorMatchSyntax``."""
    if media_type not in FIELDS:
        raise ValueError(f"unknown media type {media_type!r}")
    text = match or ""
    if len(text) > options.max_length:
        raise syntax_error(f"longer than {options.max_length} characters")
    return _Parser(tokenize(text), media_type, options).parse()


# --- document values -----------------------------------------------------------------------------------


def split_tags(tags: Any) -> tuple[str, ...]:
    if not tags:
        return ()
    if isinstance(tags, (list, tuple)):
        items = [str(t).strip() for t in tags]
    else:
        items = [t.strip() for t in str(tags).split(",")]
    return tuple(filter(None, items))


def filter_values(
    media_type: str, body: Mapping[str, Any], options: MatchOptions = DEFAULT_OPTIONS
) -> dict[str, Any]:
    """A document's searchable values, typed and normalised once so predicates stay cheap.

    ``body`` has VOD's wire names (the ``Video``/``Image``/... sub-object plus filter-only keys such
    as ``FileName``). Time fields become epoch seconds, fuzzy text is case-folded unless the options
    ask for case-sensitive matching, Tags becomes a tuple.
    """
    out: dict[str, Any] = {}
    fold = not options.fuzzy_case_sensitive
    last_raw: Any = None
    last_time: float | None = None
    for name, spec in FIELDS[media_type].items():
        raw = body.get(name)
        if raw is None or raw == "":
            continue
        if spec.kind == "keyword":
            out[name] = raw if type(raw) is str else str(raw)
        elif spec.kind == "time":
            # ModificationTime usually equals CreationTime: parse that string once.
            when = last_time if raw == last_raw else parse_time(str(raw))
            last_raw, last_time = raw, when
            if when is not None:
                out[name] = when
        elif spec.kind in ("int", "float"):
            convert = float if spec.kind == "float" else int
            try:
                # A list (an attached medium's CateId: all its categories) stays a tuple of numbers.
                out[name] = tuple(map(convert, raw)) if isinstance(raw, (list, tuple)) else convert(raw)
            except (TypeError, ValueError):
                continue
        elif spec.kind == "tags":
            tags = split_tags(raw)
            out[name] = tuple(t.lower() for t in tags) if fold or options.tag_match == "exact" else tags
        else:
            out[name] = str(raw).lower() if fold else str(raw)
    return out


# --- compiling -----------------------------------------------------------------------------------------

Predicate = Callable[[Mapping[str, Any]], bool]


def compile_node(node: Node | MatchAll, options: MatchOptions = DEFAULT_OPTIONS) -> Predicate:
    """A predicate over :func:`filter_values` dicts."""
    if isinstance(node, MatchAll):
        return lambda values: True
    if isinstance(node, (And, Or)):
        parts = [compile_node(item, options) for item in node.items]
        if isinstance(node, And):
            if len(parts) == 2:
                first, second = parts
                return lambda values: first(values) and second(values)
            if len(parts) == 3:
                first, second, third = parts
                return lambda values: first(values) and second(values) and third(values)

            def every(values: Mapping[str, Any]) -> bool:
                return all(part(values) for part in parts)

            return every

        def some(values: Mapping[str, Any]) -> bool:
            return any(part(values) for part in parts)

        return some
    return _compile_condition(node, options)


def _compile_condition(cond: Condition, options: MatchOptions) -> Predicate:
    name = cond.field
    if cond.op == "range":
        low, high = cond.low, cond.high
        low_ok: Callable[[Any], bool]
        high_ok: Callable[[Any], bool]
        if low is None:
            low_ok = _always
        elif cond.low_inclusive:
            low_ok = low.__le__
        else:
            low_ok = low.__lt__
        if high is None:
            high_ok = _always
        elif cond.high_inclusive:
            high_ok = high.__ge__
        else:
            high_ok = high.__gt__

        def in_range(values: Mapping[str, Any]) -> bool:
            v = values.get(name)
            return v is not None and bool(low_ok(v)) and bool(high_ok(v))

        return in_range

    wanted = cond.values
    if cond.kind == "tags":
        if options.tag_match == "exact":
            keys = frozenset(str(w).lower() for w in wanted)
            return lambda values: any(t in keys for t in values.get(name, ()))
        needles = tuple(_fold(str(w), options) for w in wanted)
        return lambda values: any(n in t for t in values.get(name, ()) for n in needles)
    if cond.kind == "text" and cond.fuzzy:
        needles = tuple(_fold(str(w), options) for w in wanted)
        if len(needles) == 1:
            needle = needles[0]

            def contains_one(values: Mapping[str, Any]) -> bool:
                v = values.get(name)
                return v is not None and needle in v

            return contains_one

        def contains(values: Mapping[str, Any]) -> bool:
            v = values.get(name)
            return v is not None and any(n in v for n in needles)

        return contains
    if cond.kind in ("int", "float", "time"):
        numbers = frozenset(float(w) for w in wanted)

        def number_in(values: Mapping[str, Any]) -> bool:
            v = values.get(name)
            if v is None:
                return False
            if type(v) is tuple:  # several values (an attached medium's categories): any of them
                return any(float(x) in numbers for x in v)
            return float(v) in numbers

        return number_in
    keys = frozenset(str(w) for w in wanted)
    return lambda values: values.get(name) in keys


def _fold(text: str, options: MatchOptions) -> str:
    return text if options.fuzzy_case_sensitive else text.lower()


def _always(_: Any) -> bool:
    return True


def compile_match(
    match: str | None, media_type: str = "video", options: MatchOptions = DEFAULT_OPTIONS
) -> tuple[Node | MatchAll, Predicate]:
    """Parse and compile in one step: ``(ast, predicate)``."""
    node = parse(match, media_type, options)
    return node, compile_node(node, options)
