"""Submissions, public progress queries and list pages under the production server configuration.

    .venv/bin/python bench/submit.py                       # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_submit .venv/bin/python bench/submit.py

Starts gunicorn with several worker processes on a fresh database with the demo county, then:
1. 2,000 case submissions (POST /api/v1/cases with an upload per material, bearer tokens, idempotency keys)
   at concurrency 8: submissions per second, p50 and p99 latency;
2. public progress queries (GET /api/v1/progress) at concurrency 8: queries per second, p50 and p99;
3. with 20,000 cases in the database: an applicant's case list (GET /api/v1/cases) and a department's
   task list (GET /api/v1/tasks), p50 and p95, one client;
and prints a raw-database reference measured in the same run (pgbench for PostgreSQL, plain inserts for
SQLite). The client runs on the same machine and takes CPU from the server: say so when quoting figures.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "2000"))
PROGRESS_QUERIES = int(os.environ.get("BENCH_PROGRESS", "4000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
TOTAL_CASES = int(os.environ.get("BENCH_TOTAL_CASES", "20000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def prepare_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = Path(tempfile.gettempdir()) / "govhall-bench-submit.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite {path}"
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.split("@")[-1]


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["GOVHALL_VAR_DIR"] = tempfile.mkdtemp(prefix="govhall-bench-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from govhall.core.demo import seed_demo

    seed_demo()


def make_clients() -> list[dict]:
    """One applicant per client thread, with a token and an uploaded PDF."""
    from tests.factories import valid_id_number

    from govhall.cases.services import upload_store
    from govhall.identity.services import citizen_register, token_issue

    clients = []
    for i in range(CONCURRENCY):
        user = citizen_register(
            name=f"压测申请人{i}",
            id_number=valid_id_number("19800101", i),
            phone=f"1370000{i:04d}",
            password="Bench2026x",
        )
        token, _ = token_issue(user=user)
        upload = upload_store(owner=user, name="bench.pdf", data=PDF)
        clients.append({"user": user, "token": token, "upload": str(upload.pk)})
    return clients


def submission_body(item, client) -> str:
    user = client["user"]
    return json.dumps(
        {
            "item": item.implementation_code,
            "form": {"applicant_name": user.real_name, "id_number": user.id_number, "phone": user.phone},
            "materials": [{"material": m.pk, "upload": client["upload"]} for m in item.materials.all()],
        },
        ensure_ascii=False,
    )


def start_server() -> subprocess.Popen:
    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1,localhost")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "govhall.config.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", str(WORKERS),
         "--timeout", "120", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    for _ in range(100):
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def run_load(
    jobs_per_client: list[list[tuple[str, str, str | None, dict]]],
) -> tuple[float, list[float], int]:
    """Each client thread runs its requests on a keep-alive connection; returns wall time, latencies, errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(jobs: list[tuple[str, str, str | None, dict]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        mine = []
        for method, path, body, headers in jobs:
            start = time.perf_counter()
            conn.request(method, path, body=body.encode() if body else None, headers=headers)
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status >= 400:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker, args=(jobs,)) for jobs in jobs_per_client]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors[0]


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(label: str, wall: float, latencies: list[float], errors: int) -> None:
    rate = len(latencies) / wall
    print(f"{label:<28}{len(latencies):>7}{rate:>10.0f}/s  p50 {statistics.median(latencies):6.1f} ms"
          f"  p99 {pct(latencies, 99):6.1f} ms  errors {errors}")  # fmt: skip


def bench_submissions(clients: list[dict]) -> list[str]:
    from govhall.catalogue.models import ServiceItem

    item = ServiceItem.objects.get(status="published", name="个体工商户设立登记")
    per_client = SUBMISSIONS // len(clients)
    jobs = [
        [
            ("POST", "/api/v1/cases", submission_body(item, c),
             {"Authorization": f"Bearer {c['token']}", "Content-Type": "application/json",
              "Idempotency-Key": uuid.uuid4().hex})
            for _ in range(per_client)
        ]
        for c in clients
    ]  # fmt: skip
    wall, latencies, errors = run_load(jobs)
    report("submissions", wall, latencies, errors)
    from govhall.cases.models import Case

    return list(Case.objects.filter(status="submitted").values_list("number", "applicant_name"))


