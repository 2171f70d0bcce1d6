"""The public portal in a browser: search, guide, themes, departments, filters, 404; desktop and phone."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from govhall.demo.seeding import DEMO_PASSWORD
from tests.e2e.conftest import shot

GUIDE_TABS = [
    "基本信息",
    "受理条件",
    "申请材料",
    "办理流程",
    "办理时限",
    "收费标准",
    "设定依据",
    "办理地点和时间",
    "咨询监督",
    "常见问题",
]
SOCIAL_SECURITY_CARD = re.compile("社会保障卡|社保")


def _query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def _search_from_home(page: Page, portal: str, words: str = "社保", *, screenshot: str | None = None) -> None:
    page.goto(portal + "/")
    expect(page).to_have_title(re.compile("^首页.*政务服务平台"))
    expect(page.get_by_role("heading", level=1, name="办事，从这里开始")).to_be_visible()
    box = page.get_by_role("search").get_by_role("searchbox", name="搜索政务服务事项")
    box.fill(words)
    if screenshot:
        shot(page, screenshot)
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    page.wait_for_url(re.compile(r"/search/\?"))
    assert _query(page)["q"] == [words]
    expect(page.get_by_role("heading", level=1, name=f"“{words}”的检索结果")).to_be_visible()


def _results(page: Page) -> Any:
    return page.get_by_role("region", name=re.compile("检索结果|政务服务事项")).get_by_role("listitem")


def _open_social_security_card(page: Page) -> str:
    """From the 社保 results, open the first item about 社会保障卡 / 社保 and return its name."""
    link = _results(page).get_by_role("link", name=SOCIAL_SECURITY_CARD).first
    expect(link).to_be_visible()
    name = link.inner_text().strip()
    link.click()
    page.wait_for_url(re.compile(r"/items/[^/]+/$"))
    expect(page.get_by_role("heading", level=1, name=name, exact=True)).to_be_visible()
    return name


def _assert_guide(page: Page, name: str) -> None:
    materials = page.get_by_role("table", name=f"{name}申请材料清单")
    expect(materials).to_be_visible()
    rows = materials.locator("tbody").get_by_role("row")
    assert rows.count() >= 1
    expect(rows.first.get_by_role("cell").nth(1)).not_to_be_empty()
    expect(rows.first).not_to_contain_text("本事项无需提交申请材料")
    tabs = page.get_by_role("navigation", name="指南目录").get_by_role("link")
    expect(tabs).to_have_text(GUIDE_TABS)
    for label in GUIDE_TABS:
        expect(page.get_by_role("heading", level=2, name=label, exact=True)).to_be_attached()
    expect(page.get_by_role("link", name="在线办理").first).to_be_visible()


def _assert_no_horizontal_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360 + 1, f"{page.url} scrolls sideways on a 360-px phone: scrollWidth={width}"


def test_search_to_guide_and_apply_needs_login(page: Page, portal: str) -> None:
    _search_from_home(page, portal, screenshot="home")
    results = _results(page)
    assert results.count() >= 1
    expect(results.get_by_role("link", name=SOCIAL_SECURITY_CARD).first).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"共找到 [1-9]\d* 项"))
    shot(page, "search-results")

    name = _open_social_security_card(page)
    guide_path = urlsplit(page.url).path
    _assert_guide(page, name)
    expect(page.get_by_text("需先登录")).to_be_visible()
    # The tabs are in-page anchors.
    page.get_by_role("navigation", name="指南目录").get_by_role("link", name="申请材料").click()
    expect(page).to_have_url(re.compile("#materials$"))
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "guide")

    # The button stays in reach: after scrolling to the FAQ, one 在线办理 is still on screen.
    page.get_by_role("heading", level=2, name="常见问题").scroll_into_view_if_needed()
    expect(page.locator(".guide-bar").get_by_role("link", name="在线办理")).to_be_in_viewport()
    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("link", name="在线办理").first.click()
    page.wait_for_url(re.compile(r"/login/\?"))
    expect(page.get_by_role("heading", level=1, name="用户登录")).to_be_visible()
    assert _query(page)["next"] == [guide_path + "apply/"]

    # Logging in from there goes straight on to the application form.
    page.get_by_label("账号").fill("citizen")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(re.escape(guide_path) + "apply/$"))
    expect(page.get_by_role("link", name="您好，张晓明")).to_be_visible()
    expect(page.get_by_role("heading", level=1, name=re.compile("^在线办理"))).to_be_visible()


def test_search_on_a_phone_does_not_scroll_sideways(phone_page: Page, portal: str) -> None:
    page = phone_page
    page.goto(portal + "/")
    _assert_no_horizontal_scroll(page)
    shot(page, "home-phone")

    _search_from_home(page, portal)
    expect(_results(page).first).to_be_visible()
    _assert_no_horizontal_scroll(page)

    name = _open_social_security_card(page)
    _assert_guide(page, name)
    _assert_no_horizontal_scroll(page)
    shot(page, "guide-phone")
    # On a phone the apply button is fixed at the bottom of the screen, wherever one has scrolled to.
    page.get_by_role("heading", level=2, name="常见问题").scroll_into_view_if_needed()
    expect(page.locator(".apply-fixed").get_by_role("link", name="在线办理")).to_be_in_viewport()


def test_search_works_without_javascript(browser: Any, portal: str) -> None:
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(portal + "/")
        assert (
            page.evaluate("1 + 1") == 2
        )  # Playwright's own evaluation still runs; the page's scripts do not
        assert page.evaluate("typeof window.htmx") == "undefined"
        page.get_by_role("searchbox", name="搜索政务服务事项").fill("社保")
        page.get_by_role("button", name="搜索").click()
        page.wait_for_url(re.compile(r"/search/\?q="))
        expect(page.get_by_role("heading", level=1, name="“社保”的检索结果")).to_be_visible()
        expect(_results(page).get_by_role("link", name=SOCIAL_SECURITY_CARD).first).to_be_visible()
        # The filters are a plain GET form too.
        page.get_by_role("radio", name="个人办事").check()
        page.get_by_role("button", name="筛选").click()
        page.wait_for_url(re.compile("audience=person"))
        assert _query(page)["q"] == ["社保"]
        expect(_results(page).first).to_be_visible()
    finally:
        context.close()


def test_keyboard_skip_link_then_search(page: Page, portal: str) -> None:
    page.goto(portal + "/")
    skip = page.get_by_role("link", name="跳到主要内容")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # shown while focused, not left off-screen

    # The skip link moves focus to <main>; the next Tab lands in the search box.
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    page.keyboard.press("Tab")
    box = page.get_by_role("searchbox", name="搜索政务服务事项")
    expect(box).to_be_focused()

    # Without the skip link, the search box is still reachable by Tab alone.
    page.goto(portal + "/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    expect(box).to_be_focused()
    page.keyboard.type("社保")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    expect(page.get_by_role("heading", level=1, name="“社保”的检索结果")).to_be_visible()
    expect(_results(page).first).to_be_visible()


def test_person_theme_lists_its_items(page: Page, portal: str) -> None:
    page.goto(portal + "/")
    person = page.get_by_role("region", name=re.compile("^个人办事"))
    person.get_by_role("link", name="社会保障", exact=True).click()
    page.wait_for_url(re.compile(r"/search/\?"))
    query = _query(page)
    assert query["audience"] == ["person"]
    theme_code = query["theme"][0]
    expect(page.get_by_label("主题")).to_have_value(theme_code)
    expect(page.get_by_label("主题").locator("option:checked")).to_have_text("个人 · 社会保障")
    expect(page.get_by_role("radio", name="个人办事")).to_be_checked()

    results = _results(page)
    expect(results.first).to_be_visible()
    for i in range(results.count()):
        expect(results.nth(i).get_by_text("个人", exact=True)).to_be_visible()

    # An item listed under the theme says so in its guide.
    results.first.get_by_role("link").first.click()
    page.wait_for_url(re.compile(r"/items/"))
    basic = page.get_by_role("region", name="基本信息")
    expect(basic.locator("dt:text-is('所属主题') + dd")).to_contain_text("社会保障")
    expect(basic.locator("dt:text-is('服务对象') + dd")).to_contain_text("自然人")


def test_departments_and_halls(page: Page, portal: str) -> None:
    page.goto(portal + "/")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="部门服务").click()
    page.wait_for_url(re.compile("/departments/$"))
    expect(page.get_by_role("heading", level=1, name="部门服务")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="部门服务")
    ).to_have_attribute("aria-current", "page")

    table = page.get_by_role("region", name="部门服务").get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["部门", "区划", "咨询电话", "事项数"])
    rows = table.locator("tbody").get_by_role("row")
    assert rows.count() >= 10
    expect(table.get_by_role("link", name="安吉县公安局", exact=True)).to_be_visible()
    expect(table.get_by_role("link", name="安吉县人力资源和社会保障局", exact=True)).to_be_visible()

    halls = page.get_by_role("region", name="服务大厅").get_by_role("listitem")
    assert halls.count() >= 1
    expect(halls.filter(has_text="安吉县政务服务中心").first).to_contain_text("地址：")
    shot(page, "departments")

    # A department's name leads to its items.
    table.get_by_role("link", name="安吉县人力资源和社会保障局", exact=True).click()
    page.wait_for_url(re.compile("department=rsj"))
    results = _results(page)
    expect(results.first).to_be_visible()
    for i in range(results.count()):
        expect(results.nth(i)).to_contain_text("安吉县人力资源和社会保障局")


def test_search_filters_for_enterprises_and_a_department(page: Page, portal: str) -> None:
    page.goto(portal + "/search/")
    count = page.get_by_role("status").locator("strong")
    before = int(count.inner_text())
    assert before > 0

    filters = page.get_by_role("complementary", name="筛选")
    filters.get_by_role("radio", name="法人办事").check()
    filters.get_by_label("实施部门").select_option(label="安吉县市场监督管理局")
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile("department=scjgj"))
    query = _query(page)
    assert query["audience"] == ["enterprise"]
    assert query["department"] == ["scjgj"]

    # The form shows the chosen filters, and the results obey them.
    expect(filters.get_by_role("radio", name="法人办事")).to_be_checked()
    expect(filters.get_by_label("实施部门")).to_have_value("scjgj")
    after = int(count.inner_text())
    assert 0 < after < before
    results = _results(page)
    expect(results.first).to_be_visible()
    for i in range(results.count()):
        expect(results.nth(i)).to_contain_text("安吉县市场监督管理局")
        expect(results.nth(i).get_by_text("法人", exact=True)).to_be_visible()

    # Another department gives other results.
    filters.get_by_label("实施部门").select_option(label="安吉县卫生健康局")
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile("department=wjj"))
    expect(results.first).to_be_visible()
    expect(results.first).to_contain_text("安吉县卫生健康局")
    expect(page.get_by_role("region", name="政务服务事项")).not_to_contain_text("安吉县市场监督管理局")


def test_unknown_guide_is_a_friendly_404(page: Page, portal: str) -> None:
    response = page.goto(portal + "/items/NO-SUCH-ITEM-0000/")
    assert response is not None and response.status == 404
    expect(page).to_have_title(re.compile("^未找到.*政务服务平台"))
    expect(page.get_by_role("heading", level=1, name="未找到您要的页面或事项")).to_be_visible()
    expect(page.get_by_text("该事项可能已调整或尚未发布")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    page.get_by_role("main").get_by_role("link", name="检索事项").click()
    page.wait_for_url(re.compile("/search/$"))
    expect(page.get_by_role("searchbox", name="搜索政务服务事项")).to_be_visible()


def test_page_title_separates_page_and_platform(page: Page, live_server: Any) -> None:
    page.goto(live_server.url + "/login/")  # a page that needs no demo data
    expect(page).to_have_title(re.compile("^登录 - "), timeout=1_000)


def test_phone_material_cards_keep_values_in_the_value_column(phone_page: Page, portal: str) -> None:
    page = phone_page
    page.goto(portal + "/search/?q=社保")
    _open_social_security_card(page)
    misplaced = page.get_by_role("region", name="申请材料").evaluate(
        """section => [...section.querySelectorAll('tbody td')].flatMap(td => {
            const left = td.getBoundingClientRect().left + 80;  // the 90-px label column, less some slack
            return [...td.children].filter(child => child.tagName !== 'BR'
                && child.getBoundingClientRect().width > 0 && child.getBoundingClientRect().left < left)
              .map(child => `${td.dataset.label}: ${child.textContent.trim().slice(0, 20)}`);
        })"""
    )
    assert misplaced == []


def test_phone_search_shows_results_first_under_a_short_header(phone_page: Page, portal: str) -> None:
    page = phone_page
    page.goto(portal + "/search/?q=社保")
    viewport_height = 740
    nav = page.get_by_role("navigation", name="主导航").bounding_box()
    assert nav is not None
    header_bottom = nav["y"] + nav["height"]
    assert header_bottom < viewport_height / 5, f"the header takes {header_bottom:.0f} px of a 740-px screen"
    # "共找到 N 项" sits right under the search box, the filters are folded behind 筛选, results follow.
    box = page.get_by_role("searchbox", name="搜索政务服务事项").bounding_box()
    count = page.get_by_role("status").bounding_box()
    toggle = page.locator("#filters > summary")
    expect(toggle).to_be_visible()
    expect(page.get_by_label("实施部门")).to_be_hidden()
    first = _results(page).first.bounding_box()
    assert box and count and first
    assert box["y"] < count["y"] < first["y"] < viewport_height
    shot(page, "search-phone")
    toggle.click()
    expect(page.get_by_label("实施部门")).to_be_visible()
    page.get_by_role("radio", name="个人办事").check()
    page.get_by_role("button", name="筛选", exact=True).click()
    page.wait_for_url(re.compile("audience=person"))
    expect(_results(page).first).to_be_visible()


def test_forgiving_search_in_the_portal(page: Page, portal: str) -> None:
    page.goto(portal + "/search/?q=shenfenzheng")
    expect(page.get_by_role("status")).to_contain_text("已按“身份证”为您检索")
    expect(_results(page).first).to_contain_text("身份证")
    page.goto(portal + "/search/?q=" + "社保" * 1000)
    expect(page.get_by_role("alert")).to_contain_text("检索词过长")
    expect(_results(page)).to_have_count(0)
