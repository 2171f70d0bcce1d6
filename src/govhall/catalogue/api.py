"""Catalogue API: search items, read a guide, list themes; list bundles (一件事) and read a bundle's guide."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router
from ninja.params.functions import Query as QueryParam

from govhall.core.schemas import responses

from . import selectors
from .schemas import (
    BundleGuideOut,
    BundlePage,
    BundleParams,
    BundleSummary,
    ItemGuide,
    ItemPage,
    ItemSummary,
    SearchParams,
    ThemeOut,
)

router = Router(tags=["事项目录"])


@router.get("/items", response=responses(ItemPage, auth=False), summary="检索政务服务事项", auth=None)
def search_items(request: HttpRequest, params: Query[SearchParams]) -> ItemPage:
    filters = selectors.SearchFilters(
        audience=params.audience or None,
        theme=params.theme or None,
        department=params.department or None,
        region=params.region or None,
    )
    page = selectors.item_search(q=params.q, filters=filters, page=params.page, page_size=params.page_size)
    return ItemPage(
        count=page.count,
        page=page.page,
        page_size=page.page_size,
        items=[ItemSummary.of(i) for i in page.items],
    )


@router.get(
    "/items/{implementation_code}",
    response=responses(ItemGuide, 404, auth=False),
    summary="办事指南（含申请材料、申请表字段）",
    auth=None,
)
def get_item(
    request: HttpRequest, implementation_code: str, version: int | None = QueryParam(None, ge=1, le=1_000_000)
) -> ItemGuide:
    item, joint = selectors.item_guide_get(implementation_code, version=version)
    return ItemGuide.of_guide(item, joint_departments=joint)


@router.get("/themes", response=responses(list[ThemeOut], auth=False), summary="主题列表", auth=None)
def themes(request: HttpRequest, audience: str | None = None) -> list[ThemeOut]:
    return [ThemeOut.of(t) for t in selectors.theme_list(audience=audience)]


@router.get(
    "/bundles",
    response=responses(BundlePage, auth=False),
    summary="一件事列表（可按生活事件检索）",
    auth=None,
)
def list_bundles(request: HttpRequest, params: Query[BundleParams]) -> BundlePage:
    bundles = selectors.bundle_list(audience=params.audience, q=params.q)
    return BundlePage(count=len(bundles), items=[BundleSummary.of(b) for b in bundles])


@router.get(
    "/bundles/{code}",
    response=responses(BundleGuideOut, 404, auth=False),
    summary="一件事办事指南（含事项及办理顺序、一张表单、一套材料）",
    auth=None,
)
def get_bundle(
    request: HttpRequest, code: str, version: int | None = QueryParam(None, ge=1, le=1_000_000)
) -> BundleGuideOut:
    bundle = (
        selectors.bundle_get_published(code)
        if version is None
        else selectors.bundle_get_version(code, version)
    )
    return BundleGuideOut.of_guide(selectors.bundle_guide(bundle))
