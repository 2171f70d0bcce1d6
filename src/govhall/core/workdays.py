"""Working-day arithmetic, as pure code: no database, no clock.

A calendar is Monday–Friday plus overrides: official holidays that fall on weekdays (not working) and
adjusted weekends (调休, working). Years without official data are estimated: Monday–Friday less the
statutory holidays (core.holidays), with no 调休; callers learn which years those were, so they can say the
answer is an estimate and warn.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from .holidays import statutory_holidays

MAX_DAYS = 3660  # about fourteen years of working days: far beyond any legal time limit


class WorkingDays(Protocol):
    """What deadline arithmetic needs of a calendar: WorkCalendar, or a faster one with the same answers."""

    def is_workday(self, day: dt.date) -> bool: ...
    def add_workdays(self, start: dt.date, days: int) -> dt.date: ...
    def workdays_between(self, start: dt.date, end: dt.date) -> int: ...


@dataclass(frozen=True)
class WorkCalendar:
    overrides: Mapping[dt.date, bool] = field(default_factory=dict)  # date -> is a working day
    confirmed_years: frozenset[int] = frozenset()  # years whose official arrangement is known
    estimate: bool = True  # other years lose their statutory holidays (False: plain Monday–Friday)

    def is_workday(self, day: dt.date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override
        if day.weekday() >= 5:
            return False
        return not (
            self.estimate and day.year not in self.confirmed_years and day in statutory_holidays(day.year)
        )

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        """The date ``days`` working days after ``start`` (``start`` itself not counted; 0 gives ``start``)."""
        if not 0 <= days <= MAX_DAYS:
            raise ValueError(f"days must be between 0 and {MAX_DAYS}")
        day = start
        remaining = days
        while remaining:
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                remaining -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days have passed from start to end (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_workday(day)
        return count

    def unconfirmed_years(self, start: dt.date, end: dt.date) -> list[int]:
        """Years in [start, end] estimated for want of official data (statutory holidays, no 调休)."""
        low, high = sorted((start.year, end.year))
        return [year for year in range(low, high + 1) if year not in self.confirmed_years]


ORDINAL_EPOCH = dt.date(2000, 1, 1)


def workday_ordinals(
    calendar: WorkCalendar, first: dt.date, last: dt.date, base: int
) -> list[tuple[dt.date, int]]:
    """Each date in [first, last] with its running count of working days, continuing from ``base`` (the count
    on the day before ``first``). Working days in (a, b] are then ``ordinal(b) - ordinal(a)``."""
    rows, count, day = [], base, first
    while day <= last:
        count += calendar.is_workday(day)
        rows.append((day, count))
        day += dt.timedelta(days=1)
    return rows