def bench_progress(cases: list[tuple[str, str]]) -> None:
    from urllib.parse import urlencode

    per_client = PROGRESS_QUERIES // CONCURRENCY
    jobs = [
        [("GET", "/api/v1/progress?" + urlencode(dict(zip(("number", "name"), random.choice(cases), strict=True))), None, {})
         for _ in range(per_client)]
        for _ in range(CONCURRENCY)
    ]  # fmt: skip
    wall, latencies, errors = run_load(jobs)
    report("public progress queries", wall, latencies, errors)


def grow_to(total: int) -> tuple[object, object]:
    """Clone submitted cases (with accepted tasks for one department) until the table holds ``total`` cases."""
    from django.utils import timezone

    from govhall.cases.models import Case, CaseTask
    from govhall.identity.models import User

    template = Case.objects.filter(status="submitted").select_related("item").first()
    missing = total - Case.objects.count()
    applicants = list(User.objects.filter(kind="citizen", username__startswith="u")[:CONCURRENCY])
    today = timezone.localdate()
    batch = []
    for i in range(missing):
        clone = Case(
            item=template.item, department=template.department, region_id=template.region_id,
            applicant=applicants[i % len(applicants)], applicant_name=template.applicant_name,
            submitted_by=applicants[i % len(applicants)], channel="web", status="accepted",
            submitted_at=timezone.now(), accepted_at=timezone.now(), accepted_on=today,
            promised_due=today, legal_due=today, number=f"B{i:09d}",
        )  # fmt: skip
        batch.append(clone)
    Case.objects.bulk_create(batch, batch_size=1000)
    cases = Case.objects.filter(number__startswith="B").values_list("pk", flat=True)
    CaseTask.objects.bulk_create(
        [CaseTask(case_id=pk, task_id=uuid.uuid4().hex, step="review", name="审查", department=template.department,
                  role="approver", due_on=today) for pk in cases],
        batch_size=1000,
    )  # fmt: skip
    from django.db import connection

    if connection.vendor == "postgresql":  # the statistics autovacuum keeps current on a live database
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    approver = User.objects.get(username=f"{template.department.code}_approver")
    return applicants[0], approver


def bench_lists(applicant: object, approver: object) -> None:
    from govhall.identity.services import token_issue

    for label, user, path in (
        ("applicant's case list", applicant, "/api/v1/cases"),
        ("department task list", approver, "/api/v1/tasks"),
    ):
        token, _ = token_issue(user=user)
        jobs = [[("GET", path, None, {"Authorization": f"Bearer {token}"}) for _ in range(200)]]
        _wall, latencies, errors = run_load(jobs)
        print(
            f"{label:<28}{len(latencies):>7}  p50 {statistics.median(latencies):6.1f} ms  p95 {pct(latencies, 95):6.1f} ms  errors {errors}"
        )


def raw_reference() -> None:
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        base = url.replace("postgres://", "").split("@")
        host_db = base[-1]
        host, db = host_db.split("/")
        hostname, port = ([*host.split(":"), "5432"])[:2]
        common = ["-h", hostname, "-p", port, "-U", "postgres", db]
        subprocess.run(["pgbench", "-i", "-q", "-s", "1", *common], check=True, capture_output=True)
        out = subprocess.run(
            ["pgbench", "-c", str(CONCURRENCY), "-j", "2", "-T", "10", *common],
            capture_output=True,
            text=True,
        ).stdout
        tps = [line for line in out.splitlines() if line.startswith("tps")]
        latency = [line for line in out.splitlines() if "latency average" in line]
        print(f"raw reference (pgbench TPC-B-like, c={CONCURRENCY}): {'; '.join(tps + latency)}")
        return
    path = Path(tempfile.gettempdir()) / "govhall-bench-raw.sqlite3"
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, number TEXT UNIQUE, body TEXT)")
    start = time.perf_counter()
    n = 5000
    for i in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t (number, body) VALUES (?, ?)", (f"n{i}", "x" * 500))
        conn.execute("COMMIT")
    print(
        f"raw reference (SQLite WAL, one insert per transaction, 1 thread): {n / (time.perf_counter() - start):.0f} inserts/s"
    )


def main() -> None:
    target = prepare_database()
    setup_django()
    clients = make_clients()
    print(f"database: {target}; gunicorn workers: {WORKERS}; concurrency: {CONCURRENCY}")
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    from django.db import connection

    connection.close()
    server = start_server()
    try:
        cases = bench_submissions(clients)
        bench_progress(cases)
        applicant, approver = grow_to(TOTAL_CASES)
        connection.close()
        bench_lists(applicant, approver)
    finally:
        server.terminate()
        server.wait(10)
    raw_reference()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
