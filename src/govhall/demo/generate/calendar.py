"""Working-day arithmetic by table look-up, for generating many deadlines fast."""

from __future__ import annotations

import datetime as dt

from govhall.core.workdays import WorkCalendar


class FastCalendar:
    """A WorkCalendar by table look-up over a fixed span of dates: the same interface and results, O(1)."""

    def __init__(self, calendar: WorkCalendar, first: dt.date, last: dt.date) -> None:
        self.first, self.last = first, last
        self._count: list[int] = []  # working days in [first, day]
        self._workdays: list[dt.date] = []
        day, count = first, 0
        while day <= last:
            if calendar.is_workday(day):
                count += 1
                self._workdays.append(day)
            self._count.append(count)
            day += dt.timedelta(days=1)

    def is_workday(self, day: dt.date) -> bool:
        i = (day - self.first).days
        return self._count[i] != (self._count[i - 1] if i else 0)

    def add_workdays(self, start: dt.date, days: int) -> dt.date:
        if days <= 0:
            return start
        i = (start - self.first).days
        if i < 0:
            raise ValueError(f"{start} is before the calendar's first day {self.first}")
        return self._workdays[self._count[i] + days - 1]

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]."""
        if end <= start:
            return 0
        return self._count[(end - self.first).days] - self._count[(start - self.first).days]
