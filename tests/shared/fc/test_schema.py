from __future__ import annotations

import pytest
from vodfc.emulator.project.openapi import input_schema

from shared.errors import ValidationError
from shared.fc.schema import Field, Schema

SCHEMA = Schema(
    Field("VideoId"),
    Field("ReferenceId"),
    Field("PageSize", "integer", minimum=1, maximum=100),
    Field("Force", "boolean"),
    Field("JobIds", "strings", max_items=3, too_many_code="JobIdsExceededMax"),
    Field("SearchType", choices=("video", "image")),
    Field("UserData", "json"),
    Field("UpdateContent", "objects"),
    one_of=[("VideoId", "ReferenceId")],
    exclusive=[("VideoId", "ReferenceId")],
)


def refusal(data: dict[str, object]) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        SCHEMA.parse(data)
    return info.value


def test_converts_query_strings_to_numbers_and_booleans() -> None:
    args = SCHEMA.parse({"VideoId": "v1", "PageSize": "20", "Force": "TRUE"})
    assert args == {"VideoId": "v1", "PageSize": 20, "Force": True}


def test_accepts_ids_as_array_or_comma_string_and_dedupes() -> None:
    assert SCHEMA.parse({"VideoId": "v", "JobIds": "a, b,a"})["JobIds"] == ("a", "b")
    assert SCHEMA.parse({"VideoId": "v", "JobIds": ["a", "b"]})["JobIds"] == ("a", "b")


def test_missing_group_is_reported_with_vods_wording() -> None:
    error = refusal({"PageSize": 5})
    assert error.code == "MissingParameter"
    assert 'The input parameter "VideoId or ReferenceId"' in error.message


def test_exclusive_group_refuses_both() -> None:
    error = refusal({"VideoId": "a", "ReferenceId": "bbbbbb"})
    assert error.code == "InvalidParameter"
    assert "only one of" in error.message


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"VideoId": 5}, "VideoId", "expected a string, got a number"),
        ({"VideoId": "v", "PageSize": "ten"}, "PageSize", "expected an integer"),
        ({"VideoId": "v", "PageSize": True}, "PageSize", "expected an integer, got a boolean"),
        ({"VideoId": "v", "PageSize": 101}, "PageSize", "at most 100"),
        ({"VideoId": "v", "Force": "yes"}, "Force", "true or false"),
        ({"VideoId": "v", "JobIds": [1]}, "JobIds", "item 0 must be a string"),
        ({"VideoId": "v", "JobIds": "a,,b"}, "JobIds", "item 1 is empty"),
        ({"VideoId": "v", "SearchType": "audio"}, "SearchType", "must be one of video, image"),
        ({"VideoId": "v", "UserData": "{nope"}, "UserData", "not JSON"),
        ({"VideoId": "v", "UpdateContent": [1]}, "UpdateContent", "item 0 must be an object"),
        ({"VideoId": "v", "VideoID": "typo"}, "VideoID", "no such parameter"),
    ],
)
def test_wrong_types_are_invalid_parameter_naming_the_field(
    data: dict[str, object], field: str, fragment: str
) -> None:
    error = refusal(data)
    assert error.code == "InvalidParameter"
    assert error.field == field
    assert f'"{field}"' in error.message
    assert fragment in error.message


def test_too_many_items_uses_vods_exceeded_code() -> None:
    error = refusal({"VideoId": "v", "JobIds": "a,b,c,d"})
    assert error.code == "JobIdsExceededMax"
    assert "4 given, at most 3" in error.message


def test_null_and_empty_values_count_as_absent() -> None:
    assert SCHEMA.parse({"VideoId": "v", "JobIds": "", "PageSize": None}) == {"VideoId": "v"}


def test_json_schema_lists_required_fields_and_refuses_extras() -> None:
    schema = Schema(Field("ImageId", required=True), Field("AuthTimeout", "integer", minimum=1))
    document = input_schema(schema)
    assert document["required"] == ["ImageId"]
    assert document["additionalProperties"] is False
    assert document["properties"]["AuthTimeout"] == {"type": "integer", "minimum": 1}
