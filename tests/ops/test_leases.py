"""Task leases: the RUNNING tasks of a worker that stopped beating are handed out again; a live worker's are
left alone; a task that keeps killing its workers is failed instead of looping."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from govhall.core.services import worker_heartbeat
from govhall.notices.models import Notice
from govhall.notices.services import notice_deliver
from govhall.ops.leases import MAX_CLAIMS, lease_seconds, tasks_reclaim
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def running_task(media, items, applicant):
    """The SMS task of a submission, claimed by worker "w1" a minute ago."""
    submit(items["promised"], applicant)
    task = DBTaskResult.objects.get()
    task.claim("w1")
    DBTaskResult.objects.filter(pk=task.pk).update(started_at=timezone.now() - dt.timedelta(minutes=1))
    return task


def _status(task):
    return DBTaskResult.objects.get(pk=task.pk).status


def test_a_dead_workers_task_is_handed_out_again_and_delivered_once(running_task):
    assert tasks_reclaim() == (1, 0)  # w1 never beat (or stopped beating): its lease is gone
    assert _status(running_task) == TaskResultStatus.READY
    notice = Notice.objects.get(channel="sms")
    assert notice_deliver(notice.pk) == "sent" and notice_deliver(notice.pk) == "skipped"


def test_a_live_workers_task_stays_running(running_task):
    worker_heartbeat("w1")
    assert tasks_reclaim() == (0, 0)
    assert _status(running_task) == TaskResultStatus.RUNNING


def test_the_lease_runs_out_after_three_missed_beats(running_task, settings):
    worker_heartbeat("w1")
    later = timezone.now() + dt.timedelta(seconds=lease_seconds() - 1)
    assert tasks_reclaim(now=later) == (0, 0)
    assert tasks_reclaim(now=later + dt.timedelta(seconds=2)) == (1, 0)


def test_a_task_just_claimed_is_not_taken_from_a_worker_that_has_not_beaten_yet(running_task):
    DBTaskResult.objects.filter(pk=running_task.pk).update(started_at=timezone.now())
    assert tasks_reclaim() == (0, 0)


def test_a_task_that_killed_its_worker_five_times_is_failed(running_task):
    DBTaskResult.objects.filter(pk=running_task.pk).update(worker_ids=[f"w{i}" for i in range(MAX_CLAIMS)])
    assert tasks_reclaim() == (0, 1)
    failed = DBTaskResult.objects.get(pk=running_task.pk)
    assert failed.status == TaskResultStatus.FAILED and "中途退出" in failed.traceback


def test_finished_tasks_and_old_heartbeats(running_task):
    DBTaskResult.objects.filter(pk=running_task.pk).update(status=TaskResultStatus.SUCCESSFUL)
    worker_heartbeat("gone")
    assert tasks_reclaim(now=timezone.now() + dt.timedelta(days=2)) == (0, 0)
    assert _status(running_task) == TaskResultStatus.SUCCESSFUL
    from govhall.core.models import WorkerHeartbeat

    assert not WorkerHeartbeat.objects.filter(name="gone").exists()
