"""Submissions, public progress queries and list pages under the production server configuration.

    .venv/bin/python bench/submit.py                       # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_submit .venv/bin/python bench/submit.py

Starts gunicorn with the production settings (govhall/config/gunicorn.py; BENCH_WORKERS or WEB_WORKERS
and WEB_THREADS override them) on a fresh database with the demo county, then:
1. 2,000 case submissions (POST /api/v1/cases with an upload per material, bearer tokens, idempotency keys)
   at concurrency 8: submissions per second, p50 and p99 latency;
2. public progress queries (GET /api/v1/progress) at concurrency 8: queries per second, p50 and p99;
3. with 20,000 cases in the database: an applicant's case list (GET /api/v1/cases) and a department's
   task list (GET /api/v1/tasks), p50 and p95, one client;
and prints a raw-database reference measured in the same run (pgbench for PostgreSQL, plain inserts for
SQLite). After each load it prints the CPU time gunicorn and the PostgreSQL backends spent per request,
a figure that holds when other work shares the machine and the rates do not. The client runs on the same
machine and takes CPU from the server: say so when quoting figures. BENCH_TOTAL_CASES=0 skips the lists,
BENCH_RAW=0 the raw reference.

The load comes from wrk (`apt-get install wrk` on Debian) driven by a generated Lua script: every request
is prepared beforehand (a distinct Idempotency-Key per submission, the progress queries' number and name),
wrk's C client takes far less CPU from the server than Python threads would, and its Lua `done` hook
prints the latency percentiles. Without wrk on the PATH the script falls back to a client of Python
threads, which takes a good part of the 2 cores (the first line says which client ran). wrk is not part
of `make install`: the bench is not run in CI.
"""

from __future__ import annotations

