"""Reads behind the statistics page and GET /api/v1/stats/...: cases per day by channel, on-time and
satisfaction rates by department, warnings by level, the busiest items, and 免提交率 (materials satisfied by an
e-licence or shared data) with the look-ups behind it, by department and by item.

Every figure is one GROUP BY over an indexed period range (submitted_at, completed_at, ratings' created_at,
warnings' opened_at); Python only reshapes the grouped rows (one per day and channel, one per department).
Periods are local dates, both ends included. A region means the region and every region below it, matched
against the case's region (受理区划).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from govhall.cases.models import APPLICATION_CHANNELS, BundleCase, Case, CaseMaterial, Satisfaction
from govhall.catalogue.models import ServiceItem
from govhall.core.selectors import work_calendar
from govhall.evaluation.models import GOOD_LEVELS
from govhall.evaluation.selectors import ratings_in
from govhall.identity.models import Department, Region, RegionLevel
from govhall.identity.selectors import region_subtree_codes
from govhall.licences.models import LicenceUse
from govhall.sharing.models import LookupLog, Outcome
from govhall.supervision.models import RuleCode, Warning, WarningLevel

CHANNELS = [c.value for c in APPLICATION_CHANNELS]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _within(field: str, start: dt.date, end: dt.date) -> Q:
    """``field`` (a datetime) falls on a local date in [start, end]: a plain range, so its index serves."""
    return Q(**{f"{field}__gte": _day_start(start), f"{field}__lt": _day_start(end + dt.timedelta(days=1))})


class LocalDate(TruncDate):
    """TruncDate: the local date of a datetime. On SQLite, Django converts every row in a Python function
    (django_datetime_cast_date, about 10 µs a row: 0.7 s for a year of 100k cases); when the time zone keeps
    one UTC offset over the period (Asia/Shanghai always does), SQLite's own date() with that offset gives
    the same date natively. PostgreSQL always uses TruncDate's AT TIME ZONE."""

    def __init__(self, expression: Any, *, start: dt.date, end: dt.date) -> None:
        super().__init__(expression)
        self.offset_minutes = _fixed_offset_minutes(start, end)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple[Any, ...]]:
        if self.offset_minutes is None:
            return self.as_sql(compiler, connection)
        sql, params = compiler.compile(self.lhs)
        return f"date({sql}, %s)", (*params, f"{self.offset_minutes:+d} minutes")


def _fixed_offset_minutes(start: dt.date, end: dt.date) -> int | None:
    """The current zone's UTC offset in minutes if it is the same on every day of the period, else None."""
    zone = timezone.get_current_timezone()
    offsets = {
        zone.utcoffset(dt.datetime.combine(start + dt.timedelta(days=i), moment))
        for i in range(-1, (end - start).days + 2)
        for moment in (dt.time.min, dt.time(12))
    }
    if len(offsets) != 1:
        return None
    offset = offsets.pop()
    return None if offset is None else int(offset.total_seconds()) // 60


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
        .annotate(day=LocalDate("submitted_at", start=start, end=end))
        .values("day", "channel")
        .annotate(count=Count("pk"))
    )
    days = {start + dt.timedelta(days=i): dict.fromkeys(CHANNELS, 0) for i in range((end - start).days + 1)}
    for row in grouped:
        counts = days.get(row["day"])
        if counts is not None:
            counts[row["channel"]] = counts.get(row["channel"], 0) + row["count"]
    return [{"date": day, **counts, "total": sum(counts.values())} for day, counts in days.items()]


# A period is charted by day up to two months, by week (Monday to Sunday) up to a year, by month beyond:
# a year of daily bars is a comb nobody can read.
DAILY_UP_TO_DAYS = 62
WEEKLY_UP_TO_DAYS = 366
PERIOD_UNITS = {"day": "每日", "week": "每周", "month": "每月"}


def period_unit(start: dt.date, end: dt.date) -> str:
    days = (end - start).days + 1
    return "day" if days <= DAILY_UP_TO_DAYS else "week" if days <= WEEKLY_UP_TO_DAYS else "month"


def _period_start(day: dt.date, unit: str) -> dt.date:
    if unit == "week":
        return day - dt.timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    return day


def _period_label(first: dt.date, last: dt.date, unit: str) -> str:
    if unit == "month":
        return f"{first:%Y-%m}"
    if unit == "week":
        return f"{first:%m-%d}起"  # short, so the axis keeps it whole; the table gives first and last day
    return f"{first:%m-%d}"


