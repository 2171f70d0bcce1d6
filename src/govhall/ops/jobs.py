"""The worker's periodic jobs, in the order each round runs them.

Each job must be safe to run from several workers at once: the supervision scan takes a lease, the rating
sweep is idempotent. A new periodic job is one line here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from govhall.evaluation.services import ratings_sweep
from govhall.supervision.scan import supervision_scan

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    run: Callable[[], object]


def _scan() -> object:
    return supervision_scan(trigger="worker")


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob("评价提醒与默认评价", ratings_sweep),
    PeriodicJob("电子监察扫描", _scan),
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
