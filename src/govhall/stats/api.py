"""Statistics API: the figures of the statistics page, for supervisors, department heads (their own department
only) and system administrators. Every endpoint takes the same filters: from, to (YYYY-MM-DD; the last 30
days by default; at most three years), region (行政区划代码, with the regions below it) and department (部门简码).

The monthly report per department is the supervision app's (/api/v1/stats/departments)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from govhall.identity.auth import api_auth

from . import selectors
from .scope import stats_filter

router = Router(tags=["统计分析"], auth=api_auth)
LIMIT = Query(10, ge=1, le=50, description="返回的事项数")


class StatsParams(Schema):
    """The filters every statistics endpoint takes."""

    start: str | None = Field(None, alias="from", description="起始日期 YYYY-MM-DD（默认为截止日期前 29 天）")
    end: str | None = Field(None, alias="to", description="截止日期 YYYY-MM-DD（含；默认今天）")
    region: str | None = Field(None, description="行政区划代码（含下级区划）")
    department: str | None = Field(None, description="部门简码；部门负责人只能查看本部门")


def _answer(request: HttpRequest, params: StatsParams, figures: Callable[..., Any], key: str | None,
            **extra: Any) -> dict[str, Any]:  # fmt: skip
    """Check the filters against the caller's scope, compute the figures, and answer them with the filters."""
    f = stats_filter(request.user, start=params.start, end=params.end, region=params.region,
                     department=params.department)  # fmt: skip
    data = figures(start=f.start, end=f.end, region=f.region_code, department=f.department_code, **extra)
    return {**f.as_dict(), **(data if key is None else {key: data})}


@router.get("/stats/daily", response=dict, summary="每日办件量（按申报渠道）")
def daily(request: HttpRequest, params: Query[StatsParams]) -> dict[str, Any]:
    return _answer(request, params, selectors.cases_per_day, "days")


@router.get("/stats/performance", response=dict, summary="各部门按时办结率与满意率")
def performance(request: HttpRequest, params: Query[StatsParams]) -> dict[str, Any]:
    return _answer(request, params, selectors.department_performance, "departments")


@router.get("/stats/warnings", response=dict, summary="监察预警（按级别和规则）")
def warnings(request: HttpRequest, params: Query[StatsParams]) -> dict[str, Any]:
    return _answer(request, params, selectors.warnings_by_level, None)


@router.get("/stats/items", response=dict, summary="办件量最多的事项")
def items(request: HttpRequest, params: Query[StatsParams], limit: int = LIMIT) -> dict[str, Any]:
    return _answer(request, params, selectors.busiest_items, "items", limit=limit)
