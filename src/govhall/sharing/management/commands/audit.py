"""`govhall audit verify`: walk the look-up log's SM3 chain; print OK with the count, or the first broken link
(and exit with status 1)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from govhall.sharing.selectors import chain_verify


class Command(BaseCommand):
    help = "审计：verify 校验共享数据查询日志的 SM3 哈希链"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"], help="verify：逐条校验查询日志哈希链")

    def handle(self, *args: Any, **options: Any) -> None:
        report = chain_verify()
        if not report.ok:
            raise CommandError(
                f"查询日志哈希链在第 {report.broken_at} 条断开：{report.problem}（此前 {report.count} 条校验通过）",
                returncode=1,
            )
        self.stdout.write(f"OK：查询日志哈希链完整，共 {report.count} 条")
