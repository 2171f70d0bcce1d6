"""Search latency with 10,000 published items: p50 and p95 for fixed 1-, 2- and 4-character queries.

    .venv/bin/python bench/search.py                      # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench .venv/bin/python bench/search.py

The target database is created (PostgreSQL) or replaced (SQLite) and migrated; the demo catalogue is loaded
and cloned with varied names until there are 10,000 published items. Each query runs through the same
selector the API uses (segmentation, synonyms, ranking, count, loading the page of items).
"""

from __future__ import annotations

import os
import platform
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ITEMS = int(os.environ.get("BENCH_ITEMS", "10000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
QUERIES = {
    1: ["证", "户", "税", "食", "房"],
    2: ["社保", "户口", "许可", "登记", "公积"],
    4: ["食品经营", "居民身份", "不动产登", "养老保险", "施工许可"],
}
VARIANTS = [
    "",
    "（变更）",
    "（延续）",
    "（注销）",
    "（补证）",
    "（迁移）",
    "（新办）",
    "（换证）",
    "（备案）",
    "（核查）",
]


def _prepare_database() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = Path(tempfile.gettempdir()) / "govhall-bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite {path}"
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    return url.split("@")[-1]


def _setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.config.settings")
    # a benchmark runs like production, which refuses the development keys: keys of its own for this run
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", secrets.token_hex(32))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _populate() -> int:
    from django.db import transaction

    from govhall.catalogue.models import ItemSearchDocument, ItemStatus, ServiceItem
    from govhall.catalogue.services import search_terms
    from govhall.core.text import index_text
    from govhall.demo.seeding import seed_demo
    from govhall.identity.models import Region

    seed_demo()
    towns = list(Region.objects.filter(level__in=["county", "town"]).values_list("code", "name"))
    templates = list(ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related("department"))
    terms = {t.pk: search_terms(t) for t in templates}
    skip = {"id", "pk", "created_at", "updated_at"}
    fields = [f.attname for f in ServiceItem._meta.concrete_fields if f.attname not in skip]
    n = 0
    with transaction.atomic():
        while len(templates) + n < ITEMS:
            batch, docs = [], []
            for template in templates:
                if len(templates) + n >= ITEMS:
                    break
                region_code, region_name = towns[n % len(towns)]
                clone = ServiceItem(**{f: getattr(template, f) for f in fields})
                clone.implementation_code = f"B{n:08d}{template.implementation_code[-12:]}"
                clone.name = f"{template.name}{VARIANTS[n % len(VARIANTS)]}"
                clone.region_id = region_code
                clone.popularity = n % 97
                batch.append(clone)
                docs.append((clone, terms[template.pk], region_name))
                n += 1
            ServiceItem.objects.bulk_create(batch, batch_size=500)
            ItemSearchDocument.objects.bulk_create(
                [
                    ItemSearchDocument(
                        item_id=clone.pk,
                        name_terms=index_text(clone.name),
                        keyword_terms=base["keyword_terms"] + " " + index_text(region_name),
                        body_terms=base["body_terms"],
                    )
                    for clone, base, region_name in docs
                ],
                batch_size=500,
            )
    return ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).count()


def _measure() -> dict[int, list[float]]:
    from django.db import connection

    from govhall.catalogue.selectors import item_search

    if connection.vendor == "postgresql":  # the steady state autovacuum keeps a live database in
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    for queries in QUERIES.values():  # warm caches
        for q in queries:
            item_search(q=q)
    timings: dict[int, list[float]] = {length: [] for length in QUERIES}
    for _ in range(ROUNDS):
        for length, queries in QUERIES.items():
            for q in queries:
                start = time.perf_counter()
                page = item_search(q=q, page_size=20)
                [item.department.name for item in page.items]
                timings[length].append((time.perf_counter() - start) * 1000)
    return timings


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    target = _prepare_database()
    _setup_django()
    started = time.perf_counter()
    count = _populate()
    print(f"database: {target}; published items: {count}; populated in {time.perf_counter() - started:.1f} s")
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    timings = _measure()
    every = [t for values in timings.values() for t in values]
    print(f"{'query length':<14}{'queries':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for length, values in timings.items():
        print(
            f"{length:<14}{len(values):>8}{statistics.median(values):>10.2f}{_pct(values, 95):>10.2f}{max(values):>10.2f}"
        )
    print(
        f"{'all':<14}{len(every):>8}{statistics.median(every):>10.2f}{_pct(every, 95):>10.2f}{max(every):>10.2f}"
    )
    verdict = "meets" if _pct(every, 95) <= 10 else "misses"
    print(f"target p95 <= 10 ms: {verdict}")


if __name__ == "__main__":
    main()
