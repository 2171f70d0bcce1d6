"""Reads behind the statistics page and GET /api/v1/stats/...: cases per day by channel, on-time and
satisfaction rates by department, warnings by level, the busiest items.

Every figure is one GROUP BY over an indexed period range (submitted_at, completed_at, ratings' created_at,
warnings' opened_at); Python only reshapes the grouped rows (one per day and channel, one per department).
Periods are local dates, both ends included. A region means the region and every region below it, matched
against the case's region (受理区划).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from govhall.cases.models import Case, Channel
from govhall.evaluation.models import GOOD_LEVELS
from govhall.evaluation.selectors import ratings_in
from govhall.identity.models import Department, Region, RegionLevel
from govhall.identity.selectors import region_subtree_codes
from govhall.supervision.models import RuleCode, Warning, WarningLevel

CHANNELS = [c.value for c in Channel]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _within(field: str, start: dt.date, end: dt.date) -> Q:
    """``field`` (a datetime) falls on a local date in [start, end]: a plain range, so its index serves."""
    return Q(**{f"{field}__gte": _day_start(start), f"{field}__lt": _day_start(end + dt.timedelta(days=1))})


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _cases(region: str | None, department: str | None) -> QuerySet[Case]:
    rows = Case.objects.order_by()
    if region:
        rows = rows.filter(region_id__in=region_subtree_codes(region))
    if department:
        rows = rows.filter(department__code=department)
    return rows


def cases_per_day(
    *, start: dt.date, end: dt.date, region: str | None = None, department: str | None = None
) -> list[dict[str, Any]]:
    """Cases submitted on each local date of the period by channel (web, window, api) and in total; every
    date is listed, with zeros where nothing came in."""
    grouped = (
        _cases(region, department)
        .filter(_within("submitted_at", start, end))
        .annotate(day=TruncDate("submitted_at"))
        .values("day", "channel")
        .annotate(count=Count("pk"))
    )
    days = {start + dt.timedelta(days=i): dict.fromkeys(CHANNELS, 0) for i in range((end - start).days + 1)}
    for row in grouped:
        counts = days.get(row["day"])
        if counts is not None:
            counts[row["channel"]] = counts.get(row["channel"], 0) + row["count"]
    return [{"date": day, **counts, "total": sum(counts.values())} for day, counts in days.items()]


def department_performance(
    *, start: dt.date, end: dt.date, region: str | None = None, department: str | None = None
) -> list[dict[str, Any]]:
    """Per department with activity in the period: cases submitted and completed; of the completed with a
    promised date, those decided (or else completed) on or before it, and the on-time rate; ratings given
    and the satisfaction rate (good ratings, levels 3 to 5, over all ratings). Most completed first."""
    cases = _cases(region, department)
    finished_on = TruncDate(Coalesce("decided_at", "completed_at"))
    parts = [
        cases.filter(_within("submitted_at", start, end))
        .values("department_id")
        .annotate(submitted=Count("pk")),
        cases.filter(_within("completed_at", start, end))
        .annotate(finished_on=finished_on)
        .values("department_id")
        .annotate(
            completed=Count("pk"),
            timed=Count("pk", filter=Q(promised_due__isnull=False)),
            on_time=Count("pk", filter=Q(promised_due__isnull=False, finished_on__lte=F("promised_due"))),
        ),
        _ratings(start, end, region, department)
        .values("department_id")
        .annotate(ratings=Count("pk"), good_ratings=Count("pk", filter=Q(level__in=GOOD_LEVELS))),
    ]
    figures: dict[int, dict[str, int]] = {}
    for part in parts:
        for row in part:
            figures.setdefault(row.pop("department_id"), {}).update(row)
    names = Department.objects.filter(pk__in=figures).values_list("pk", "code", "name", "short_name")
    keys = ("submitted", "completed", "timed", "on_time", "ratings", "good_ratings")
    rows: list[dict[str, Any]] = []
    for pk, code, name, short_name in names:
        f = {key: figures[pk].get(key, 0) for key in keys}
        rows.append({
            "department": code, "department_name": name, "short_name": short_name or name, **f,
            "on_time_rate": _rate(f["on_time"], f["timed"]),
            "satisfaction_rate": _rate(f["good_ratings"], f["ratings"]),
        })  # fmt: skip
    rows.sort(key=lambda r: (-r["completed"], -r["submitted"], -r["ratings"], r["department"]))
    return rows


def _ratings(start: dt.date, end: dt.date, region: str | None, department: str | None) -> QuerySet[Any]:
    ratings = ratings_in(start=start, end=end, department=department).order_by()
    if region:
        ratings = ratings.filter(case__region_id__in=region_subtree_codes(region))
    return ratings


def warnings_by_level(
    *, start: dt.date, end: dt.date, region: str | None = None, department: str | None = None
) -> dict[str, Any]:
    """Warnings opened in the period and warnings open now, per level and per rule. A warning belongs to
    its case's region, or (without a case) to its department's."""
    opened = _within("opened_at", start, end)
    still_open = Q(resolved_at__isnull=True)
    rows = Warning.objects.order_by().filter(opened | still_open)
    if region:
        codes = region_subtree_codes(region)
        rows = rows.filter(
            Q(case__region_id__in=codes) | Q(case__isnull=True, department__region_id__in=codes)
        )
    if department:
        rows = rows.filter(department__code=department)
    grouped = rows.values("rule", "level").annotate(
        opened=Count("pk", filter=opened), open=Count("pk", filter=still_open)
    )
    levels = {
        level.value: {"level": level.value, "label": level.label, "opened": 0, "open": 0}
        for level in WarningLevel
    }
    rules: list[dict[str, Any]] = []
    for row in grouped:
        level = levels.setdefault(
            row["level"], {"level": row["level"], "label": row["level"], "opened": 0, "open": 0}
        )
        level["opened"] += row["opened"]
        level["open"] += row["open"]
        label = RuleCode(row["rule"]).label if row["rule"] in RuleCode.values else row["rule"]
        rules.append({**row, "label": label, "level_label": level["label"]})
    rules.sort(key=lambda r: (-r["opened"], -r["open"], r["rule"], r["level"]))
    return {"levels": list(levels.values()), "rules": rules}


def busiest_items(
    *,
    start: dt.date,
    end: dt.date,
    region: str | None = None,
    department: str | None = None,
    limit: int = 10,
) -> list[dict[str, Any]]:
    """The items with the most cases submitted in the period (every version of an item counts as one), with
    how many of those are completed by now."""
    rows = (
        _cases(region, department)
        .filter(_within("submitted_at", start, end))
        .values("item__implementation_code")
        .annotate(
            count=Count("pk"),
            completed=Count("pk", filter=Q(completed_at__isnull=False)),
            name=Max("item__name"),
            department_name=Max("department__name"),
        )
        .order_by("-count", "item__implementation_code")[:limit]
    )
    return [
        {
            "implementation_code": row["item__implementation_code"],
            "name": row["name"],
            "department_name": row["department_name"],
            "count": row["count"],
            "completed": row["completed"],
        }
        for row in rows
    ]


def summary(performance: list[dict[str, Any]], warnings: dict[str, Any]) -> dict[str, Any]:
    """Totals over the department rows and warning levels already read (no further query)."""
    totals = {
        key: sum(row[key] for row in performance)
        for key in ("submitted", "completed", "timed", "on_time", "ratings", "good_ratings")
    }
    return {
        **totals,
        "on_time_rate": _rate(totals["on_time"], totals["timed"]),
        "satisfaction_rate": _rate(totals["good_ratings"], totals["ratings"]),
        "warnings_opened": sum(level["opened"] for level in warnings["levels"]),
        "warnings_open": sum(level["open"] for level in warnings["levels"]),
    }


REGION_DEPTH = {RegionLevel.COUNTY: 0, RegionLevel.TOWN: 1, RegionLevel.VILLAGE: 2}


def region_choices() -> list[tuple[str, str]]:
    """The county's regions for the filter: each county, then its towns and villages, indented by level."""
    rows = (
        Region.objects.filter(level__in=list(REGION_DEPTH))
        .order_by("code")
        .values_list("code", "name", "level")
    )
    return [(code, "\u3000" * REGION_DEPTH[RegionLevel(level)] + name) for code, name, level in rows]


def department_choices(only: Department | None = None) -> list[tuple[str, str]]:
    """Departments for the filter, by code; a department head's own department alone."""
    rows = Department.objects.order_by("code")
    if only is not None:
        rows = rows.filter(pk=only.pk)
    return list(rows.values_list("code", "name"))
