"""找回密码 by SMS code: service, API and page; staff land on their workbench after login."""

import datetime as dt
import re

import pytest
from django.test import Client

from govhall.core.errors import TooManyRequests, ValidationFailed
from govhall.identity import services
from govhall.identity.models import ApiToken, PasswordResetCode
from govhall.notices.models import Notice
from tests.factories.identity import make_staff

pytestmark = pytest.mark.django_db
NEW = "Bamboo2027x"


def _code(user) -> str:
    notice = Notice.objects.filter(recipient=user, channel=Notice.Channel.SMS).latest("id")
    found = re.search(r"验证码(\d{6})", notice.body)
    assert found, notice.body
    return found.group(1)


def test_a_code_by_sms_then_a_new_password_revokes_tokens_and_sessions(citizen):
    web = Client()
    web.force_login(citizen)
    plain, _ = services.token_issue(user=citizen)
    message = services.password_reset_request(phone=citizen.phone, client="10.0.0.1")
    assert "如该手机号码已注册" in message
    code = _code(citizen)
    row = PasswordResetCode.objects.get(user=citizen)
    assert code not in row.code_hash and len(row.code_hash) == 64  # stored hashed
    assert not Notice.objects.filter(recipient=citizen, channel=Notice.Channel.SITE).exists()

    services.password_reset_confirm(phone=citizen.phone, code=code, password=NEW)
    citizen.refresh_from_db()
    assert citizen.check_password(NEW)
    assert not ApiToken.objects.filter(user=citizen, revoked_at__isnull=True).exists()
    assert services.token_authenticate(plain) is None
    assert web.get("/account/").status_code == 302  # the old session is over
    with pytest.raises(ValidationFailed):  # a code works once
        services.password_reset_confirm(phone=citizen.phone, code=code, password="Another2027x")


def test_the_answer_is_the_same_for_an_unregistered_number(citizen):
    registered = services.password_reset_request(phone=citizen.phone)
    unknown = services.password_reset_request(phone="13905729999")
    assert registered == unknown
    assert Notice.objects.filter(channel=Notice.Channel.SMS).count() == 1
    with pytest.raises(ValidationFailed) as err:
        services.password_reset_confirm(phone="13905729999", code="123456", password=NEW)
    assert err.value.field == "code"


def test_wrong_codes_are_limited_and_the_password_rules_apply(citizen):
    services.password_reset_request(phone=citizen.phone)
    code = _code(citizen)
    with pytest.raises(ValidationFailed) as err:
        services.password_reset_confirm(phone=citizen.phone, code=code, password="short")
    assert err.value.field == "password"
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(4):  # the rule check above took one of the five checks
        with pytest.raises(ValidationFailed):
            services.password_reset_confirm(phone=citizen.phone, code=wrong, password=NEW)
    with pytest.raises(ValidationFailed):  # the right code, too late: the checks are used up
        services.password_reset_confirm(phone=citizen.phone, code=code, password=NEW)
    with pytest.raises(ValidationFailed) as err:
        services.password_reset_confirm(phone=citizen.phone, code="12ab", password=NEW)
    assert "6位" in err.value.message


def test_codes_expire_and_a_new_code_voids_the_old(citizen, _pinned_clock):
    services.password_reset_request(phone=citizen.phone)
    first = _code(citizen)
    _pinned_clock.shift(dt.timedelta(seconds=61))
    services.password_reset_request(phone=citizen.phone)
    second = _code(citizen)
    with pytest.raises(ValidationFailed):
        services.password_reset_confirm(phone=citizen.phone, code=first, password=NEW)
    _pinned_clock.shift(dt.timedelta(minutes=11))
    with pytest.raises(ValidationFailed):
        services.password_reset_confirm(phone=citizen.phone, code=second, password=NEW)


def test_rate_limits_per_number_and_per_client(citizen, _pinned_clock):
    services.password_reset_request(phone=citizen.phone)
    with pytest.raises(TooManyRequests) as err:
        services.password_reset_request(phone=citizen.phone)
    assert err.value.status == 429 and "60秒" in err.value.message
    for _ in range(4):
        _pinned_clock.shift(dt.timedelta(minutes=2))
        services.password_reset_request(phone=citizen.phone)
    _pinned_clock.shift(dt.timedelta(minutes=2))
    with pytest.raises(TooManyRequests) as err:
        services.password_reset_request(phone=citizen.phone)
    assert "今日" in err.value.message
    for n in range(20):
        services.password_reset_request(phone=f"139057{n:05d}", client="10.0.0.9")
    with pytest.raises(TooManyRequests):
        services.password_reset_request(phone="13905738888", client="10.0.0.9")
    services.password_reset_request(phone="13905738888", client="10.0.0.10")