def cases_per_period(daily: list[dict[str, Any]], unit: str) -> list[dict[str, Any]]:
    """The daily counts summed by ``unit`` (day, week or month); each period's ``date`` and ``end`` are its
    first and last day inside the asked period, ``label`` what the chart's axis shows."""
    periods: dict[dt.date, dict[str, Any]] = {}
    for row in daily:
        key = _period_start(row["date"], unit)
        period = periods.setdefault(key, {"date": row["date"], **dict.fromkeys((*CHANNELS, "total"), 0)})
        period["end"] = row["date"]
        for name in (*CHANNELS, "total"):
            period[name] += row[name]
    for period in periods.values():
        period["label"] = _period_label(period["date"], period["end"], unit)
    return list(periods.values())


def rate_axis_floor(rates: list[float | None]) -> int:
    """Where a percentage axis starts: 0, unless every rate is above 90%, when it starts a little below the
    lowest (a multiple of 5) so that 92% and 99% do not look alike. The page says where the axis starts."""
    known = [r * 100 for r in rates if r is not None]
    if not known or min(known) <= 90:
        return 0
    return int((min(known) - 2) // 5 * 5)


def department_performance(
    *, start: dt.date, end: dt.date, region: str | None = None, department: str | None = None
) -> list[dict[str, Any]]:
    """Per department with activity in the period: cases submitted and completed; of the completed with a
    promised date, those decided (or else completed) on or before it, and the on-time rate; ratings given
    and the satisfaction rate (good ratings, levels 3 to 5, over all ratings). Most completed first."""
    cases = _cases(region, department)
    # decided (or else completed) on: a case completed in the period may have been decided a little before
    finished_on = LocalDate(
        Coalesce("decided_at", "completed_at"), start=start - dt.timedelta(days=366), end=end
    )
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
    how many of those are completed by now. Cases are grouped by item version without a join; the versions'
    codes and names are read for the (few) versions found, and versions of one item are added together."""
    per_version = (
        _cases(region, department)
        .filter(_within("submitted_at", start, end))
        .values("item_id")
        .annotate(count=Count("pk"), completed=Count("pk", filter=Q(completed_at__isnull=False)))
    )
    counts = {row["item_id"]: row for row in per_version}
    versions = ServiceItem.objects.filter(pk__in=counts).order_by("version")
    items: dict[str, dict[str, Any]] = {}
    for pk, code, name, department_name in versions.values_list(
        "pk", "implementation_code", "name", "department__name"
    ):
        item = items.setdefault(code, {"implementation_code": code, "count": 0, "completed": 0})
        item.update(name=name, department_name=department_name)  # the latest version's
        item["count"] += counts[pk]["count"]
        item["completed"] += counts[pk]["completed"]
    ranked = sorted(items.values(), key=lambda r: (-r["count"], r["implementation_code"]))
    return [
        {key: row[key] for key in ("implementation_code", "name", "department_name", "count", "completed")}
        for row in ranked[:limit]
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


# --- 免提交率 -----------------------------------------------------------------------------------------------
#
# A material counts once per case, however many files it has. It is 免提交 when the case holds no file for it
# and an e-licence or a shared-data look-up satisfies it (CaseMaterial.satisfied_by). 告知承诺 is not counted:
# it is how a case is accepted and approved (on the applicant's written commitment to the conditions), not a
# way of handing in a material, and the case's materials are still handed in or looked up as usual.
#
# Materials follow their case (submitted in the period, its 受理区划, its 实施部门). Look-ups and licence uses
# are counted on the day they were made, for the department that made them: a denied look-up often belongs to
# no case at all, and those are the ones a supervisor most needs to see. Like a warning, a look-up belongs to
# its case's region, or (without a case) to its department's.

MATERIAL_FIGURES = ("materials", "paperless", "by_licence", "by_shared_data")
LOOKUP_FIGURES = ("lookups_granted", "licence_uses", "lookups_denied", "lookups_failed")
NO_DEPARTMENT = "查询人无所属部门"


def _materials_handed_in(
    start: dt.date, end: dt.date, regions: list[str] | None, department: str | None
) -> QuerySet[Any]:
    """Per department, item version and material of the cases submitted in the period, as counts of distinct
    cases (a material with several files, or a file and a later look-up, counts once per case): the cases that
    handed the material in, those with a file for it, and those with a file or an e-licence (or shared data)
    for it. Every row is a file, an e-licence or shared data, so a case without a file but with an e-licence
    for the material is in the third count and not in the second: the difference is the 免提交 by e-licence,
    with no per-row subquery."""
    rows = CaseMaterial.objects.order_by().filter(_within("case__submitted_at", start, end))
    if regions is not None:
        rows = rows.filter(case__region_id__in=regions)
    if department:
        rows = rows.filter(case__department__code=department)

    def cases(*ways: str) -> Count:
        return Count("case_id", distinct=True, filter=Q(satisfied_by__in=ways) if ways else None)

    upload, licence, shared = Satisfaction.UPLOAD, Satisfaction.LICENCE, Satisfaction.SHARED_DATA
    return rows.values("case__department_id", "case__item_id", "material_id").annotate(
        materials=cases(),
        with_file=cases(upload),
        file_or_licence=cases(upload, licence),
        file_or_shared_data=cases(upload, shared),
    )


def _audited(
    rows: QuerySet[Any], start: dt.date, end: dt.date, regions: list[str] | None, department: str | None
) -> QuerySet[Any]:
    """Look-ups or licence uses made in the period (by the department, in the region)."""
    rows = rows.order_by().filter(_within("at", start, end))
    if department:
        rows = rows.filter(department__code=department)
    if regions is not None:
        # the case's region (by its number: a unique index), or else the department's; a per-row look-up keeps
        # PostgreSQL from hashing every case number of all time to find the rows without a case
        case_region = Case.objects.filter(number=OuterRef("case_number")).values("region_id")[:1]
        region = Coalesce(Subquery(case_region), F("department__region_id"), output_field=CharField())
        rows = rows.alias(region=region).filter(region__in=regions)
    return rows


def _lookups(
    start: dt.date, end: dt.date, regions: list[str] | None, department: str | None
) -> QuerySet[Any]:
    """Shared-data look-ups per department and item (its implementation code; blank outside a case)."""
    grouped: QuerySet[Any] = (
        _audited(LookupLog.objects.all(), start, end, regions, department)
        .values("department_id", "item_code")
        .annotate(
            lookups_granted=Count("pk", filter=Q(outcome=Outcome.GRANTED)),
            lookups_denied=Count("pk", filter=Q(outcome=Outcome.DENIED)),
            lookups_failed=Count("pk", filter=Q(outcome=Outcome.FAILED)),
        )
    )
    return grouped


def _licence_uses(
    start: dt.date, end: dt.date, regions: list[str] | None, department: str | None
) -> QuerySet[Any]:
    """Licence uses per department and the item version of the case they were made in (``item_id``, looked up
    by the case number: a unique index; None without a case)."""
    item = Case.objects.filter(number=OuterRef("case_number")).values("item_id")[:1]
    grouped: QuerySet[Any] = (
        _audited(LicenceUse.objects.all(), start, end, regions, department)
        .annotate(item_id=Subquery(item))
        .values("department_id", "item_id")
        .annotate(licence_uses=Count("pk"))
    )
    return grouped


def _add(target: dict[str, int], row: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        target[key] = target.get(key, 0) + row.get(key, 0)


def _paperless_row(figures: dict[str, int]) -> dict[str, Any]:
    f = {key: figures.get(key, 0) for key in (*MATERIAL_FIGURES, *LOOKUP_FIGURES)}
    return {
        **f,
        "paperless_rate": _rate(f["paperless"], f["materials"]),
        "lookups": f["lookups_granted"] + f["licence_uses"],
    }


def _by_activity(row: dict[str, Any]) -> tuple[int, int, int]:
    return (-row["materials"], -row["lookups"], -row["lookups_denied"])


def paperless(
    *, start: dt.date, end: dt.date, region: str | None = None, department: str | None = None
) -> dict[str, Any]:
    """免提交率 and look-ups: ``departments`` (one row per department with materials or look-ups, most
    materials first; look-ups by someone without a department last), ``items`` (per item, every version
    together, most materials first) and ``summary`` (the totals of the department rows). Each row: materials
    handed in, ``paperless`` (without a file) of which ``by_licence`` and ``by_shared_data``, the rate,
    granted look-ups and licence uses (and their sum, ``lookups``), denied and failed look-ups.

    Three grouped reads (materials, look-ups, licence uses), then the names of the few item versions and
    departments found."""
    regions = region_subtree_codes(region) if region else None
    per_department: dict[int | None, dict[str, int]] = {}
    per_version: dict[int, dict[str, int]] = {}
    per_code: dict[str, dict[str, int]] = {}
    for row in _materials_handed_in(start, end, regions, department):
        row.update(
            paperless=row["materials"] - row["with_file"],
            by_licence=row["file_or_licence"] - row["with_file"],
            by_shared_data=row["file_or_shared_data"] - row["with_file"],
        )
        _add(per_department.setdefault(row["case__department_id"], {}), row, MATERIAL_FIGURES)
        _add(per_version.setdefault(row["case__item_id"], {}), row, MATERIAL_FIGURES)
    for row in _lookups(start, end, regions, department):
        _add(per_department.setdefault(row["department_id"], {}), row, LOOKUP_FIGURES)
        if row["item_code"]:
            _add(per_code.setdefault(row["item_code"], {}), row, LOOKUP_FIGURES)
    for row in _licence_uses(start, end, regions, department):
        _add(per_department.setdefault(row["department_id"], {}), row, ("licence_uses",))
        if row["item_id"] is not None:
            _add(per_version.setdefault(row["item_id"], {}), row, ("licence_uses",))
    return {
        "departments": _paperless_departments(per_department),
        "items": _paperless_items(per_version, per_code),
        "summary": _paperless_row(
            {
                key: sum(f.get(key, 0) for f in per_department.values())
                for key in (*MATERIAL_FIGURES, *LOOKUP_FIGURES)
            }
        ),
    }


def _paperless_departments(figures: dict[int | None, dict[str, int]]) -> list[dict[str, Any]]:
    names = Department.objects.filter(pk__in=[pk for pk in figures if pk is not None])
    rows = [
        {"department": code, "department_name": name, "short_name": short_name or name,
         **_paperless_row(figures[pk])}
        for pk, code, name, short_name in names.values_list("pk", "code", "name", "short_name")
    ]  # fmt: skip
    rows.sort(key=lambda r: (*_by_activity(r), r["department"]))
    if None in figures:
        rows.append({"department": None, "department_name": NO_DEPARTMENT, "short_name": NO_DEPARTMENT,
                     **_paperless_row(figures[None])})  # fmt: skip
    return rows


def _paperless_items(
    per_version: dict[int, dict[str, int]], per_code: dict[str, dict[str, int]]
) -> list[dict[str, Any]]:
    """Materials and licence uses per item version and look-ups per implementation code, added together by
    implementation code; each item named by the latest version read."""
    versions = ServiceItem.objects.filter(Q(pk__in=per_version) | Q(implementation_code__in=per_code))
    items: dict[str, dict[str, Any]] = {}
    for pk, code, name, department_name in versions.order_by("version").values_list(
        "pk", "implementation_code", "name", "department__name"
    ):
        item = items.setdefault(code, {"figures": dict(per_code.get(code, {}))})
        item.update(name=name, department_name=department_name)
        if pk in per_version:
            _add(item["figures"], per_version[pk], (*MATERIAL_FIGURES, "licence_uses"))
    for code in per_code.keys() - items.keys():  # a look-up naming an item the catalogue does not hold
        items[code] = {"figures": per_code[code], "name": code, "department_name": ""}
    rows = [
        {"implementation_code": code, "name": item["name"], "department_name": item["department_name"],
         **_paperless_row(item["figures"])}
        for code, item in items.items()
    ]  # fmt: skip
    rows.sort(key=lambda r: (*_by_activity(r), r["implementation_code"]))
    return rows


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


def bundle_figures(
    *, start: dt.date, end: dt.date, region: str | None = None, department: str | None = None
) -> list[dict[str, Any]]:
    """一件事 per bundle (every version together): submitted in the period, finished, completed in full, on
    time, and the average working days end to end (submission to the last item's completion) against the
    promise. One GROUP BY by bundle and (submitted, finished) day; working days are counted once per pair."""
    rows = BundleCase.objects.order_by()
    if region:
        rows = rows.filter(region_id__in=region_subtree_codes(region))
    if department:
        rows = rows.filter(bundle__lead_department__code=department)
    grouped = (
        rows.filter(_within("submitted_at", start, end))
        .annotate(
            on=LocalDate("submitted_at", start=start, end=end),
            off=LocalDate("completed_at", start=start, end=end + dt.timedelta(days=366)),
        )
        .values(
            "bundle__code",
            "bundle__name",
            "state",
            "on",
            "off",
            "promised_due",
            "bundle__promised_time_limit",
        )
        .annotate(n=Count("id"))
    )
    calendar = work_calendar(start, end + dt.timedelta(days=400))
    figures: dict[str, dict[str, Any]] = {}
    for row in grouped:
        f = figures.setdefault(row["bundle__code"], {
            "code": row["bundle__code"], "name": row["bundle__name"], "promise": row["bundle__promised_time_limit"],
            "submitted": 0, "finished": 0, "completed": 0, "on_time": 0, "_days": 0,
        })  # fmt: skip
        n = row["n"]
        f["submitted"] += n
        if row["off"] is None or row["state"] == BundleCase.State.IN_PROGRESS:
            continue
        f["finished"] += n
        f["completed"] += n if row["state"] == BundleCase.State.COMPLETED else 0
        f["on_time"] += n if row["off"] <= row["promised_due"] else 0
        f["_days"] += n * calendar.workdays_between(row["on"], row["off"])
    out = []
    for f in sorted(figures.values(), key=lambda f: (-f["submitted"], f["code"])):
        days = f.pop("_days")
        f["average_workdays"] = round(days / f["finished"], 1) if f["finished"] else None
        f["on_time_rate"] = _rate(f["on_time"], f["finished"])
        out.append(f)
    return out
