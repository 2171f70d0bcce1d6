"""Background tasks of notices: take ids, re-load, call a service."""

from __future__ import annotations

from django_tasks import task

from .services import notice_deliver


@task()
def deliver_notice(notice_id: int) -> str:
    return notice_deliver(notice_id)
