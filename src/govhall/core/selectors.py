"""Reads every app shares: platform health, the working-day calendar."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import CalendarDay, CalendarYear, WorkerHeartbeat
from .workdays import WorkCalendar


def platform_health() -> dict[str, Any]:
    """Database reachability and whether a background worker has been seen recently."""
    database: dict[str, Any] = {"vendor": connection.vendor}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database["status"] = "ok"
    except Exception as exc:  # the health check must answer whatever the failure is
        database.update(status="error", error=exc.__class__.__name__)
        return {"status": "error", "database": database, "worker": {"status": "unknown"}}
    fresh_after = timezone.now() - dt.timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3)
    live = WorkerHeartbeat.objects.filter(seen_at__gte=fresh_after).count()
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    worker = {
        "status": "ok" if live else "down",
        "workers": live,
        "last_seen": last.isoformat() if last else None,
    }
    return {"status": "ok" if live else "degraded", "database": database, "worker": worker}


def work_calendar(start: dt.date, end: dt.date) -> WorkCalendar:
    """The calendar for the years from start to end (a year's margin each side), in two small queries."""
    low, high = min(start, end), max(start, end)
    first, last = dt.date(low.year - 1, 1, 1), dt.date(high.year + 1, 12, 31)
    overrides = dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "is_workday"))
    confirmed = frozenset(
        CalendarYear.objects.filter(year__range=(first.year, last.year), confirmed=True).values_list(
            "year", flat=True
        )
    )
    return WorkCalendar(overrides, confirmed)


def work_calendar_for(start: dt.date, days: int) -> WorkCalendar:
    """A calendar wide enough to add ``days`` working days to ``start``."""
    return work_calendar(start, start + dt.timedelta(days=days * 2 + 60))


def calendar_unconfirmed_years(start: dt.date, end: dt.date) -> list[int]:
    """Years in [start, end] (either order) whose working days are estimated for want of official data."""
    low, high = sorted((start.year, end.year))
    confirmed = set(
        CalendarYear.objects.filter(year__range=(low, high), confirmed=True).values_list("year", flat=True)
    )
    return [year for year in range(low, high + 1) if year not in confirmed]


def calendar_warnings(today: dt.date) -> list[str]:
    """What administrators must hear: this year or next year has no official holiday arrangement yet."""
    confirmed = set(CalendarYear.objects.filter(confirmed=True).values_list("year", flat=True))
    years = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    return [
        f"{year}年的节假日安排尚未录入，该年的工作日暂按法定节假日估算（元旦、春节、清明、劳动节、端午、中秋、国庆，"
        "不含调休），据此计算的期限标为“估算”；国务院公布后请在“节假日与调休”中录入调休并在“节假日年度安排”中确认该年。"
        for year in years
        if year not in confirmed
    ]
