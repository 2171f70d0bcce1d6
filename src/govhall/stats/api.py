"""Statistics API: the figures of the statistics page, for supervisors, department heads (their own department
only) and system administrators. Every endpoint takes the same filters: from, to (YYYY-MM-DD; the last 30
days by default; at most three years), region (行政区划代码, with the regions below it) and department (部门简码).

免提交率 (/stats/paperless, /stats/paperless/items): materials of the cases submitted in the period and how many an
e-licence or shared data satisfied; look-ups and licence uses counted on the day they were made.

The monthly report per department is the supervision app's (/api/v1/stats/departments)."""

from __future__ import annotations

from ninja import Query, Router
from ninja.params.functions import Query as QueryParam

from govhall.core.schemas import responses
from govhall.identity.auth import AuthedRequest, api_auth

from . import selectors
from .schemas import (
    BundlesOut,
    DailyOut,
    ItemsOut,
    PaperlessItemsOut,
    PaperlessOut,
    PerformanceOut,
    StatsParams,
    WarningsOut,
)
from .scope import StatsFilter, stats_filter

router = Router(tags=["统计分析"], auth=api_auth)
LIMIT = QueryParam(10, ge=1, le=50, description="返回的事项数")
# Answers carry the filters as "from" and "to" (by_alias); a caller outside the statistics scope gets 403.


def _filter(request: AuthedRequest, params: StatsParams) -> StatsFilter:
    """The filters, checked against the caller's scope."""
    return stats_filter(request.user, start=params.start, end=params.end, region=params.region,
                        department=params.department)  # fmt: skip


@router.get(
    "/stats/daily", response=responses(DailyOut, 403), by_alias=True, summary="每日办件量（按申报渠道）"
)
def daily(request: AuthedRequest, params: Query[StatsParams]) -> DailyOut:
    f = _filter(request, params)
    days = selectors.cases_per_day(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code
    )
    return DailyOut.of(f, days=days)


@router.get(
    "/stats/performance",
    response=responses(PerformanceOut, 403),
    by_alias=True,
    summary="各部门按时办结率与满意率",
)
def performance(request: AuthedRequest, params: Query[StatsParams]) -> PerformanceOut:
    f = _filter(request, params)
    rows = selectors.department_performance(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code
    )
    return PerformanceOut.of(f, departments=rows)


@router.get(
    "/stats/warnings", response=responses(WarningsOut, 403), by_alias=True, summary="监察预警（按级别和规则）"
)
def warnings(request: AuthedRequest, params: Query[StatsParams]) -> WarningsOut:
    f = _filter(request, params)
    figures = selectors.warnings_by_level(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code
    )
    return WarningsOut.of(f, **figures)


@router.get("/stats/items", response=responses(ItemsOut, 403), by_alias=True, summary="办件量最多的事项")
def items(request: AuthedRequest, params: Query[StatsParams], limit: int = LIMIT) -> ItemsOut:
    f = _filter(request, params)
    rows = selectors.busiest_items(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code, limit=limit
    )
    return ItemsOut.of(f, items=rows)


@router.get(
    "/stats/paperless",
    response=responses(PaperlessOut, 403),
    by_alias=True,
    summary="各部门免提交率与数据调用",
)
def paperless(request: AuthedRequest, params: Query[StatsParams]) -> PaperlessOut:
    """Materials of the cases submitted in the period, how many were satisfied by an e-licence or shared data
    (免提交率), and the look-ups made in the period (granted, licence uses, denied, failed), per department."""
    f = _filter(request, params)
    figures = selectors.paperless(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code
    )
    rows = figures["departments"]
    return PaperlessOut.of(f, summary=figures["summary"], count=len(rows), departments=rows)


@router.get(
    "/stats/paperless/items",
    response=responses(PaperlessItemsOut, 403),
    by_alias=True,
    summary="各事项免提交率与数据调用",
)
def paperless_items(
    request: AuthedRequest, params: Query[StatsParams], limit: int = LIMIT
) -> PaperlessItemsOut:
    """The same figures per item (every version of an item together), most materials first."""
    f = _filter(request, params)
    rows = selectors.paperless(start=f.start, end=f.end, region=f.region_code, department=f.department_code)[
        "items"
    ]
    return PaperlessItemsOut.of(f, count=len(rows), items=rows[:limit])


@router.get(
    "/stats/bundles",
    response=responses(BundlesOut, 403),
    by_alias=True,
    summary="一件事：申请量、办结量、按时率、平均办理工作日（对照承诺时限）",
)
def bundles(request: AuthedRequest, params: Query[StatsParams]) -> BundlesOut:
    f = _filter(request, params)
    rows = selectors.bundle_figures(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code
    )
    return BundlesOut.of(f, count=len(rows), bundles=rows)
