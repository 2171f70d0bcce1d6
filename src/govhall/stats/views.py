"""The statistics page (统计分析): four charts with their data tables, then 免提交率 per department and item,
filtered by period, region and department. Thin: ``scope`` checks who asks and what, ``selectors`` read the figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govhall.core.errors import PermissionDenied, ValidationFailed
from govhall.core.pages import forbidden

from . import selectors
from .scope import WHO_MAY, StatsFilter, is_department_bound, may_view, stats_filter
from .templatetags.stats_format import percent

CRUMBS = [("统计分析", None)]
PAPERLESS_ITEMS = 10  # the items with the most materials, on the page
QUICK_PERIODS = [("近7天", 7), ("近30天", 30), ("近90天", 90), ("近一年", 365)]


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not may_view(user):
        return _forbidden(request, WHO_MAY)
    asked = {key: request.GET.get(key, "").strip()[:20] for key in ("from", "to", "region", "department")}
    bound = is_department_bound(user)
    context: dict[str, Any] = {
        "crumbs": CRUMBS,
        "asked": asked,
        "regions": selectors.region_choices(),
        "departments": selectors.department_choices(user.department if bound else None),
        "department_locked": bound,
        "quick_periods": _quick_periods(timezone.localdate()),
    }
    try:
        f = stats_filter(
            user, start=asked["from"], end=asked["to"], region=asked["region"], department=asked["department"]
        )
    except PermissionDenied as exc:
        return _forbidden(request, exc.message)
    except ValidationFailed as exc:
        context.update(error=exc.message, error_field=exc.field)
        return render(request, "stats/dashboard.html", context, status=422)
    context.update(_figures(f))
    return render(request, "stats/dashboard.html", context)


def _figures(f: StatsFilter) -> dict[str, Any]:
    start, end, region, department = f.start, f.end, f.region_code, f.department_code
    daily = selectors.cases_per_day(start=start, end=end, region=region, department=department)
    performance = selectors.department_performance(start=start, end=end, region=region, department=department)
    warnings = selectors.warnings_by_level(start=start, end=end, region=region, department=department)
    items = selectors.busiest_items(start=start, end=end, region=region, department=department)
    paperless = selectors.paperless(start=start, end=end, region=region, department=department)
    rated = [r for r in paperless["departments"] if r["materials"]]  # a rate needs materials
    unit = selectors.period_unit(start, end)
    periods = selectors.cases_per_period(daily, unit)
    rates = [r["on_time_rate"] for r in performance] + [r["satisfaction_rate"] for r in performance]
    rate_floor = selectors.rate_axis_floor(rates)
    return {
        "filter": f,
        "daily": periods,
        "period_unit": unit,
        "period_label": selectors.PERIOD_UNITS[unit],
        "rate_floor": rate_floor,
        "performance": performance,
        "warnings": warnings,
        "items": items,
        "summary": selectors.summary(performance, warnings),
        "paperless": {**paperless, "items": paperless["items"][:PAPERLESS_ITEMS]},
        "paperless_item_count": len(paperless["items"]),
        "bundles": selectors.bundle_figures(start=start, end=end, region=region, department=department),
        "chart_data": {
            "daily": periods,
            "unit": unit,
            "rate_floor": rate_floor,
            "performance": performance,
            "warnings": warnings,
            "items": items,
            "paperless": [_paperless_bar(r) for r in rated],
        },
    }


def _paperless_bar(row: dict[str, Any]) -> dict[str, Any]:
    """A department's bar: its rate as a percentage rounded as the table shows it (87.65% is 87.7% in both)."""
    keys = ("short_name", "department_name", "materials", "paperless")
    return {key: row[key] for key in keys} | {"percent": float(percent(row["paperless_rate"]).rstrip("%"))}


def _quick_periods(today: dt.date) -> list[tuple[str, str, str]]:
    return [
        (label, (today - dt.timedelta(days=days - 1)).isoformat(), today.isoformat())
        for label, days in QUICK_PERIODS
    ]


def _forbidden(request: HttpRequest, message: str) -> HttpResponse:
    return forbidden(request, message, title="没有权限查看统计分析", crumbs=CRUMBS)
