import json

import pytest
from django.test import Client

from tests.factories import make_citizen

from .conftest import TOWN, client_for

URL = "/stats/"
MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def chart_data(response):
    html = response.content.decode()
    start = html.index('<script id="stats-data" type="application/json">') + len(
        '<script id="stats-data" type="application/json">'
    )
    return json.loads(html[start : html.index("</script>", start)])


def test_login_required(db):
    response = Client().get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/stats/")


def test_supervisor_sees_charts_and_tables(month, supervisor):
    response = client_for(supervisor).get(URL, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    for chart in ("chart-daily", "chart-performance", "chart-warnings", "chart-items"):
        assert f'id="{chart}"' in html
    assert html.count("<table") == 6 and html.count("<caption") == 6
    assert "vendor/echarts.min.js" in html and "stats/dashboard.js" in html
    assert "2026-03-01 至 2026-03-31" in html
    assert "66.7%" in html and "50.0%" in html  # rsj: on time 2 of 3, satisfaction 1 of 2
    data = chart_data(response)
    assert set(data) == {"daily", "unit", "rate_floor", "performance", "warnings", "items", "paperless"}
    assert (data["unit"], data["rate_floor"]) == ("day", 0)
    assert len(data["daily"]) == 31 and data["daily"][1]["total"] == 2
    assert [r["department"] for r in data["performance"]] == ["rsj", "scjgj"]
    assert response.context["summary"]["submitted"] == 4


def test_filters(month, sysadmin):
    response = client_for(sysadmin).get(URL, MARCH | {"region": TOWN, "department": "scjgj"})
    assert response.status_code == 200
    data = chart_data(response)
    assert [r["department"] for r in data["performance"]] == ["scjgj"]
    html = response.content.decode()
    assert f'<option value="{TOWN}" selected>' in html
    assert '<option value="scjgj" selected>' in html


def test_department_head_sees_their_department_only(month, staff):
    client = client_for(staff["head"])
    response = client.get(URL, MARCH)
    assert response.status_code == 200
    assert [r["department"] for r in chart_data(response)["performance"]] == ["rsj"]
    assert response.context["departments"] == [("rsj", month["rsj"].name)]
    assert "部门负责人只能查看本部门的统计" in response.content.decode()
    refused = client.get(URL, MARCH | {"department": "scjgj"})
    assert refused.status_code == 403 and "部门负责人只能查看本部门的统计" in refused.content.decode()


@pytest.mark.parametrize("who", ["approver", "citizen"])
def test_others_are_refused(month, staff, who):
    user = make_citizen(name="李四") if who == "citizen" else staff[who]
    response = client_for(user).get(URL)
    assert response.status_code == 403
    assert "只有电子监察人员、部门负责人和系统管理员可以查看统计分析" in response.content.decode()


def test_bad_period_is_explained_on_the_page(month, supervisor):
    response = client_for(supervisor).get(URL, {"from": "2026-03-31", "to": "2026-03-01"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "起始日期（from）不能晚于截止日期（to）" in html and 'role="alert"' in html
    assert 'aria-invalid="true"' in html and "stats-data" not in html
    assert 'value="2026-03-31"' in html  # what was typed is kept


def test_empty_period(month, supervisor):
    response = client_for(supervisor).get(URL, {"from": "2025-01-01", "to": "2025-01-31"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "该期间没有办件和评价" in html and "该期间没有申请" in html
    assert "该期间没有申请材料和数据调用" in html and 'id="chart-paperless"' not in html


def test_nav_link_for_those_who_may_see(month, supervisor, staff):
    assert 'href="/stats/"' in client_for(supervisor).get("/").content.decode()
    assert 'href="/stats/"' in client_for(staff["head"]).get("/").content.decode()
    assert 'href="/stats/"' not in client_for(staff["approver"]).get("/").content.decode()
    assert 'href="/stats/"' not in Client().get("/").content.decode()


def test_a_long_period_is_charted_by_week_or_month(month, supervisor):
    quarter = client_for(supervisor).get(URL, {"from": "2026-01-01", "to": "2026-06-30"})
    data = chart_data(quarter)
    assert data["unit"] == "week" and len(data["daily"]) == 27  # 2026-01-01 is a Thursday
    assert data["daily"][0]["label"] == "01-01起" and data["daily"][1]["label"] == "01-05起"
    assert data["daily"][0]["end"] == "2026-01-04" and data["daily"][1]["end"] == "2026-01-11"
    assert (
        sum(d["total"] for d in data["daily"]) == quarter.context["summary"]["submitted"]
    )  # summed into weeks
    html = quarter.content.decode()
    assert "每周办件量（按申报渠道）" in html and "按周（周一至周日）汇总" in html
    two_years = chart_data(client_for(supervisor).get(URL, {"from": "2025-01-01", "to": "2026-11-18"}))
    assert two_years["unit"] == "month" and len(two_years["daily"]) == 23
    assert two_years["daily"][0]["label"] == "2025-01"


def _rows(html: str, label: str) -> list[list[str]]:
    """The cells of a data table (by its region's label), tags stripped."""
    import re

    start = html.index(f'aria-label="{label}"')
    body = html[html.index("<tbody>", start) : html.index("</tbody>", start)]
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", body)
    ]


def test_paperless_section(paperless_month, supervisor):
    response = client_for(supervisor).get(URL, MARCH)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h2 class="section-title" id="paperless-title">免提交率</h2>' in html
    assert 'id="chart-paperless"' in html and "告知承诺不计入" in html
    assert "电子证照 1 项、共享数据 2 项" in html
    departments = _rows(html, "各部门免提交率数据表")
    assert departments == [
        [paperless_month["rsj"].name, "33.3%", "6", "1", "1", "1", "1", "2"],
        [paperless_month["scjgj"].name, "50.0%", "2", "0", "1", "0", "0", "1"],
        ["查询人无所属部门", "—", "0", "0", "0", "0", "0", "1"],
    ]
    items = _rows(html, "各事项免提交率数据表")
    assert items[0] == ["即办事项", "50.0%", "4", "1", "1", "1", "1", "0", paperless_month["rsj"].name]
    assert [row[0] for row in items] == ["即办事项", "其他部门即办事项", "承诺事项"]
    # the chart: departments with materials (a rate), not the row of look-ups without a department
    chart = chart_data(response)["paperless"]
    assert [(r["short_name"], r["percent"]) for r in chart] == [
        (paperless_month["rsj"].short_name or paperless_month["rsj"].name, 33.3),
        (paperless_month["scjgj"].short_name or paperless_month["scjgj"].name, 50.0),
    ]
    assert response.context["paperless"]["summary"]["paperless_rate"] == 0.375


def test_paperless_section_lists_ten_items(paperless_month, supervisor, monkeypatch):
    from govhall.stats import views

    monkeypatch.setattr(views, "PAPERLESS_ITEMS", 2)
    html = client_for(supervisor).get(URL, MARCH).content.decode()
    assert len(_rows(html, "各事项免提交率数据表")) == 2 and "（共 3 项，列前 2 项）" in html


def test_paperless_section_for_a_department_head(paperless_month, staff):
    html = client_for(staff["head"]).get(URL, MARCH).content.decode()
    assert [row[0] for row in _rows(html, "各部门免提交率数据表")] == [paperless_month["rsj"].name]
