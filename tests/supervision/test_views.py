"""The 电子监察 pages: board, orders, rules and the monthly report, scoped like the API."""

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from govhall.supervision.models import Order, Rule, ScanRun, Warning
from govhall.supervision.scan import supervision_scan
from govhall.supervision.services import order_issue
from govhall.supervision.views import previous_month
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


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def later(days: int = 3) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_board_for_supervisor(late_case, supervisor):
    page = login(supervisor).get("/supervision/")
    html = page.content.decode()
    assert page.status_code == 200
    assert late_case.number in html and "超过承诺时限" in html and "红牌警告" in html
    assert "立即扫描" in html and "发出督办单" in html and 'name="csrfmiddlewaretoken"' in html
    assert "最近一次扫描" in html
    assert 'href="/supervision/"' in html and ">电子监察</a>" in html  # the nav line
    red = login(supervisor).get("/supervision/?level=red").content.decode()
    assert "环节超时" not in red and late_case.number in red
    assert "没有符合条件的预警" in login(supervisor).get("/supervision/?state=resolved").content.decode()


def test_board_lists_red_warnings_first(late_case, supervisor):
    from govhall.supervision.models import Warning
    from govhall.supervision.selectors import warnings_for

    yellow = Warning.objects.filter(level="yellow").first()
    assert yellow is not None and Warning.objects.filter(level="red").exists()
    Warning.objects.filter(pk=yellow.pk).update(opened_at=timezone.now())  # the newest warning is yellow
    levels = list(warnings_for(supervisor).values_list("level", flat=True))
    assert levels == sorted(levels, key=lambda level: level != "red") and levels[0] == "red"
    html = login(supervisor).get("/supervision/").content.decode()
    assert html.index("红牌警告") < html.index("黄牌预警", html.index("红牌警告"))


def test_board_for_department_heads_is_scoped(late_case, staff):
    html = login(staff["head"]).get("/supervision/").content.decode()
    assert late_case.number in html and "环节超时" in html
    assert "立即扫描" not in html and "发出督办单" not in html
    other = login(staff["other"]).get("/supervision/")
    assert other.status_code == 200 and late_case.number not in other.content.decode()


@pytest.mark.parametrize(
    "url", ["/supervision/", "/supervision/orders/", "/supervision/rules/", "/supervision/report/"]
)
def test_others_are_refused(late_case, staff, applicant, url):
    for user in (staff["approver"], staff["clerk"], applicant):
        page = login(user).get(url)
        assert page.status_code == 403 and "没有权限" in page.content.decode()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert 'href="/supervision/"' not in login(staff["approver"]).get("/").content.decode()


def test_issue_an_order_from_the_board(late_case, supervisor, staff):
    warning = Warning.objects.get(case=late_case, rule="promised_over")
    client = login(supervisor)
    url = "/supervision/orders/issue/?level=red"
    bad = client.post(
        url, {"warning": warning.pk, "requirement": "请说明超期原因", "respond_by": "2020-01-01"}
    )
    html = bad.content.decode()
    assert bad.status_code == 422 and "答复期限应晚于今天" in html
    assert "请说明超期原因</textarea>" in html and 'value="2020-01-01"' in html  # nothing lost
    empty = client.post(url, {"warning": warning.pk, "requirement": " ", "respond_by": later()})
    assert empty.status_code == 422 and "请填写督办要求" in empty.content.decode()
    assert not Order.objects.exists()
    done = client.post(url, {"warning": warning.pk, "requirement": "请说明超期原因", "respond_by": later()})
    assert done.status_code == 302 and done["Location"] == "/supervision/?level=red"
    order = Order.objects.get()
    assert order.warning == warning and order.department == late_case.department
    assert "已向" in client.get(done["Location"]).content.decode()
    refused = login(staff["head"]).post(
        url, {"warning": warning.pk, "requirement": "x", "respond_by": later()}
    )
    assert refused.status_code == 403 and Order.objects.count() == 1


def test_scan_button(late_case, supervisor, staff):
    done = login(supervisor).post("/supervision/scan/", follow=True)
    assert "扫描完成" in done.content.decode()
    assert ScanRun.objects.order_by("-started_at").first().trigger == "page"
    assert login(staff["head"]).post("/supervision/scan/").status_code == 403
    assert login(supervisor).get("/supervision/scan/").status_code == 405


