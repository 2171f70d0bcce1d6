"""The statistics page in a browser: a supervisor opens it with a month of cases, ratings and warnings, the four
charts draw (a canvas each), filters by department, reads 免提交率 per department and item, and the page works
on a phone."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils import timezone
from playwright.sync_api import Page, expect

from govhall.cases.models import Case, CaseMaterial, Satisfaction, Upload
from govhall.catalogue.models import ServiceItem
from govhall.core.errors import PermissionDenied
from govhall.demo.seeding import DEMO_PASSWORD
from govhall.evaluation.models import Rating
from govhall.identity.models import User
from govhall.licences.models import Licence
from govhall.licences.services import licence_use_record
from govhall.sharing.models import Grant
from govhall.sharing.services import Subject, lookup_perform
from govhall.supervision.models import Warning
from tests.e2e.conftest import DESKTOP, PHONE, SCREENSHOTS, shot
from tests.e2e.test_accessibility import AXE, _violations

CHANNELS = ["web", "web", "window", "web", "api", "window"]
DEPARTMENT = "scjgj"  # 安吉县市场监督管理局


def _month_of_cases() -> None:
    """About 300 cases over the last 30 days for a dozen demo items, most completed (some late), ratings
    on the completed ones, and warnings on a few: written directly, as a month of work would leave them."""
    today = timezone.localdate()
    published = ServiceItem.objects.filter(status="published").order_by("department__code", "pk")
    items = list(published.filter(department__code=DEPARTMENT)[:3])
    items += list(published.exclude(department__code=DEPARTMENT)[::3][:9])
    applicant = User.objects.get(username="citizen")
    cases = []
    for n in range(300):
        item = items[(n * n + n // 7) % len(items)]
        day = today - dt.timedelta(days=(n * 7 + n // 45) % 30)
        submitted = timezone.make_aware(dt.datetime.combine(day, dt.time(9 + n % 8, n % 60)))
        done = n % 5 != 0 and day < today - dt.timedelta(days=2)
        finished = submitted + dt.timedelta(days=1 + n % 4)
        cases.append(
            Case(
                number=f"330523-{day:%Y%m%d}-9{n:04d}", item=item, department_id=item.department_id,
                region_id="330523" if n % 4 else "330523101000", applicant=applicant, applicant_name="张晓明",
                submitted_by=applicant, channel=CHANNELS[(n // 30 + n % 5) % len(CHANNELS)],
                status="completed" if done else "accepted", submitted_at=submitted, accepted_at=submitted,
                accepted_on=day, decided_at=finished if done else None, completed_at=finished if done else None,
                promised_due=day + dt.timedelta(days=3 if n % 9 else 1),
            )
        )  # fmt: skip
    Case.objects.bulk_create(cases)
    saved = list(Case.objects.filter(number__contains="-9").order_by("number"))
    Rating.objects.bulk_create(
        Rating(
            case=c, stage="complete", level=[5, 5, 4, 3, 5, 2, 4, 5, 1][i % 9], channel="web", rater=applicant,
            department_id=c.department_id, item_id=c.item_id, created_at=c.completed_at,
        )
        for i, c in enumerate(saved)
        if c.completed_at
    )  # fmt: skip
    Warning.objects.bulk_create(
        Warning(
            rule="promised_over" if i % 3 else "promised_near", level="red" if i % 3 else "yellow",
            subject=f"case:{c.pk}", case=c, department_id=c.department_id, reason="超过承诺时限",
            opened_at=c.submitted_at + dt.timedelta(days=2),
            resolved_at=c.completed_at if i % 2 else None,
        )
        for i, c in enumerate(saved[::11])
    )  # fmt: skip
    _materials_and_lookups(saved, applicant)


def _materials_and_lookups(saved: list[Case], applicant: User) -> None:
    """Every case's materials: a licence-sourced one by e-licence two times in three, a shared-data one by a
    look-up every other time, the rest uploaded; look-ups through the sharing service (granted for the
    department's grant, denied outside a case and for a citizen) and licence uses of a demo licence."""
    upload = Upload.objects.create(
        owner=applicant, original_name="scan.pdf", content_type="application/pdf", size=1, sha256="0" * 64,
        path="e2e/stats-scan.pdf",
    )  # fmt: skip
    licence = Licence.objects.order_by("pk").first()
    rows = []
    for n, case in enumerate(saved):
        for material in case.item.materials.all():
            way = Satisfaction.UPLOAD
            if material.source == "licence" and n % 3:
                way = Satisfaction.LICENCE
            elif material.source == "shared_data" and n % 2:
                way = Satisfaction.SHARED_DATA
            file = upload if way == Satisfaction.UPLOAD else None
            rows.append(CaseMaterial(case=case, material=material, satisfied_by=way, upload=file,
                                     reference="" if file else f"ref-{case.pk}"))  # fmt: skip
    CaseMaterial.objects.bulk_create(rows)
    subject = Subject("id_number", applicant.id_number)
    for case in saved[:40]:
        grant = Grant.objects.filter(department_id=case.department_id).select_related("resource").first()
        if grant is not None and case.item.implementation_code in grant.item_codes:
            lookup_perform(
                user=applicant, department=case.department, case_number=case.number, subject=subject,
                resource=grant.resource, items=grant.data_items, item_code=case.item.implementation_code,
                automatic=True,
            )  # fmt: skip
        if licence is not None and case.pk % 2:
            licence_use_record(licence=licence, department=case.department, case_number=case.number or "",
                               staff=None, purpose="免提交")  # fmt: skip
    grant = Grant.objects.select_related("resource").first()
    assert grant is not None
    resource, wanted = grant.resource, grant.data_items
    approver = User.objects.get(username="approver_scjg")
    for user, department, number in ((approver, approver.department, ""), (applicant, None, saved[0].number)):
        with contextlib.suppress(PermissionDenied):  # refused, and logged as denied
            lookup_perform(user=user, department=department, case_number=number or "", subject=subject,
                           resource=resource, items=wanted, item_code="")  # fmt: skip


def shot_path(name: str) -> Any:
    return SCREENSHOTS / f"{name}.png"


@contextmanager
def _supervisor(browser: Any, portal: str, options: dict[str, Any]) -> Iterator[Page]:
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto(portal + "/login/?next=/stats/")
        page.get_by_label("账号").fill("supervisor")
        page.get_by_label("密码").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(re.compile(r"/stats/"))
        yield page
    finally:
        context.close()


def _charts_drawn(page: Page) -> None:
    for chart in ("chart-daily", "chart-performance", "chart-warnings", "chart-items", "chart-paperless"):
        expect(page.locator(f"#{chart} canvas")).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page scrolls sideways: {width}px"


def test_supervisor_dashboard(browser: Any, portal: str) -> None:
    _month_of_cases()
    with _supervisor(browser, portal, DESKTOP) as page:
        expect(page.get_by_role("heading", level=1, name=re.compile("^统计分析"))).to_be_visible()
        expect(
            page.get_by_role("navigation", name="主导航").get_by_role("link", name="统计分析")
        ).to_have_attribute("aria-current", "page")
        _charts_drawn(page)
        rows = page.get_by_role("region", name="各部门按时办结率与满意率数据表").locator("tbody tr")
        assert rows.count() > 3
        _paperless_section(page)
        if (
            AXE.is_file()
        ):  # with every section filled (the accessibility test sees the demo's near-empty page)
            assert not _violations(page, AXE.read_text(encoding="utf-8"), page.url)
        page.get_by_label("部门", exact=True).select_option(DEPARTMENT)
        page.get_by_role("button", name="查询").click()
        page.wait_for_url(re.compile(rf"department={DEPARTMENT}"))
        expect(page.get_by_role("heading", level=1)).to_contain_text("安吉县市场监督管理局")
        expect(rows).to_have_count(1)
        expect(rows.first.get_by_role("rowheader")).to_have_text("安吉县市场监督管理局")
        _charts_drawn(page)
        page.get_by_role("link", name="近30天").click()
        expect(page.get_by_label("部门", exact=True)).to_have_value(DEPARTMENT)
        page.get_by_role("link", name="重置").click()
        page.wait_for_url(re.compile(r"/stats/$"))
        _charts_drawn(page)
        page.wait_for_timeout(600)  # the charts' entry animation
        shot(page, "stats-dashboard")

        width = "document.querySelector('#chart-daily canvas').clientWidth"
        wide = page.evaluate(width)
        page.set_viewport_size({"width": 800, "height": 768})  # one column: the chart grows to the card
        page.wait_for_function(f"w => {width} > w + 100", arg=wide)
        page.set_viewport_size(DESKTOP["viewport"])

        page.get_by_role("link", name="近一年").click()  # a year of days would be a comb: weeks instead
        expect(page.get_by_role("heading", name="每周办件量（按申报渠道）")).to_be_visible()
        _charts_drawn(page)
        option = "echarts.getInstanceByDom(document.getElementById('%s')).getOption()"
        labels = page.evaluate(f"({option % 'chart-daily'}).xAxis[0].data")
        assert 50 <= len(labels) <= 54 and labels[-1].endswith("起"), labels[-3:]
        axis = page.evaluate(f"({option % 'chart-items'}).yAxis[0].axisLabel.overflow")
        assert axis == "break"  # long item names wrap, not cut
        page.wait_for_timeout(600)
        shot(page, "stats-dashboard-year")

        page.get_by_label("起始日期").fill("2026-03-31")
        page.get_by_label("截止日期").fill("2026-03-01")
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_role("alert")).to_have_text("起始日期（from）不能晚于截止日期（to）")

    with _supervisor(browser, portal, PHONE) as phone:
        _charts_drawn(phone)
        phone.wait_for_timeout(600)
        shot(phone, "stats-dashboard-phone")
        section = phone.get_by_role("region", name="免提交率", exact=True)
        section.scroll_into_view_if_needed()
        box = section.bounding_box()
        assert box is not None and box["width"] <= 360, box
        table = section.get_by_role("region", name="各部门免提交率数据表")
        name = table.get_by_role("rowheader").first
        rate = table.locator("tbody tr").first.locator("td").first
        assert rate.bounding_box()["x"] + rate.bounding_box()["width"] <= 360  # the rate is in view at once
        left = name.bounding_box()["x"]
        table.evaluate("node => { node.scrollLeft = node.scrollWidth; }")
        phone.wait_for_timeout(100)
        assert (
            abs(name.bounding_box()["x"] - left) < 1
        )  # the department's name stays while the figures scroll
        table.evaluate("node => { node.scrollLeft = 0; }")
        phone.wait_for_timeout(300)
        section.screenshot(path=str(shot_path("stats-paperless-phone")))


