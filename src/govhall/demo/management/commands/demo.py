"""`govhall demo`: migrate, load the demo data, and run the web server with a background worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from .seed import accounts_table


def _stop(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt  # a SIGTERM stops the children the same way Ctrl+C does


def served_base_url(host: str, port: int, environ: Mapping[str, str]) -> str:
    """The portal's public address for QR codes and SMS links: the operator's PUBLIC_BASE_URL when set, else
    the address the demo serves on (a wildcard bind is reached on this machine as 127.0.0.1)."""
    explicit = environ.get("PUBLIC_BASE_URL", "").strip()
    if explicit:
        return explicit
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    return f"http://{f'[{shown}]' if ':' in shown else shown}:{port}"


class Command(BaseCommand):
    help = "一键演示：迁移数据库、载入演示数据，并启动网站与后台工作进程"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=None, help="网站进程数（默认：CPU核数+1）")

    def handle(self, *args: Any, **options: Any) -> None:
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("seed", demo=True)
        host, port = options["host"], options["port"]
        env = dict(os.environ)
        hosts = {h for h in settings.ALLOWED_HOSTS} | {host, "127.0.0.1", "localhost"}
        env["ALLOWED_HOSTS"] = ",".join(sorted(hosts)) if host not in ("0.0.0.0", "::") else "*"
        env["WEB_BIND"] = f"{host}:{port}"
        env["PUBLIC_BASE_URL"] = settings.PUBLIC_BASE_URL = served_base_url(host, port, os.environ)
        if options["workers"]:
            env["WEB_WORKERS"] = str(options["workers"])
        bin_dir = os.path.dirname(sys.executable)
        # The production server configuration (govhall/config/gunicorn.py), as docs/operations.md runs it.
        web = subprocess.Popen(
            [
                os.path.join(bin_dir, "gunicorn"),
                "-c",
                "python:govhall.config.gunicorn",
                "govhall.config.wsgi",
            ],
            env=env,
        )
        worker = subprocess.Popen([os.path.join(bin_dir, "govhall"), "worker"], env=env)
        self.stdout.write(self.style.SUCCESS(f"\nGovHall 已启动：http://{host}:{port}/  （按 Ctrl+C 停止）"))
        self.stdout.write(
            f"管理后台：http://{host}:{port}/admin/   接口文档：http://{host}:{port}/api/v1/docs"
        )
        self.stdout.write(accounts_table())
        signal.signal(signal.SIGTERM, _stop)
        try:
            while web.poll() is None and worker.poll() is None:
                try:
                    web.wait(timeout=1)
                except subprocess.TimeoutExpired:
                    continue
        except KeyboardInterrupt:
            pass
        finally:
            for process in (web, worker):
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            for process in (web, worker):
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
