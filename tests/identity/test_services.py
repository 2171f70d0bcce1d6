import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from govhall.core.errors import AuthenticationFailed, Conflict, Locked, ValidationFailed
from govhall.identity import services
from govhall.identity.models import User
from govhall.identity.selectors import user_find_by_login
from tests.factories import valid_id_number

pytestmark = pytest.mark.django_db


def test_citizen_register_encrypts_personal_data():
    user = services.citizen_register(
        name="张三", id_number="330523199003150012", phone="13905720001", password="Zhu9Xiang7"
    )
    assert user.id_number == "330523199003150012"
    assert user.birth_date == dt.date(1990, 3, 15)
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM identity_user WHERE id = %s", [user.pk])
        row = " ".join(str(v) for v in cursor.fetchone())
    assert "330523199003150012" not in row and "13905720001" not in row


@pytest.mark.parametrize(
    ("field", "kwargs"),
    [
        ("id_number", {"id_number": "330523199003150013"}),
        ("id_number", {"id_number": "330523199002300012"}),
        ("phone", {"phone": "1390572000"}),
        ("phone", {"phone": "23905720001"}),
        ("name", {"name": "  "}),
        ("password", {"password": "short1"}),
        ("password", {"password": "onlyletters"}),
    ],
)
def test_citizen_register_refuses_bad_input_naming_the_field(field, kwargs):
    data = {
        "name": "张三",
        "id_number": "330523199003150012",
        "phone": "13905720001",
        "password": "Zhu9Xiang7",
    } | kwargs
    with pytest.raises(ValidationFailed) as err:
        services.citizen_register(**data)
    assert err.value.field == field
    assert err.value.message


def test_duplicate_id_number_and_phone_are_conflicts():
    services.citizen_register(
        name="张三", id_number="330523199003150012", phone="13905720001", password="Zhu9Xiang7"
    )
    with pytest.raises(Conflict) as err:
        services.citizen_register(
            name="李四", id_number="330523199003150012", phone="13905720002", password="Zhu9Xiang7"
        )
    assert err.value.field == "id_number"
    with pytest.raises(Conflict) as err:
        services.citizen_register(
            name="李四", id_number=valid_id_number(), phone="13905720001", password="Zhu9Xiang7"
        )
    assert err.value.field == "phone"


def test_login_by_id_number_phone_or_username(citizen):
    for login in (citizen.id_number, citizen.id_number.lower(), citizen.phone, citizen.username):
        assert services.login_attempt(login=login, password="Secret2026x") == citizen
    assert user_find_by_login("nobody") is None


def test_five_failures_lock_the_account_for_thirty_minutes(citizen):
    for _ in range(4):
        with pytest.raises(AuthenticationFailed):
            services.login_attempt(login=citizen.phone, password="wrong-pass1")
    with pytest.raises(Locked, match="锁定"):  # the fifth failure locks at once
        services.login_attempt(login=citizen.phone, password="wrong-pass1")
    with pytest.raises(Locked):
        services.login_attempt(login=citizen.phone, password="Secret2026x")  # even the right password
    citizen.refresh_from_db()
    assert dt.timedelta(minutes=29) < citizen.locked_until - timezone.now() <= dt.timedelta(minutes=30)
    User.objects.filter(pk=citizen.pk).update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    assert services.login_attempt(login=citizen.phone, password="Secret2026x") == citizen


def test_success_resets_the_failure_count(citizen):
    for _ in range(3):
        with pytest.raises(AuthenticationFailed):
            services.login_attempt(login=citizen.phone, password="nope12345")
    services.login_attempt(login=citizen.phone, password="Secret2026x")
    citizen.refresh_from_db()
    assert citizen.failed_logins == 0


def test_tokens_are_stored_hashed_expire_and_revoke(citizen):
    plain, token = services.token_issue(user=citizen)
    assert plain not in token.digest and token.digest != plain
    assert services.token_authenticate(plain) == citizen
    services.token_revoke(token=token)
    assert services.token_authenticate(plain) is None
    plain2, token2 = services.token_issue(user=citizen)
    token2.expires_at = timezone.now() - dt.timedelta(seconds=1)
    token2.save()
    assert services.token_authenticate(plain2) is None
    assert services.token_authenticate("gh_unknown") is None


def test_unknown_and_known_accounts_get_the_same_message(citizen):
    with pytest.raises(AuthenticationFailed) as unknown:
        services.login_attempt(login="13900000000", password="whatever1")
    with pytest.raises(AuthenticationFailed) as known:
        services.login_attempt(login=citizen.phone, password="whatever1")
    assert unknown.value.message == known.value.message


def test_parallel_guesses_cannot_outrun_the_lockout(citizen, settings):
    """Each attempt takes its slot before the password check; once five are taken, even the right password
    is refused until the lock ends."""
    from govhall.identity.models import User

    User.objects.filter(pk=citizen.pk).update(failed_logins=settings.LOGIN_MAX_FAILURES - 1)
    with pytest.raises(Locked):
        services.login_attempt(login=citizen.phone, password="wrong-pass-9")
    with pytest.raises(Locked):
        services.login_attempt(login=citizen.phone, password="Secret2026x")
    User.objects.filter(pk=citizen.pk).update(failed_logins=settings.LOGIN_MAX_FAILURES, locked_until=None)
    with pytest.raises(Locked):  # slots all taken by attempts still being checked
        services.login_attempt(login=citizen.phone, password="Secret2026x")


def test_password_policy_messages_are_chinese():
    with pytest.raises(ValidationFailed) as err:
        services.citizen_register(
            name="张三", id_number="330523199003150012", phone="13905720001", password="a1"
        )
    assert "密码太短" in err.value.message


def test_arabic_indic_digits_are_not_an_id_number():
    with pytest.raises(ValidationFailed):
        services.citizen_register(
            name="张三", id_number="٣٣٠٥٢٣١٩٩٠٠٣١٥٠٠١2", phone="13905720001", password="Zhu9Xiang7"
        )
    with pytest.raises(ValidationFailed):
        services.citizen_register(
            name="张三", id_number=valid_id_number(), phone="139٠٥٧٢٠٠٠١", password="Zhu9Xiang7"
        )
