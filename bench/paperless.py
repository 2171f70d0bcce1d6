"""免提交率 at scale: the statistics page's paperless figures (materials per department and item, look-ups and
licence uses) over a county's two years of cases.

    .venv/bin/python bench/paperless.py                        # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_paperless .venv/bin/python bench/paperless.py
    ... bench/paperless.py --explain                           # also print the three grouped queries' plans

On a fresh database it migrates, loads the demo county, generates cases with `govhall generate` (50,000;
BENCH_CASES overrides) and gives every case its materials as a county's would look: a licence-sourced
material satisfied by an e-licence seven times in ten, a shared-data one by a look-up six times in ten, the
rest uploaded (one in ten with a second file); a granted look-up for every shared-data material, a licence use
for every licence-satisfied one, and denied look-ups (some outside any case) for one case in twenty. The rows
are written directly (the look-up log with placeholder hashes: the chain is not what is measured). Then, after
ANALYZE, it times ``stats.selectors.paperless`` for the last 30 days, the last year, the last year in one town
and the last year for one department, best of three.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import prepare_database, setup_django

SEED = 11
BATCH = 5000


def build(cases: int) -> dict[str, int]:
    from govhall.cases.models import Case, Upload
    from govhall.catalogue.models import Material
    from govhall.demo.generate import generate_cases
    from govhall.demo.seeding import seed_demo
    from govhall.identity.models import User
    from govhall.licences.models import Licence

    seed_demo()
    generate_cases(cases, seed=SEED)
    rng = random.Random(SEED)
    owner = User.objects.get(username="citizen")
    upload = [
        Upload.objects.create(
            owner=owner,
            original_name="bench.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
            path=f"bench/bench-{n}.pdf",
        )
        for n in (1, 2)
    ]
    licence = Licence.objects.order_by("pk").first()
    assert licence is not None, "the demo holds licences"
    materials: dict[int, list[tuple[int, str]]] = {}
    for pk, item_id, source in Material.objects.values_list("pk", "item_id", "source"):
        materials.setdefault(item_id, []).append((pk, source))
    counts = {"materials": 0, "lookups": 0, "licence_uses": 0}
    sequence = 0
    rows = Case.objects.filter(submitted_at__isnull=False).order_by("pk")
    fields = ("pk", "item_id", "department_id", "number", "submitted_at", "item__implementation_code")
    batch: list[Any] = []
    for pk, item_id, department_id, number, submitted_at, code in rows.values_list(*fields).iterator(BATCH):
        batch.append((pk, item_id, department_id, number, submitted_at, code))
        if len(batch) == BATCH:
            sequence = _write(batch, materials, rng, upload, licence, owner, sequence, counts)
            batch = []
    if batch:
        _write(batch, materials, rng, upload, licence, owner, sequence, counts)
    return counts


def _write(batch, materials, rng, upload, licence, owner, sequence, counts):  # type: ignore[no-untyped-def]
    from govhall.cases.models import CaseMaterial
    from govhall.licences.models import LicenceUse
    from govhall.sharing.models import LookupLog

    case_materials, lookups, uses = [], [], []

    def log(at: dt.datetime, department_id: int, number: str, code: str, outcome: str) -> None:
        nonlocal sequence
        sequence += 1
        lookups.append(
            LookupLog(
                sequence=sequence, at=at, user=owner, user_label="bench", department_id=department_id,
                department_label="", case_number=number, item_code=code, subject_type="id_number",
                subject_hash="0" * 64, resource_code="BENCH", outcome=outcome, request_digest="0" * 64,
                previous_hash=f"{sequence - 1:064x}", entry_hash=f"{sequence:064x}",
            )
        )  # fmt: skip

    for pk, item_id, department_id, number, submitted_at, code in batch:
        for material_id, source in materials.get(item_id, []):
            way = "upload"
            if source == "licence" and rng.random() < 0.7:
                way = "licence"
            elif source == "shared_data" and rng.random() < 0.6:
                way = "shared_data"
            if way == "upload":
                case_materials.append(CaseMaterial(case_id=pk, material_id=material_id, upload=upload[0]))
                if rng.random() < 0.1:  # a second file for the same material
                    case_materials.append(CaseMaterial(case_id=pk, material_id=material_id, upload=upload[1]))
                continue
            case_materials.append(
                CaseMaterial(case_id=pk, material_id=material_id, satisfied_by=way, reference=f"ref-{pk}")
            )
            if way == "shared_data":
                log(submitted_at, department_id, number, code, "granted")
            else:
                uses.append(
                    LicenceUse(
                        licence=licence, department_id=department_id, case_number=number, at=submitted_at
                    )
                )
        if rng.random() < 0.05:
            log(
                submitted_at + dt.timedelta(hours=1),
                department_id,
                number if rng.random() < 0.5 else "",
                "",
                "denied",
            )
    CaseMaterial.objects.bulk_create(case_materials, batch_size=BATCH)
    LookupLog.objects.bulk_create(lookups, batch_size=BATCH)
    LicenceUse.objects.bulk_create(uses, batch_size=BATCH)
    counts["materials"] += len(case_materials)
    counts["lookups"] += len(lookups)
    counts["licence_uses"] += len(uses)
    return sequence


def best_of(runs: int, call: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        began = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - began)
    return best, result


def explain(start: dt.date, end: dt.date) -> None:
    from django.db import connection

    from govhall.stats import selectors

    queries = {
        "materials": selectors._materials_handed_in(start, end, None, None),
        "look-ups": selectors._lookups(start, end, None, None),
        "licence uses": selectors._licence_uses(start, end, None, None),
    }
    for name, queryset in queries.items():
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plan = ["  " + " ".join(str(c) for c in row) for row in cursor.fetchall()]
        print(f"\n-- {name}\n" + "\n".join(plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--explain", action="store_true", help="print the grouped queries' plans")
    args = parser.parse_args()
    cases = int(os.environ.get("BENCH_CASES", "50000"))
    where = prepare_database("paperless")
    setup_django()
    from django.db import connection
    from django.utils import timezone

    from govhall.stats import selectors

    began = time.perf_counter()
    counts = build(cases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"{where}: {cases:,} cases, {counts['materials']:,} case materials, {counts['lookups']:,} look-ups, "
          f"{counts['licence_uses']:,} licence uses, built in {time.perf_counter() - began:.0f} s")  # fmt: skip
    today = timezone.localdate()
    year = today - dt.timedelta(days=364)
    runs = [
        ("last 30 days", {"start": today - dt.timedelta(days=29), "end": today}),
        ("last year", {"start": year, "end": today}),
        ("last year, one town", {"start": year, "end": today, "region": "330523001000"}),
        ("last year, one department", {"start": year, "end": today, "department": "scjgj"}),
    ]
    for label, kwargs in runs:
        seconds, figures = best_of(3, lambda kwargs=kwargs: selectors.paperless(**kwargs))
        s = figures["summary"]
        print(f"{label:28} {seconds * 1000:7.0f} ms   materials {s['materials']:>9,}  免提交率 "
              f"{(s['paperless_rate'] or 0) * 100:5.1f}%  look-ups {s['lookups']:>8,}  denied {s['lookups_denied']:>6,}  "
              f"departments {len(figures['departments'])}  items {len(figures['items'])}")  # fmt: skip
    if args.explain:
        explain(year, today)


if __name__ == "__main__":
    main()
