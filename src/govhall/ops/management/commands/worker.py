"""`govhall worker`: the background worker (django-tasks database backend) with a heartbeat for /healthz,
and the periodic jobs of govhall.ops.jobs: handing out again the tasks of workers that died (every beat), the
supervision scan and the rating sweep (every SUPERVISION_SCAN_SECONDS). The heartbeat carries the name the
worker claims tasks under: it is the lease on those tasks."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from govhall.core.services import worker_heartbeat, worker_stopped
from govhall.ops.jobs import Schedule

TICK_SECONDS = 1.0


class Command(BaseCommand):
    help = "运行后台任务工作进程（处理消息发送等后台任务），并定时上报心跳"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        # unique per start: a restarted worker often gets the dead one's pid, and must not renew its lease
        name = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        worker_heartbeat(name)  # before the first claim, so the lease exists when a task is running
        threads = [
            threading.Thread(target=self._beat, args=(stop, name), daemon=True, name="heartbeat"),
            threading.Thread(target=self._periodic, args=(stop,), daemon=True, name="periodic"),
        ]
        for thread in threads:
            thread.start()
        try:
            call_command(
                "db_worker", interval=options["interval"], verbosity=options["verbosity"], worker_id=name
            )
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=5)
            worker_stopped(name)

    @staticmethod
    def _beat(stop: threading.Event, name: str) -> None:
        try:
            while not stop.is_set():
                worker_heartbeat(name)
                stop.wait(settings.WORKER_HEARTBEAT_SECONDS)
        finally:
            connection.close()

    @staticmethod
    def _periodic(stop: threading.Event) -> None:
        """The periodic jobs (govhall.ops.jobs), each when it is due; a failure is logged and the job runs
        again when next due."""
        schedule = Schedule()
        try:
            while True:
                schedule.run_due()
                if stop.wait(TICK_SECONDS):
                    break
        finally:
            connection.close()
