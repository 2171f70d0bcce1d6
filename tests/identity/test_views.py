import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_register_page_shows_the_field_error_and_keeps_input():
    client = Client()
    response = client.post(
        "/register/",
        {
            "name": "王小红",
            "id_number": "330523199003150013",
            "phone": "13905720001",
            "password": "Zhu9Xiang7",
            "password2": "Zhu9Xiang7",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "校验码" in page and 'aria-invalid="true"' in page and "王小红" in page


def test_register_then_logged_in():
    client = Client()
    response = client.post(
        "/register/",
        {
            "name": "王小红",
            "id_number": "330523199003150012",
            "phone": "13905720001",
            "password": "Zhu9Xiang7",
            "password2": "Zhu9Xiang7",
        },
    )
    assert response.status_code == 302
    page = client.get("/account/").content.decode()
    assert "330523********0012" in page and "330523199003150012" not in page


def test_login_page_and_lockout_message(citizen):
    client = Client()
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": citizen.phone, "password": "bad-pass-1"})
    assert (
        response.status_code == 400
        and "账号或密码错误；连续失败5次，账户将锁定30分钟" in response.content.decode()
    )
    response = client.post(
        "/login/", {"username": citizen.phone, "password": "Secret2026x", "next": "/account/"}
    )
    assert response.status_code == 302 and response["Location"] == "/account/"


def test_login_refuses_open_redirect(citizen):
    response = Client().post(
        "/login/", {"username": citizen.phone, "password": "Secret2026x", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_session_settings_expire_after_thirty_idle_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 1800 and settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY


def test_logout_needs_post_with_csrf(citizen):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post("/logout/").status_code == 403
    assert client.get("/logout/").status_code == 405


def test_account_needs_login():
    response = Client().get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
