"""电子证照 in a browser: the demo citizen opens 我的证照, downloads a face and opens its verify page (valid);
the issuing department's staff revoke it; the public verify page then says revoked. Phone and desktop."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from govhall.demo.seeding import DEMO_PASSWORD
from tests.e2e.conftest import shot


def _login(page: Page, portal: str, username: str) -> None:
    page.goto(portal + "/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_wallet_verify_revoke(phone_page: Page, page: Page, portal: str) -> None:
    citizen: Any = phone_page
    _login(citizen, portal, "citizen")
    citizen.goto(portal + "/account/")
    citizen.get_by_role("main").get_by_role("link", name="我的证照 ›").click()
    citizen.wait_for_url(re.compile("/licences/$"))
    expect(citizen.get_by_role("heading", level=1, name=re.compile("我的证照"))).to_be_visible()
    rows = citizen.get_by_role("main").locator("tbody tr")
    expect(rows).to_have_count(4)
    expect(citizen.get_by_role("link", name="居民身份证（电子）")).to_be_visible()
    shot(citizen, "licences-wallet-phone")

    citizen.get_by_role("link", name="居民身份证（电子）").click()
    citizen.wait_for_url(re.compile(r"/licences/1\.2\.156\.3005\.2\.110001\..+/$"))
    identifier = citizen.url.rstrip("/").rsplit("/", 1)[-1]
    face = citizen.request.get(portal + f"/licences/{identifier}/face.pdf")
    assert face.status == 200 and face.headers["content-type"] == "application/pdf"
    assert face.body().startswith(b"%PDF")
    shot(citizen, "licences-detail-phone")

    citizen.goto(portal + f"/licences/verify?id={identifier}")
    result = citizen.locator("#verify-result")
    expect(result).to_contain_text("有效")
    expect(citizen.get_by_role("main")).to_contain_text("张**")
    expect(citizen.get_by_role("main")).not_to_contain_text("张晓明")
    shot(citizen, "licences-verify-phone")

    _login(page, portal, "gaj_approver")
    page.goto(portal + f"/licences/{identifier}/")
    page.get_by_label("注销原因").fill("证件遗失，申请人已申请补领")
    shot(page, "licences-revoke-desktop")
    page.get_by_role("button", name="注销").click()
    expect(page.get_by_role("status").first).to_contain_text("证照已注销")

    public = page.context.browser.new_page(locale="zh-CN")  # type: ignore[union-attr]
    public.goto(portal + f"/licences/verify?id={identifier}")
    expect(public.locator("#verify-result")).to_contain_text("已注销")
    expect(public.locator("#verify-result")).to_contain_text("证件遗失")
    shot(public, "licences-verify-revoked-desktop")
    public.close()
