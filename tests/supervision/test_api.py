"""The supervision API: warnings by scope, rules, orders and answers, the monthly report."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from govhall.supervision.models import Order, Rule
from govhall.supervision.scan import supervision_scan
from tests.cases.api_helpers import client_for
from tests.factories import make_staff
from tests.supervision.test_scan import at, running

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(platform):
    return make_staff(username="jc", department=platform, roles=["supervisor"])


@pytest.fixture
def late_case(media, items, staff, applicant):
    case = running(items, staff, applicant, limit=5, accepted_on=dt.date(2026, 3, 2))
    supervision_scan(now=at(case.promised_due + dt.timedelta(days=1)))
    return case


def test_warnings_by_scope(late_case, staff, supervisor):
    mine = client_for(supervisor).get("/api/v1/warnings?level=red").json()
    assert mine["count"] == 1 and mine["items"][0]["case"] == late_case.number
    assert mine["items"][0]["rule"] == "promised_over" and mine["items"][0]["level_label"] == "红牌警告"
    assert client_for(staff["head"]).get("/api/v1/warnings").json()["count"] == 2  # red + step overdue
    assert (
        client_for(staff["other"]).get("/api/v1/warnings").json()["count"] == 0
    )  # head of another department
    assert client_for(staff["approver"]).get("/api/v1/warnings").status_code == 403
    assert Client().get("/api/v1/warnings").status_code == 401
    assert client_for(supervisor).get("/api/v1/warnings?level=green").status_code == 422


def test_order_and_answer(late_case, staff, supervisor):
    warning = client_for(supervisor).get("/api/v1/warnings?level=red").json()["items"][0]
    tomorrow = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    body = {"warning": warning["id"], "requirement": "请说明超期原因并于三日内办结", "respond_by": tomorrow}
    assert (
        client_for(staff["head"])
        .post("/api/v1/supervision/orders", body, content_type="application/json")
        .status_code
        == 403
    )
    past = {**body, "respond_by": "2020-01-01"}
    answer = client_for(supervisor).post("/api/v1/supervision/orders", past, content_type="application/json")
    assert answer.status_code == 422 and answer.json()["field"] == "respond_by"
    issued = client_for(supervisor).post("/api/v1/supervision/orders", body, content_type="application/json")
    assert issued.status_code == 201, issued.content
    order_id = issued.json()["id"]
    assert issued.json()["department"] == late_case.department.code
    url = f"/api/v1/supervision/orders/{order_id}/answer"
    assert (
        client_for(staff["other"]).post(url, {"answer": "x"}, content_type="application/json").status_code
        == 404
    )
    empty = client_for(staff["head"]).post(url, {"answer": " "}, content_type="application/json")
    assert empty.status_code == 422 and empty.json()["field"] == "answer"
    done = client_for(staff["head"]).post(
        url, {"answer": "已加派人手，今日办结"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["state"] == "answered"
    assert (
        client_for(staff["head"]).post(url, {"answer": "再答"}, content_type="application/json").status_code
        == 409
    )
    assert Order.objects.get(pk=order_id).answered_by == staff["head"]
    listed = client_for(staff["head"]).get("/api/v1/supervision/orders").json()
    assert listed["count"] == 1


def test_rules_are_configurable_by_supervisors(supervisor, staff):
    api = client_for(supervisor)
    rules = {r["code"]: r for r in api.get("/api/v1/supervision/rules").json()}
    assert rules["promised_near"]["threshold"] == 80
    body = {"enabled": True, "level": "yellow", "threshold": 70, "window_days": 0}
    assert (
        api.put("/api/v1/supervision/rules/promised_near", body, content_type="application/json").status_code
        == 200
    )
    assert Rule.objects.get(code="promised_near").threshold == 70
    bad = api.put(
        "/api/v1/supervision/rules/promised_near", {**body, "threshold": 150}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "threshold"
    head = client_for(staff["head"]).put(
        "/api/v1/supervision/rules/promised_near", body, content_type="application/json"
    )
    assert head.status_code == 403


@pytest.mark.parametrize(
    ("code", "threshold", "window_days", "field", "message"),
    [
        ("repeated_visit", 1, 30, "threshold", "次数阈值至少为2"),
        ("repeated_visit", 2, 0, "window_days", "统计天数至少为1天"),
        ("repeated_correction", 0, 0, "threshold", "次数阈值至少为2"),
        ("promised_near", 0, 0, "threshold", "承诺时限预警阈值应为1到100"),
    ],
)
def test_out_of_range_rule_settings_are_refused_not_raised(
    supervisor, code, threshold, window_days, field, message
):
    body = {"enabled": True, "level": "yellow", "threshold": threshold, "window_days": window_days}
    bad = client_for(supervisor).put(
        f"/api/v1/supervision/rules/{code}", body, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == field
    assert message in bad.json()["message"]
    before = client_for(supervisor).get("/api/v1/supervision/rules").json()
    rule = {r["code"]: r for r in before}[code]
    assert (rule["threshold"], rule["window_days"]) != (threshold, window_days)  # nothing saved


def test_monthly_report_api(late_case, supervisor, staff):
    month = timezone.localdate().strftime("%Y-%m")
    rows = client_for(supervisor).get(f"/api/v1/stats/departments?month={month}").json()["rows"]
    assert [r["department"] for r in rows] == [late_case.department.code]
    assert rows[0]["accepted"] == 1 and rows[0]["rank"] == 1
    assert client_for(staff["other"]).get(f"/api/v1/stats/departments?month={month}").json()["rows"] == []
    bad = client_for(supervisor).get("/api/v1/stats/departments?month=2026-13")
    assert bad.status_code == 422 and bad.json()["field"] == "month"


def test_a_bad_warning_level_is_named_as_such(late_case, supervisor):
    response = client_for(supervisor).get("/api/v1/warnings?level=green")
    assert response.json()["field"] == "level"
    assert "预警级别" in response.json()["message"] and "评价" not in response.json()["message"]
