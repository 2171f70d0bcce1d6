"""Portal pages of the catalogue: home, search, guide, a bundle's guide, departments. Readable and searchable
without JavaScript."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from govhall.core.errors import DomainError, NotFound
from govhall.identity.selectors import department_list, hall_list, region_list

from . import selectors
from .models import Audience
from .sources import material_ways

HOT_WORDS = ["社保卡", "户口迁移", "公积金提取", "结婚登记", "开饭店", "营业执照", "驾驶证"]
GUIDE_SECTIONS = [
    ("basic", "基本信息"),
    ("conditions", "受理条件"),
    ("materials", "申请材料"),
    ("process", "办理流程"),
    ("time", "办理时限"),
    ("fees", "收费标准"),
    ("basis", "设定依据"),
    ("where", "办理地点和时间"),
    ("contact", "咨询监督"),
    ("faq", "常见问题"),
]
BUNDLE_SECTIONS = [
    ("conditions", "受理条件"),
    ("order", "办理事项和顺序"),
    ("materials", "一套材料"),
    ("form", "一张表单"),
    ("time", "办理时限"),
    ("results", "结果领取"),
    ("basis", "政策依据"),
    ("where", "办理地点和时间"),
    ("contact", "咨询监督"),
    ("faq", "常见问题"),
]


def home(request: HttpRequest) -> HttpResponse:
    blocks = [
        {
            "audience": Audience.PERSON.value,
            "title": "个人办事",
            "themes": selectors.theme_list(audience="person"),
        },
        {
            "audience": Audience.ENTERPRISE.value,
            "title": "法人办事",
            "themes": selectors.theme_list(audience="enterprise"),
        },
    ]
    context = {
        "theme_blocks": blocks,
        "popular": selectors.item_popular(limit=12),
        "bundles": selectors.bundle_popular(limit=6),
        "hot_words": HOT_WORDS,
        "item_count": selectors.item_published_count(),
    }
    return render(request, "catalogue/home.html", context)


def search(request: HttpRequest) -> HttpResponse:
    # Not cut to the limit: a too-long query gets the selector's message; only what is echoed is bounded.
    q = request.GET.get("q", "")[: selectors.MAX_QUERY_LENGTH * 16]
    filters = selectors.SearchFilters(
        audience=request.GET.get("audience") or None,
        theme=request.GET.get("theme") or None,
        department=request.GET.get("department") or None,
        region=request.GET.get("region") or None,
    )
    raw_page = request.GET.get("page", "1")
    page_number = min(int(raw_page), selectors.MAX_PAGE) if re.fullmatch(r"[0-9]{1,6}", raw_page) else 1
    page_number = max(page_number, 1)
    error, status, bundles = None, 200, []
    try:
        page = selectors.item_search(q=q, filters=filters, page=page_number, page_size=15)
        if page_number == 1:
            bundles = selectors.bundle_search(q)
    except DomainError as exc:
        error, status = exc.message, exc.status
        page = selectors.SearchPage(0, [], 1, 15)
    params = {k: v for k, v in {"q": q, **vars(filters)}.items() if v}
    context = {
        "q": q,
        "max_query_length": selectors.MAX_QUERY_LENGTH,
        "filters": filters,
        "page": page,
        "bundles": bundles,
        "error": error,
        "base_query": urlencode(params),
        "themes": selectors.theme_list(),
        "departments": department_list(),
        "regions": region_list(levels=["county", "town"]),
        "crumbs": [("事项检索", None)],
    }
    return render(request, "catalogue/search.html", context, status=status)


def guide(request: HttpRequest, implementation_code: str) -> HttpResponse:
    try:
        version = request.GET.get("version", "")
        if re.fullmatch(r"[0-9]{1,6}", version):
            item = selectors.item_get_version(implementation_code, int(version), public=True)
        else:
            item = selectors.item_get_published(implementation_code)
    except NotFound:
        return render(request, "web/not_found.html", {"crumbs": [("未找到", None)]}, status=404)
    audience = "person" if item.for_person else "enterprise"
    apply_path = reverse("web:apply", args=[item.implementation_code])
    apply_url = (
        apply_path
        if request.user.is_authenticated
        else f"{reverse('web:login')}?{urlencode({'next': apply_path})}"
    )
    materials = list(item.materials.all())
    ways = material_ways(item, materials)
    for material in materials:
        material.way = ways.get(material.pk, "")  # type: ignore[attr-defined]
    context = {
        "item": item,
        "materials": materials,
        "sections": GUIDE_SECTIONS,
        "apply_url": apply_url,
        "crumbs": [
            (
                "个人办事" if audience == "person" else "法人办事",
                f"{reverse('web:search')}?audience={audience}",
            ),
            (item.name, None),
        ],
    }
    return render(request, "catalogue/guide.html", context)


def bundle_guide(request: HttpRequest, code: str) -> HttpResponse:
    version = request.GET.get("version", "")
    try:
        bundle = (
            selectors.bundle_get_version(code, int(version))
            if re.fullmatch(r"[0-9]{1,6}", version)
            else selectors.bundle_get_published(code)
        )
    except NotFound:
        return render(request, "web/not_found.html", {"crumbs": [("未找到", None)]}, status=404)
    guide = selectors.bundle_guide(bundle)
    audience = bundle.audience
    context = {
        "bundle": bundle,
        "guide": guide,
        "sections": BUNDLE_SECTIONS,
        "crumbs": [
            (
                "个人办事" if audience == "person" else "法人办事",
                f"{reverse('web:search')}?audience={audience}",
            ),
            (bundle.name, None),
        ],
    }
    return render(request, "catalogue/bundle.html", context)


def departments(request: HttpRequest) -> HttpResponse:
    context = {"departments": department_list(), "halls": hall_list(), "crumbs": [("部门服务", None)]}
    return render(request, "catalogue/departments.html", context)
