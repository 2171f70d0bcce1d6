"""The suite hashes passwords with MD5 for speed (tests/conftest.py); this test runs registration and login
with the password hashers production configures (settings.py read with GOVHALL_FAST_PASSWORD_HASHING unset)."""

import importlib.util
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

import govhall.config

pytestmark = pytest.mark.django_db


def _production_password_hashers(monkeypatch) -> list[str]:
    monkeypatch.delenv("GOVHALL_FAST_PASSWORD_HASHING", raising=False)
    path = Path(govhall.config.__file__).parent / "settings.py"
    spec = importlib.util.spec_from_file_location("govhall_production_settings_probe", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.PASSWORD_HASHERS)


def test_register_and_log_in_with_the_production_hasher(settings, monkeypatch):
    hashers = _production_password_hashers(monkeypatch)
    assert hashers and "MD5" not in hashers[0]  # production never uses the tests' fast hasher
    settings.PASSWORD_HASHERS = hashers
    client = Client()
    response = client.post(
        "/register/",
        {
            "name": "王小红",
            "id_number": "11010519491231002X",
            "phone": "13905720001",
            "password": "Zhu9Xiang7",
            "password2": "Zhu9Xiang7",
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(real_name="王小红")
    assert user.password.startswith("pbkdf2_sha256$")  # stored with PBKDF2, the configured first hasher
    fresh = Client()
    response = fresh.post("/login/", {"username": "13905720001", "password": "Zhu9Xiang7"})
    assert response.status_code == 302
    assert fresh.get("/account/").status_code == 200
    assert Client().post("/login/", {"username": "13905720001", "password": "Zhu9Xiang8"}).status_code == 400
    token = Client().post(
        "/api/v1/auth/token",
        {"username": "13905720001", "password": "Zhu9Xiang7"},
        content_type="application/json",
    )
    assert token.status_code == 200
