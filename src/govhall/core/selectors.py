"""Reads every app shares: platform health."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .models import WorkerHeartbeat


def platform_health() -> dict[str, Any]:
    """Database reachability and whether a background worker has been seen recently."""
    database: dict[str, Any] = {"vendor": connection.vendor}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database["status"] = "ok"
    except Exception as exc:  # the health check must answer whatever the failure is
        database.update(status="error", error=exc.__class__.__name__)
        return {"status": "error", "database": database, "worker": {"status": "unknown"}}
    fresh_after = timezone.now() - dt.timedelta(seconds=settings.WORKER_HEARTBEAT_SECONDS * 3)
    live = WorkerHeartbeat.objects.filter(seen_at__gte=fresh_after).count()
    last = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    worker = {
        "status": "ok" if live else "down",
        "workers": live,
        "last_seen": last.isoformat() if last else None,
    }
    return {"status": "ok" if live else "degraded", "database": database, "worker": worker}
