"""Writes every app shares: the worker heartbeat."""

from __future__ import annotations

import os
import socket

from django.utils import timezone

from .models import WorkerHeartbeat


def worker_heartbeat(name: str | None = None) -> None:
    name = name or f"{socket.gethostname()}:{os.getpid()}"
    WorkerHeartbeat.objects.update_or_create(
        name=name, defaults={"pid": os.getpid(), "seen_at": timezone.now()}
    )


def worker_stopped(name: str | None = None) -> None:
    WorkerHeartbeat.objects.filter(name=name or f"{socket.gethostname()}:{os.getpid()}").delete()
