"""SearchMedia over a stand-in backend of plain documents: paging, window, scroll, sort, projection,
and the indexes against a brute-force scan."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from vodfc.emulator.vod.exceptions import (
    ErrorMatchSyntax,
    InvalidParameter,
    InvalidScrollTokenExpired,
    SortByExceededMax,
)
from vodfc.emulator.vod.match import compile_match
from vodfc.emulator.vod.search import (
    INDEX_KEY,
    SearchOptions,
    options_from_env,
    search_media,
    set_search_options,
)

from tests.emulator.vod import search_fakes as fakes

Ctx, FakeBackend, iso = fakes.Ctx, fakes.FakeBackend, fakes.iso


@pytest.fixture(params=["revision", "incremental"])
def backend(request):
    b = FakeBackend(incremental=request.param == "incremental")
    fakes.populate(b, 300)
    return b


def ids(result):
    return [item["MediaId"] for item in result["MediaList"]]


def test_default_request_shape(backend):
    result = search_media(backend, {}, Ctx())
    assert set(result) == {"Total", "ScrollToken", "MediaList"}
    assert result["Total"] == 300
    assert len(result["ScrollToken"]) == 32 and int(result["ScrollToken"], 16) >= 0
    assert len(result["MediaList"]) == 10
    item = result["MediaList"][0]
    assert list(item)[:3] == ["MediaType", "MediaId", "CreationTime"]
    assert item["MediaType"] == "video" and item["Audio"] == {} and item["Image"] == {}
    assert item["AttachedMedia"] == {}
    assert set(item["Video"]) == {
        "VideoId",
        "Title",
        "CoverURL",
        "Status",
        "CreationTime",
        "ModificationTime",
    }
    assert item["Video"]["VideoId"] == item["MediaId"]
    # Default sort: newest first.
    times = [i["CreationTime"] for i in result["MediaList"]]
    assert times == sorted(times, reverse=True)


def test_fields_projection_always_keeps_the_id(backend):
    result = search_media(backend, {"Fields": "Title,Size,Duration,Tags,Bogus"}, Ctx())
    assert set(result["MediaList"][0]["Video"]) == {"VideoId", "Title", "Size", "Duration", "Tags"}
    set_search_options(backend, strict_fields=True)
    with pytest.raises(InvalidParameter, match="Bogus"):
        search_media(backend, {"Fields": "Title,Bogus"}, Ctx())


def test_minimal_fields_and_no_empty_objects_switches(backend):
    set_search_options(backend, basic_fields=False, empty_other_types=False)
    item = search_media(backend, {}, Ctx())["MediaList"][0]
    assert set(item) == {"MediaType", "MediaId", "CreationTime", "Video"}
    assert set(item["Video"]) == {"VideoId", "CreationTime", "ModificationTime"}


def test_paging_covers_everything_once(backend):
    seen = []
    for page in range(1, 8):
        seen += ids(
            search_media(backend, {"PageNo": page, "PageSize": 50, "SortBy": "CreationTime:Asc"}, Ctx())
        )
    assert len(seen) == 300 and len(set(seen)) == 300
    assert seen == sorted(backend.docs, key=lambda i: (backend.docs[i].body["CreationTime"], i))


@pytest.mark.parametrize(
    ("params", "error", "fragment"),
    [
        ({"PageSize": 101}, InvalidParameter, "PageSize"),
        ({"PageSize": 0}, InvalidParameter, "PageSize"),
        ({"PageNo": 0}, InvalidParameter, "PageNo"),
        ({"PageNo": "x"}, InvalidParameter, "PageNo"),
        ({"SearchType": "movie"}, InvalidParameter, "SearchType"),
        ({"SearchType": "video,audio"}, InvalidParameter, "SearchType"),
        ({"SortBy": "Title:Asc"}, InvalidParameter, "not sortable"),
        ({"SortBy": "CreationTime:Up"}, InvalidParameter, "Asc or Desc"),
        (
            {"SortBy": "CreationTime:Asc,ModificationTime:Desc,CreationTime:Desc,ModificationTime:Asc"},
            SortByExceededMax,
            "at most 3",
        ),
        ({"Match": "Title = "}, ErrorMatchSyntax, "Match.Title"),
    ],
)
def test_parameter_errors(backend, params, error, fragment):
    with pytest.raises(error) as info:
        search_media(backend, params, Ctx())
    assert info.value.status == 400
    assert fragment in info.value.message


def test_sort_by_three_keys(backend):
    result = search_media(
        backend,
        {"SortBy": "ModificationTime:Asc,CreationTime:Desc", "PageSize": 100, "Fields": "ModificationTime"},
        Ctx(),
    )
    times = [i["Video"]["ModificationTime"] for i in result["MediaList"]]
    assert times == sorted(times)


def test_window_of_5000():
    b = FakeBackend()
    fakes.populate(b, 20)
    with pytest.raises(InvalidParameter, match="first 5000 results") as info:
        search_media(b, {"PageNo": 51, "PageSize": 100}, Ctx())
    assert "ScrollToken" in info.value.message
    search_media(b, {"PageNo": 50, "PageSize": 100}, Ctx())  # 5000 exactly is fine
    set_search_options(b, window_error=False)
    result = search_media(b, {"PageNo": 51, "PageSize": 100}, Ctx())
    assert result["MediaList"] == [] and result["Total"] == 20


def test_scroll_token_walks_past_the_window():
    b = FakeBackend()
    fakes.populate(b, 120)
    set_search_options(b, window=50, scroll_window=30)
    first = search_media(b, {"PageSize": 10}, Ctx())
    token = first["ScrollToken"]
    seen = ids(first)
    for page in range(2, 13):
        result = search_media(b, {"PageSize": 10, "PageNo": page, "ScrollToken": token}, Ctx())
        assert result["ScrollToken"] == token
        seen += ids(result)
    assert len(seen) == 120 and len(set(seen)) == 120
    with pytest.raises(InvalidParameter, match="first 50 results"):
        search_media(b, {"PageSize": 10, "PageNo": 6}, Ctx())
    # Too far from the token's position.
    with pytest.raises(InvalidParameter, match="at most 30 records"):
        search_media(b, {"PageSize": 10, "PageNo": 2, "ScrollToken": token}, Ctx())


def test_scroll_survives_inserts_before_its_position():
    b = FakeBackend()
    fakes.populate(b, 40)
    first = search_media(b, {"PageSize": 10, "SortBy": "CreationTime:Asc"}, Ctx())
    b.add("video", "v-early", CreationTime="2000-01-01T00:00:00Z", Title="early")
    second = search_media(
        b,
        {"PageSize": 10, "PageNo": 2, "SortBy": "CreationTime:Asc", "ScrollToken": first["ScrollToken"]},
        Ctx(),
    )
    assert ids(second)[0] not in ids(first) and "v-early" not in ids(second)
    assert second["Total"] == 41


def test_scroll_token_rules(backend):
    token = search_media(backend, {}, Ctx())["ScrollToken"]
    with pytest.raises(SortByExceededMax, match="at most 1 sort field with a ScrollToken"):
        search_media(
            backend, {"ScrollToken": token, "SortBy": "CreationTime:Desc,ModificationTime:Asc"}, Ctx()
        )
    with pytest.raises(InvalidParameter, match="another SearchType, Match or SortBy"):
        search_media(backend, {"ScrollToken": token, "Match": "Status = 'Normal'", "PageNo": 2}, Ctx())
    with pytest.raises(InvalidScrollTokenExpired) as info:
        search_media(backend, {"ScrollToken": "0" * 32}, Ctx())
    assert info.value.message == "The ScrollToken is expired, please refresh it."


def test_scroll_token_expires():
    b = FakeBackend()
    fakes.populate(b, 30)
    set_search_options(b, scroll_ttl=timedelta(minutes=5))
    start = Ctx()
    token = search_media(b, {}, start)["ScrollToken"]
    later = Ctx(now=start.now + timedelta(minutes=4))
    search_media(b, {"ScrollToken": token, "PageNo": 2}, later)  # use extends the lifetime
    search_media(b, {"ScrollToken": token, "PageNo": 3}, Ctx(now=later.now + timedelta(minutes=4)))
    with pytest.raises(InvalidScrollTokenExpired):
        search_media(b, {"ScrollToken": token, "PageNo": 4}, Ctx(now=later.now + timedelta(minutes=10)))


def test_scroll_tokens_are_bounded():
    b = FakeBackend()
    fakes.populate(b, 5)
    set_search_options(b, max_scroll_tokens=3)
    tokens = [search_media(b, {}, Ctx())["ScrollToken"] for _ in range(5)]
    with pytest.raises(InvalidScrollTokenExpired):
        search_media(b, {"ScrollToken": tokens[0]}, Ctx())
    search_media(b, {"ScrollToken": tokens[-1]}, Ctx())


def test_other_media_types():
    b = FakeBackend()
    b.add(
        "image",
        "i1",
        Title="Logo",
        CreationTime="2021-01-01T00:00:00Z",
        URL="http://x/1.png",
        Status="Normal",
    )
    b.add("attached", "m1", Title="Watermark", BusinessType="watermark", CreationTime="2021-01-02T00:00:00Z")
    b.add("audio", "a1", Title="Song", CreationTime="2021-01-03T00:00:00Z", Duration=3.5)
    image = search_media(b, {"SearchType": "image"}, Ctx())
    assert ids(image) == ["i1"] and image["MediaList"][0]["Image"]["URL"] == "http://x/1.png"
    attached = search_media(b, {"SearchType": "attached", "Match": "BusinessType = 'watermark'"}, Ctx())
    assert ids(attached) == ["m1"] and attached["MediaList"][0]["AttachedMedia"]["MediaId"] == "m1"
    audio = search_media(b, {"SearchType": "audio", "Fields": "Duration"}, Ctx())
    assert audio["MediaList"][0]["Audio"] == {"AudioId": "a1", "Duration": 3.5}
    with pytest.raises(ErrorMatchSyntax, match=r"Match\.VideoId"):
        search_media(b, {"SearchType": "image", "Match": "VideoId = 'x'"}, Ctx())
    set_search_options(b, allow_type_list=True)
    both = search_media(b, {"SearchType": "audio,image", "SortBy": "CreationTime:Asc"}, Ctx())
    assert ids(both) == ["i1", "a1"]


def test_index_follows_writes(backend):
    match = {"Match": "Tags in ('brand-new')"}
    assert search_media(backend, match, Ctx())["Total"] == 0
    backend.update("v0000005", Tags="brand-new,x", Status="Blocked")
    assert ids(search_media(backend, match, Ctx())) == ["v0000005"]
    assert (
        search_media(backend, {"Match": "Status = 'Blocked' and VideoId = 'v0000005'"}, Ctx())["Total"] == 1
    )
    backend.delete("v0000005")
    assert search_media(backend, match, Ctx())["Total"] == 0
    backend.reset()
    assert search_media(backend, {}, Ctx())["Total"] == 0
    assert INDEX_KEY in backend.extensions


def test_options_from_env():
    options = options_from_env("tag_match=exact, scroll_ttl=60,window_error=0,window=100")
    assert options.match.tag_match == "exact" and options.scroll_ttl == timedelta(seconds=60)
    assert options.window_error is False and options.window == 100
    assert options_from_env("") == SearchOptions()
    with pytest.raises(ValueError, match="nope"):
        options_from_env("nope=1")


# --- the indexes agree with a full scan ---------------------------------------------------------------

_STATUS = st.sampled_from(["Normal", "Blocked", "Uploading"])
_WORD = st.sampled_from(["cat", "dog", "city", "t1", "t17", "Video 1", "night"])
_TIME = st.integers(0, 400 * 60).map(iso)


@st.composite
def _matches(draw):
    parts = []
    if draw(st.booleans()):
        parts.append(
            f"Status in ({','.join(repr(s) for s in draw(st.lists(_STATUS, min_size=1, max_size=2)))})"
        )
    if draw(st.booleans()):
        parts.append(f"Tags = {draw(_WORD)!r}")
    if draw(st.booleans()):
        parts.append(f"Title = {draw(_WORD)!r}")
    if draw(st.booleans()):
        lo, hi = sorted([draw(_TIME), draw(_TIME)])
        open_, close = draw(st.sampled_from(["(", "["])), draw(st.sampled_from([")", "]"]))
        parts.append(f"CreationTime = {open_}'{lo}','{hi}'{close}")
    if draw(st.booleans()):
        parts.append(f"CateId = {draw(st.integers(0, 20))}")
    if draw(st.booleans()):
        parts.append(f"(Status = 'Blocked' or Description = {draw(_WORD)!r})")
    return " and ".join(parts)


_SHARED = FakeBackend()
fakes.populate(_SHARED, 400, seed=3)


@settings(max_examples=150, deadline=None)
@given(_matches(), st.sampled_from(["CreationTime:Desc", "CreationTime:Asc", "ModificationTime:Desc"]))
def test_indexed_search_equals_a_full_scan(match, sort_by):
    result = search_media(_SHARED, {"Match": match, "PageSize": 100, "SortBy": sort_by}, Ctx())
    from vodfc.emulator.vod.match import filter_values

    _, predicate = compile_match(match)
    expected = [d for d in _SHARED.docs.values() if predicate(filter_values("video", d.body))]
    field, _, direction = sort_by.partition(":")
    expected.sort(key=lambda d: (d.body[field], d.media_id), reverse=direction == "Desc")
    assert result["Total"] == len(expected)
    assert ids(result) == [d.media_id for d in expected[:100]]


def test_random_writes_keep_incremental_index_exact():
    b = FakeBackend(incremental=True)
    fakes.populate(b, 200)
    rng = random.Random(1)
    search_media(b, {}, Ctx())
    for step in range(200):
        victim = rng.choice(sorted(b.docs))
        action = rng.random()
        if action < 0.3:
            b.delete(victim)
        elif action < 0.7:
            b.update(victim, Status=rng.choice(["Normal", "Blocked"]), Tags=f"s{step % 5}")
        else:
            b.add("video", f"new{step}", CreationTime=iso(rng.randrange(10**5)), Status="Normal", Tags="s1")
        if step % 20 == 0:
            for match in ["Status = 'Blocked'", "Tags = 's1'", "Tags in ('s2','s3') and Status = 'Normal'"]:
                _, predicate = compile_match(match)
                from vodfc.emulator.vod.match import filter_values

                expected = sum(predicate(filter_values("video", d.body)) for d in b.docs.values())
                assert search_media(b, {"Match": match}, Ctx())["Total"] == expected


_PARAM_TEXT = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.sampled_from(["1", "0", "-3", "201", "100", "101", "x", "9" * 30, " 7 ", "CreationTime:Asc"]),
)


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "SearchType": st.one_of(
                _PARAM_TEXT, st.sampled_from(["video", "audio", "image", "attached", "video,audio"])
            ),
            "Match": st.one_of(_PARAM_TEXT, _matches()),
            "SortBy": st.one_of(
                _PARAM_TEXT,
                st.sampled_from(["CreationTime:Desc", "ModificationTime", "CreationTime:asc,Size:Desc"]),
            ),
            "Fields": st.one_of(_PARAM_TEXT, st.sampled_from(["Title,Size", ",,,", "VideoId"])),
            "PageNo": _PARAM_TEXT,
            "PageSize": _PARAM_TEXT,
            "ScrollToken": st.one_of(st.none(), st.text(max_size=40)),
        },
    )
)
def test_arbitrary_parameters_give_an_answer_or_a_vod_error(params):
    from vodfc.emulator.vod.exceptions import VodError

    params = {k: v for k, v in params.items() if v is not None}
    try:
        result = search_media(_SHARED, params, Ctx())
    except VodError as err:
        assert err.status == 400 and err.message
    else:
        assert isinstance(result["Total"], int) and len(result["MediaList"]) <= 100


@settings(max_examples=60, deadline=None)
@given(_matches(), st.booleans(), st.booleans())
def test_indexes_agree_with_a_scan_under_every_matching_switch(match, exact_tags, case_sensitive):
    from vodfc.emulator.vod.match import MatchOptions, filter_values

    backend = FakeBackend(docs=_SHARED.docs, revision=_SHARED.revision)
    set_search_options(
        backend, tag_match="exact" if exact_tags else "substring", fuzzy_case_sensitive=case_sensitive
    )
    options = MatchOptions(
        tag_match="exact" if exact_tags else "substring", fuzzy_case_sensitive=case_sensitive
    )
    _, predicate = compile_match(match, "video", options)
    expected = sum(predicate(filter_values("video", d.body, options)) for d in _SHARED.docs.values())
    assert search_media(backend, {"Match": match}, Ctx())["Total"] == expected


@pytest.mark.parametrize("sort_by", ["CreationTime:Desc", "CreationTime:Asc", "ModificationTime:Desc"])
def test_scroll_resumes_after_its_last_result_even_when_that_one_is_deleted(sort_by):
    b = FakeBackend(incremental=True)
    fakes.populate(b, 50)
    params = {
        "PageSize": 10,
        "SortBy": sort_by,
        "Match": "Status in ('Normal','Blocked','Uploading','Transcoding')",
    }
    first = search_media(b, params, Ctx())
    expected_total = first["Total"]
    seen = ids(first)
    b.delete(seen[-1])  # the token's cursor disappears
    page = 2
    while True:
        result = search_media(b, {**params, "PageNo": page, "ScrollToken": first["ScrollToken"]}, Ctx())
        if not result["MediaList"]:
            break
        seen += ids(result)
        page += 1
    assert len(seen) == len(set(seen)) == expected_total


def test_a_bad_environment_switch_falls_back_to_the_defaults(monkeypatch, caplog):
    from vodfc.emulator.vod.search import search_options

    monkeypatch.setenv("VODFC_SEARCH", "window=lots")
    assert search_options(FakeBackend()) == SearchOptions()
    assert "VODFC_SEARCH" in caplog.text
    monkeypatch.setenv("VODFC_SEARCH", "tag_match=exact")
    assert search_options(FakeBackend()).match.tag_match == "exact"
