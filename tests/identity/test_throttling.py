"""Written as the attacker's requests: a thousand wrong names on the progress query, password guessing from
one address across many accounts, and probing which logins exist through the lockout."""

import pytest
from django.test import Client

from tests.factories.cases import submit
from tests.factories.identity import make_citizen

pytestmark = pytest.mark.django_db


def _login(client, username, password="wrong-password-1"):
    return client.post(
        "/api/v1/auth/token", {"username": username, "password": password}, content_type="application/json"
    )


def test_guessing_names_on_the_progress_query_is_stopped(media, items, applicant):
    case = submit(items["promised"], applicant)
    client = Client(REMOTE_ADDR="203.0.113.5")
    answers = [
        client.get("/api/v1/progress", {"number": case.number, "name": f"张{i}"}).status_code
        for i in range(40)
    ]
    assert answers[:10] == [404] * 10 and set(answers[10:]) == {429}
    # from another address too: the number itself is protected for the hour
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert (
        other.get("/api/v1/progress", {"number": case.number, "name": applicant.real_name}).status_code == 429
    )
    page = other.get("/progress/", {"number": case.number, "name": "李四"})
    assert page.status_code == 429 and "查询失败次数过多" in page.content.decode()


def test_one_address_may_not_look_up_many_numbers(media, items, applicant):
    client = Client(REMOTE_ADDR="203.0.113.6")
    answers = [
        client.get("/api/v1/progress", {"number": f"330523-20261118-{i:05d}", "name": "张三"}).status_code
        for i in range(35)
    ]
    assert answers.count(429) == 5 and answers[-1] == 429


def test_password_guessing_from_one_address_is_throttled_across_accounts(db):
    users = [make_citizen(phone=f"1390572{i:04d}") for i in range(6)]
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    codes = [_login(attacker, u.phone).status_code for u in users for _ in range(4)]
    assert codes[:20] == ([401] * 4) * 5 and set(codes[20:]) == {429}
    assert "登录失败次数过多" in _login(attacker, users[0].phone).json()["message"]
    assert _login(Client(REMOTE_ADDR="198.51.100.10"), users[5].phone, "Secret2026x").status_code == 200


def test_unknown_and_locked_accounts_answer_alike(db):
    make_citizen(phone="13905729999")
    known = [_login(Client(REMOTE_ADDR=f"198.51.100.{i}"), "13905729999") for i in range(7)]
    unknown = [_login(Client(REMOTE_ADDR=f"198.51.101.{i}"), "13905728888") for i in range(7)]
    assert [r.status_code for r in known] == [r.status_code for r in unknown] == [401] * 4 + [423] * 3
    assert known[4].json()["message"][:20] == unknown[4].json()["message"][:20]
    assert "找回密码" in unknown[6].json()["message"]
