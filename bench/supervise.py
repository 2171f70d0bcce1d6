"""Supervision at scale: a full 电子监察 scan, the rating sweep and the monthly report over a million cases.

    .venv/bin/python bench/supervise.py                       # SQLite, a fresh file under /tmp, 100,000 cases
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_supervise .venv/bin/python bench/supervise.py
    ... bench/supervise.py --explain                          # also print each rule's query plan

On a fresh database (PostgreSQL: dropped and created; SQLite: a new file) it migrates, loads the demo county
and generates cases with `govhall generate` (1,000,000 on PostgreSQL, 100,000 on SQLite; BENCH_CASES
overrides). It does this in two steps, first a tenth of the cases, then the rest, and after each step runs
ANALYZE, then times:
1. a full supervision scan (every warning is new), a second, incremental scan right after, and a third
   after ANALYZE (the statistics autovacuum would soon give the planner: the warnings table was empty);
2. the rating sweep (reminders and default ratings);
3. the monthly report for the latest complete month.
Each operation runs in a forked child process, so its figures are its own: wall time, the tracemalloc peak
of the Python heap, and the growth of the process's peak RSS (ru_maxrss) over what it had at the fork. The
two steps side by side show whether time and memory grow with the number of cases. Each scan also prints
the time of each rule (staging its candidates, then opening/resolving warnings) and how many rows it staged,
and the time spent notifying new red warnings.
BENCH_SMALL=0 skips the first step.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import resource
import secrets
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = int(os.environ.get("BENCH_SEED", "1"))


def prepare_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = Path(tempfile.gettempdir()) / "govhall-bench-supervise.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite {sqlite3.sqlite_version} {path}"
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"PostgreSQL {version} {url.split('@')[-1]}"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.config.settings")
    # a benchmark runs like production, which refuses the development keys: keys of its own for this run
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", secrets.token_hex(32))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("GOVHALL_FAST_PASSWORD_HASHING", "1")  # the demo accounts: not what is measured
    os.environ["GOVHALL_VAR_DIR"] = tempfile.mkdtemp(prefix="govhall-bench-")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from govhall.demo.seeding import seed_demo

    seed_demo()


# --- measuring one operation in a child process ---


def _child(fn: Callable[[], Any], trace: bool, conn: Any) -> None:
    from django.db import connections

    try:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        result = fn()
        wall = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else None
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        conn.send({"wall": wall, "peak": peak, "rss": grown * 1024, "result": result})
    except BaseException as exc:
        import traceback

        conn.send({"error": f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc()}"})
    finally:
        connections.close_all()
        conn.close()


def measure(label: str, fn: Callable[[], Any], *, trace: bool = True) -> dict[str, Any]:
    """Run ``fn`` in a forked child (its own connection, its own memory figures) and print one line."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(fn, trace, child))
    process.start()
    child.close()
    answer = parent.recv()
    process.join()
    if "error" in answer:
        raise RuntimeError(f"{label} failed: {answer['error']}")
    peak = f"{answer['peak'] / 2**20:7.1f} MB" if answer["peak"] is not None else "      —   "
    note = answer["result"].get("note", "") if isinstance(answer["result"], dict) else ""
    print(
        f"  {label:<30}{answer['wall']:9.2f} s   tracemalloc peak {peak}   ru_maxrss +{answer['rss'] / 2**20:6.1f} MB   {note}"
    )
    sys.stdout.flush()
    return answer


# --- the operations ---


def op_generate(count: int) -> Callable[[], dict]:
    def run() -> dict:
        from govhall.demo.generate import generate_cases

        summary = generate_cases(count, seed=SEED + count)
        return {
            "note": f"{summary.cases:,} cases, {summary.cases / summary.seconds:,.0f}/s; "
            f"{summary.ratings:,} ratings, {summary.tasks:,} tasks",
            "summary": summary.lines(),
        }

    return run


def op_analyze() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {"note": "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"}


def op_scan(explain: bool = False) -> Callable[[], dict]:
    def run() -> dict:
        from django.db import connection

        from govhall.supervision import scan
        from govhall.supervision.models import Candidate

        timings: dict[str, dict[str, float]] = {}
        current = ["-", "find"]

        def timed(code: str, part: str, fn: Callable[..., Any]) -> Callable[..., Any]:
            def wrapper(*args: Any, **kwargs: Any) -> Any:
                current[:] = [code, part]
                started = time.perf_counter()
                try:
                    return fn(*args, **kwargs)
                finally:
                    figures = timings.setdefault(code, {"find": 0.0, "sync": 0.0, "staged": 0})
                    figures[part] += time.perf_counter() - started
                    current[:] = ["-", "find"]

            return wrapper

        for code, finder in list(scan.FINDERS.items()):
            scan.FINDERS[code] = timed(str(code), "find", finder)
        sync, notify = scan._sync, scan._notify_red
        scan._sync = lambda rule, *a: timed(rule.code, "sync", sync)(rule, *a)
        scan._notify_red = timed("(notify red)", "find", notify)
        staging = f"INSERT INTO {Candidate._meta.db_table}"
        plans: list[str] = []

        def watch(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict) -> Any:
            if explain and not many and current[0] != "-":
                plans.append(_explain(context["cursor"].cursor, current, sql, params))
            result = execute(sql, params, many, context)
            if sql.startswith(staging) and current[0] != "-":
                rows = max(context["cursor"].rowcount, 0)
                timings.setdefault(current[0], {"find": 0.0, "sync": 0.0, "staged": 0})["staged"] += rows
            return result

        with connection.execute_wrapper(watch):
            result = scan.supervision_scan(trigger="bench")
        lines = [
            f"      {code:<24} find {t['find']:7.3f} s   sync {t['sync']:7.3f} s   staged {int(t['staged']):>8,}"
            for code, t in timings.items()
        ]
        return {
            "note": f"opened {result.opened:,}, resolved {result.resolved:,}",
            "rules": lines,
            "plans": plans,
            "opened": result.opened,
            "resolved": result.resolved,
        }

    return run


