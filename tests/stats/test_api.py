import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_citizen

from .conftest import TOWN, client_for

URL = "/api/v1/stats/"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "field"}
    return body


def test_supervisor_sees_every_figure(month, supervisor):
    client = client_for(supervisor)
    daily = client.get(URL + "daily", MARCH).json()
    assert (daily["from"], daily["to"], daily["region"], daily["department"]) == (
        "2026-03-01",
        "2026-03-31",
        None,
        None,
    )
    assert len(daily["days"]) == 31
    assert daily["days"][1] == {"date": "2026-03-02", "web": 1, "window": 1, "api": 0, "total": 2}
    performance = client.get(URL + "performance", MARCH).json()
    assert [
        (r["department"], r["on_time_rate"], r["satisfaction_rate"]) for r in performance["departments"]
    ] == [
        ("rsj", 0.6667, 0.5),
        ("scjgj", 1.0, 1.0),
    ]
    warnings = client.get(URL + "warnings", MARCH).json()
    assert {r["level"]: [r["opened"], r["open"]] for r in warnings["levels"]} == {
        "yellow": [1, 1],
        "red": [2, 2],
    }
    assert warnings["rules"]
    items = client.get(URL + "items", MARCH | {"limit": 2}).json()
    assert (items["items"][0]["name"], items["items"][0]["count"]) == ("即办事项", 2)
    assert [i["count"] for i in items["items"]] == [2, 1]


def test_filters_by_region_and_department(month, sysadmin):
    client = client_for(sysadmin)
    town = client.get(URL + "performance", MARCH | {"region": TOWN}).json()
    assert town["region"] == TOWN and [r["department"] for r in town["departments"]] == ["scjgj"]
    rsj = client.get(URL + "items", MARCH | {"department": "rsj"}).json()
    assert rsj["department"] == "rsj" and {i["name"] for i in rsj["items"]} == {"即办事项", "承诺事项"}


def test_default_period_is_the_last_30_days(month, supervisor):
    body = client_for(supervisor).get(URL + "daily").json()
    today = timezone.localdate()
    assert body["to"] == today.isoformat()
    assert body["from"] == (today - dt.timedelta(days=29)).isoformat()
    assert len(body["days"]) == 30
    only_to = client_for(supervisor).get(URL + "daily", {"to": "2026-03-31"}).json()
    assert only_to["from"] == "2026-03-02"


def test_department_head_is_held_to_their_own_department(month, staff):
    client = client_for(staff["head"])  # head of rsj
    body = client.get(URL + "performance", MARCH).json()
    assert body["department"] == "rsj" and [r["department"] for r in body["departments"]] == ["rsj"]
    assert client.get(URL + "performance", MARCH | {"department": "rsj"}).status_code == 200
    for endpoint in ("daily", "performance", "warnings", "items", "paperless", "paperless/items"):
        body = error(client.get(URL + endpoint, MARCH | {"department": "scjgj"}), 403)
        assert body["message"] == "部门负责人只能查看本部门的统计" and body["field"] == "department"
    warnings = client.get(URL + "warnings", MARCH).json()
    assert {r["level"]: r["opened"] for r in warnings["levels"]} == {"yellow": 1, "red": 1}


@pytest.mark.parametrize("who", ["approver", "clerk", "citizen"])
def test_others_are_refused(month, staff, who):
    user = make_citizen(name="李四") if who == "citizen" else staff[who]
    body = error(client_for(user).get(URL + "daily"), 403)
    assert body["code"] == "forbidden" and "电子监察人员" in body["message"]


def test_anonymous_is_asked_to_log_in(db):
    for endpoint in ("daily", "performance", "warnings", "items", "paperless", "paperless/items"):
        assert error(Client().get(URL + endpoint), 401)["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"from": "2026-3-1"}, "from", "起始日期（from）应为 YYYY-MM-DD 格式的日期"),
        ({"from": "2026-02-30"}, "from", "起始日期（from）应为 YYYY-MM-DD 格式的日期"),
        ({"to": "yesterday"}, "to", "截止日期（to）应为 YYYY-MM-DD 格式的日期"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "from", "起始日期（from）不能晚于截止日期（to）"),
        ({"from": "2023-01-01", "to": "2026-01-01"}, "to", "统计期间最长为三年，请缩短起止日期（from、to）"),
        ({"region": "999999"}, "region", "未找到该行政区划（region）"),
        ({"department": "nosuch"}, "department", "未找到该部门（department）"),
    ],
)
def test_bad_filters_are_422_in_chinese(month, supervisor, query, field, message):
    body = error(client_for(supervisor).get(URL + "performance", query), 422)
    assert (body["code"], body["field"], body["message"]) == ("validation_error", field, message)


