"""`govhall notices`: how delivery stands, and the operator's re-send of SMS that failed for good."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from govhall.notices.selectors import sms_delivery_counts
from govhall.notices.services import notices_resend


class Command(BaseCommand):
    help = "查看短信发送情况；--resend 重新发送全部发送失败的短信"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--resend", action="store_true", help="重新发送全部发送失败（已停止重试）的短信")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["resend"]:
            self.stdout.write(f"已重新排队发送 {notices_resend()} 条短信。")
        counts = sms_delivery_counts()
        self.stdout.write(f"短信：待发送（含重试中）{counts['pending']} 条，发送失败 {counts['failed']} 条。")
        if counts["failed"] and not options["resend"]:
            self.stdout.write(
                "发送失败的短信已停止重试：网关恢复后运行 govhall notices --resend，或在后台“消息通知”中重新发送。"
            )
