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


def calendar_warnings(today: dt.date) -> list[str]:
    """What administrators must hear: this year or next year has no official holiday arrangement yet."""
    confirmed = set(CalendarYear.objects.filter(confirmed=True).values_list("year", flat=True))
    years = [today.year] + ([today.year + 1] if today.month >= 10 else [])
    return [
        f"{year}年的节假日安排尚未录入，该年按周一至周五计算工作日；国务院公布后请在“节假日与调休”中录入并确认年度安排。"
        for year in years
        if year not in confirmed
    ]
