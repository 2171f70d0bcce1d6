"""Reads of supervision: the warnings and orders a user may see, and the monthly report per department with
its ranking. Every figure is a GROUP BY in the database; Python only merges one row per department."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as Switch
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from govhall.cases.models import Case, Channel
from govhall.catalogue.models import CaseKind
from govhall.core.errors import PermissionDenied, ValidationFailed
from govhall.core.models import WorkdayOrdinal
from govhall.core.services import workday_ordinals_ensure
from govhall.evaluation.models import BAD_LEVELS, GOOD_LEVELS, Rating
from govhall.identity.models import Department, StaffRole, User
from govhall.identity.permissions import is_staff_member
from govhall.identity.selectors import region_subtree_codes

from .models import Order, ScanRun, Warning
from .rules import wilson_lower_bound

# --- who sees what ---


def supervisor_region(user: User) -> str | None:
    return user.region_id or (user.department.region_id if user.department_id and user.department else None)


def scope_departments(user: Any) -> QuerySet[Department]:
    """Supervisors see the departments of their region; department heads their own; others nothing (403)."""
    if not is_staff_member(user):
        raise PermissionDenied("只有电子监察人员和部门负责人可以查看监察信息")
    if user.has_role(StaffRole.SUPERVISOR, StaffRole.SYSTEM_ADMIN):
        region = supervisor_region(user)
        if region is None:
            return Department.objects.all()
        return Department.objects.filter(region_id__in=region_subtree_codes(region))
    if user.has_role(StaffRole.DEPARTMENT_HEAD) and user.department_id:
        return Department.objects.filter(pk=user.department_id)
    raise PermissionDenied("只有电子监察人员和部门负责人可以查看监察信息")


def warnings_for(
    user: Any, *, level: str | None = None, department: str | None = None, open_only: bool = True
) -> QuerySet[Warning]:
    rows = Warning.objects.filter(department__in=scope_departments(user)).select_related(
        "department", "case", "case__item", "responsible"
    )
    if level:
        rows = rows.filter(level=level)
    if department:
        rows = rows.filter(department__code=department)
    if open_only:
        rows = rows.filter(resolved_at__isnull=True)
    return rows.order_by("level", "-opened_at", "-pk")  # 红牌 ("red") before 黄牌 ("yellow"), newest first


def warning_board(user: Any) -> list[dict[str, Any]]:
    """Open warnings per department and level, the busiest first."""
    rows = (
        Warning.objects.filter(resolved_at__isnull=True, department__in=scope_departments(user))
        .values("department__code", "department__name")
        .annotate(
            yellow=Count("pk", filter=Q(level="yellow")),
            red=Count("pk", filter=Q(level="red")),
            total=Count("pk"),
        )
        .order_by("-red", "-total", "department__code")
    )
    return [dict(row) for row in rows]


def orders_for(user: Any, *, state: str | None = None) -> QuerySet[Order]:
    rows = Order.objects.filter(department__in=scope_departments(user)).select_related(
        "department", "case", "warning", "issued_by", "answered_by"
    )
    if state:
        rows = rows.filter(state=state)
    return rows.order_by("state", "respond_by", "-pk")


# --- the monthly report ---


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """The first day of ``month`` (YYYY-MM) and of the month after."""
    try:
        first = dt.date.fromisoformat(f"{month}-01")
    except (TypeError, ValueError):
        raise ValidationFailed("月份格式应为 YYYY-MM，例如 2026-10", field="month") from None
    if not 2000 <= first.year <= 2100:
        raise ValidationFailed("月份超出范围", field="month")
    after = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, after


def _between(field: str, first: dt.date, after: dt.date) -> Q:
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(after, dt.time.min))
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _ordinal_of(field: str) -> Subquery:
    return Subquery(WorkdayOrdinal.objects.filter(date=OuterRef(field)).values("ordinal")[:1])


def monthly_report(month: str, region: str | None = None) -> list[dict[str, Any]]:
    """One row per department with activity in ``month``, ranked: on-time rate, then satisfaction, then
    fewer warnings."""
    first, after = month_bounds(month)
    workday_ordinals_ensure(after)
    cases = Case.objects.all()
    departments = Department.objects.all()
    if region:
        codes = region_subtree_codes(region)
        cases, departments = (
            cases.filter(department__region_id__in=codes),
            departments.filter(region_id__in=codes),
        )
    rows: dict[int, dict[str, Any]] = {}
    for part in (
        _accepted(cases, first, after),
        _completed(cases, first, after),
        _submitted(cases, first, after),
        _ratings(first, after),
        _warnings(first, after),
        _orders(first, after),
    ):
        for department_id, figures in part.items():
            rows.setdefault(department_id, {}).update(figures)
    named = {d.pk: d for d in departments.filter(pk__in=rows)}
    report = [_row(named[pk], figures) for pk, figures in rows.items() if pk in named]
    return _ranked(report)


def _by_department(queryset: QuerySet[Any], **figures: Any) -> dict[int, dict[str, Any]]:
    grouped = queryset.order_by().values("department_id").annotate(**figures)
    return {row.pop("department_id"): row for row in grouped}


def _accepted(cases: QuerySet[Case], first: dt.date, after: dt.date) -> dict[int, dict[str, Any]]:
    return _by_department(
        cases.filter(_between("accepted_at", first, after)),
        accepted=Count("pk"),
        instant=Count("pk", filter=Q(item__case_kind=CaseKind.INSTANT)),
    )


def _completed(cases: QuerySet[Case], first: dt.date, after: dt.date) -> dict[int, dict[str, Any]]:
    finished_on = TruncDate(Coalesce("decided_at", "completed_at"))
    window = Switch(
        When(channel=Channel.WINDOW, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    pickup = Switch(
        When(Q(delivery__method="window") & ~Q(completed_on=F("submitted_on")), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    rows = cases.filter(_between("completed_at", first, after)).annotate(
        finished_on=finished_on,
        submitted_on=TruncDate("submitted_at"),
        completed_on=TruncDate("completed_at"),
    )
    rows = rows.annotate(
        used=ExpressionWrapper(
            _ordinal_of("finished_on") - _ordinal_of("accepted_on") - F("suspended_workdays"),
            output_field=IntegerField(),
        ),
        visits=ExpressionWrapper(window * (1 + F("corrections")) + pickup, output_field=IntegerField()),
    )
    return _by_department(
        rows,
        completed=Count("pk"),
        timed=Count("pk", filter=Q(promised_due__isnull=False)),
        on_time=Count("pk", filter=Q(finished_on__lte=F("promised_due"))),
        avg_used_workdays=Avg("used", filter=Q(accepted_on__isnull=False)),
        avg_promised_workdays=Avg("item__promised_time_limit", filter=Q(accepted_on__isnull=False)),
        one_visit=Count("pk", filter=Q(visits__lte=1)),
    )


def _submitted(cases: QuerySet[Case], first: dt.date, after: dt.date) -> dict[int, dict[str, Any]]:
    return _by_department(
        cases.filter(_between("submitted_at", first, after)),
        submitted=Count("pk"),
        online=Count("pk", filter=Q(channel__in=[Channel.WEB, Channel.API])),
    )


def _ratings(first: dt.date, after: dt.date) -> dict[int, dict[str, Any]]:
    return _by_department(
        Rating.objects.filter(_between("created_at", first, after)),
        ratings=Count("pk"),
        good_ratings=Count("pk", filter=Q(level__in=GOOD_LEVELS)),
        bad_ratings=Count("pk", filter=Q(level__in=BAD_LEVELS)),
    )


def _warnings(first: dt.date, after: dt.date) -> dict[int, dict[str, Any]]:
    return _by_department(
        Warning.objects.filter(_between("opened_at", first, after)),
        yellow_warnings=Count("pk", filter=Q(level="yellow")),
        red_warnings=Count("pk", filter=Q(level="red")),
    )


def _orders(first: dt.date, after: dt.date) -> dict[int, dict[str, Any]]:
    return _by_department(
        Order.objects.filter(_between("issued_at", first, after)),
        orders=Count("pk"),
        orders_answered=Count("pk", filter=Q(state=Order.State.ANSWERED)),
    )


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _row(department: Department, f: dict[str, Any]) -> dict[str, Any]:
    g = {key: f.get(key) or 0 for key in (
        "accepted", "instant", "completed", "timed", "on_time", "one_visit", "submitted", "online", "ratings",
        "good_ratings", "bad_ratings", "yellow_warnings", "red_warnings", "orders", "orders_answered",
    )}  # fmt: skip
    used, promised = f.get("avg_used_workdays"), f.get("avg_promised_workdays")
    return {
        "department": department.code, "department_name": department.name, "department_uscc": department.uscc,
        **g,
        "on_time_rate": _rate(g["on_time"], g["timed"]),
        "on_time_lower_bound": wilson_lower_bound(g["on_time"], g["timed"]),
        "avg_used_workdays": round(float(used), 2) if used is not None else None,
        "avg_promised_workdays": round(float(promised), 2) if promised is not None else None,
        "instant_share": _rate(g["instant"], g["accepted"]),
        "online_rate": _rate(g["online"], g["submitted"]),
        "one_visit_share": _rate(g["one_visit"], g["completed"]),
        "satisfaction_rate": _rate(g["good_ratings"], g["ratings"]),
        "warnings": g["yellow_warnings"] + g["red_warnings"],
    }  # fmt: skip


def _ranked(report: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """By the Wilson lower bound of the on-time rate (volume counts: a rate on few cases is less sure), then
    satisfaction, then fewer warnings; departments without timed completions last."""

    def key(row: dict[str, Any]) -> tuple[float, float, int, str]:
        bound = row["on_time_lower_bound"]
        on_time = bound if bound is not None else -1.0
        satisfaction = row["satisfaction_rate"] if row["satisfaction_rate"] is not None else -1.0
        return (-on_time, -satisfaction, row["warnings"], row["department"])

    report.sort(key=key)
    for rank, row in enumerate(report, start=1):
        row["rank"] = rank
    return report


def scan_latest() -> ScanRun | None:
    return ScanRun.objects.order_by("-started_at").first()
