"""A parent on a phone finds 出生一件事 by typing 生孩子 and reads its guide: the steps and what runs at once,
one set of materials, the promise and where the results come from."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import shot

BUNDLE_TABS = [
    "受理条件", "办理事项和顺序", "一套材料", "一张表单", "办理时限", "结果领取", "政策依据", "办理地点和时间",
    "咨询监督", "常见问题",
]  # fmt: skip


def test_a_parent_finds_the_birth_bundle_by_searching_for_having_a_baby(
    phone_page: Page, portal: str
) -> None:
    page = phone_page
    page.goto(portal + "/")
    box = page.get_by_role("search").get_by_role("searchbox", name="搜索政务服务事项")
    box.fill("生孩子")
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"/search/\?"))

    bundles = page.get_by_role("region", name="一件事 · 一次办")
    expect(bundles).to_be_visible()
    first = bundles.get_by_role("link").first
    expect(first).to_have_text("出生一件事")
    # the bundle comes before the single items
    box_top = bundles.bounding_box()
    results = page.get_by_role("region", name="“生孩子”的检索结果")
    assert box_top and results.bounding_box() and box_top["y"] < results.bounding_box()["y"]
    shot(page, "bundle-search-phone")

    first.click()
    page.wait_for_url(re.compile(r"/bundles/birth/$"))
    expect(page.get_by_role("heading", level=1, name="出生一件事")).to_be_visible()
    expect(page.get_by_text("承诺 5 个工作日")).to_be_visible()
    tabs = page.get_by_role("navigation", name="指南目录").get_by_role("link")
    expect(tabs).to_have_text(BUNDLE_TABS)

    order = page.locator("#order")
    expect(order.get_by_role("heading", level=3, name=re.compile("^第1步"))).to_be_visible()
    expect(order.get_by_role("heading", level=3, name=re.compile("^第1步"))).to_contain_text("同时办理")
    step2 = order.locator(".stage").nth(1)
    expect(step2).to_contain_text("出生登记")
    expect(step2).to_contain_text("待“出生医学证明首次签发”办结后开始")
    expect(order.locator(".stage").nth(3)).to_contain_text("社会保障卡申领")

    materials = page.get_by_role("table", name="出生一件事申请材料清单")
    expect(materials).to_be_visible()
    rows = materials.locator("tbody").get_by_role("row")
    names = [
        rows.nth(i).get_by_role("cell").nth(1).locator("strong").inner_text() for i in range(rows.count())
    ]
    assert names.count("出生医学证明") == 1, names  # four items need it: listed once
    shared = rows.filter(has=page.get_by_text("出生医学证明", exact=True))
    expect(shared).to_contain_text("提交一次，4个事项共用")

    expect(page.locator("#time")).to_contain_text("关键路径")
    expect(page.locator("#results")).to_contain_text("统一出件窗口")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 361, f"the bundle guide scrolls sideways on a phone: {width}"
    shot(page, "bundle-guide-phone")
