"""The time rules' arithmetic, with hand-computed answers on a Monday-to-Friday calendar."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.workdays import WorkCalendar
from govhall.supervision.rules import RULE_DEFAULTS, days_needed, near_due_before, used_share

MONDAY = dt.date(2026, 11, 16)
WEEKDAYS = WorkCalendar()  # no overrides: Monday to Friday


def test_default_rules():
    # 黄牌 when 80% of the promised limit is used, 红牌 once a limit is passed
    assert RULE_DEFAULTS == [
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


@pytest.mark.parametrize(
    ("limit", "percent", "days"),
    [
        (10, 80, 8),  # exact
        (20, 80, 16),
        (7, 80, 6),  # 5.6 rounds up
        (3, 80, 3),  # 2.4 rounds up
        (5, 80, 4),
        (1, 80, 1),  # 0.8 rounds up
        (10, 81, 9),  # 8.1 rounds up
        (10, 79, 8),  # 7.9 rounds up
        (10, 0, 0),
        (10, 100, 10),
        (0, 80, 0),
        (200, 80, 160),  # large limits: the divisor is exactly 100
        (101, 100, 101),
    ],
)
def test_days_needed_rounds_up_to_whole_days(limit, percent, days):
    assert days_needed(limit, percent) == days


def test_used_share():
    # due Friday, seen on Monday: 4 working days remain (Tue..Fri) of 10
    assert used_share(WEEKDAYS, today=MONDAY, due=MONDAY + dt.timedelta(days=4), limit=10) == 0.6
    assert used_share(WEEKDAYS, today=MONDAY, due=MONDAY, limit=5) == 1.0
    # the weekend does not count: due next Monday, seen on Friday: 1 working day remains
    friday = MONDAY + dt.timedelta(days=4)
    assert used_share(WEEKDAYS, today=friday, due=friday + dt.timedelta(days=3), limit=4) == 0.75
    assert used_share(WEEKDAYS, today=MONDAY, due=MONDAY + dt.timedelta(days=30), limit=0) == 1.0
    assert used_share(WEEKDAYS, today=MONDAY, due=MONDAY + dt.timedelta(days=30), limit=-1) == 1.0


def test_near_due_before():
    # limit 10, 80%: 2 working days may remain; a case due before Thursday (3 working days on) is near
    assert near_due_before(WEEKDAYS, today=MONDAY, limit=10, percent=80) == dt.date(2026, 11, 19)
    # 100%: nothing may remain: only cases due today
    assert near_due_before(WEEKDAYS, today=MONDAY, limit=10, percent=100) == dt.date(2026, 11, 17)
    # above 100% is never reached before the due date
    assert near_due_before(WEEKDAYS, today=MONDAY, limit=10, percent=150) == MONDAY
    # on a Friday the cut-off skips the weekend: limit 5, 80% → 1 may remain → 2 working days on = Tuesday
    assert near_due_before(WEEKDAYS, today=dt.date(2026, 11, 20), limit=5, percent=80) == dt.date(
        2026, 11, 24
    )


@given(
    limit=st.integers(min_value=1, max_value=40),
    percent=st.integers(min_value=1, max_value=120),
    ahead=st.integers(min_value=0, max_value=80),
)
def test_the_cut_off_agrees_with_the_used_share(limit, percent, ahead):
    due = MONDAY + dt.timedelta(days=ahead)
    near = due < near_due_before(WEEKDAYS, today=MONDAY, limit=limit, percent=percent)
    share = used_share(WEEKDAYS, today=MONDAY, due=due, limit=limit)
    assert near == (share * 100 >= percent - 1e-9)


def test_wilson_lower_bound():
    from govhall.supervision.rules import wilson_lower_bound

    assert wilson_lower_bound(0, 0) is None
    assert wilson_lower_bound(6, 6) == pytest.approx(0.6097, abs=1e-3)
    assert wilson_lower_bound(205, 208) == pytest.approx(0.9585, abs=2e-3)
    assert wilson_lower_bound(205, 208) > wilson_lower_bound(6, 6)
    assert wilson_lower_bound(0, 10) == 0.0


@given(part=st.integers(0, 500), extra=st.integers(0, 500))
def test_wilson_lower_bound_stays_below_the_rate(part, extra):
    from govhall.supervision.rules import wilson_lower_bound

    whole = part + extra
    bound = wilson_lower_bound(part, whole)
    if whole:
        assert bound is not None and 0.0 <= bound <= part / whole + 1e-9
