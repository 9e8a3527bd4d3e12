"""The Match language on its own: tokens, grammar, field table, typed values, predicates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vodfc.emulator.vod.exceptions import ErrorMatchSyntax, VodError
from vodfc.emulator.vod.match import (
    And,
    Condition,
    MatchAll,
    MatchOptions,
    Or,
    compile_match,
    filter_values,
    parse,
    parse_time,
    tokenize,
)

VIDEO = {
    "VideoId": "v1",
    "Title": "Cats Of Shanghai",
    "Description": "A film about cats",
    "Tags": "cats, city,Night",
    "Status": "Normal",
    "CateId": 12,
    "StorageLocation": "outin-1.oss-cn-shanghai.aliyuncs.com",
    "AppId": "app-1000000",
    "Size": 1000,
    "Duration": 12.5,
    "CreationTime": "2018-07-15T08:00:00Z",
    "ModificationTime": "2018-07-16T08:00:00Z",
    "MediaSource": "general",
    "PreprocessStatus": "UnPreprocess",
}


def matches(
    match: str, body: dict = VIDEO, media_type: str = "video", options: MatchOptions = MatchOptions()
):
    _, predicate = compile_match(match, media_type, options)
    return predicate(filter_values(media_type, body, options))


def syntax_message(match: str, media_type: str = "video", options: MatchOptions = MatchOptions()) -> str:
    with pytest.raises(ErrorMatchSyntax) as info:
        parse(match, media_type, options)
    assert info.value.status == 400
    return info.value.message


# --- tokens --------------------------------------------------------------------------------------------


def test_tokens_cover_every_kind():
    kinds = [t.kind for t in tokenize("Title = 'a' and (Size in (1, 2.5) OR CreationTime = [,'x'])")]
    assert kinds == [
        "IDENT", "=", "STRING", "AND", "(", "IDENT", "IN", "(", "NUMBER", ",", "NUMBER", ")",
        "OR", "IDENT", "=", "[", ",", "STRING", "]", ")", "EOF",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("'it\\'s'", "it's"),
        ("'it''s'", "it's"),
        ("'back\\\\slash'", "back\\slash"),
        ('"double"', "double"),
        ("'中文 标题'", "中文 标题"),
        ("''", ""),
    ],
)
def test_quoted_values_and_escapes(text, value):
    assert tokenize(text)[0].value == value


@pytest.mark.parametrize(
    ("match", "fragment"),
    [
        ("Title = 'x", "unterminated quoted value"),
        ("Title = 'x\\", "unterminated quoted value"),
        ("Title == 'x'", "'==' is not an operator"),
        ("Title ＝ 'x'", "full-width"),
        ("Title = ‘x’", "full-width"),
        ("Title = 'x' & Status = 'y'", "unexpected character '&'"),
        ("Size = 12abc", "neither a number nor quoted text"),
    ],
)
def test_token_errors_name_the_position(match, fragment):
    message = syntax_message(match)
    assert message.startswith("The parameter Match has an error syntax, please check it: position ")
    assert fragment in message


# --- grammar -------------------------------------------------------------------------------------------


def test_empty_match_is_everything():
    assert isinstance(parse(""), MatchAll)
    assert isinstance(parse(None), MatchAll)
    assert isinstance(parse("   "), MatchAll)


def test_documented_samples_parse():
    node = parse(
        "Status in ('Normal','Checking') and CreationTime = ('2018-07-01T08:00:00Z','2018-08-01T08:00:00Z')"
    )
    assert isinstance(node, And)
    status, created = node.items
    assert isinstance(status, Condition) and status.op == "in" and status.values == ("Normal", "Checking")
    assert isinstance(created, Condition) and created.op == "range"
    assert (created.low_inclusive, created.high_inclusive) == (False, False)
    node = parse("Title='VOD' AND Status='Normal'")
    assert isinstance(node, And) and [c.field for c in node.items] == ["Title", "Status"]


def test_and_binds_tighter_than_or_inside_parentheses():
    node = parse("(Title = 'a' and Status = 'Normal' or Tags = 'b')")
    assert isinstance(node, Or)
    assert isinstance(node.items[0], And) and isinstance(node.items[1], Condition)


def test_nested_groups():
    node = parse("((Title = 'a' or Title = 'b') and (Status = 'Normal' or Status = 'Blocked'))")
    assert isinstance(node, And) and all(isinstance(i, Or) for i in node.items)


def test_keywords_are_case_insensitive():
    assert isinstance(parse("Title = 'a' AnD Status IN ('x')"), And)


def test_top_level_or_needs_parentheses_unless_switched_on():
    assert "only allowed inside parentheses" in syntax_message("Title = 'a' or Title = 'b'")
    node = parse("Title = 'a' or Title = 'b'", options=MatchOptions(allow_top_level_or=True))
    assert isinstance(node, Or)


@pytest.mark.parametrize(
    ("match", "field", "fragment"),
    [
        ("Title", "Title", "expected '=' or 'in'"),
        ("Title = ", "Title", "expected a value"),
        ("Status = Normal", "Status", "must be quoted"),
        ("Title = ('a','b')", "Title", "range queries are not supported"),
        ("Title in 'a'", None, "expected '(' after 'in'"),
        ("Status in ('a' 'b')", None, "expected ',' or ')'"),
        ("Size = ('1')", None, "expected ','"),
        ("Size = (,)", "Size", "at least one bound"),
        ("Size = ('1', '2'", "Size", "to close the range"),
        ("Foo = 'x'", "Foo", "unknown field for SearchType video"),
        ("title = 'x'", "title", "case-sensitive: Title"),
        ("CateName = 'x'", "CateName", "returned but not searched on"),
        ("ImageId = 'x'", "ImageId", "unknown field"),
        ("CreationTime = ('2018-07-01',)", "CreationTime", "is not a time"),
        ("CreationTime = ('2018-02-30T00:00:00Z',)", "CreationTime", "is not a time"),
        ("CreationTime = (2018,)", "CreationTime", "is not a time"),
        ("CateId = 1.5", "CateId", "is not an integer"),
        ("CateId = 'abc'", "CateId", "is not an integer"),
        ("Duration = ('nan',)", "Duration", "is not a number"),
        ("Title = 12", "Title", "must be quoted"),
        ("(Title = 'a'", None, "expected ')' or 'or'"),
        ("Title = 'a')", None, "expected 'and' or the end"),
        ("Title = 'a' and", None, "expected a field name"),
        ("and Title = 'a'", None, "expected a field name"),
    ],
)
def test_grammar_errors(match, field, fragment):
    message = syntax_message(match)
    head = f"The parameter Match.{field} has" if field else "The parameter Match has"
    assert message.startswith(head), message
    assert fragment in message


def test_in_list_limit():
    values = ",".join(f"'v{i}'" for i in range(101))
    assert "more than 100 values" in syntax_message(f"VideoId in ({values})")
    parse(f"VideoId in ({','.join(f'{chr(39)}v{i}{chr(39)}' for i in range(100))})")


def test_nesting_limit():
    deep = "(" * 40 + "Title = 'a'" + ")" * 40
    assert "nested deeper than 32" in syntax_message(deep)
    parse("(" * 10 + "Title = 'a'" + ")" * 10)


def test_length_limit():
    assert "longer than" in syntax_message("Title = '" + "x" * 9000 + "'")


# --- fields per SearchType -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("media_type", "good", "bad"),
    [
        ("video", "VideoId = 'x' and Duration = (1,) and MediaSource in ('general')", "AudioId = 'x'"),
        ("audio", "AudioId = 'x' and Size = (1,2)", "VideoId = 'x'"),
        ("image", "ImageId = 'x' and FileName = 'cat'", "Duration = (1,)"),
        ("attached", "MediaId = 'x' and BusinessType = 'watermark'", "Size = (1,)"),
    ],
)
def test_fields_follow_the_search_type(media_type, good, bad):
    parse(good, media_type)
    syntax_message(bad, media_type)


def test_operator_switches():
    strict = MatchOptions(strict_operators=True)
    parse("CateId in (1, 2)")  # lenient: 'in' on an exact field
    assert "'in' operator is not supported" in syntax_message("CateId in (1, 2)", options=strict)
    parse("Size = 10")  # lenient: point equality on a range field
    assert "only takes a range" in syntax_message("Size = 10", options=strict)
    parse("Status = 'Normal'", options=strict)  # VOD's own samples use '=' on Status
    assert "'in' operator is not supported" in syntax_message("CreationTime in ('2018-01-01T00:00:00Z')")
    parse("title = 'x'", options=MatchOptions(case_insensitive_fields=True))


# --- evaluation ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("match", "expected"),
    [
        ("Title = 'cats'", True),  # fuzzy: contains, case-insensitive
        ("Title = 'dogs'", False),
        ("Title in ('dogs', 'shang')", True),
        ("Description = 'FILM'", True),
        ("Tags = 'cat'", True),  # Tags is fuzzy: a tag containing the value
        ("Tags = 'night'", True),
        ("Tags in ('x', 'city')", True),
        ("Tags = 'ats, ci'", False),  # matched per tag, not against the joined string
        ("Status = 'Normal'", True),
        ("Status = 'normal'", False),  # keyword fields are exact
        ("Status in ('Blocked', 'Normal')", True),
        ("VideoId = 'v1'", True),
        ("VideoId = 'v'", False),
        ("CateId = 12", True),
        ("CateId = '12'", True),
        ("CateId in (1, 12)", True),
        ("Size = (999, 1000)", False),
        ("Size = (999, 1000]", True),
        ("Size = [1000,)", True),
        ("Size = (1000,)", False),
        ("Size = (,1000)", False),
        ("Duration = ('12.4', '12.6')", True),
        ("CreationTime = ('2018-07-01T00:00:00Z','2018-08-01T00:00:00Z')", True),
        ("CreationTime = ('2018-07-15T08:00:00Z',)", False),
        ("CreationTime = ['2018-07-15T08:00:00Z',)", True),
        ("CreationTime = (,'2018-07-15T08:00:00.001Z')", True),
        ("ModificationTime = ('2018-07-16T08:00:00Z',]", False),
        ("Title = 'cats' and (Status = 'Blocked' or Tags = 'city')", True),
        ("Title = 'cats' and (Status = 'Blocked' or Tags = 'nope')", False),
        ("AppId in ('app-1000000')", True),
        ("StorageLocation = 'outin-1.oss-cn-shanghai.aliyuncs.com'", True),
        ("MediaSource in ('live')", False),
        ("", True),
    ],
)
def test_evaluation(match, expected):
    assert matches(match) is expected


def test_missing_values_never_match():
    body = {"VideoId": "v2"}
    for match in ["Title = 'a'", "Tags = 'a'", "Size = (,10)", "CateId = 1", "Status in ('Normal')"]:
        assert matches(match, body) is False


def test_tag_and_case_switches():
    exact = MatchOptions(tag_match="exact")
    assert matches("Tags = 'cat'", options=exact) is False
    assert matches("Tags = 'CATS'", options=exact) is True
    sensitive = MatchOptions(fuzzy_case_sensitive=True)
    assert matches("Title = 'cats'", options=sensitive) is False
    assert matches("Title = 'Cats'", options=sensitive) is True
    with pytest.raises(ValueError):
        MatchOptions(tag_match="regex")


def test_image_file_name_is_a_filter_only_value():
    body = {"ImageId": "i1", "FileName": "Holiday.PNG", "CreationTime": "2020-01-01T00:00:00Z"}
    assert matches("FileName = 'holiday'", body, "image") is True


def test_time_format():
    assert parse_time("2018-07-01T08:00:00Z") == 1530432000.0
    assert parse_time("2018-07-01T08:00:00.5Z") == 1530432000.5
    for bad in ["2018-07-01 08:00:00", "2018-07-01T08:00:00", "2018-13-01T00:00:00Z", "x"]:
        assert parse_time(bad) is None


# --- properties ----------------------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    [*"()[],='\"\\ ._-+0123456789aeinoqrsdxTtZ:", "and", "or", "in", "Title", "Size", "CreationTime", "中"]
)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_ALPHABET, max_size=40).map("".join), st.sampled_from(["video", "audio", "image", "attached"])
)
def test_arbitrary_fragments_give_a_result_or_a_vod_error(text, media_type):
    try:
        node, predicate = compile_match(text, media_type)
    except VodError as err:
        assert err.code == "ErrorMatchSyntax" and err.status == 400
        assert err.message.startswith("The parameter Match")
    else:
        assert predicate(filter_values(media_type, VIDEO)) in (True, False)
        assert node is not None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_gives_a_result_or_a_vod_error(text):
    try:
        compile_match(text)
    except VodError as err:
        assert err.code == "ErrorMatchSyntax"


_VALUES = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["Title", "Description", "Status", "VideoId"]), _VALUES),
        min_size=1,
        max_size=4,
    )
)
def test_generated_valid_expressions_round_trip_their_values(conditions):
    text = " and ".join(f"{field} = {_quote(value)}" for field, value in conditions)
    node = parse(text)
    items = node.items if isinstance(node, And) else (node,)
    assert [(c.field, c.values[0]) for c in items] == conditions
