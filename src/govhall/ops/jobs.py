"""The worker's periodic jobs, in the order each round runs them, each with how often it is due.

Each job must be safe to run from several workers at once: the supervision scan takes a lease, the rating
sweep is idempotent, the upload cleanup skips locked rows, handing out dead workers' tasks is a conditional update. A new periodic job is one line
here.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings

from govhall.cases.services import uploads_orphans_delete
from govhall.core.throttle import rate_forget
from govhall.evaluation.services import ratings_sweep
from govhall.licences.services import licences_expire
from govhall.supervision.scan import supervision_scan

from .leases import tasks_reclaim

logger = logging.getLogger(__name__)


def _scan_seconds() -> float:
    return float(settings.SUPERVISION_SCAN_SECONDS)


def _beat_seconds() -> float:
    return float(settings.WORKER_HEARTBEAT_SECONDS)


def _hourly() -> float:
    return 3600.0


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[], object]
    every: Callable[[], float] = field(default=_scan_seconds)  # seconds, read when the round runs


def _scan() -> object:
    return supervision_scan(trigger="worker")


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("回收失联进程的任务", tasks_reclaim, every=_beat_seconds),
    PeriodicJob("评价提醒与默认评价", ratings_sweep),
    PeriodicJob("电子监察扫描", _scan),
    PeriodicJob("清理过期的访问频率计数", rate_forget),
    PeriodicJob("清理未使用的上传文件", uploads_orphans_delete, every=_hourly),
    PeriodicJob("电子证照到期", licences_expire),
)


def run_periodic_round(jobs: tuple[PeriodicJob, ...] = PERIODIC_JOBS) -> list[str]:
    """Run every job once; a failing job is logged and does not stop the others. Returns the failed names."""
    failed = []
    for job in jobs:
        try:
            job.run()
        except Exception:  # keep the worker alive; the error is in the log
            logger.exception("periodic job failed: %s", job.name)
            failed.append(job.name)
    return failed


class Schedule:
    """When each job is next due (monotonic clock); every job is due at once when the worker starts."""

    def __init__(self, jobs: tuple[PeriodicJob, ...] = PERIODIC_JOBS) -> None:
        self.jobs = jobs
        self.next_at = {job.name: 0.0 for job in jobs}

    def run_due(self, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        due = tuple(job for job in self.jobs if self.next_at[job.name] <= now)
        for job in due:
            self.next_at[job.name] = now + job.every()
        return run_periodic_round(due)
