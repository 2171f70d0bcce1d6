"""Accounts in a browser: registration (with its ID-number check), login and lockout count, 我的空间, enterprises."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from govhall.demo.seeding import DEMO_PASSWORD
from tests.e2e.conftest import shot
from tests.factories import valid_id_number, valid_phone

BAD_ID_NUMBER = "330523199003150013"  # well formed, real birth date, wrong check character (…0012 is right)
NEW_PASSWORD = "Bamboo2026x"
CITIZEN_ID_MASKED = "330523********0012"  # the demo citizen's 330523199003150012


def _masked(id_number: str) -> str:
    return id_number[:6] + "*" * 8 + id_number[-4:]


def _open_register(page: Page, portal: str) -> None:
    page.goto(portal + "/")
    page.get_by_role("navigation", name="账户").get_by_role("link", name="注册").click()
    page.wait_for_url(re.compile("/register/$"))
    expect(page.get_by_role("heading", level=1, name="注册个人账户")).to_be_visible()


def _fill_register(
    page: Page, *, name: str, id_number: str, phone: str, password: str = NEW_PASSWORD
) -> None:
    page.get_by_label("姓名").fill(name)
    page.get_by_label("公民身份号码").fill(id_number)
    page.get_by_label("手机号码").fill(phone)
    page.get_by_label("设置密码").fill(password)
    page.get_by_label("确认密码").fill(password)


def _login(page: Page, portal: str, username: str, password: str) -> None:
    page.goto(portal + "/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()


def test_register_with_a_wrong_check_character(page: Page, portal: str) -> None:
    _open_register(page, portal)
    phone = valid_phone()
    _fill_register(page, name="李小红", id_number=BAD_ID_NUMBER, phone=phone)
    with page.expect_response(re.compile("/register/")) as response:
        page.get_by_role("button", name="注册", exact=True).click()
    assert response.value.status == 400
    expect(page.get_by_role("heading", level=1, name="注册个人账户")).to_be_visible()

    # The message is in Chinese, tied to the field and shown right after it.
    id_field = page.get_by_label("公民身份号码")
    expect(id_field).to_have_attribute("aria-invalid", "true")
    expect(id_field).to_have_accessible_description(re.compile("校验码"))
    message = id_field.locator("xpath=following-sibling::*[1]")
    expect(message).to_have_text("公民身份号码校验码错误，请核对后重新输入")
    expect(message).to_have_attribute("role", "alert")
    expect(message).to_be_visible()
    expect(page.get_by_label("姓名")).not_to_have_attribute("aria-invalid", "true")
    shot(page, "register-error")

    # What was typed stays, except the passwords.
    expect(page.get_by_label("姓名")).to_have_value("李小红")
    expect(id_field).to_have_value(BAD_ID_NUMBER)
    expect(page.get_by_label("手机号码")).to_have_value(phone)
    expect(page.get_by_label("设置密码")).to_have_value("")
    # Still logged out.
    expect(page.get_by_role("navigation", name="账户").get_by_role("link", name="登录")).to_be_visible()


def test_register_logs_in_and_shows_only_the_masked_id_number(page: Page, portal: str) -> None:
    id_number = valid_id_number(birth="19881208")
    phone = valid_phone()
    _open_register(page, portal)
    _fill_register(page, name="王安吉", id_number=id_number, phone=phone)
    page.get_by_role("button", name="注册", exact=True).click()
    page.wait_for_url(re.compile(r"^[^?]*/$"))
    expect(page.get_by_role("status")).to_have_text("注册成功，已为您登录")
    expect(page.get_by_role("link", name="您好，王安吉")).to_be_visible()

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的空间").click()
    page.wait_for_url(re.compile("/account/$"))
    me = page.get_by_role("region", name="我的空间")
    expect(me.locator("dt:text-is('姓名') + dd")).to_have_text("王安吉")
    id_cell = me.locator("dt:text-is('公民身份号码') + dd")
    expect(id_cell).to_have_text(_masked(id_number))
    expect(id_cell).to_have_text(re.compile(r"^\d{6}\*{8}[\dX]{4}$"))
    expect(me.locator("dt:text-is('手机号码') + dd")).to_have_text(phone[:3] + "****" + phone[-4:])
    # The full numbers are nowhere in the page, not even in hidden markup.
    html = page.content()
    assert id_number not in html
    assert id_number[6:14] not in html  # nor the birth date
    assert phone not in html


def test_login_wrong_then_right_password(page: Page, portal: str) -> None:
    page.goto(portal + "/")
    page.get_by_role("navigation", name="账户").get_by_role("link", name="登录").click()
    page.wait_for_url(re.compile("/login/"))
    expect(page.get_by_role("heading", level=1, name="用户登录")).to_be_visible()
    expect(page.get_by_label("账号")).to_have_accessible_description(
        "可使用公民身份号码、手机号码或用户名登录"
    )

    page.get_by_label("账号").fill("citizen")
    page.get_by_label("密码").fill("Wrong2026x")
    page.get_by_role("button", name="登录").click()
    alert = page.get_by_role("main").get_by_role("alert")
    expect(alert).to_have_text("账号或密码错误；连续失败5次，账户将锁定30分钟")
    expect(page.get_by_label("账号")).to_have_value("citizen")
    expect(page.get_by_label("密码")).to_have_value("")
    shot(page, "login")

    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"^[^?]*/$"))
    expect(page.get_by_role("link", name="您好，张晓明")).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_visible()

    page.get_by_role("link", name="您好，张晓明").click()
    page.wait_for_url(re.compile("/account/$"))
    me = page.get_by_role("region", name="我的空间")
    expect(me.locator("dt:text-is('公民身份号码') + dd")).to_have_text(CITIZEN_ID_MASKED)
    expect(me.locator("dt:text-is('账户类型') + dd")).not_to_be_empty()
    assert "330523199003150012" not in page.content()
    shot(page, "account")

    # Logging out ends the session: 我的空间 asks to log in again.
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("status")).to_have_text("您已安全退出")
    page.goto(portal + "/account/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/account/"))


def test_failed_login_message_is_shown_once(page: Page, portal: str) -> None:
    _login(page, portal, "citizen", "Wrong2026x")
    expect(page.get_by_role("alert")).to_have_count(1, timeout=2_000)
    expect(page.get_by_label("账号")).not_to_have_attribute("aria-invalid", "true", timeout=1_000)


def test_open_an_enterprise_account_and_authorise_an_operator(page: Page, portal: str) -> None:
    """张晓明 is the registered operator of 安吉县晓明竹制品店 (a 个体工商户 in the demo registry): he opens its
    account, is refused 李慧's company, and authorises 李慧 as an operator of his shop."""
    _login(page, portal, "citizen", DEMO_PASSWORD)
    page.wait_for_url(re.compile(r"^[^?]*/$"))
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的空间").click()
    enterprises = page.get_by_role("region", name=re.compile("^我经办的法人单位"))
    expect(enterprises).to_contain_text("暂无")
    enterprises.get_by_role("link", name="开通法人账户").click()
    page.wait_for_url(re.compile("/account/enterprises/new/$"))
    expect(page.get_by_role("heading", level=1, name="开通法人账户")).to_be_visible()

    code = page.get_by_label("统一社会信用代码")
    code.fill("91330523MA2B3C4D5N")
    page.get_by_role("button", name="核对并开通").click()
    expect(code).to_have_accessible_description(re.compile("校验码"))
    code.fill("91330523MA2B3C4D5M")  # 安吉竹乡茶业有限公司: 李慧 is its legal representative
    page.get_by_role("button", name="核对并开通").click()
    expect(page.get_by_role("alert")).to_contain_text("您不是该市场主体登记的法定代表人")
    code.fill("92330523MA2C5D6E7E")
    page.get_by_role("button", name="核对并开通").click()
    page.wait_for_url(re.compile("/account/enterprises/92330523MA2C5D6E7E/$"))
    expect(page.get_by_role("status")).to_contain_text("已开通“安吉县晓明竹制品店”的法人账户")

    page.get_by_label("姓名").fill("李慧")
    page.get_by_label("公民身份号码").fill("330523198511200026")
    page.get_by_role("button", name="授权", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("已授权 李慧 为经办人")
    table = page.get_by_role("region", name=re.compile("^经办人")).get_by_role("table")
    row = table.get_by_role("row").filter(has_text="李慧")
    expect(row.get_by_role("cell").nth(1)).to_have_text("330523********0026")
    assert "330523198511200026" not in page.locator("main").inner_text()
    shot(page, "enterprise-operators")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的空间").click()
    table = page.get_by_role("region", name=re.compile("^我经办的法人单位")).get_by_role("table")
    row = table.get_by_role("row").filter(has_text="安吉县晓明竹制品店")
    expect(row.get_by_role("cell")).to_have_text(
        ["安吉县晓明竹制品店", "92330523MA2C5D6E7E", "张晓明", "管理员"]
    )


def test_forgotten_password_by_sms_code(page: Page, portal: str) -> None:
    from govhall.identity.models import User
    from govhall.notices.models import Notice

    page.goto(portal + "/login/")
    page.get_by_role("link", name=re.compile("找回密码")).click()
    page.wait_for_url(re.compile("/password-reset/$"))
    expect(page.get_by_role("heading", level=1, name="找回密码")).to_be_visible()
    page.get_by_label("注册时填写的手机号码").fill("13905720001")  # the demo citizen's number
    page.get_by_role("button", name="获取验证码").click()
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text("如该手机号码已注册，验证码已发送")
    citizen = User.objects.get(username="citizen")
    sms = Notice.objects.filter(recipient=citizen, channel=Notice.Channel.SMS).latest("id")
    found = re.search(r"验证码(\d{6})", sms.body)
    assert found
    page.get_by_label("短信验证码").fill(found.group(1))
    page.get_by_label(re.compile("^新密码")).fill(NEW_PASSWORD)
    page.get_by_label("确认新密码").fill(NEW_PASSWORD)
    shot(page, "password-reset")
    page.get_by_role("button", name="重置密码").click()
    page.wait_for_url(re.compile("/login/$"))
    expect(page.get_by_role("status")).to_have_text("密码已重置，请使用新密码登录")
    page.get_by_label("账号").fill("citizen")
    page.get_by_label("密码").fill(NEW_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="您好，张晓明")).to_be_visible()


def test_a_clerk_lands_on_the_desk(page: Page, portal: str) -> None:
    page.goto(portal + "/login/")
    page.get_by_label("账号").fill("clerk")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile("/desk/$"))
