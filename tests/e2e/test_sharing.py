"""一库共享 in a browser: 公积金中心's approver checks the demo citizen's 不动产登记信息 on their case (共享数据核验),
the material becomes 免提交 with the snapshot shown; the citizen then sees the look-up in 我的数据使用记录."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import expect

from govhall.catalogue.models import ServiceItem
from govhall.identity.models import User
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.e2e.test_case_flow import _person
from tests.factories.cases import submit

FUND_ITEM = "113305230082199392002010600010001"  # 住房公积金提取（购买自住住房）


def test_an_approver_checks_shared_data_and_the_citizen_sees_it(
    browser: Any, portal: str, media: Any
) -> None:
    item = ServiceItem.objects.get(implementation_code=FUND_ITEM, status="published")
    case = submit(item, User.objects.get(username="citizen"))

    with _person(browser, portal, "gjj_approver", DESKTOP) as approver:
        approver.goto(f"{portal}/sharing/resources/")
        expect(approver.get_by_role("link", name="不动产登记信息")).to_be_visible()
        shot(approver, "sharing-catalogue")
        approver.goto(f"{portal}/cases/{case.number}/")
        check = approver.locator("#check-ZRZY-BDCDJ-001")
        expect(check).to_contain_text("购房证明")
        check.get_by_role("button", name="共享数据核验").click()
        expect(approver.get_by_text("共享数据核验完成：不动产登记信息")).to_be_visible()
        check = approver.locator("#check-ZRZY-BDCDJ-001")
        expect(check).to_contain_text("安吉县递铺街道胜利西路 18 号")
        expect(check).to_contain_text("SM3 摘要")
        expect(approver.get_by_text("免提交").first).to_be_visible()
        shot(approver, "sharing-case-lookup")

    with _person(browser, portal, "citizen", PHONE) as citizen:
        citizen.goto(f"{portal}/account/")
        citizen.get_by_role("link", name="我的数据使用记录 ›").click()
        row = citizen.locator("tr", has_text=case.number)
        expect(row).to_contain_text("不动产登记信息")
        expect(row).to_contain_text("湖州市住房公积金管理中心安吉分中心")
        expect(row).to_contain_text("已授权")
        shot(citizen, "sharing-data-usage")
