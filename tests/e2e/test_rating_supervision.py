"""好差评 and 电子监察 in a browser: a citizen gives a bad rating, the department's rectification becomes
overdue and the supervisor sees the warning appear; the department closes it with a follow-up call and the
warning resolves."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from playwright.sync_api import expect

from govhall.cases.models import Case
from govhall.catalogue.models import ServiceItem
from govhall.evaluation.models import Rectification
from govhall.identity.models import User
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.e2e.test_case_flow import _person

ITEM = "社会保障卡申领"  # an instant item of the demo county's 人力社保局 (rsj)


def _completed_case() -> Case:
    item = ServiceItem.objects.get(name=ITEM, status="published")
    citizen = User.objects.get(username="citizen")
    now = timezone.now()
    return Case.objects.create(
        number="330523-20261120-90001", item=item, department=item.department, region=item.region,
        applicant=citizen, applicant_name=citizen.real_name, submitted_by=citizen, channel="web",
        status="completed", submitted_at=now, accepted_at=now, accepted_on=timezone.localdate(), decided_at=now,
        completed_at=now, promised_due=timezone.localdate(), legal_due=timezone.localdate(), decision="approve",
    )  # fmt: skip


def test_bad_rating_rectified_and_supervised(browser: Any, portal: str) -> None:
    case = _completed_case()
    with _person(browser, portal, "citizen", PHONE) as citizen:
        citizen.goto(f"{portal}/cases/{case.number}/")
        citizen.get_by_role("link", name="评价办结环节").click()
        citizen.get_by_text("不满意", exact=True).click()
        citizen.get_by_label("办理时间长").check()
        citizen.get_by_label(re.compile("具体意见")).fill("社保卡制作等了很久，窗口也没有说明")
        shot(citizen, "rating-form-phone")
        citizen.get_by_role("button", name="提交评价").click()
        expect(citizen.get_by_text("感谢您的评价！")).to_be_visible()
        expect(citizen.get_by_role("region", name="服务评价（好差评）")).to_contain_text("整改中")

    # fifteen working days pass without the department acting
    Rectification.objects.filter(case=case).update(due_on=timezone.localdate() - dt.timedelta(days=1))

    with _person(browser, portal, "supervisor", DESKTOP) as supervisor:
        supervisor.goto(f"{portal}/supervision/")
        supervisor.get_by_role("button", name="立即扫描").click()
        row = supervisor.locator("tr", has_text="差评整改逾期")
        expect(row).to_contain_text(case.number)
        expect(row).to_contain_text("红牌")
        shot(supervisor, "supervision-board")
        levels = supervisor.locator("table.sv-warnings tbody tr td:first-child").all_inner_texts()
        reds = [i for i, text in enumerate(levels) if "红牌" in text]
        assert reds and reds == list(range(len(reds))), levels  # red warnings first

        with _person(browser, portal, "rsj_head", DESKTOP) as head:
            head.goto(f"{portal}/tasks/")  # the head starts from the workbench: the work is announced there
            menu = head.get_by_role("navigation", name="主导航").get_by_role(
                "link", name=re.compile("^差评整改")
            )
            expect(menu).to_contain_text(re.compile(r"\d"))
            expect(head.locator("#rectifications-due")).to_contain_text("件差评待整改")
            shot(head, "workbench-rectifications")
            head.goto(f"{portal}/cases/{case.number}/")
            head.get_by_role("link", name="填写整改措施和回访").click()
            head.wait_for_url(re.compile(r"/rectifications/\?case="))
            item = head.locator("article", has_text=case.number)
            expect(item).to_contain_text("已逾期")
            item.get_by_label("整改措施").fill("增加制卡批次，窗口公示制卡进度")
            item.get_by_label(re.compile("回访记录")).fill("11月21日电话回访，申请人表示理解")
            shot(head, "rectification-close")
            item.get_by_role("button", name="整改办结").click()
            expect(head.get_by_text("整改已办结，回访记录已保存。")).to_be_visible()

        supervisor.get_by_role("button", name="立即扫描").click()
        expect(supervisor.locator("tr", has_text="差评整改逾期")).to_have_count(0)
        supervisor.get_by_label("状态").select_option("resolved")
        supervisor.get_by_role("button", name="筛选").click()
        resolved = supervisor.locator("tr", has_text="差评整改逾期")
        expect(resolved).to_contain_text("预警原因已消除")
        supervisor.goto(f"{portal}/supervision/report/?month={timezone.localdate():%Y-%m}")
        expect(supervisor.locator("#report-issuer")).to_contain_text("制表单位")
        expect(supervisor.locator("#ranking-rule")).to_contain_text("置信下限")
        supervisor.emulate_media(media="print")
        shot(supervisor, "supervision-report-print")
        supervisor.emulate_media(media="screen")

    with _person(browser, portal, "citizen", DESKTOP) as citizen:
        citizen.goto(f"{portal}/cases/{case.number}/")
        panel = citizen.get_by_role("region", name="服务评价（好差评）")
        expect(panel).to_contain_text("增加制卡批次")
        panel.get_by_label("对整改情况的评价").select_option("4")
        panel.get_by_role("button", name="提交").click()
        expect(citizen.get_by_text("感谢您对整改情况的评价。")).to_be_visible()
        shot(citizen, "rating-case-panel")

    with _person(browser, portal, "citizen", DESKTOP) as anyone:
        anyone.goto(f"{portal}/ratings/")
        expect(anyone.get_by_role("region", name="各部门评价情况")).to_contain_text("人力资源和社会保障局")
        shot(anyone, "ratings-public")
