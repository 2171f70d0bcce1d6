"""Case numbers (办件编号): region code, date and a per-region daily sequence, e.g. 330523-20261122-00042.

The sequence comes from one atomic upsert-and-return statement, so concurrent submissions never collide,
on SQLite (3.35+) and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt

from django.db import connection

_NEXT = (
    "INSERT INTO cases_casenumbercounter (region_code, day, last) VALUES (%s, %s, 1) "
    "ON CONFLICT (region_code, day) DO UPDATE SET last = cases_casenumbercounter.last + 1 "
    "RETURNING last"
)


def format_case_number(region_code: str, day: dt.date, sequence: int) -> str:
    return f"{region_code[:6]}-{day:%Y%m%d}-{sequence:05d}"


def next_case_number(region_code: str, day: dt.date) -> str:
    with connection.cursor() as cursor:
        cursor.execute(_NEXT, [region_code[:6], day])
        sequence = cursor.fetchone()[0]
    return format_case_number(region_code, day, sequence)


BUNDLE_PREFIX = "YJS"  # 一件事


def next_bundle_case_number(region_code: str, day: dt.date) -> str:
    """一件事办件编号, e.g. YJS330523-20261122-00007: the same counter table, its own sequence per region and day."""
    with connection.cursor() as cursor:
        cursor.execute(_NEXT, [BUNDLE_PREFIX + region_code[:6], day])
        sequence = cursor.fetchone()[0]
    return BUNDLE_PREFIX + format_case_number(region_code, day, sequence)
