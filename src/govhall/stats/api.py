"""Statistics API: the figures of the statistics page, for supervisors, department heads (their own department
only) and system administrators. Every endpoint takes the same filters: from, to (YYYY-MM-DD; the last 30
days by default; at most three years), region (行政区划代码, with the regions below it) and department (部门简码).

The monthly report per department is the supervision app's (/api/v1/stats/departments)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from govhall.identity.auth import api_auth

from . import selectors
from .scope import StatsFilter, stats_filter

router = Router(tags=["统计分析"], auth=api_auth)
FROM_DATE = Query(None, alias="from", description="起始日期 YYYY-MM-DD（默认为截止日期前 29 天）")
TO_DATE = Query(None, alias="to", description="截止日期 YYYY-MM-DD（含；默认今天）")
REGION = Query(None, description="行政区划代码（含下级区划）")
DEPARTMENT = Query(None, description="部门简码；部门负责人只能查看本部门")
LIMIT = Query(10, ge=1, le=50, description="返回的事项数")


def _filter(
    request: HttpRequest, start: str | None, end: str | None, region: str | None, department: str | None
) -> StatsFilter:
    return stats_filter(request.user, start=start, end=end, region=region, department=department)


def _answer(f: StatsFilter, **data: Any) -> dict[str, Any]:
    return {**f.as_dict(), **data}


@router.get("/stats/daily", response=dict, summary="每日办件量（按申报渠道）")
def daily(
    request: HttpRequest,
    start: str | None = FROM_DATE,
    end: str | None = TO_DATE,
    region: str | None = REGION,
    department: str | None = DEPARTMENT,
) -> dict[str, Any]:
    f = _filter(request, start, end, region, department)
    days = selectors.cases_per_day(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code
    )
    return _answer(f, days=days)


@router.get("/stats/performance", response=dict, summary="各部门按时办结率与满意率")
def performance(
    request: HttpRequest,
    start: str | None = FROM_DATE,
    end: str | None = TO_DATE,
    region: str | None = REGION,
    department: str | None = DEPARTMENT,
) -> dict[str, Any]:
    f = _filter(request, start, end, region, department)
    rows = selectors.department_performance(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code
    )
    return _answer(f, departments=rows)


@router.get("/stats/warnings", response=dict, summary="监察预警（按级别和规则）")
def warnings(
    request: HttpRequest,
    start: str | None = FROM_DATE,
    end: str | None = TO_DATE,
    region: str | None = REGION,
    department: str | None = DEPARTMENT,
) -> dict[str, Any]:
    f = _filter(request, start, end, region, department)
    figures = selectors.warnings_by_level(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code
    )
    return _answer(f, **figures)


@router.get("/stats/items", response=dict, summary="办件量最多的事项")
def items(
    request: HttpRequest,
    start: str | None = FROM_DATE,
    end: str | None = TO_DATE,
    region: str | None = REGION,
    department: str | None = DEPARTMENT,
    limit: int = LIMIT,
) -> dict[str, Any]:
    f = _filter(request, start, end, region, department)
    rows = selectors.busiest_items(
        start=f.start, end=f.end, region=f.region_code, department=f.department_code, limit=limit
    )
    return _answer(f, items=rows)
