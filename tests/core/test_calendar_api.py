import datetime as dt

import pytest
import time_machine
from django.test import Client

from govhall.core.models import CalendarDay, CalendarYear
from govhall.core.selectors import calendar_warnings, work_calendar_for
from govhall.core.services import calendar_seed_from_package

pytestmark = pytest.mark.django_db


def test_migration_seeded_the_package_years():
    assert CalendarYear.objects.filter(year=2026, confirmed=True).exists()
    assert CalendarDay.objects.get(date=dt.date(2026, 10, 10)).is_workday


def test_workdays_api_matches_the_issue_example():
    response = Client().get("/api/v1/calendar/workdays", {"start": "2026-09-30", "days": 3})
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-09-30",
        "days": 3,
        "due": "2026-10-10",
        "estimated": False,
        "unconfirmed_years": [],
    }


def test_a_year_without_data_keeps_the_statutory_holidays_and_flags_it():
    data = Client().get("/api/v1/calendar/workdays", {"start": "2027-09-30", "days": 3}).json()
    assert data["due"] == "2027-10-06" and data["estimated"] and data["unconfirmed_years"] == [2027]
    data = Client().get("/api/v1/calendar/workdays", {"start": "2027-09-30", "days": 1}).json()
    assert data["due"] == "2027-10-04" and data["estimated"]
    data = Client().get("/api/v1/calendar/workdays", {"start": "2026-12-31", "days": 1}).json()
    assert data["due"] == "2027-01-04" and data["estimated"]  # 元旦 2027 is not a working day


def test_confirming_a_year_recounts_the_ordinals():
    from govhall.core.models import WorkdayOrdinal
    from govhall.core.services import calendar_year_save, workday_ordinals_ensure

    workday_ordinals_ensure(dt.date(2028, 1, 1))

    def between(a: dt.date, b: dt.date) -> int:
        rows = dict(WorkdayOrdinal.objects.filter(date__in=[a, b]).values_list("date", "ordinal"))
        return rows[b] - rows[a]

    assert between(dt.date(2027, 9, 30), dt.date(2027, 10, 4)) == 1  # 1 October estimated off
    calendar_year_save(CalendarYear(year=2027, confirmed=True))
    assert between(dt.date(2027, 9, 30), dt.date(2027, 10, 4)) == 2  # confirmed, nothing entered yet


def test_administrator_entries_change_the_answer_and_survive_reseeding():
    CalendarDay.objects.create(date=dt.date(2027, 10, 1), is_workday=False, name="国庆节", source="admin")
    CalendarDay.objects.create(date=dt.date(2027, 10, 4), is_workday=False, name="国庆节", source="admin")
    CalendarYear.objects.create(year=2027, confirmed=True)
    data = Client().get("/api/v1/calendar/workdays", {"start": "2027-09-30", "days": 3}).json()
    assert data["due"] == "2027-10-07" and not data["estimated"]
    calendar_seed_from_package()
    assert CalendarDay.objects.get(date=dt.date(2027, 10, 4)).source == "admin"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-02-30", "days": 3}, "start"),
        ({"start": "yesterday", "days": 3}, "start"),
        ({"start": "2026-09-30", "days": -1}, "days"),
        ({"start": "2026-09-30", "days": 999999}, "days"),
        ({"start": "2026-09-30", "days": "x"}, "days"),
        ({"days": 3}, "start"),
    ],
)
def test_bad_input_is_422_naming_the_field(params, field):
    response = Client().get("/api/v1/calendar/workdays", params)
    assert response.status_code == 422
    assert response.json()["field"] == field


def test_calendar_warnings_for_administrators():
    # 2026 is confirmed by the seed; from October on, next year's missing arrangement is announced too
    [warning] = calendar_warnings(dt.date(2026, 11, 22))
    assert warning.startswith("2027年的节假日安排尚未录入，该年的工作日暂按法定节假日估算")
    assert "不含调休" in warning and "估算" in warning
    assert calendar_warnings(dt.date(2026, 3, 1)) == []
    assert calendar_warnings(dt.date(2026, 9, 30)) == []
    assert [w[:4] for w in calendar_warnings(dt.date(2026, 10, 1))] == ["2027"]
    assert [w[:4] for w in calendar_warnings(dt.date(2027, 10, 1))] == ["2027", "2028"]
    CalendarYear.objects.update_or_create(year=2027, defaults={"confirmed": True})
    assert calendar_warnings(dt.date(2026, 11, 22)) == []


def test_admin_index_shows_the_warning(department):
    from tests.factories import make_staff

    admin = make_staff(username="sys", department=department, roles=["system_admin"])
    cst = dt.timezone(dt.timedelta(hours=8))
    for moment, expected in [
        (dt.datetime(2026, 11, 22, 10, 0, tzinfo=cst), True),
        (dt.datetime(2026, 3, 2, 10, 0, tzinfo=cst), False),
    ]:
        with time_machine.travel(moment, tick=False):
            client = Client()
            client.force_login(admin)  # inside the travel: a session from another day may have expired
            page = client.get("/admin/")
            assert page.status_code == 200
            assert ("2027年的节假日安排尚未录入" in page.content.decode()) is expected


def test_calendar_load_is_two_queries(django_assert_num_queries):
    with django_assert_num_queries(2):
        work_calendar_for(dt.date(2026, 1, 1), 30)


def test_entering_and_removing_a_day_moves_the_working_day_ordinals(db):
    from govhall.core.models import WorkdayOrdinal
    from govhall.core.services import calendar_day_save, calendar_days_delete

    later = dt.date(2028, 6, 30)

    def ordinal():
        return WorkdayOrdinal.objects.get(date=later).ordinal

    before = ordinal()
    day = calendar_day_save(CalendarDay(date=dt.date(2028, 6, 5), is_workday=False, name="临时放假"))
    assert day.source == "admin" and ordinal() == before - 1
    assert calendar_days_delete([day]) == 1
    assert ordinal() == before