def _explain(cursor: Any, current: list[str], sql: str, params: Any) -> str:
    from django.db import connection

    head = f"--- {current[0]} ({current[1]}): {sql[:160]}"
    if connection.vendor == "postgresql":
        cursor.execute("SAVEPOINT bench_explain")
        try:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            plan = [row[0] for row in cursor.fetchall()]
        finally:
            cursor.execute("ROLLBACK TO SAVEPOINT bench_explain")
    else:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = [" ".join(str(v) for v in row[1:]) for row in cursor.fetchall()]
    return "\n".join([head, *plan])


def op_sweep() -> dict:
    from govhall.evaluation.services import ratings_sweep

    result = ratings_sweep()
    return {"note": f"reminded {result.reminded:,}, default ratings {result.defaulted:,}"}


def latest_complete_month() -> str:
    from django.utils import timezone

    first = timezone.localdate().replace(day=1)
    return f"{first - dt.timedelta(days=1):%Y-%m}"


def op_report() -> dict:
    from govhall.supervision.selectors import monthly_report

    month = latest_complete_month()
    rows = monthly_report(month)
    return {"note": f"{month}: {len(rows)} departments"}


def reset_supervision() -> None:
    from govhall.supervision.models import Candidate, ScanRun, Warning

    Warning.objects.all().delete()
    Candidate.objects.all().delete()
    ScanRun.objects.all().delete()


def database_size() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            return cursor.fetchone()[0]
        cursor.execute("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()")
        return f"{cursor.fetchone()[0] / 2**20:.0f} MB"


def run_step(label: str, count: int, total: int, explain: bool) -> dict[str, Any]:
    print(f"\n{label}: add {count:,} cases (total {total:,})")
    generated = measure("generate", op_generate(count), trace=False)
    for line in generated["result"]["summary"]:
        print(f"      {line}")
    measure("analyze", op_analyze, trace=False)
    from govhall.cases.models import Case

    print(f"  cases in the database: {Case.objects.count():,}; database size {database_size()}")
    figures: dict[str, Any] = {}
    for name, op in (
        ("scan (first, full)", op_scan()),
        ("scan (second, incremental)", op_scan()),
        ("scan (third, after ANALYZE)", op_scan()),
    ):
        if name.startswith("scan (third"):  # what autovacuum does soon after the first scan's inserts
            measure("analyze", op_analyze, trace=False)
        answer = measure(name, op)
        for line in answer["result"]["rules"]:
            print(line)
        figures[name] = answer
    figures["rating sweep"] = measure("rating sweep", op_sweep)
    figures[f"monthly report {latest_complete_month()}"] = measure(
        f"monthly report {latest_complete_month()}", op_report
    )
    if explain:
        answer = measure("scan (explain)", op_scan(explain=True))
        for plan in answer["result"]["plans"]:
            print(plan)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--explain", action="store_true", help="print each rule's query plan (EXPLAIN ANALYZE)"
    )
    args = parser.parse_args()
    target = prepare_database()
    postgres = target.startswith("PostgreSQL")
    total = int(os.environ.get("BENCH_CASES", "1000000" if postgres else "100000"))
    small = total // 10 if os.environ.get("BENCH_SMALL", "1") == "1" else 0
    print(f"database: {target}")
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    started = time.perf_counter()
    setup_django()
    print(f"migrate + demo seed: {time.perf_counter() - started:.1f} s")
    results: list[tuple[int, dict[str, Any]]] = []
    if small:
        results.append((small, run_step("step 1", small, small, args.explain)))
        reset_supervision()
    results.append((total, run_step("step 2" if small else "run", total - small, total, args.explain)))
    if len(results) == 2:
        print("\nsize comparison (wall time, tracemalloc peak):")
        for name in results[0][1]:
            a, b = results[0][1][name], results[1][1][name]
            print(
                f"  {name:<30}{results[0][0]:>10,}: {a['wall']:7.2f} s {a['peak'] / 2**20:6.1f} MB"
                f"   {results[1][0]:>10,}: {b['wall']:7.2f} s {b['peak'] / 2**20:6.1f} MB"
            )


if __name__ == "__main__":
    main()
