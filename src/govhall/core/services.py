"""Writes every app shares: the worker heartbeat, the working-day calendar."""

from __future__ import annotations

import os
import socket

from django.db import transaction
from django.utils import timezone

from .models import CalendarDay, CalendarYear, WorkerHeartbeat


def worker_heartbeat(name: str | None = None) -> None:
    name = name or f"{socket.gethostname()}:{os.getpid()}"
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"pid": os.getpid(), "seen_at": timezone.now()}
    )


def worker_stopped(name: str | None = None) -> None:
    WorkerHeartbeat.objects.filter(name=name or f"{socket.gethostname()}:{os.getpid()}").delete()


@transaction.atomic
def calendar_seed_from_package() -> int:
    """Load every year chinese-calendar knows (holidays on weekdays, working weekends); days an
    administrator entered are kept. Idempotent."""
    import chinese_calendar

    admin_days = set(
        CalendarDay.objects.filter(source=CalendarDay.Source.ADMIN).values_list("date", flat=True)
    )
    rows = [
        CalendarDay(date=day, is_workday=False, name=_holiday_name(name), source=CalendarDay.Source.PACKAGE)
        for day, name in chinese_calendar.holidays.items()
        if day.weekday() < 5 and day not in admin_days
    ] + [
        CalendarDay(
            date=day,
            is_workday=True,
            name=f"{_holiday_name(name)}调休上班",
            source=CalendarDay.Source.PACKAGE,
        )
        for day, name in chinese_calendar.workdays.items()
        if day.weekday() >= 5 and day not in admin_days
    ]
    CalendarDay.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=["date"], update_fields=["is_workday", "name", "source"]
    )
    years = sorted({day.year for day in chinese_calendar.holidays})
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, confirmed=True, note="chinese-calendar 数据包") for y in years],
        ignore_conflicts=True,
    )
    return len(rows)


_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(name: str | None) -> str:
    return _HOLIDAY_NAMES.get(name or "", name or "")
