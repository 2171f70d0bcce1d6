"""Case deadlines, as pure code on a WorkCalendar: limits count from acceptance, suspensions stop the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from govhall.core.workdays import WorkingDays


@dataclass(frozen=True)
class Deadlines:
    promised_due: dt.date
    legal_due: dt.date


def case_deadlines(
    calendar: WorkingDays,
    *,
    accepted_on: dt.date,
    promised_days: int,
    legal_days: int,
    suspended_workdays: int,
) -> Deadlines:
    """Due dates: the limits plus every working day the case spent suspended, counted from acceptance."""
    return Deadlines(
        promised_due=calendar.add_workdays(accepted_on, promised_days + suspended_workdays),
        legal_due=calendar.add_workdays(accepted_on, legal_days + suspended_workdays),
    )


def suspension_workdays(calendar: WorkingDays, *, suspended_on: dt.date, resumed_on: dt.date) -> int:
    """Working days a suspension stopped the clock for: those after the day it started, up to its end."""
    return calendar.workdays_between(suspended_on, resumed_on)


def due_level(today: dt.date, due: dt.date | None) -> str:
    """The colour of a deadline badge: ``ok`` (green), ``soon`` (yellow, due within two days), ``overdue`` (red)."""
    if due is None:
        return "none"
    if due < today:
        return "overdue"
    return "soon" if (due - today).days <= 2 else "ok"


def waiting_label(since: dt.datetime | None, now: dt.datetime) -> str:
    """How long something has waited, as a window clerk says it: 分钟 under an hour, 小时 under a day,
    then 天 and 小时 (calendar time: a person at the window waits on weekends too)."""
    if since is None:
        return "—"
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 1:
        return "不到1分钟"
    if minutes < 60:
        return f"{minutes}分钟"
    hours = minutes // 60
    if hours < 24:
        return f"{hours}小时"
    days, rest = divmod(hours, 24)
    return f"{days}天{rest}小时" if rest else f"{days}天"
