"""The arithmetic behind the time rules, as pure code on a WorkCalendar (no database, no clock).

A running case accepted on day A with a promised limit of L working days, suspended S working days so far, is
due on D = A + (L + S) working days. On day T its used share is ``(L - remaining) / L`` where ``remaining`` is
the number of working days in (T, D]. That lets a scan compare due dates with one cut-off per distinct limit
instead of counting working days case by case.
"""

from __future__ import annotations

import datetime as dt

from govhall.core.workdays import WorkCalendar

# code, level, threshold, window_days
RULE_DEFAULTS: list[tuple[str, str, int, int]] = [
    ("promised_near", "yellow", 80, 0),
    ("promised_over", "red", 0, 0),
    ("legal_over", "red", 0, 0),
    ("step_over", "yellow", 0, 0),
    ("repeated_correction", "yellow", 2, 0),
    ("repeated_visit", "yellow", 2, 30),
    ("owed_overdue", "yellow", 0, 0),
    ("rectification_overdue", "red", 0, 0),
]


def days_needed(limit: int, percent: int) -> int:
    """The working days used at which ``percent`` of a ``limit`` is reached (rounded up to whole days)."""
    return -(-percent * limit // 100)


def used_share(calendar: WorkCalendar, *, today: dt.date, due: dt.date, limit: int) -> float:
    """The share of the promised limit used on ``today`` by a running case due on ``due``."""
    if limit <= 0:
        return 1.0
    remaining = calendar.workdays_between(today, due)
    return (limit - remaining) / limit


def near_due_before(calendar: WorkCalendar, *, today: dt.date, limit: int, percent: int) -> dt.date:
    """A running case with this limit, due on or after ``today``, has used at least ``percent`` of its limit
    exactly when its due date is before the returned date."""
    spare = limit - days_needed(limit, percent)  # working days that may still remain
    if spare < 0:
        return today  # the threshold is above 100%: never reached before the due date
    return calendar.add_workdays(today, spare + 1)
