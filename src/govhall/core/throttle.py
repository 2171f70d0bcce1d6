"""Throttling by fixed windows, counted in the database (so every web worker sees the same counts): one
INSERT … ON CONFLICT DO UPDATE … RETURNING per hit, on SQLite and PostgreSQL alike. Keys carry no personal
data: client addresses and logins are passed through the keyed look-up hash first."""

from __future__ import annotations

import time

from django.db import connection

from . import crypto
from .models import RateCounter


def throttle_key(kind: str, *parts: str) -> str:
    return f"{kind}:{crypto.lookup_hash('|'.join(parts))[:40]}"


def _window(seconds: int, now: float | None) -> int:
    moment = int(time.time() if now is None else now)
    return moment - moment % seconds


def rate_hit(key: str, *, seconds: int, now: float | None = None) -> int:
    """Count one hit of the key in the current window; returns the window's count, this hit included."""
    table = RateCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (name, started, hits) VALUES (%s, %s, 1) "
            f"ON CONFLICT (name, started) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
            [key, _window(seconds, now)],
        )
        row = cursor.fetchone()
    return int(row[0])


def rate_count(key: str, *, seconds: int, now: float | None = None) -> int:
    """The key's count in the current window, without counting."""
    found = RateCounter.objects.filter(name=key, started=_window(seconds, now)).values_list("hits", flat=True)
    return int(found.first() or 0)


def rate_forget(before_seconds: int = 86_400, now: float | None = None) -> int:
    """Delete windows that started more than a day ago; a periodic job."""
    cutoff = int(time.time() if now is None else now) - before_seconds
    deleted, _ = RateCounter.objects.filter(started__lt=cutoff).delete()
    return deleted
