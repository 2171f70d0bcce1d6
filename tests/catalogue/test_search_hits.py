"""The hit rate of forgiving search on the demo catalogue: bench/search_queries.csv, as bench/search_hits.py."""

import csv
from pathlib import Path

import pytest

from govhall.catalogue.selectors import item_search
from govhall.demo.seeding import seed_demo

QUERIES = Path(__file__).resolve().parents[2] / "bench" / "search_queries.csv"
TOP3_FLOOR = 0.9  # measured 0.99 (87 of 88) when the floor was set; docs/decisions/0012


@pytest.mark.django_db
def test_top3_hit_rate_on_the_demo_catalogue():
    seed_demo()
    with QUERIES.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 60
    kinds = {row["kind"] for row in rows}
    assert {"pinyin", "initials", "traditional", "miswritten", "phrasing"} <= kinds
    hits = 0
    for row in rows:
        names = {item.name for item in item_search(q=row["query"], page_size=3).items}
        hits += bool(names & set(row["expected"].split("|")))
    assert hits / len(rows) >= TOP3_FLOOR
