"""The arithmetic behind the time rules, as pure code on a WorkCalendar (no database, no clock).

A running case accepted on day A with a promised limit of L working days, suspended S working days so far, is
due on D = A + (L + S) working days. On day T its used share is ``(L - remaining) / L`` where ``remaining`` is
the number of working days in (T, D]. That lets a scan compare due dates with one cut-off per distinct limit
instead of counting working days case by case.
"""

from __future__ import annotations

import datetime as dt
import math

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
    ("sharing_overdue", "yellow", 0, 0),
    ("bundle_over", "red", 0, 0),
]

# The settings a rule accepts, (low, high) for the threshold and for the window in days. A supervisor who asks
# for more is told so (page, API): the scan never quietly raises a setting to what it can use.
THRESHOLD_RANGE = (0, 1000)
WINDOW_RANGE = (0, 365)
RULE_LIMITS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    "promised_near": ((1, 100), WINDOW_RANGE),  # a percentage of the promised limit
    "repeated_correction": ((2, 1000), WINDOW_RANGE),  # corrections of one case
    "repeated_visit": ((2, 1000), (1, 365)),  # visits, within a window of calendar days
}
_LIMIT_MESSAGES = {
    ("promised_near", "threshold"): "承诺时限预警阈值应为1到100（百分比）",
    ("repeated_correction", "threshold"): "次数阈值至少为2，最多为1000",
    ("repeated_visit", "threshold"): "次数阈值至少为2，最多为1000",
    ("repeated_visit", "window_days"): "统计天数至少为1天，最多为365天",
}


def rule_limits(code: str) -> tuple[tuple[int, int], tuple[int, int]]:
    return RULE_LIMITS.get(code, (THRESHOLD_RANGE, WINDOW_RANGE))


def rule_settings_problem(code: str, *, threshold: int, window_days: int) -> tuple[str, str] | None:
    """(message, field) when a rule's settings are out of the range it accepts, else None."""
    for field, value, (low, high) in zip(
        ("threshold", "window_days"), (threshold, window_days), rule_limits(code), strict=True
    ):
        if not low <= value <= high:
            label = "阈值" if field == "threshold" else "统计天数"
            return _LIMIT_MESSAGES.get((code, field), f"{label}应在{low}到{high}之间"), field
    return None


# 同一人多次跑 counts visits: the applicant coming to a window for the item. An online or interface application is
# no visit; a refused or withdrawn one is not the same application coming back (a new one follows a refusal,
# a withdrawal is the applicant's choice), nor is a draft.
VISIT_CHANNELS = ("window",)
NOT_VISIT_STATUSES = ("draft", "refused", "withdrawn")


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


WILSON_Z = 1.96  # 95% confidence


def wilson_lower_bound(part: int, whole: int, z: float = WILSON_Z) -> float | None:
    """The lower bound of the Wilson score interval of ``part / whole``: the rate a department can be trusted
    to reach. The monthly report ranks on it, so that 6 of 6 on time does not outrank 205 of 208."""
    if whole <= 0:
        return None
    p = part / whole
    centre = p + z * z / (2 * whole)
    spread = z * math.sqrt(p * (1 - p) / whole + z * z / (4 * whole * whole))
    return round((centre - spread) / (1 + z * z / whole), 4)
