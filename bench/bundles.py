"""一件事 submissions: how many bundle submissions per second the platform takes, each creating its bundle case
and one case per item (numbers, split forms, one upload attached to every case that needs it, e-licences and
shared-data look-ups standing in for papers), through POST /api/v1/bundle-cases.

    .venv/bin/python bench/bundles.py                       # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_bundles .venv/bin/python bench/bundles.py

On a fresh database it migrates and loads the demo county, then for 出生一件事 (the demo citizen, 5 items) and
开办企业一件事 (the demo enterprise, 7 items) sends BENCH_BUNDLES submissions each (default 200) through the API
in one process (Django's test client, a bearer token, a distinct Idempotency-Key each), and prints
submissions per second, p50 and p95 latency and the SQL statements per submission; then it drives one bundle
of each to completion through the services and prints how long a completion that starts the next items
takes. One process, one client: a floor for what gunicorn's workers reach together.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from common import prepare_database, setup_django

BUNDLES = int(os.environ.get("BENCH_BUNDLES", "200"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CASES = {"birth": ("citizen", None), "company-opening": ("enterprise", "91330523MA2B3C4D5M")}


def _body(code: str, username: str, uscc: str | None, client: Any) -> dict[str, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from tests.demo.test_seeding_bundles import _filled, _to_upload

    from govhall.catalogue.models import Bundle, ItemStatus
    from govhall.catalogue.selectors import bundle_guide
    from govhall.identity.models import Enterprise, User

    applicant = User.objects.get(username=username)
    enterprise = Enterprise.objects.get(uscc=uscc) if uscc else None
    guide = bundle_guide(Bundle.objects.get(code=code, status=ItemStatus.PUBLISHED))
    upload = client.post("/api/v1/uploads", {"file": SimpleUploadedFile("scan.pdf", PDF)}).json()["id"]
    form = {
        k: v.isoformat() if hasattr(v, "isoformat") else v
        for k, v in _filled(guide, applicant, enterprise).items()
    }
    materials = [{"material": m.id, "upload": upload} for m in _to_upload(guide, applicant, enterprise)]
    return {"bundle": code, "form": form, "materials": materials, "enterprise": uscc}


def submissions(code: str, username: str, uscc: str | None) -> tuple[str, dict[str, float]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from govhall.identity.models import User
    from govhall.identity.services import token_issue

    plain, _ = token_issue(user=User.objects.get(username=username))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {plain}")
    body = _body(code, username, uscc, client)
    timings, statements, number = [], [], ""
    for _ in range(BUNDLES):
        connection.queries_log.clear()  # the log keeps 9,000 statements: each submission counts from empty
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            answer = client.post("/api/v1/bundle-cases", body, content_type="application/json",
                                 HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)  # fmt: skip
            timings.append(time.perf_counter() - start)
        if answer.status_code != 201:
            raise SystemExit(f"{code}: {answer.status_code} {answer.content[:300]!r}")
        statements.append(len(queries.captured_queries))
        number = answer.json()["number"]
    cases = len(answer.json()["cases"])
    timings.sort()
    return number, {
        "cases per bundle": cases,
        "bundles/s": BUNDLES / sum(timings),
        "cases/s": BUNDLES * cases / sum(timings),
        "p50 ms": 1000 * statistics.median(timings),
        "p95 ms": 1000 * timings[int(0.95 * (len(timings) - 1))],
        "SQL per bundle": statistics.median(statements),
    }


def completion(number: str) -> dict[str, float]:
    """Drive one bundle to its end; time each case's completion (which starts what waited for it)."""
    from tests.factories.cases import drive_to_completion

    from govhall.cases.models import BundleCase, Case
    from govhall.identity.models import User

    clerk = User.objects.get(username="clerk")
    timings = []
    for _ in range(10):
        ready = list(
            Case.objects.filter(bundle_case__number=number, status="submitted").values_list(
                "number", flat=True
            )
        )
        for case_number in ready:
            start = time.perf_counter()
            drive_to_completion(case_number or "", clerk)
            timings.append(time.perf_counter() - start)
    state = BundleCase.objects.get(number=number).state
    return {
        "cases driven": len(timings),
        "ms per case (accept → complete)": 1000 * statistics.mean(timings),
        "state": state,
    }  # type: ignore[dict-item]


def main() -> None:
    database = prepare_database("bundles")
    setup_django()
    from django.conf import settings

    from govhall.demo.seeding import seed_demo

    settings.ALLOWED_HOSTS = ["*"]
    seed_demo()
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"database: {database}")
    print(f"submissions per bundle: {BUNDLES}")
    for code, (username, uscc) in CASES.items():
        number, figures = submissions(code, username, uscc)
        print(
            code,
            ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items()),
        )
        done = completion(number)
        print(
            f"  {code} completion:",
            ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in done.items()),
        )


if __name__ == "__main__":
    main()
