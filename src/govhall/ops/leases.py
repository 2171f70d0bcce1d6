"""Task leases: a background task whose worker died is handed out again.

django-tasks-db marks a task RUNNING when a worker claims it and never looks at it again, so a worker killed
mid-task (kill -9, OOM, a lost machine) left it running forever. Each worker beats its heartbeat under the
name it claims tasks with; its claims are its lease, renewed by every beat. Once the worker has missed three
beats, its RUNNING tasks go back to READY for any worker. Tasks must therefore be safe to run twice (they
re-load by id and check state under a row lock, as notice delivery does). A task that has already been handed
out MAX_CLAIMS times probably kills its worker: it is marked failed instead of looping.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from govhall.core.models import WorkerHeartbeat

MISSED_BEATS = 3
MAX_CLAIMS = 5
FORGET_DEAD_WORKERS_AFTER = dt.timedelta(days=1)


def lease_seconds() -> float:
    return float(settings.WORKER_HEARTBEAT_SECONDS) * MISSED_BEATS


def tasks_reclaim(now: dt.datetime | None = None) -> tuple[int, int]:
    """Hand out again the tasks of dead workers; returns (handed out again, marked failed)."""
    now = now or timezone.now()
    expired = now - dt.timedelta(seconds=lease_seconds())
    live = set(WorkerHeartbeat.objects.filter(seen_at__gte=expired).values_list("name", flat=True))
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=expired)
    orphaned = [
        (task.pk, len(task.worker_ids))
        for task in running.only("id", "worker_ids")
        if not task.worker_ids or task.worker_ids[-1] not in live
    ]
    again = [pk for pk, claims in orphaned if claims < MAX_CLAIMS]
    poisoned = [pk for pk, claims in orphaned if claims >= MAX_CLAIMS]
    with transaction.atomic():
        # the status condition keeps a task that finished meanwhile finished
        handed = DBTaskResult.objects.filter(pk__in=again, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.READY, started_at=None
        )
        failed = DBTaskResult.objects.filter(pk__in=poisoned, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="govhall.ops.leases.WorkerLost",
            traceback=f"任务已被 {MAX_CLAIMS} 个工作进程领取，每次工作进程都中途退出",
        )
        WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_DEAD_WORKERS_AFTER).delete()
    return handed, failed
