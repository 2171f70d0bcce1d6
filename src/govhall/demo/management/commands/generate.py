"""`govhall generate --cases N`: synthetic cases, applicants, tasks and ratings over the last two years."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from govhall.catalogue.models import ItemStatus, ServiceItem
from govhall.demo.generate import generate_cases


class Command(BaseCommand):
    help = (
        "生成模拟办件数据（用于压测和演示）：在演示事项目录上生成近两年的申请人、办件（各种状态、补正、容缺、"
        "特别程序、逾期）、审批任务、好差评和差评整改。事项目录为空时先载入演示数据。"
        "每个办件只写一条“提交申请”过程记录；模拟办件没有流程引擎状态，只用于列表、监察和统计。"
        "可重复执行，每次追加，办件编号与真实申报不会冲突。"
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--cases", type=int, required=True, help="生成的办件数")
        parser.add_argument("--seed", type=int, default=1, help="随机种子（相同种子、相同时刻生成相同数据）")
        parser.add_argument("--years", type=float, default=2.0, help="办件分布的年数（截至现在）")
        parser.add_argument("--batch-size", type=int, default=5000, help="每批写入的办件数")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["cases"] <= 0:
            raise CommandError("--cases 应为正整数")
        if not ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).exists():
            self.stdout.write("事项目录为空，先载入演示数据……")
            call_command("seed", demo=True, stdout=self.stdout)

        def progress(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        summary = generate_cases(
            options["cases"],
            seed=options["seed"],
            years=options["years"],
            batch_size=options["batch_size"],
            progress=progress,
        )
        for line in summary.lines():
            self.stdout.write(self.style.SUCCESS(line))
