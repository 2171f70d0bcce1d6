"""`govhall worker`: the background worker (django-tasks database backend) with a heartbeat for /healthz,
and the periodic jobs: the supervision scan and the rating sweep every SUPERVISION_SCAN_SECONDS."""

from __future__ import annotations

import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from govhall.core.services import worker_heartbeat, worker_stopped
from govhall.ops.jobs import run_periodic_round


class Command(BaseCommand):
    help = "运行后台任务工作进程（处理消息发送等后台任务），并定时上报心跳"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="无任务时的轮询间隔（秒）")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        threads = [
            threading.Thread(target=self._beat, args=(stop,), daemon=True, name="heartbeat"),
            threading.Thread(target=self._periodic, args=(stop,), daemon=True, name="periodic"),
        ]
        for thread in threads:
            thread.start()
        try:
            call_command("db_worker", interval=options["interval"], verbosity=options["verbosity"])
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=5)
            worker_stopped()

    @staticmethod
    def _beat(stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                worker_heartbeat()
                stop.wait(settings.WORKER_HEARTBEAT_SECONDS)
        finally:
            connection.close()

    @staticmethod
    def _periodic(stop: threading.Event) -> None:
        """The periodic jobs (govhall.ops.jobs); a failure is logged and the next round tries again."""
        try:
            while True:
                run_periodic_round()
                if stop.wait(settings.SUPERVISION_SCAN_SECONDS):
                    break
        finally:
            connection.close()