def _paperless_section(page: Page) -> None:
    """免提交率: its key figures, a bar per department with a rate, the tables per department and item."""
    section = page.get_by_role("region", name="免提交率", exact=True)
    expect(section.get_by_role("heading", level=2, name="免提交率")).to_be_visible()
    kpis = section.get_by_label("免提交率主要指标")
    expect(kpis).to_contain_text("申请材料")
    rate = kpis.locator("div", has_text="免提交率").locator("dd")
    expect(rate).to_have_text(re.compile(r"^\d+\.\d%$"))
    departments = section.get_by_role("region", name="各部门免提交率数据表")
    headers = departments.get_by_role("columnheader")
    expect(headers).to_have_text(
        ["部门", "免提交率", "申请材料", "电子证照", "共享数据", "数据查询", "用证", "被拒绝"]
    )
    rows = departments.locator("tbody tr")
    assert rows.count() > 3
    # the citizen's refused look-up belongs to no department: the last row, one denial
    expect(rows.last.get_by_role("rowheader")).to_have_text("查询人无所属部门")
    expect(rows.last.locator("td").last).to_have_text("1")
    items = section.get_by_role("region", name="各事项免提交率数据表").locator("tbody tr")
    assert 1 <= items.count() <= 10
    expect(section.locator("#paperless-note")).to_contain_text("告知承诺不计入")
    shown = page.evaluate(
        "echarts.getInstanceByDom(document.getElementById('chart-paperless')).getOption().series[0].data.length"
    )
    assert shown == rows.count() - 1  # every department with materials; not the row without one
