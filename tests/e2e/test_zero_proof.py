"""零证明 from end to end in a browser: the demo citizen applies for 户口迁入登记（夫妻投靠） where the ID card and
the marriage certificate come from their e-licences and the housing proof from shared data (不动产登记信息),
uploading only the two other materials; 公安's approver sees the snapshot taken at submission; the citizen sees
the look-up in 我的数据使用记录; the completed case issues a 居民户口簿 e-licence whose verify page (the QR's
target) says valid, and invalid once 公安 revokes it."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from govhall.cases.services import case_act
from govhall.cases.transitions import Action
from govhall.identity.models import User
from govhall.licences.models import Licence
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.e2e.test_case_flow import _approve_in_process, _pdf, _person

ITEM_CODE = "11330523005260186K000710100010001"  # 户口迁入登记（夫妻投靠、父母投靠子女、子女投靠父母）, gaj
UPLOADED = ("户口迁移申请表", "被投靠人的居民户口簿")
PAPERLESS = {"居民身份证": "电子证照", "亲属关系证明": "电子证照", "合法稳定住所证明": "共享数据"}


def _apply(page: Any, portal: str) -> str:
    page.goto(f"{portal}/items/{ITEM_CODE}/")
    guide = page.locator("#materials")
    expect(guide.locator("tr", has_text="合法稳定住所证明")).to_contain_text("共享数据“不动产登记信息”")
    expect(guide.locator("tr", has_text="亲属关系证明")).to_contain_text("电子证照“结婚证”")
    page.get_by_role("link", name="在线办理").first.click()
    page.wait_for_url(re.compile(rf"/items/{ITEM_CODE}/apply/$"))
    form = page.get_by_role("main").locator("form")
    rows = form.get_by_role("table").locator("tbody").get_by_role("row")
    for name, way in PAPERLESS.items():
        row = rows.filter(has=page.locator("strong", has_text=re.compile(f"^{name}$")))
        expect(row).to_contain_text(f"{way}，免提交")
        expect(row.locator("input[type=file]")).to_have_count(0)
    for name in UPLOADED:
        form.get_by_label(f"上传{name}").set_input_files(_pdf(f"{name}.pdf"))
    shot(page, "zero-proof-apply-phone")
    form.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/cases/[^/]+/$"))
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    listed = page.get_by_role("region", name="申请材料").get_by_role("listitem")
    expect(listed.filter(has_text="免提交")).to_have_count(3)
    return number


def _clerk_does(number: str, *actions: Action) -> None:
    """The window's steps, through the services (the case flow test walks these pages)."""
    clerk = User.objects.get(username="clerk")
    for action in actions:
        details = {"method": "window"} if action == Action.ISSUE else {}
        case_act(number=number, user=clerk, action=action, **details)


def test_an_application_with_licences_and_shared_data_ends_in_a_verifiable_licence(
    browser: Any, portal: str
) -> None:
    with _person(browser, portal, "citizen", PHONE) as citizen:
        number = _apply(citizen, portal)
        shot(citizen, "zero-proof-case-phone")
        width = citizen.evaluate("document.documentElement.scrollWidth")
        assert width <= 361, f"the case page scrolls sideways on a phone: {width}"

    _clerk_does(number, Action.ACCEPT)
    with _person(browser, portal, "gaj_approver", DESKTOP) as approver:
        approver.goto(f"{portal}/cases/{number}/")
        check = approver.locator("#check-ZRZY-BDCDJ-001")
        expect(check).to_contain_text("安吉县递铺街道胜利西路 18 号")  # the snapshot taken at submission
        expect(check).to_contain_text("SM3 摘要")
        timeline = approver.get_by_role("region", name="办理过程")
        expect(timeline).to_contain_text("申报时共享数据核验：不动产登记信息")
        shot(approver, "zero-proof-approver")

    _approve_in_process(number)
    _clerk_does(number, Action.ISSUE, Action.COMPLETE)
    licence = Licence.objects.get(source_case=number)

    with _person(browser, portal, "citizen", PHONE) as citizen:
        citizen.goto(f"{portal}/account/")
        citizen.get_by_role("link", name="我的数据使用记录 ›").click()
        row = citizen.locator("tr", has_text=number)
        expect(row).to_contain_text("不动产登记信息")
        expect(row).to_contain_text("安吉县公安局")
        citizen.goto(f"{portal}/licences/{licence.identifier}/")
        expect(citizen.get_by_role("main")).to_contain_text("居民户口簿")
        href = citizen.get_by_role("link", name="核验页面").get_attribute("href") or ""
        assert href.endswith(
            f"/licences/verify?id={licence.identifier}"
        )  # the QR's target, on the public site
        citizen.goto(portal + href[href.index("/licences/") :])
        expect(citizen.locator("#verify-result")).to_contain_text("有效")
        shot(citizen, "zero-proof-licence-verify-phone")

    with _person(browser, portal, "gaj_approver", DESKTOP) as approver:
        approver.goto(f"{portal}/licences/{licence.identifier}/")
        approver.get_by_label("注销原因").fill("登记错误，依法撤销")
        approver.get_by_role("button", name="注销").click()
        expect(approver.get_by_role("status").first).to_contain_text("证照已注销")
        approver.goto(f"{portal}/licences/verify?id={licence.identifier}")
        expect(approver.locator("#verify-result")).to_contain_text("已注销")
