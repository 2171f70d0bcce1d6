"""`govhall seed --demo`: load the demo county, its departments, halls, catalogue and accounts. Safe to rerun."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govhall.demo.seeding import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "载入演示数据：一个演示县的区划、部门、大厅窗口、事项目录和各角色演示账户（可重复执行）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--demo", action="store_true", help="载入演示数据")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["demo"]:
            raise CommandError("请指定要载入的数据，例如 govhall seed --demo")
        summary = seed_demo()
        self.stdout.write(
            self.style.SUCCESS("演示数据已就绪：" + "，".join(f"{k} {v}" for k, v in summary.items()))
        )
        self.stdout.write(accounts_table())


def accounts_table() -> str:
    lines = ["演示账户（密码均为 " + DEMO_PASSWORD + "）："]
    for account in DEMO_ACCOUNTS:
        lines.append(f"  {account['username']:<16} {account['role_label']:<10} {account['department_label']}")
    return "\n".join(lines)