def test_department_head_answers_an_order(late_case, supervisor, staff):
    order = order_issue(
        user=supervisor, requirement="请于三日内办结", respond_by=later(), case_number=late_case.number
    )
    head = login(staff["head"])
    page = head.get("/supervision/orders/").content.decode()
    assert "请于三日内办结" in page and "提交答复" in page
    assert "提交答复" not in login(supervisor).get("/supervision/orders/").content.decode()
    assert "请于三日内办结" not in login(staff["other"]).get("/supervision/orders/").content.decode()
    url = f"/supervision/orders/{order.pk}/answer/"
    empty = head.post(url, {"answer": "  "})
    assert empty.status_code == 422 and "请填写答复内容" in empty.content.decode()
    assert login(staff["other"]).post(url, {"answer": "不是我的"}).status_code == 404
    done = head.post(url, {"answer": "已加派人手，今日办结"}, follow=True)
    assert "督办单已答复" in done.content.decode() and "已加派人手，今日办结" in done.content.decode()
    order.refresh_from_db()
    assert order.state == "answered" and order.answered_by == staff["head"]
    again = head.post(url, {"answer": "再答"})
    assert again.status_code == 409 and "该督办单已答复" in again.content.decode()


def test_rule_edit_is_validated_like_the_api(supervisor, staff):
    client = login(supervisor)
    page = client.get("/supervision/rules/").content.decode()
    assert "承诺时限即将到期" in page
    assert 'id="threshold-promised_near" name="threshold" value="80" min="1" max="100"' in page
    assert 'id="threshold-repeated_visit" name="threshold" value="2" min="2" max="1000"' in page
    assert 'id="window-repeated_visit" name="window_days" value="30" min="1" max="365"' in page
    url = "/supervision/rules/promised_near/"
    body = {"enabled": "on", "level": "yellow", "threshold": "150", "window_days": "0"}
    bad = client.post(url, body)
    assert bad.status_code == 422 and "承诺时限预警阈值应为1到100" in bad.content.decode()
    assert 'value="150"' in bad.content.decode()
    assert "阈值应为整数" in client.post(url, {**body, "threshold": "八十"}).content.decode()
    assert (
        "统计天数至少为1天"
        in client.post(
            "/supervision/rules/repeated_visit/", {**body, "threshold": "3", "window_days": "0"}
        ).content.decode()
    )
    assert client.post(url, {**body, "level": "green"}).status_code == 422
    assert client.post("/supervision/rules/nope/", body).status_code == 404
    saved = client.post(url, {"level": "red", "threshold": "70", "window_days": "0"})  # unchecked: disabled
    assert saved.status_code == 302
    rule = Rule.objects.get(code="promised_near")
    assert (rule.enabled, rule.level, rule.threshold) == (False, "red", 70)
    head = login(staff["head"])
    assert head.get("/supervision/rules/").status_code == 200
    assert "保存" not in head.get("/supervision/rules/").content.decode()
    assert head.post(url, body).status_code == 403


def test_monthly_report_page_and_excel(late_case, supervisor, staff):
    month = timezone.localdate().strftime("%Y-%m")
    page = login(supervisor).get(f"/supervision/report/?month={month}")
    html = page.content.decode()
    assert page.status_code == 200 and late_case.department.name in html and "按时办结率" in html
    assert "下载 Excel" in html
    assert "制表单位：安吉县政务服务管理办公室（电子监察）" in html  # on the page and so on the print
    assert "排名规则" in html and "置信下限" in html and ">排名依据</th>" in html
    default = login(supervisor).get("/supervision/report/")
    assert previous_month(timezone.localdate()) in default.content.decode()
    assert previous_month(dt.date(2026, 1, 15)) == "2025-12"
    bad = login(supervisor).get("/supervision/report/?month=2026-13")
    assert bad.status_code == 422 and "月份" in bad.content.decode()

    xlsx = login(supervisor).get(f"/supervision/report/?month={month}&format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    header = [c.value for c in sheet[2]]
    assert header[:3] == ["排名", "部门编码", "部门"] and "按时办结率" in header and "满意率" in header
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert len(rows) == 1 and rows[0][1] == late_case.department.code and rows[0][0] == 1
    assert rows[0][header.index("受理件数")] == 1
    assert sheet.cell(row=3, column=header.index("网办率") + 1).number_format == "0.0%"
    assert "按时率下限（排名依据）" in header
    assert sheet.oddFooter.left.text == "制表单位：安吉县政务服务管理办公室（电子监察）"

    mine = login(staff["head"]).get(f"/supervision/report/?month={month}&format=xlsx")
    assert len(list(load_workbook(io.BytesIO(mine.content)).active.iter_rows(min_row=3))) == 1
    other = login(staff["other"]).get(f"/supervision/report/?month={month}&format=xlsx")
    assert list(load_workbook(io.BytesIO(other.content)).active.iter_rows(min_row=3)) == []
