"""Fault injection (PostgreSQL, marked `fault`): background workers killed with SIGKILL while they deliver
notices. Every notice must be delivered, and recorded once: a task whose worker died is handed out again once
its lease (the worker's heartbeat) runs out; a send that reached the gateway just before the kill may reach it
again, with the same idempotency key, at most once per kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from govhall.notices.models import Notice, SmsLogEntry
from govhall.notices.outbox import notify_many

pytestmark = [pytest.mark.postgres, pytest.mark.fault, pytest.mark.django_db(transaction=True)]

NOTICES = 2000
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("fault-injection tests need PostgreSQL (DATABASE_URL)")


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _worker_env(log: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        "DJANGO_SETTINGS_MODULE": "govhall.config.settings",
        "SMS_GATEWAY": "tests.ops.fault_gateways.SlowRecordingGateway",
        "FAULT_SMS_LOG": str(log),
        "WORKER_HEARTBEAT_SECONDS": "1",  # a lease of three seconds
        "SUPERVISION_SCAN_SECONDS": "3600",
    }


def _start_worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "govhall.cli", "worker", "--interval", "0.05", "--verbosity", "0"]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _sent() -> int:
    return Notice.objects.filter(channel="sms", state="sent").count()


def _wait_for(at_least: int, worker: subprocess.Popen[bytes], timeout: float) -> int:
    deadline = time.monotonic() + timeout
    while (sent := _sent()) < at_least:
        if worker.poll() is not None:
            pytest.fail(f"worker exited: {worker.stderr.read().decode()[-2000:] if worker.stderr else ''}")
        if time.monotonic() > deadline:
            pytest.fail(f"only {sent} of {at_least} notices sent after {timeout} s")
        time.sleep(0.2)
    return sent


def test_kill_9_during_delivery_of_2000_notices_loses_and_doubles_nothing(applicant, tmp_path):
    notify_many([(applicant, "测试通知", f"第{i}条测试短信", "") for i in range(NOTICES)])
    log, env, kills = tmp_path / "sends.log", _worker_env(tmp_path / "sends.log"), 0
    for kill_after in (NOTICES // 5, NOTICES // 2):
        worker = _start_worker(env)
        _wait_for(kill_after, worker, timeout=240)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        kills += 1
    worker = _start_worker(env)
    try:
        _wait_for(NOTICES, worker, timeout=300)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    sends = log.read_text().split()
    assert len(set(sends)) == NOTICES  # every notice reached the gateway
    assert len(sends) - NOTICES <= kills  # a repeat only for a send cut off by a kill, with the same key
    assert SmsLogEntry.objects.count() == NOTICES  # recorded once each
    assert not DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).exists()
    handed_out_again = sum(
        1 for ids in DBTaskResult.objects.values_list("worker_ids", flat=True) if len(ids) > 1
    )
    print(
        f"\nkills {kills}, sends {len(sends)}, repeated sends {len(sends) - NOTICES}, tasks handed out again {handed_out_again}"
    )
