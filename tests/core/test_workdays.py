"""Working-day arithmetic without a database: the calendar of 2026 as the State Council published it."""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.workdays import MAX_DAYS, WorkCalendar

D = dt.date


def package_calendar() -> WorkCalendar:
    overrides = {d: False for d in chinese_calendar.holidays if d.weekday() < 5}
    overrides |= {d: True for d in chinese_calendar.workdays if d.weekday() >= 5}
    return WorkCalendar(overrides, frozenset(range(2004, 2027)))


CAL = package_calendar()


def test_national_day_2026_and_the_working_saturday():
    # 1-7 October are holidays; Saturday 10 October is worked (调休).
    assert CAL.add_workdays(D(2026, 9, 30), 3) == D(2026, 10, 10)
    assert CAL.add_workdays(D(2026, 9, 30), 1) == D(2026, 10, 8)
    assert CAL.is_workday(D(2026, 10, 10)) and not CAL.is_workday(D(2026, 10, 5))
    assert CAL.is_workday(D(2026, 9, 20))  # Sunday worked before National Day


def test_spring_festival_2026():
    assert CAL.is_workday(D(2026, 2, 14)) and CAL.is_workday(D(2026, 2, 28))
    assert not CAL.is_workday(D(2026, 2, 16))


def test_zero_days_is_the_start_and_start_is_not_counted():
    assert CAL.add_workdays(D(2026, 10, 3), 0) == D(2026, 10, 3)
    assert CAL.add_workdays(D(2026, 11, 20), 1) == D(2026, 11, 23)  # Friday + 1 = Monday


def test_year_boundary_with_new_year_holiday():
    # 2025-12-31 (Wednesday) + 1: 2026-01-01 is New Year's Day, 1-3 January off, 4 January (Sunday) worked.
    assert CAL.add_workdays(D(2025, 12, 31), 1) == D(2026, 1, 4)


def test_a_year_without_data_counts_monday_to_friday_and_says_so():
    assert CAL.add_workdays(D(2027, 9, 30), 3) == D(2027, 10, 5)  # National Day 2027 unknown to the package
    assert CAL.unconfirmed_years(D(2026, 12, 20), D(2027, 1, 10)) == [2027]
    assert CAL.unconfirmed_years(D(2026, 1, 1), D(2026, 12, 31)) == []


def test_bounds():
    with pytest.raises(ValueError):
        CAL.add_workdays(D(2026, 1, 1), -1)
    with pytest.raises(ValueError):
        CAL.add_workdays(D(2026, 1, 1), MAX_DAYS + 1)
    assert CAL.add_workdays(D(2026, 1, 1), MAX_DAYS) > D(2039, 1, 1)


@given(start=st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31)), days=st.integers(0, 400))
def test_add_then_count_round_trips(start, days):
    due = CAL.add_workdays(start, days)
    assert CAL.workdays_between(start, due) == days
    if days:
        assert CAL.is_workday(due)
        assert CAL.add_workdays(start, days - 1) < due


@given(
    start=st.dates(min_value=D(2004, 1, 1), max_value=D(2030, 12, 31)),
    a=st.integers(0, 200),
    b=st.integers(0, 200),
)
def test_adding_is_associative(start, a, b):
    assert CAL.add_workdays(CAL.add_workdays(start, a), b) == CAL.add_workdays(start, a + b)
