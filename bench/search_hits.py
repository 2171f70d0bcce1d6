"""Forgiving search: how often the item a citizen means is first, or in the top three, on the demo catalogue.

    .venv/bin/python bench/search_hits.py                 # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_hits .venv/bin/python bench/search_hits.py

The queries are in bench/search_queries.csv (kind, query, expected item names separated by "|"): full pinyin,
pinyin initials, traditional characters, miswritten characters and everyday phrasings. Each runs through the
selector the portal and the API use. Prints the top-1 and top-3 hit rates, per kind and overall, and the misses.
tests/catalogue/test_search_hits.py holds a floor for the top-3 rate on the same file.
"""

from __future__ import annotations

import csv
import os
import sys
import tempfile
from pathlib import Path

QUERIES = Path(__file__).resolve().parent / "search_queries.csv"


def load_queries(path: Path = QUERIES) -> list[tuple[str, str, set[str]]]:
    with path.open(encoding="utf-8") as handle:
        return [
            (row["kind"], row["query"], set(row["expected"].split("|"))) for row in csv.DictReader(handle)
        ]


def _prepare_database() -> None:
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.gettempdir()) / "govhall-search-hits.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    elif os.environ["DATABASE_URL"].startswith("postgres"):
        import psycopg

        url = os.environ["DATABASE_URL"]
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from govhall.demo.seeding import seed_demo

    seed_demo()


def main() -> None:
    _prepare_database()
    from govhall.catalogue.selectors import item_search

    per_kind: dict[str, list[int]] = {}
    misses: list[str] = []
    for kind, query, expected in load_queries():
        names = [item.name for item in item_search(q=query, page_size=3).items]
        top1, top3 = bool(names[:1] and names[0] in expected), bool(expected & set(names))
        counts = per_kind.setdefault(kind, [0, 0, 0])
        counts[0] += 1
        counts[1] += top1
        counts[2] += top3
        if not top3:
            misses.append(f"  {kind:<12}{query:<16} got {'、'.join(names) or '(nothing)'}")
    total = [sum(c[i] for c in per_kind.values()) for i in range(3)]
    print(f"{'kind':<14}{'queries':>8}{'top-1':>9}{'top-3':>9}")
    for kind, (n, one, three) in [*per_kind.items(), ("all", total)]:
        print(f"{kind:<14}{n:>8}{one / n:>9.1%}{three / n:>9.1%}")
    if misses:
        print("not in the top three:")
        print("\n".join(misses))


if __name__ == "__main__":
    main()