def test_three_years_is_the_longest_period(month, supervisor):
    client = client_for(supervisor)
    assert client.get(URL + "daily", {"from": "2023-01-01", "to": "2025-12-31"}).status_code == 200
    assert client.get(URL + "daily", {"from": "2023-01-01", "to": "2026-01-01"}).status_code == 422


def test_bearer_token(month, supervisor):
    from govhall.identity.services import token_issue

    raw, _ = token_issue(user=supervisor, label="报表")
    response = Client().get(URL + "daily", MARCH, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and len(response.json()["days"]) == 31


def test_no_departments_endpoint_here():
    from govhall.stats.api import router

    paths = set(router.path_operations)
    assert paths == {
        "/stats/daily",
        "/stats/performance",
        "/stats/warnings",
        "/stats/items",
        "/stats/paperless",
        "/stats/paperless/items",
        "/stats/bundles",
    }


FIGURES = {
    "materials", "paperless", "by_licence", "by_shared_data", "paperless_rate", "lookups_granted", "licence_uses",
    "lookups", "lookups_denied", "lookups_failed",
}  # fmt: skip


def test_paperless_per_department(paperless_month, supervisor):
    body = client_for(supervisor).get(URL + "paperless", MARCH).json()
    assert (body["from"], body["to"], body["region"], body["department"]) == (
        "2026-03-01",
        "2026-03-31",
        None,
        None,
    )
    assert set(body["summary"]) == FIGURES
    assert (
        body["summary"]["materials"],
        body["summary"]["paperless"],
        body["summary"]["paperless_rate"],
    ) == (
        8,
        3,
        0.375,
    )
    assert body["summary"]["lookups_denied"] == 4 and body["count"] == 3
    assert [
        (r["department"], r["paperless_rate"], r["lookups"], r["lookups_denied"]) for r in body["departments"]
    ] == [
        ("rsj", 0.3333, 2, 2),
        ("scjgj", 0.5, 0, 1),
        (None, None, 0, 1),
    ]
    assert body["departments"][2]["department_name"] == "查询人无所属部门"
    assert set(body["departments"][0]) == FIGURES | {"department", "department_name", "short_name"}


def test_paperless_per_item(paperless_month, sysadmin, items):
    client = client_for(sysadmin)
    body = client.get(URL + "paperless/items", MARCH | {"limit": 2}).json()
    assert body["count"] == 3 and len(body["items"]) == 2  # three items, the first two listed
    first = body["items"][0]
    assert (first["implementation_code"], first["name"], first["materials"], first["paperless_rate"]) == (
        items["instant"].implementation_code,
        "即办事项",
        4,
        0.5,
    )
    assert (first["lookups_granted"], first["licence_uses"], first["lookups"]) == (1, 1, 2)
    town = client.get(URL + "paperless/items", MARCH | {"region": TOWN}).json()
    assert [(i["name"], i["paperless"], i["lookups_denied"]) for i in town["items"]] == [
        ("其他部门即办事项", 1, 2)
    ]
    assert error(client.get(URL + "paperless/items", MARCH | {"limit": 0}), 422)["field"] == "limit"


def test_paperless_for_a_department_head(paperless_month, staff):
    client = client_for(staff["head"])  # head of rsj: rsj's materials and rsj's own look-ups only
    body = client.get(URL + "paperless", MARCH).json()
    assert body["department"] == "rsj" and [r["department"] for r in body["departments"]] == ["rsj"]
    assert (body["summary"]["materials"], body["summary"]["lookups_denied"]) == (6, 2)
    items = client.get(URL + "paperless/items", MARCH).json()
    assert {i["name"] for i in items["items"]} == {"即办事项", "承诺事项"}
