import datetime as dt

from govhall.cases.deadlines import case_deadlines, suspension_workdays
from tests.core.test_workdays import CAL

D = dt.date


def test_deadlines_from_acceptance_before_national_day():
    dues = case_deadlines(
        CAL, accepted_on=D(2026, 9, 30), promised_days=3, legal_days=20, suspended_workdays=0
    )
    assert dues.promised_due == D(2026, 10, 10)
    assert dues.legal_due == D(2026, 11, 3)  # 8, 9, 10 (Saturday, worked), 12-16, 19-23, 26-30, 2, 3


def test_suspension_moves_the_due_dates():
    days = suspension_workdays(CAL, suspended_on=D(2026, 11, 2), resumed_on=D(2026, 11, 6))
    assert days == 4
    dues = case_deadlines(
        CAL, accepted_on=D(2026, 11, 2), promised_days=5, legal_days=5, suspended_workdays=days
    )
    assert dues.promised_due == D(2026, 11, 13)


def test_a_suspension_over_a_holiday_counts_only_working_days():
    assert suspension_workdays(CAL, suspended_on=D(2026, 9, 30), resumed_on=D(2026, 10, 9)) == 2


def test_due_levels():
    from govhall.cases.deadlines import due_level

    today = D(2026, 11, 20)
    assert due_level(today, D(2026, 11, 19)) == "overdue"
    assert due_level(today, D(2026, 11, 20)) == "soon"
    assert due_level(today, D(2026, 11, 22)) == "soon"
    assert due_level(today, D(2026, 11, 23)) == "ok"
    assert due_level(today, None) == "none"


def test_waiting_label_says_minutes_hours_then_days():
    from govhall.cases.deadlines import waiting_label

    now = dt.datetime(2026, 11, 18, 10, tzinfo=dt.UTC)
    assert waiting_label(None, now) == "—"
    assert waiting_label(now - dt.timedelta(minutes=5, seconds=59), now) == "5分钟"
    assert waiting_label(now - dt.timedelta(hours=3, minutes=59), now) == "3小时"
    assert waiting_label(now - dt.timedelta(days=2), now) == "2天"
    assert waiting_label(now - dt.timedelta(days=2, hours=5), now) == "2天5小时"
    assert waiting_label(now - dt.timedelta(seconds=30), now) == "不到1分钟"
    assert waiting_label(now + dt.timedelta(minutes=1), now) == "不到1分钟"
