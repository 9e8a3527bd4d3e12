"""A small declarative check of an operation's input, answering with VOD's own error codes.

Each operation function declares its parameters once, with VOD's names (``VideoId``, ``PageSize``), as a
:class:`Schema`. The same schema checks an invocation event and the parameters an HTTP route gathered from
path, query and body, and ``vodfc generate`` describes it in the OpenAPI document. Values arrive as JSON
types from an event and as strings from a query, so numbers and booleans are accepted in both spellings
(VOD itself takes every parameter as a query string).

Failures raise :class:`shared.errors.ValidationError` with code ``MissingParameter`` or
``InvalidParameter`` (or a ``<Field>ExceededMax`` code for too many items), and VOD's message wording.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from .. import boundedjson
from .._record import FrozenRecord
from ..errors import ValidationError

Kind = Literal["string", "integer", "boolean", "strings", "json", "objects"]
Args = dict[str, Any]


def missing(name: str) -> ValidationError:
    return ValidationError(
        name,
        f'The input parameter "{name}" that is mandatory for processing this request is not supplied.',
        code="MissingParameter",
    )


def invalid(name: str, reason: str) -> ValidationError:
    return ValidationError(name, f'The specified parameter "{name}" is not valid: {reason}.')


class Field(FrozenRecord):
    """One parameter.

    ``kind``: ``string``; ``integer`` (JSON number or decimal string); ``boolean`` (``true``/``false``
    either way); ``strings`` (a JSON array of strings or one comma-separated string, VOD's list form);
    ``json`` (a JSON object, or a string holding JSON, as VOD's ``UserData``); ``objects`` (a JSON array of
    objects, or a string holding one, as VOD's ``UpdateContent``). ``too_many_code``: VOD's code for "too
    many items" (e.g. JobIdsExceededMax); InvalidParameter when None.
    """

    __slots__ = (
        "name",
        "kind",
        "required",
        "description",
        "choices",
        "minimum",
        "maximum",
        "max_items",
        "too_many_code",
    )

    def __init__(
        self,
        name: str,
        kind: Kind = "string",
        required: bool = False,
        description: str = "",
        choices: tuple[str, ...] = (),
        minimum: int | None = None,
        maximum: int | None = None,
        max_items: int | None = None,
        too_many_code: str | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.required = required
        self.description = description
        self.choices = choices
        self.minimum = minimum
        self.maximum = maximum
        self.max_items = max_items
        self.too_many_code = too_many_code

    def parse(self, value: Any) -> Any:
        parser = _PARSERS[self.kind]
        parsed = parser(self, value)
        if self.kind in ("strings", "objects"):
            self._check_size(parsed)
        return parsed

    def _check_size(self, items: tuple[Any, ...]) -> None:
        if self.required and not items:
            raise missing(self.name)
        if self.max_items is not None and len(items) > self.max_items:
            message = (
                f"The {self.name} exceeded maximum: {len(items)} given, at most {self.max_items} per call."
            )
            raise ValidationError(self.name, message, code=self.too_many_code or "InvalidParameter")


def _string(field: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise invalid(field.name, f"expected a string, got {_type_name(value)}")
    if field.choices and value not in field.choices:
        raise invalid(field.name, f"must be one of {', '.join(field.choices)}; got {value!r}")
    return value


def _integer(field: Field, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise invalid(field.name, f"expected an integer, got {_type_name(value)}")
    if isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit():
            raise invalid(field.name, f"expected an integer, got {value!r}")
    number = int(value.strip()) if isinstance(value, str) else int(value)
    if field.minimum is not None and number < field.minimum:
        raise invalid(field.name, f"must be at least {field.minimum}, got {number}")
    if field.maximum is not None and number > field.maximum:
        raise invalid(field.name, f"must be at most {field.maximum}, got {number}")
    return number


def _boolean(field: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise invalid(field.name, f"expected true or false, got {value!r}")


def _strings(field: Field, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [part.strip() for part in value.split(",")]
        if value.strip() == "":
            items = []
    elif isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str):
                raise invalid(field.name, f"item {index} must be a string, got {_type_name(item)}")
            if "," in item:
                raise invalid(field.name, f"item {index} ({item!r}) must not contain a comma")
            items.append(item.strip())
    else:
        raise invalid(
            field.name, f"expected a list of strings or a comma-separated string, got {_type_name(value)}"
        )
    for index, item in enumerate(items):
        if not item:
            raise invalid(field.name, f"item {index} is empty")
        if field.choices and item not in field.choices:
            raise invalid(field.name, f"items must be among {', '.join(field.choices)}; got {item!r}")
    return tuple(dict.fromkeys(items))


def _json(field: Field, value: Any) -> str | dict[str, Any]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str):
        try:
            decoded = boundedjson.loads(value)
        except json.JSONDecodeError as exc:
            raise invalid(field.name, f"the string is not JSON ({exc.msg})") from None
        if not isinstance(decoded, dict):
            raise invalid(field.name, "the JSON must be an object")
        return value
    raise invalid(field.name, f"expected a JSON object, got {_type_name(value)}")


def _objects(field: Field, value: Any) -> tuple[dict[str, Any], ...]:
    if isinstance(value, str):
        try:
            value = boundedjson.loads(value)
        except json.JSONDecodeError as exc:
            raise invalid(field.name, f"the string is not JSON ({exc.msg})") from None
    if not isinstance(value, list):
        raise invalid(field.name, f"expected a JSON array of objects, got {_type_name(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise invalid(field.name, f"item {index} must be an object, got {_type_name(item)}")
    return tuple(value)


_PARSERS: dict[str, Any] = {
    "string": _string,
    "integer": _integer,
    "boolean": _boolean,
    "strings": _strings,
    "json": _json,
    "objects": _objects,
}


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


class Schema:
    """The parameters of one operation, and the rules that span several of them.

    ``one_of``: groups of which at least one must be given (reported as missing under the first name);
    ``exclusive``: groups of which at most one may be given. Unknown parameters are refused: a typo such as
    ``VideoID`` would otherwise be silently ignored and the call would do something else than intended.
    """

    def __init__(
        self,
        *fields: Field,
        one_of: Iterable[tuple[str, ...]] = (),
        exclusive: Iterable[tuple[str, ...]] = (),
    ) -> None:
        self.fields: dict[str, Field] = {f.name: f for f in fields}
        self.one_of = tuple(one_of)
        self.exclusive = tuple(exclusive)
        for group in (*self.one_of, *self.exclusive):
            unknown = [name for name in group if name not in self.fields]
            if unknown:
                raise ValueError(f"schema group names unknown fields: {unknown}")

    def parse(self, data: Mapping[str, Any], *, where: str = "") -> Args:
        """Checked and converted parameters; absent and null parameters are left out.

        ``where`` prefixes the field names in error messages, e.g. ``UpdateContent[3].`` for one entry of a
        batch, so the caller learns which entry is wrong.
        """
        if not where:
            return self._parse(data)
        try:
            return self._parse(data)
        except ValidationError as exc:
            name = f"{where}{exc.field}"
            raise ValidationError(
                name, exc.message.replace(f'"{exc.field}"', f'"{name}"'), code=exc.code
            ) from None

    def _parse(self, data: Mapping[str, Any]) -> Args:
        unknown = [key for key in data if key not in self.fields]
        if unknown:
            raise invalid(
                unknown[0], f"this operation takes no such parameter (it takes {', '.join(self.fields)})"
            )
        args: Args = {}
        for name, field in self.fields.items():
            value = data.get(name)
            if value is None or (isinstance(value, str) and value == "" and field.kind != "strings"):
                if field.required:
                    raise missing(name)
                continue
            parsed = field.parse(value)
            if parsed == ():
                continue  # an empty list (``ids=``) means "not given"; a required one was refused above
            args[name] = parsed
        for group in self.one_of:
            if not any(name in args for name in group):
                raise missing(" or ".join(group))
        for group in self.exclusive:
            given = [name for name in group if name in args]
            if len(given) > 1:
                raise invalid(given[1], f"give only one of {', '.join(group)}")
        return args