import http.client
import json
import os
import platform
import random
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBMISSIONS = int(os.environ.get("BENCH_SUBMISSIONS", "2000"))
PROGRESS_QUERIES = int(os.environ.get("BENCH_PROGRESS", "4000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
TOTAL_CASES = int(os.environ.get("BENCH_TOTAL_CASES", "20000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "0"))  # 0: the production default
PORT = int(os.environ.get("BENCH_PORT", "18765"))
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
    # a benchmark runs like production, which refuses the development keys: keys of its own for this run
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", secrets.token_hex(32))
    os.environ["GOVHALL_VAR_DIR"] = tempfile.mkdtemp(prefix="govhall-bench-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from govhall.demo.seeding import seed_demo

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
    env = dict(os.environ, ALLOWED_HOSTS="127.0.0.1,localhost", WEB_BIND=f"127.0.0.1:{PORT}")
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-c", "python:govhall.config.gunicorn", "govhall.config.wsgi",
         "--log-level", "warning"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    for _ in range(100):
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited (is port {PORT} in use? set BENCH_PORT)")
        try:
            http.client.HTTPConnection("127.0.0.1", PORT, timeout=1).request("GET", "/healthz")
            return server
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


Job = tuple[str, str, str | None, dict]
WRK = shutil.which("wrk") if os.environ.get("BENCH_CLIENT", "wrk") == "wrk" else None
CLIENT = "wrk" if WRK else "Python threads"

# Each wrk thread sends its own slice of the prepared requests and stops after its share of answers; the
# last one to finish leaves a line in the marker file, which tells this script the run is over (wrk's
# own clock would run to the -d limit). `done` prints the answer count, errors and percentiles.
WRK_LUA = r"""
local counter, answered, slice = 0, 0, {}
local threads, next_id = {}, 0
function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end
function init(args)
  for i = id + 1, #REQUESTS, NTHREADS do
    local r = REQUESTS[i]
    table.insert(slice, wrk.format(r[1], r[2], r[4], r[3]))
  end
end
function request()
  counter = counter + 1
  return slice[(counter - 1) % #slice + 1]
end
function response(status, headers, body)
  answered = answered + 1
  if answered == QUOTA then
    local f = io.open(MARKER, "a")
    f:write(id, "\n")
    f:close()
    wrk.thread:stop()
  end
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %.3f %.3f %.3f\n", summary.requests, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000))
end
"""


def _lua_string(text: str) -> str:
    """A Lua string literal for any text (bytes outside printable ASCII as decimal escapes)."""
    out = []
    for byte in text.encode():
        char = chr(byte)
        out.append(char if 32 <= byte < 127 and char not in '"\\' else f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def _lua_request(method: str, path: str, body: str | None, headers: dict) -> str:
    items = ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items())
    return (
        f"{{{_lua_string(method)}, {_lua_string(path)}, {_lua_string(body) if body else 'nil'}, {{{items}}}}}"
    )


def run_wrk(jobs: list[Job], total: int, connections: int) -> tuple[float, int, int, dict[int, float]]:
    """``total`` answers from ``connections`` keep-alive connections; returns wall time, answers, errors and
    latency percentiles (ms) from wrk."""
    threads = min(2, connections)
    workdir = Path(tempfile.mkdtemp(prefix="govhall-wrk-"))
    marker = workdir / "finished"
    script = workdir / "load.lua"
    spare = connections  # requests a thread may send after its share, while its last answers arrive
    needed = total + spare * threads
    requests = [jobs[i % len(jobs)] for i in range(needed)]
    script.write_text(
        f"NTHREADS = {threads}\nQUOTA = {total // threads}\nMARKER = {_lua_string(str(marker))}\n"
        + "REQUESTS = {\n"
        + ",\n".join(_lua_request(*r) for r in requests)
        + "\n}\n"
        + WRK_LUA,
        encoding="utf-8",
    )
    command = [WRK, "-t", str(threads), "-c", str(connections), "-d", "600s", "--timeout", "30s",
               "-s", str(script), f"http://127.0.0.1:{PORT}"]  # fmt: skip
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    while process.poll() is None:
        if marker.exists() and len(marker.read_text().split()) >= threads:
            break
        time.sleep(0.002)
    wall = time.perf_counter() - started
    process.send_signal(signal.SIGINT)
    output = process.communicate(timeout=30)[0]
    result = [line for line in output.splitlines() if line.startswith("RESULT")]
    if not result:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    answers, status_errors, socket_errors, p50, p95, p99 = result[0].split()[1:]
    return (
        wall,
        int(answers),
        int(status_errors) + int(socket_errors),
        {50: float(p50), 95: float(p95), 99: float(p99)},
    )


def run_threads(jobs_per_client: list[list[Job]]) -> tuple[float, list[float], int]:
    """Each client thread runs its requests on a keep-alive connection; returns wall time, latencies, errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(jobs: list[Job]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        mine = []
        for method, path, body, headers in jobs:
            start = time.perf_counter()
            conn.request(method, path, body=body.encode() if body else None, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.will_close:
                conn.close()
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


def run_load(jobs: list[Job], total: int, connections: int) -> tuple[float, int, int, dict[int, float]]:
    """``total`` requests taken in turn from ``jobs`` over ``connections`` connections, by wrk when it is
    installed, else by Python threads; returns wall time, answers, errors and latency percentiles (ms)."""
    if WRK:
        return run_wrk(jobs, total, connections)
    per_client = [[jobs[i % len(jobs)] for i in range(c, total, connections)] for c in range(connections)]
    wall, latencies, errors = run_threads(per_client)
    return wall, len(latencies), errors, {p: pct(latencies, p) for p in (50, 95, 99)}


def report(label: str, wall: float, answers: int, errors: int, latency: dict[int, float]) -> int:
    print(f"{label:<28}{answers:>7}{answers / wall:>10.0f}/s  p50 {latency[50]:6.1f} ms"
          f"  p99 {latency[99]:6.1f} ms  errors {errors}")  # fmt: skip
    return answers


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """CPU time (user and system) each process has used so far."""
    used = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return used


def _server_pids(server: subprocess.Popen) -> tuple[list[int], list[int]]:
    """gunicorn's processes, and the PostgreSQL backends serving this database."""
    web = [server.pid]
    for task in Path(f"/proc/{server.pid}/task").iterdir():
        web += [int(pid) for pid in (task / "children").read_text().split()]
    database = []
    if os.environ["DATABASE_URL"].startswith("postgres"):
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            database = [row[0] for row in cursor.fetchall()]
        connection.close()
    return web, database


def measured(server: subprocess.Popen, label: str, phase: Callable[[], int]) -> None:
    """Run a phase and print the CPU time the server (gunicorn, PostgreSQL) spent per request on it."""
    if not sys.platform.startswith("linux"):
        phase()
        return
    web, database = _server_pids(server)
    before = _cpu_seconds(web + database)
    answers = phase()
    web, database = _server_pids(server)  # PostgreSQL backends opened during the phase started at 0
    after = _cpu_seconds(web + database)
    spent = [sum(after[p] - before.get(p, 0) for p in pids if p in after) for pids in (web, database)]
    print(f"{'':<28}server CPU per {label}: gunicorn {1000 * spent[0] / answers:.2f} ms,"
          f" PostgreSQL {1000 * spent[1] / answers:.2f} ms")  # fmt: skip


def bench_submissions(clients: list[dict]) -> int:
    from govhall.catalogue.models import ServiceItem

    item = ServiceItem.objects.get(status="published", name="个体工商户设立登记")
    jobs = [
        ("POST", "/api/v1/cases", submission_body(item, clients[i % len(clients)]),
         {"Authorization": f"Bearer {clients[i % len(clients)]['token']}", "Content-Type": "application/json",
          "Idempotency-Key": uuid.uuid4().hex})
        for i in range(SUBMISSIONS + 4 * CONCURRENCY)
    ]  # fmt: skip
    return report("submissions", *run_load(jobs, SUBMISSIONS, CONCURRENCY))


def submitted_cases() -> list[tuple[str, str]]:
    from govhall.cases.models import Case

    return list(Case.objects.filter(status="submitted").values_list("number", "applicant_name"))


def bench_progress(cases: list[tuple[str, str]]) -> int:
    from urllib.parse import urlencode

    jobs = [
        ("GET", "/api/v1/progress?" + urlencode(dict(zip(("number", "name"), random.choice(cases), strict=True))), None, {})
        for _ in range(PROGRESS_QUERIES)
    ]  # fmt: skip
    return report("public progress queries", *run_load(jobs, PROGRESS_QUERIES, CONCURRENCY))


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
        _wall, _answers, errors, latency = run_load(
            [("GET", path, None, {"Authorization": f"Bearer {token}"})], 200, 1
        )
        print(f"{label:<28}{200:>7}  p50 {latency[50]:6.1f} ms  p95 {latency[95]:6.1f} ms  errors {errors}")


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
    if WORKERS:
        os.environ["WEB_WORKERS"] = str(WORKERS)
    from govhall.config import gunicorn as web

    print(f"database: {target}; gunicorn: {web.workers} {web.worker_class} workers x {web.threads} threads;"
          f" concurrency: {CONCURRENCY}; client: {CLIENT}")  # fmt: skip
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    from django.db import connection

    connection.close()
    server = start_server()
    try:
        measured(server, "submission", lambda: bench_submissions(clients))
        cases = submitted_cases()
        connection.close()
        measured(server, "query", lambda: bench_progress(cases))
        if TOTAL_CASES:
            applicant, approver = grow_to(TOTAL_CASES)
            connection.close()
            bench_lists(applicant, approver)
    finally:
        server.terminate()
        server.wait(10)
    if os.environ.get("BENCH_RAW", "1") == "1":
        raw_reference()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
