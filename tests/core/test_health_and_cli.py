import datetime as dt

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from govhall.core.models import WorkerHeartbeat
from govhall.core.services import worker_heartbeat
from govhall.identity.services import token_authenticate

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_worker():
    data = Client().get("/healthz").json()
    assert data["database"]["status"] == "ok"
    assert data["worker"]["status"] == "down"
    before = timezone.now()
    worker_heartbeat("test-worker")
    after = timezone.now()
    response = Client().get("/healthz")
    assert response.status_code == 200
    worker = response.json()["worker"]
    assert {k: v for k, v in worker.items() if k != "last_seen"} == {"status": "ok", "workers": 1}
    assert before <= dt.datetime.fromisoformat(worker["last_seen"]) <= after  # the heartbeat's moment
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - dt.timedelta(minutes=5))
    assert Client().get("/healthz").json()["worker"]["status"] == "down"


def test_token_command_prints_a_working_token(citizen, capsys):
    call_command("token", citizen.phone)
    plain = capsys.readouterr().out.strip()
    assert token_authenticate(plain) == citizen


def test_token_command_unknown_user():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("token", "ghost")


def test_seed_demo_is_idempotent_and_complete(capsys):
    from govhall.catalogue.models import ServiceItem
    from govhall.identity.models import Department, Hall, Region, StaffRoleGrant, User

    call_command("seed", demo=True)
    call_command("seed", demo=True)
    assert Region.objects.filter(level__in=["town", "village"]).count() >= 3
    assert Department.objects.count() >= 12
    assert Hall.objects.count() >= 3
    assert ServiceItem.objects.filter(status="published").count() >= 80
    roles = set(StaffRoleGrant.objects.values_list("role", flat=True))
    assert roles >= {
        "window_clerk",
        "approver",
        "department_head",
        "supervisor",
        "catalogue_admin",
        "system_admin",
    }
    assert User.objects.filter(kind="citizen").count() >= 2
    assert "citizen" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/api/v1/items", {"data": {"q": "社保\x00"}}),
        ("get", "/search/", {"data": {"q": "\x00"}}),
        ("post", "/login/", {"data": {"username": "a\x00", "password": "x"}}),
        (
            "post",
            "/api/v1/auth/token",
            {"data": '{"username": "a\\u0000", "password": "x"}', "content_type": "application/json"},
        ),
    ],
)
def test_nul_characters_are_refused_with_400(method, path, kwargs):
    response = getattr(Client(), method)(path, **kwargs)
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
