"""出生一件事 from end to end in a browser: a parent on a phone applies once (one form, each material once, the
rest from e-licences and the first item's result), follows the items as each department handles them and the
later ones start by themselves, receives the results together from the window, and rates the whole."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from govhall.cases.models import BundleCase, Case
from govhall.identity.models import User
from tests.e2e.conftest import DESKTOP, PHONE, shot
from tests.e2e.test_case_flow import _pdf, _person
from tests.factories.cases import drive_to_completion


def _apply(page: Any, portal: str) -> str:
    page.goto(f"{portal}/bundles/birth/")
    page.get_by_role("link", name="一次申请").click()
    page.wait_for_url(re.compile(r"/bundles/birth/apply/$"))
    form = page.locator("#apply-form")
    expect(form.get_by_label("申请人（经办人）姓名")).to_have_value("张晓明")  # from the account
    rows = form.get_by_role("table").locator("tbody").get_by_role("row")
    certificate = rows.filter(has=page.locator("strong", has_text=re.compile("^出生医学证明$")))
    expect(certificate).to_contain_text("由“出生医学证明首次签发”的办理结果（电子证照）自动提供")
    expect(certificate.locator("input[type=file]")).to_have_count(0)
    form.get_by_role("button", name="一次提交").click()  # nothing typed yet: told what is missing, at once
    expect(page.locator("#error-summary")).to_contain_text("儿童姓名")
    form = page.locator("#apply-form")
    form.get_by_label("儿童姓名").fill("张小宝")
    form.get_by_label("出生日期").fill("2026-11-10")
    form.get_by_label("预防接种门诊").select_option("递铺街道社区卫生服务中心")
    uploaded = 0
    for row in form.get_by_role("table").locator("tbody").get_by_role("row").all():
        if row.locator(".badge-orange").count() and row.locator("input[type=file]").count():
            name = row.locator("strong").inner_text()
            row.locator("input[type=file]").set_input_files(_pdf(f"{name}.pdf"))
            uploaded += 1
    assert uploaded >= 1
    shot(page, "bundle-apply-phone")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 361, f"the bundle apply page scrolls sideways on a phone: {width}"
    form.get_by_role("button", name="一次提交").click()
    page.wait_for_url(re.compile(r"/bundle-cases/YJS[^/]+/$"))
    return page.url.rstrip("/").rsplit("/", 1)[-1]


def _departments_handle(number: str, rounds: int = 6) -> None:
    """Each department works its item as it reaches it (through the services; the case flow test walks those
    pages): what has started is accepted, approved, issued and completed, which starts what waited for it."""
    clerk = User.objects.get(username="clerk")
    for _ in range(rounds):
        ready = Case.objects.filter(bundle_case__number=number, status="submitted").values_list(
            "number", flat=True
        )
        if not ready:
            return
        for case_number in list(ready):
            drive_to_completion(case_number, clerk)


def test_a_parent_applies_for_the_birth_bundle_once_and_receives_everything_together(
    browser: Any, portal: str
) -> None:
    with _person(browser, portal, "citizen", PHONE) as parent:
        number = _apply(parent, portal)
        progress = parent.get_by_role("region", name="各事项进度")
        expect(progress).to_contain_text("待“出生医学证明首次签发”办结后自动开始")
        expect(parent.get_by_text("已办成 0 / 5 个事项")).to_be_visible()
        shot(parent, "bundle-case-phone")
        parent.goto(f"{portal}/my/cases/")
        expect(parent.locator("table.bundle-cases")).to_contain_text(number)

    _departments_handle(number)
    bundle_case = BundleCase.objects.get(number=number)
    assert bundle_case.state == BundleCase.State.COMPLETED
    registration = Case.objects.get(bundle_case=bundle_case, item__name="出生登记")
    assert registration.materials.filter(satisfied_by="licence", material__name="出生医学证明").exists()

    with _person(browser, portal, "clerk", DESKTOP) as clerk:
        clerk.goto(f"{portal}/bundle-cases/{number}/")
        results = clerk.get_by_role("region", name="办理结果")
        results.get_by_label("统一出件方式").select_option("window")
        shot(clerk, "bundle-deliver-desktop")
        results.get_by_role("button", name="统一出件").click()
        expect(clerk.get_by_text("已统一出件，申请人将收到通知")).to_be_visible()

    with _person(browser, portal, "citizen", PHONE) as parent:
        parent.goto(f"{portal}/my/messages/")
        expect(parent.get_by_text("一件事办理结果已统一出件").first).to_be_visible()
        parent.goto(f"{portal}/bundle-cases/{number}/")
        expect(parent.get_by_text("已办成 5 / 5 个事项")).to_be_visible()
        expect(parent.get_by_role("region", name="办理结果")).to_contain_text("统一出件")
        parent.get_by_role("link", name="评价本件事").click()
        parent.get_by_text("非常满意").click()
        parent.get_by_role("button", name="提交评价").click()
        expect(parent.get_by_text("感谢您的评价！")).to_be_visible()
        shot(parent, "bundle-case-done-phone")
        width = parent.evaluate("document.documentElement.scrollWidth")
        assert width <= 361, f"the bundle case page scrolls sideways on a phone: {width}"
