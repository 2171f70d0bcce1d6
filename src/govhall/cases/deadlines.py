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
