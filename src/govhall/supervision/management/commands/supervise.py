"""`govhall supervise`: run the supervision scan (and the rating sweep) now, as the worker does every few
minutes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govhall.evaluation.services import ratings_sweep
from govhall.supervision.scan import supervision_scan


class Command(BaseCommand):
    help = "立即运行电子监察扫描（并处理好差评提醒与默认评价）"

    def handle(self, *args: Any, **options: Any) -> None:
        swept = ratings_sweep()
        result = supervision_scan(trigger="command")
        if result.skipped:
            self.stdout.write("另一次监察扫描正在进行，本次跳过。")
            return
        self.stdout.write(
            f"监察扫描完成：新增预警 {result.opened} 条，解除 {result.resolved} 条，用时 {result.seconds:.2f} 秒；"
            f"评价提醒 {swept.reminded} 条，默认评价 {swept.defaulted} 条。"
        )
