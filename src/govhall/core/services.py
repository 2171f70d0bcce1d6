"""Writes every app shares: the worker heartbeat, the working-day calendar."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from .models import CalendarDay, CalendarYear, WorkdayOrdinal, WorkerHeartbeat
from .selectors import work_calendar
from .workdays import ORDINAL_EPOCH, workday_ordinals

ORDINAL_YEARS_AHEAD = 5


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
    workday_ordinals_rebuild()
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


@transaction.atomic
def calendar_day_save(day: CalendarDay) -> CalendarDay:
    """An administrator enters or changes a holiday or adjusted working day; working days after it shift."""
    day.source = CalendarDay.Source.ADMIN
    day.save()
    workday_ordinals_rebuild(since=day.date)
    return day


@transaction.atomic
def calendar_days_delete(days: Iterable[CalendarDay]) -> int:
    """Remove entered days (they count as plain Monday–Friday again)."""
    dates = [day.date for day in days]
    if not dates:
        return 0
    deleted, _ = CalendarDay.objects.filter(date__in=dates).delete()
    workday_ordinals_rebuild(since=min(dates))
    return deleted


@transaction.atomic
def calendar_year_save(year: CalendarYear) -> CalendarYear:
    """An administrator confirms (or un-confirms) a year's official arrangement: the statutory-holiday estimate
    stops (or starts) applying to it, so the working days from that year on are recounted."""
    year.save()
    workday_ordinals_rebuild(since=dt.date(year.year, 1, 1))
    return year


@transaction.atomic
def calendar_years_delete(years: Iterable[CalendarYear]) -> int:
    """Forget years' arrangements: they are estimated again."""
    numbers = [year.year for year in years]
    if not numbers:
        return 0
    deleted, _ = CalendarYear.objects.filter(year__in=numbers).delete()
    workday_ordinals_rebuild(since=dt.date(min(numbers), 1, 1))
    return deleted


@transaction.atomic
def workday_ordinals_rebuild(since: dt.date = ORDINAL_EPOCH, until: dt.date | None = None) -> int:
    """Recompute the working-day ordinals from ``since`` on (after a holiday is entered or changed)."""
    since = max(since, ORDINAL_EPOCH)
    last_known = WorkdayOrdinal.objects.aggregate(last=Max("date"))["last"]
    until = max(d for d in (until, last_known, _ordinal_horizon()) if d is not None)
    before = since - dt.timedelta(days=1)
    base = 0 if since == ORDINAL_EPOCH else _ordinal_on(before)
    if base is None:  # a gap before ``since``: rebuild the whole table
        return workday_ordinals_rebuild(ORDINAL_EPOCH, until)
    WorkdayOrdinal.objects.filter(date__gte=since).delete()
    rows = workday_ordinals(work_calendar(since, until), since, until, base)
    WorkdayOrdinal.objects.bulk_create([WorkdayOrdinal(date=d, ordinal=n) for d, n in rows], batch_size=5000)
    return len(rows)


def workday_ordinals_ensure(until: dt.date) -> None:
    """Make sure the ordinal table runs without gaps from 2000-01-01 to ``until`` (and some years beyond)."""
    span = WorkdayOrdinal.objects.aggregate(first=Min("date"), last=Max("date"))
    first, last = span["first"], span["last"]
    complete = (
        first == ORDINAL_EPOCH
        and last is not None
        and last >= until
        and WorkdayOrdinal.objects.count() == (last - first).days + 1
    )
    if not complete:
        workday_ordinals_rebuild(ORDINAL_EPOCH, max(until, _ordinal_horizon()))


def _ordinal_on(day: dt.date) -> int | None:
    return WorkdayOrdinal.objects.filter(date=day).values_list("ordinal", flat=True).first()


def _ordinal_horizon() -> dt.date:
    today = timezone.localdate()
    return dt.date(today.year + ORDINAL_YEARS_AHEAD, 12, 31)
