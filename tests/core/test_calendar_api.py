import datetime as dt

import pytest
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


def test_a_year_without_data_answers_monday_to_friday_and_flags_it():
    data = Client().get("/api/v1/calendar/workdays", {"start": "2027-09-30", "days": 3}).json()
    assert data["due"] == "2027-10-05" and data["estimated"] and data["unconfirmed_years"] == [2027]


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
    assert calendar_warnings(dt.date(2026, 11, 22)) == [calendar_warnings(dt.date(2026, 11, 22))[0]]
    assert "2027" in calendar_warnings(dt.date(2026, 11, 22))[0]
    assert calendar_warnings(dt.date(2026, 3, 1)) == []


def test_admin_index_shows_the_warning(department):
    from tests.factories import make_staff

    client = Client()
    client.force_login(make_staff(username="sys", department=department, roles=["system_admin"]))
    page = client.get("/admin/").content.decode()
    if dt.date.today().month >= 10 or dt.date.today().year > 2026:
        assert "节假日安排尚未录入" in page


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
