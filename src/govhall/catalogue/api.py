"""Catalogue API: search items, read a guide, list themes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from . import selectors
from .models import ServiceItem

router = Router(tags=["事项目录"])


class ItemSummary(Schema):
    implementation_code: str
    basic_code: str
    name: str
    version: int
    item_type: str
    item_type_label: str
    department: str
    department_code: str
    region: str
    audiences: list[str]
    case_kind: str
    case_kind_label: str
    legal_time_limit: int
    promised_time_limit: int
    visits: int
    online_depth: int


class ItemPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ItemSummary]


class MaterialOut(Schema):
    id: int
    name: str
    requirement: str
    condition: str
    form: str
    copies: int
    medium: str
    source: str
    source_ref: str
    sample: str
    common_mistakes: str
    legal_basis: str
    notes: str


class ItemGuide(ItemSummary):
    status: str
    published_at: dt.datetime | None
    level: str
    themes: list[str]
    special_procedures: list[dict[str, Any]]
    fee_charged: bool
    fee_standard: str
    fee_basis: str
    tag_immediate: bool
    tag_online: bool
    tag_one_visit: bool
    tag_nearby: bool
    regionwide: bool
    legal_basis: str
    conditions: str
    process_steps: list[dict[str, Any]]
    result_name: str
    result_type: str
    place: str
    office_hours: str
    consult_phone: str
    complaint_phone: str
    keywords: list[str]
    faqs: list[dict[str, Any]]
    materials: list[MaterialOut]


class ThemeOut(Schema):
    code: str
    name: str
    audience: str
    order: int


class SearchParams(Schema):
    q: str = ""
    audience: str | None = None
    theme: str | None = None
    department: str | None = None
    region: str | None = None
    page: int = 1
    page_size: int = 20


def _summary(item: ServiceItem) -> dict[str, Any]:
    return {
        "implementation_code": item.implementation_code,
        "basic_code": item.basic_code,
        "name": item.name,
        "version": item.version,
        "item_type": item.item_type,
        "item_type_label": item.get_item_type_display(),
        "department": item.department.name,
        "department_code": item.department.code,
        "region": item.region_id,
        "audiences": item.audiences,
        "case_kind": item.case_kind,
        "case_kind_label": item.get_case_kind_display(),
        "legal_time_limit": item.legal_time_limit,
        "promised_time_limit": item.promised_time_limit,
        "visits": item.visits,
        "online_depth": item.online_depth,
    }


def guide_dict(item: ServiceItem) -> dict[str, Any]:
    data = _summary(item)
    for name in ItemGuide.model_fields:
        if name not in data and name not in ("themes", "materials"):
            data[name] = getattr(item, name)
    data["themes"] = [t.code for t in item.themes.all()]
    data["materials"] = list(item.materials.all())
    return data


@router.get("/items", response=ItemPage, summary="检索政务服务事项", auth=None)
def search_items(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    filters = selectors.SearchFilters(
        audience=params.audience or None,
        theme=params.theme or None,
        department=params.department or None,
        region=params.region or None,
    )
    page = selectors.item_search(q=params.q, filters=filters, page=params.page, page_size=params.page_size)
    return {
        "count": page.count,
        "page": page.page,
        "page_size": page.page_size,
        "items": [_summary(i) for i in page.items],
    }


@router.get("/items/{implementation_code}", response=ItemGuide, summary="办事指南（含申请材料）", auth=None)
def get_item(
    request: HttpRequest, implementation_code: str, version: int | None = Query(None, ge=1, le=1_000_000)
) -> dict[str, Any]:
    if version is not None:
        return guide_dict(selectors.item_get_version(implementation_code, version))
    return guide_dict(selectors.item_get_published(implementation_code))


@router.get("/themes", response=list[ThemeOut], summary="主题列表", auth=None)
def themes(request: HttpRequest, audience: str | None = None) -> list[Any]:
    return list(selectors.theme_list(audience=audience))
