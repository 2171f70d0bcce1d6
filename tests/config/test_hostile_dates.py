"""Dates no period can hold (year 1 or 9999, NaN, 1e400, impossible days) on every endpoint and page that
takes a date or a month: a 4xx or a page that says so, never a 500 (they overflowed a datetime)."""

import pytest

from tests.factories.identity import make_staff
from tests.stats.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin(platform):
    return make_staff(username="sysadmin1", department=platform, roles=["system_admin", "supervisor"])


HOSTILE = ["9999-12-31", "0001-01-01", "NaN", "1e400", "2026-02-30", "-1", "2026-13-01", "99999-01-01"]
DATED = [
    "/api/v1/ratings/stats?from={v}",
    "/api/v1/ratings/stats?to={v}",
    "/api/v1/ratings/export?from={v}&to={v}",
    "/api/v1/stats/daily?from={v}&to={v}",
    "/api/v1/stats/performance?from={v}&to={v}",
    "/api/v1/stats/warnings?from={v}&to={v}",
    "/api/v1/stats/items?from={v}&to={v}",
    "/api/v1/stats/paperless?from={v}&to={v}",
    "/api/v1/stats/paperless/items?from={v}&to={v}",
    "/api/v1/calendar/workdays?start={v}&days=1",
    "/ratings/?from={v}&to={v}",
    "/stats/?from={v}&to={v}",
]
MONTHS = ["9999-12", "0000-01", "2026-00", "2026-13", "NaN", "1e400"]
MONTHLY = ["/api/v1/stats/departments?month={v}", "/supervision/report/?month={v}"]


@pytest.mark.parametrize("url", DATED)
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_dates_are_not_500s(url, value, sysadmin):
    response = client_for(sysadmin).get(url.format(v=value))
    assert response.status_code < 500, response.content[:300]


@pytest.mark.parametrize("url", MONTHLY)
@pytest.mark.parametrize("value", MONTHS)
def test_hostile_months_are_not_500s(url, value, sysadmin):
    response = client_for(sysadmin).get(url.format(v=value))
    assert response.status_code < 500, response.content[:300]
