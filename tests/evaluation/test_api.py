"""The 好差评 API contract through HTTP with bearer tokens."""

import datetime as dt

import pytest
from django.test import Client

from govhall.cases.services import case_act
from govhall.cases.transitions import Action
from govhall.evaluation.models import Rating, Rectification
from tests.cases.api_helpers import client_for
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(media, items, staff, applicant):
    case = submit(items["instant"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    case.refresh_from_db()
    assert case.status == "completed"
    return case


def rate(client, number, **body):
    return client.post(f"/api/v1/cases/{number}/ratings", body, content_type="application/json")


def test_rating_once_per_stage(completed, applicant):
    api = client_for(applicant)
    first = rate(api, completed.number, stage="complete", level=5, tags=["办事效率高"], text="很快")
    assert first.status_code == 201, first.content
    assert first.json()["level_label"] == "非常满意" and first.json()["channel"] == "api"
    again = rate(api, completed.number, stage="complete", level=4)
    assert again.status_code == 409 and again.json()["field"] == "stage"
    assert rate(api, completed.number, stage="accept", level=4).status_code == 201
    assert Rating.objects.filter(case=completed).count() == 2


def test_only_the_applicant_may_rate(completed, staff, applicant):
    assert rate(client_for(staff["clerk"]), completed.number, stage="complete", level=5).status_code == 404
    assert rate(client_for(staff["head"]), completed.number, stage="complete", level=5).status_code == 404
    assert rate(Client(), completed.number, stage="complete", level=5).status_code == 401
    assert rate(client_for(applicant), "330523-20990101-00001", stage="complete", level=5).status_code == 404


def test_a_clerk_who_submitted_for_the_applicant_cannot_rate(media, items, staff, applicant):
    case = submit(items["instant"], applicant, user=staff["clerk"], on_behalf_of=applicant.id_number,
                  channel="window")  # fmt: skip
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    assert rate(client_for(staff["clerk"]), case.number, stage="complete", level=5).status_code == 404
    assert rate(client_for(applicant), case.number, stage="complete", level=5).status_code == 201


def test_bad_input_and_stage_not_reached(media, items, staff, applicant, completed):
    api = client_for(applicant)
    for body, field in [
        ({"stage": "complete", "level": 9}, "level"),
        ({"stage": "later", "level": 5}, "stage"),
        ({"stage": "complete", "level": 5, "tags": ["随便"]}, "tags"),
        ({"stage": "complete", "level": 1}, "text"),  # a bad rating needs a reason
    ]:
        answer = rate(api, completed.number, **body)
        assert answer.status_code == 422 and answer.json()["field"] == field, answer.content
        assert "评价" in answer.json()["message"] or "标签" in answer.json()["message"]
    pending = submit(items["promised"], applicant)
    assert rate(api, pending.number, stage="accept", level=5).status_code == 409
    case_act(number=pending.number, user=staff["clerk"], action=Action.ACCEPT)
    assert rate(api, pending.number, stage="accept", level=5).status_code == 201
    assert rate(api, pending.number, stage="complete", level=5).status_code == 409


def test_bad_rating_rectification_lifecycle(completed, staff, applicant):
    api = client_for(applicant)
    answer = rate(api, completed.number, stage="complete", level=2, tags=["办理时间长"], text="等太久")
    rectification_id = answer.json()["rectification"]
    assert rectification_id and Rectification.objects.get(pk=rectification_id).state == "open"
    head = client_for(staff["head"])
    listed = head.get("/api/v1/rectifications?state=open").json()
    assert [r["id"] for r in listed["items"]] == [rectification_id]
    assert client_for(staff["other"]).get("/api/v1/rectifications").json()["count"] == 0  # other department
    assert client_for(applicant).get("/api/v1/rectifications").status_code == 403
    url = f"/api/v1/rectifications/{rectification_id}/close"
    missing = head.post(url, {"action": "优化流程", "follow_up": ""}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["field"] == "follow_up"
    other = client_for(staff["other"]).post(
        url, {"action": "a", "follow_up": "b"}, content_type="application/json"
    )
    assert other.status_code == 404
    closed = head.post(url, {"action": "优化流程，压缩时限", "follow_up": "11月20日电话回访，申请人表示认可"},
                       content_type="application/json")  # fmt: skip
    assert (
        closed.status_code == 200 and closed.json()["state"] == "closed" and closed.json()["on_time"] is True
    )
    assert (
        head.post(url, {"action": "a", "follow_up": "b"}, content_type="application/json").status_code == 409
    )
    rated = api.post(f"/api/v1/rectifications/{rectification_id}/rating", {"level": 4, "text": "满意"},
                     content_type="application/json")  # fmt: skip
    assert rated.status_code == 200 and rated.json()["applicant_level"] == 4
    stats = Client().get(f"/api/v1/ratings/stats?department={completed.department.code}").json()
    assert (stats["count"], stats["bad"], stats["rectified_on_time"]) == (1, 1, 1)
    assert stats["satisfaction_rate"] == 0.0


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_an_open_rectification_not_yet_due_is_not_late(completed, applicant):
    rate(client_for(applicant), completed.number, stage="complete", level=1, text="等太久")
    rectification = Rectification.objects.get()
    url = f"/api/v1/ratings/stats?department={completed.department.code}"
    pending = Client().get(url).json()
    assert (pending["bad"], pending["rectification_pending"], pending["rectification_late"]) == (1, 1, 0)
    assert pending["rectified_on_time_rate"] is None  # nothing decided yet: not 0%
    Rectification.objects.filter(pk=rectification.pk).update(due_on=dt.date(2026, 11, 17))  # past due
    late = Client().get(url).json()
    assert (late["rectification_pending"], late["rectification_late"], late["rectified_on_time_rate"]) == (
        0,
        1,
        0.0,
    )
    department = Client().get("/api/v1/ratings/stats").json()["departments"][0]
    assert department["rectification_late"] == 1


def test_public_stats_filters(completed, applicant):
    rate(client_for(applicant), completed.number, stage="complete", level=4)
    everything = Client().get("/api/v1/ratings/stats").json()
    assert everything["count"] == 1 and everything["satisfaction_rate"] == 1.0
    [row] = everything["departments"]
    assert (row["department"], row["department_name"]) == (
        completed.department.code,
        completed.department.name,
    )
    assert Client().get("/api/v1/ratings/stats?from=2000-01-01&to=2000-12-31").json()["count"] == 0
    by_item = Client().get(f"/api/v1/ratings/stats?item={completed.item.implementation_code}").json()
    assert by_item["count"] == 1
    bad = Client().get("/api/v1/ratings/stats?from=2026-13-01")
    assert bad.status_code == 422 and bad.json()["field"] == "from"


def test_export_for_the_provincial_system(completed, applicant, staff, platform):
    import csv
    import io

    from openpyxl import load_workbook

    from tests.factories import make_staff

    rate(client_for(applicant), completed.number, stage="complete", level=5, text="好")
    supervisor = client_for(make_staff(username="jc2", department=platform, roles=["supervisor"]))
    answer = supervisor.get("/api/v1/ratings/export")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(answer.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["case_number", "basic_code", "implementation_code"]
    assert rows[1][0] == "办件编号"
    assert rows[2][0] == completed.number and rows[2][rows[0].index("level")] == "5"
    assert rows[2][rows[0].index("department_code")] == completed.department.uscc
    book = load_workbook(io.BytesIO(supervisor.get("/api/v1/ratings/export?format=xlsx").content))
    assert book.active.max_row == 2
    assert client_for(staff["head"]).get("/api/v1/ratings/export").status_code == 403


@pytest.mark.parametrize("query", ["from=0001-01-01", "to=9999-12-31", "from=1900-01-01", "to=2101-01-01"])
def test_stats_dates_outside_the_calendar_are_422_not_500(db, query):
    response = Client().get(f"/api/v1/ratings/stats?{query}")
    assert response.status_code == 422
    assert response.json()["field"] == query.split("=")[0]
