"""Working-day arithmetic without a database: the calendar of 2026 as the State Council published it."""

import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
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


def test_a_year_without_data_keeps_the_statutory_holidays_and_says_so():
    # 2027 is unknown to the package: 1-3 October are statutory holidays, 4 October is not (调休 unknown).
    assert CAL.add_workdays(D(2027, 9, 30), 3) == D(2027, 10, 6)
    assert CAL.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)  # 元旦 2027 is a Friday
    assert CAL.add_workdays(D(2027, 9, 30), 1) == D(2027, 10, 4)
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


def test_estimated_2027_holidays_by_hand():
    # 除夕 2027 is 腊月廿九 (5 February): 春节 is 5-8 February; 清明 5 April; 端午 9 June; 中秋 15 September.
    off = [D(2027, 2, 5), D(2027, 2, 8), D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15)]
    assert not any(CAL.is_workday(d) for d in off)
    assert (
        CAL.is_workday(D(2027, 2, 9)) and CAL.is_workday(D(2027, 2, 4)) and CAL.is_workday(D(2027, 5, 3))
    )  # 1-2 May is a weekend
    assert CAL.is_workday(
        D(2027, 10, 4)
    )  # 国庆 is three days; a fourth would be 调休, which is not predicted
    assert not CAL.is_workday(D(2027, 2, 6))  # a Saturday stays a day off: 调休 weekends are not guessed


def test_plain_calendar_can_still_be_asked_for():
    plain = WorkCalendar(estimate=False)
    assert plain.is_workday(D(2027, 10, 1)) and not WorkCalendar().is_workday(D(2027, 10, 1))


def test_confirmed_years_are_not_estimated():
    # 2026 is confirmed: its entered days decide, the estimate adds nothing (6 October 2026 is 国庆, 8th worked).
    assert CAL.is_workday(D(2026, 10, 8))
    assert not CAL.is_workday(D(2026, 10, 6))
    confirmed = WorkCalendar({}, frozenset({2027}))
    assert confirmed.is_workday(D(2027, 10, 1))  # confirmed with nothing entered: plain Monday-Friday


def _listed_holidays(year: int) -> set[dt.date]:
    """The regulation's holidays derived day by day from the lunar date of each day (independently of the
    code under test, which goes from the lunar dates to the solar ones)."""
    from lunar_python import Solar

    days = {D(year, 1, 1), D(year, 5, 1), D(year, 5, 2), D(year, 10, 1), D(year, 10, 2), D(year, 10, 3)}
    day = D(year, 1, 1)
    while day.year == year:
        lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        month, date = lunar.getMonth(), lunar.getDay()
        nxt = day + dt.timedelta(days=1)
        tomorrow = Solar.fromYmd(nxt.year, nxt.month, nxt.day).getLunar()
        if (
            (month == 1 and date <= 3)
            or (month == 12 and tomorrow.getMonth() == 1 and tomorrow.getDay() == 1)  # 除夕: 29th or 30th
            or (month == 5 and date == 5)
            or (month == 8 and date == 15)
            or lunar.getJieQi() == "清明"
        ):
            days.add(day)
        day = nxt
    return days


@settings(max_examples=25, deadline=None)
@given(year=st.integers(2027, 2099))
def test_an_estimated_year_holds_exactly_the_listed_holidays(year):
    calendar = WorkCalendar()
    expected = _listed_holidays(year)
    assert len(expected) in (12, 13)  # 13 days, one fewer when 中秋 falls on 1-3 October
    day = D(year, 1, 1)
    while day.year == year:
        assert calendar.is_workday(day) == (day.weekday() < 5 and day not in expected), day
        day += dt.timedelta(days=1)
    eve = min(d for d in expected if d.month <= 2 and d != D(year, 1, 1))
    assert {eve + dt.timedelta(days=i) for i in range(4)} <= expected  # 春节: 除夕 and the next three days
