"""Fault injection (PostgreSQL, marked `fault`): background workers killed with SIGKILL while they deliver
notices. Every notice must be delivered, and recorded once: a task whose worker died is handed out again once
its lease (the worker's heartbeat) runs out; a send that reached the gateway just before the kill may reach it
again, with the same idempotency key, at most once per kill.

And gunicorn web workers killed with SIGKILL while clients submit cases with Idempotency-Key headers: a
client whose connection dropped asks again with the same key; every case acknowledged is stored once, and a
repeated key answers the case it created."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
import time_machine
from django.db import connection
from django_tasks_db.models import DBTaskResult

from govhall.notices.models import Notice, SmsLogEntry
from govhall.notices.outbox import notify_many
from tests.factories.cases import PDF

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


# --- web workers killed while they take submissions -------------------------------------------------------

SUBMISSIONS = 400
CLIENT_THREADS = 8
KILL_AT = (SUBMISSIONS // 5, SUBMISSIONS // 2, SUBMISSIONS * 4 // 5)  # answers acknowledged before each kill
LOST = (ConnectionError, http.client.HTTPException, TimeoutError, OSError)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_web(port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **_worker_env(log),
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_WORKERS": "3",
        "WEB_THREADS": "4",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "python:govhall.config.gunicorn",
        "govhall.config.wsgi",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log.open("wb"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"gunicorn exited: {log.read_text()[-2000:]}")
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/healthz")
            probe.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail("gunicorn did not answer within 60 s")


def _web_workers(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True, check=False)
    return [int(pid) for pid in found.stdout.split()]


class _Client:
    """One client thread's keep-alive connection; an answer lost to a dropped connection is asked for again
    with the same Idempotency-Key, as a real client would."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.connection: http.client.HTTPConnection | None = None
        self.retries = 0

    def post(self, body: str, key: str) -> tuple[int, dict]:
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        }
        for _ in range(30):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                self.connection.request("POST", "/api/v1/cases", body.encode(), headers)
                answer = self.connection.getresponse()
                return answer.status, json.loads(answer.read() or b"{}")
            except LOST:
                if self.connection is not None:
                    self.connection.close()
                self.connection = None
                self.retries += 1
                time.sleep(0.05)
        raise AssertionError(f"no answer for {key} after 30 tries")


def _real_now() -> dt.datetime:
    """The machine's clock: the gunicorn processes run on it, not on the suite's pinned one."""
    return dt.datetime.fromtimestamp(time_machine.escape_hatch.time.time(), tz=dt.UTC)


def _submission(department) -> tuple[str, str]:
    """A published item, an applicant's token and the submission's body, made at the machine's moment (the
    token's validity and the item's version are read by the server on its clock)."""
    from govhall.cases.services import upload_store
    from govhall.identity.services import token_issue
    from tests.factories.catalogue import ServiceItemFactory
    from tests.factories.identity import make_citizen

    with time_machine.travel(_real_now(), tick=True):
        item = ServiceItemFactory.published(department=department, case_kind="promised", name="承诺事项")
        applicant = make_citizen(name="王小红", phone="13905720011")
        upload = upload_store(owner=applicant, name="id.pdf", data=PDF)
        token, _ = token_issue(user=applicant)
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    body = json.dumps(
        {
            "item": item.implementation_code,
            "form": form,
            "materials": [{"material": m.pk, "upload": str(upload.pk)} for m in item.materials.all()],
        },
        ensure_ascii=False,
    )
    return token, body


def test_kill_9_of_web_workers_during_400_submissions_stores_each_acknowledged_case_once(
    media, department, tmp_path
):
    from govhall.cases.models import Case

    token, body = _submission(department)
    keys = [f"fault-{i:04d}-{uuid.uuid4().hex[:8]}" for i in range(SUBMISSIONS)]
    answers: dict[str, list[tuple[int, str | None]]] = {key: [] for key in keys}
    clients = [_Client(0, token) for _ in range(CLIENT_THREADS)]
    acknowledged = threading.Semaphore(0)
    port, started = _free_port(), time.monotonic()
    server = _start_web(port, tmp_path / "gunicorn.log")
    for client in clients:
        client.port = port

    def send(index: int) -> None:
        for key in keys[index::CLIENT_THREADS]:
            status, answer = clients[index].post(body, key)
            answers[key].append((status, answer.get("number")))
            acknowledged.release()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(CLIENT_THREADS)]
    kills: list[int] = []
    try:
        for thread in threads:
            thread.start()
        done = 0
        for kill_after in KILL_AT:
            while done < kill_after:
                assert acknowledged.acquire(timeout=60), f"only {done} answers after a minute"
                done += 1
            workers = _web_workers(server.pid)
            assert workers, "no gunicorn worker to kill"
            victim = workers[len(kills) % len(workers)]
            os.kill(victim, signal.SIGKILL)
            kills.append(victim)
        for thread in threads:
            thread.join(60)
        assert not any(thread.is_alive() for thread in threads)
        # every acknowledged key asked once more: the same case, not a new one
        again = _Client(port, token)
        repeats = {key: again.post(body, key) for key in keys}
        serving = _web_workers(server.pid)
    finally:
        for client in clients:
            if client.connection is not None:
                client.connection.close()
        server.terminate()
        server.wait(timeout=30)
    elapsed = time.monotonic() - started
    statuses = [status for key in keys for status, _ in answers[key]]
    assert set(statuses) <= {200, 201}, sorted(set(statuses))
    numbers = {key: {n for _, n in answers[key]} for key in keys}
    assert all(len(n) == 1 and None not in n for n in numbers.values())  # one number per key
    created = [n for key in keys for status, n in answers[key] if status == 201]
    assert len(created) == len(set(created))  # a 201 is never answered twice for one case
    assert all(repeats[key][0] == 200 and {repeats[key][1].get("number")} == numbers[key] for key in keys)
    stored = dict(
        Case.objects.filter(idempotency_key__startswith="fault-").values_list("idempotency_key", "number")
    )
    assert len(stored) == Case.objects.filter(idempotency_key__startswith="fault-").count()  # a key once
    assert stored == {key: next(iter(numbers[key])) for key in keys}  # each acknowledged case stored once
    assert len(set(stored.values())) == len(stored) == SUBMISSIONS
    assert len(kills) == len(KILL_AT) and not set(kills) & set(serving)
    assert len(serving) == 3  # the master replaced every worker killed
    lost = sum(c.retries for c in clients)
    print(
        f"\nrequests {SUBMISSIONS}, kills {len(kills)}, answers lost and retried {lost}, "
        f"201 {len(created)}, 200 on a retry {SUBMISSIONS - len(created)}, stored {len(stored)}, "
        f"duplicates {Case.objects.count() - len(set(stored.values()))}, {elapsed:.1f} s"
    )