def test_password_reset_api(citizen):
    client = Client()
    response = client.post(
        "/api/v1/accounts/password-reset/code", {"phone": citizen.phone}, content_type="application/json"
    )
    assert response.status_code == 202 and "验证码已发送" in response.json()["message"]
    again = client.post(
        "/api/v1/accounts/password-reset/code", {"phone": citizen.phone}, content_type="application/json"
    )
    assert again.status_code == 429 and again.json()["field"] == "phone"
    body = {"phone": citizen.phone, "code": _code(citizen), "password": NEW}
    response = client.post("/api/v1/accounts/password-reset", body, content_type="application/json")
    assert response.status_code == 200
    token = client.post(
        "/api/v1/auth/token", {"username": citizen.phone, "password": NEW}, content_type="application/json"
    )
    assert token.status_code == 200


def test_password_reset_page_and_links(citizen):
    client = Client()
    assert "/password-reset/" in client.get("/login/").content.decode()
    page = client.post("/password-reset/", {"phone": citizen.phone, "step": "code"})
    assert page.status_code == 200 and "短信验证码" in page.content.decode()
    response = client.post(
        "/password-reset/",
        {"phone": citizen.phone, "step": "reset", "code": _code(citizen), "password": NEW, "password2": NEW},
    )
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.post("/login/", {"username": citizen.phone, "password": NEW}).status_code == 302


def test_duplicate_registration_links_to_password_reset(citizen):
    response = Client().post(
        "/register/",
        {
            "name": "张晓明",
            "id_number": citizen.id_number,
            "phone": "13905720009",
            "password": NEW,
            "password2": NEW,
        },
    )
    page = response.content.decode()
    assert response.status_code == 409 or response.status_code == 400
    assert "找回密码" in page and 'href="/password-reset/"' in page


@pytest.mark.parametrize(
    ("roles", "landing"),
    [
        (["window_clerk"], "/desk/"),
        (["approver"], "/tasks/"),
        (["department_head", "approver"], "/tasks/"),
        (["supervisor"], "/supervision/"),
        (["catalogue_admin"], "/"),
    ],
)
def test_staff_land_on_their_workbench(department, roles, landing):
    staff = make_staff(username="worker", department=department, roles=roles)
    response = Client().post("/login/", {"username": staff.username, "password": "Secret2026x", "next": ""})
    assert response.status_code == 302 and response["Location"] == landing
    assert 'name="next" value=""' in Client().get("/login/").content.decode()  # the form asks for no page
    response = Client().post(
        "/login/", {"username": "worker", "password": "Secret2026x", "next": "/progress/"}
    )
    assert response["Location"] == "/progress/"
    response = Client().post(
        "/login/", {"username": "worker", "password": "Secret2026x", "next": "https://evil.example/"}
    )
    assert response["Location"] == landing


def test_citizens_land_home(citizen):
    response = Client().post("/login/", {"username": citizen.phone, "password": "Secret2026x"})
    assert response["Location"] == "/"


def test_the_owner_lifts_a_lock_by_sms_code_and_keeps_the_password(citizen, settings):
    """Lockout as a weapon: someone else's wrong guesses lock the account; the owner unlocks it with a code."""
    from govhall.core.errors import AuthenticationFailed, Locked
    from govhall.identity.models import User

    for _ in range(settings.LOGIN_MAX_FAILURES - 1):
        with pytest.raises(AuthenticationFailed):  # wrong passwords from an attacker
            services.login_attempt(login=citizen.phone, password="wrong-guess-1", client="203.0.113.9")
    with pytest.raises(Locked):
        services.login_attempt(login=citizen.phone, password="wrong-guess-1", client="203.0.113.9")
    with pytest.raises(Locked):
        services.login_attempt(login=citizen.phone, password="Secret2026x", client="10.0.0.7")
    services.password_reset_request(phone=citizen.phone, client="10.0.0.7")
    response = Client().post(
        "/api/v1/accounts/unlock",
        {"phone": citizen.phone, "code": _code(citizen)},
        content_type="application/json",
    )
    assert response.status_code == 200 and "解除锁定" in response.json()["message"]
    assert services.login_attempt(login=citizen.phone, password="Secret2026x", client="10.0.0.7") == citizen
    assert User.objects.get(pk=citizen.pk).check_password("Secret2026x")
    again = Client().post(
        "/api/v1/accounts/unlock", {"phone": citizen.phone, "code": "000000"}, content_type="application/json"
    )
    assert again.status_code == 422 and again.json()["field"] == "code"


def test_the_unlock_button_on_the_page(citizen):
    from govhall.identity.models import User

    User.objects.filter(pk=citizen.pk).update(locked_until=dt.datetime(2099, 1, 1, tzinfo=dt.UTC))
    web = Client()
    web.post("/password-reset/", {"phone": citizen.phone, "step": "code"})
    response = web.post(
        "/password-reset/", {"phone": citizen.phone, "step": "unlock", "code": _code(citizen)}
    )
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert User.objects.get(pk=citizen.pk).locked_until is None
