"""Categories: AddCategory, GetCategories, UpdateCategory, DeleteCategory (three levels at most)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vodfc.emulator.vod.actions.common import (
    Params,
    check_text,
    choice,
    int_param,
    page,
    required,
    sort_desc,
    to_int,
)
from vodfc.emulator.vod.models import VodBackend
from vodfc.shared.validation import CATE_NAME_MAX_BYTES

if TYPE_CHECKING:
    from vodfc.emulator.protocol import RequestContext

TYPES = ("default", "material")


def _cate_name(backend: VodBackend, params: Params) -> str:
    name = required(params, "CateName")
    return check_text(
        "CateName", name, CATE_NAME_MAX_BYTES, in_bytes=backend.options.limits_in_bytes, no_emoji=True
    )


def add_category(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    name = _cate_name(backend, params)
    parent_id = int_param(params, "ParentId", -1)
    cate_type = choice(params, "Type", TYPES, "default") or "default"
    cate = backend.add_category(name, parent_id, cate_type, now=ctx.now)
    return {"Category": cate.body()}


def get_categories(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    cate_id = int_param(params, "CateId", -1)
    assert cate_id is not None
    page_no, page_size = page(params)
    descending = sort_desc(params)
    cate_type = choice(params, "Type", TYPES, "default")
    body: dict[str, Any] = {}
    if cate_id == -1:
        children = backend.children(-1, cate_type)
    else:
        parent = backend.get_category(cate_id)
        body["Category"] = parent.body()
        children = backend.children(cate_id)
    children.sort(key=lambda c: (c.creation_time, c.cate_id), reverse=descending)
    chunk = children[(page_no - 1) * page_size : page_no * page_size]
    body["SubTotal"] = len(children)
    body["SubCategories"] = {
        "Category": [{**c.body(), "SubTotal": len(backend.children(c.cate_id))} for c in chunk]
    }
    return body


def update_category(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    cate_id = to_int(required(params, "CateId"), "CateId")
    name = _cate_name(backend, params)
    cate = backend.get_category(cate_id)
    cate.cate_name = name
    backend.save_category(cate)
    return {}


def delete_category(backend: VodBackend, params: Params, ctx: RequestContext) -> dict[str, Any]:
    cate_id = to_int(required(params, "CateId"), "CateId")
    backend.delete_category(cate_id)
    return {}


ACTIONS = {
    "AddCategory": add_category,
    "GetCategories": get_categories,
    "UpdateCategory": update_category,
    "DeleteCategory": delete_category,
}
