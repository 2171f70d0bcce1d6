"""`govhall token USERNAME`: print a new API token for an account (for wiring a department's system)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govhall.identity.selectors import user_find_by_login
from govhall.identity.services import token_issue


class Command(BaseCommand):
    help = "为账户签发新的接口访问令牌并打印（令牌只显示这一次）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("username", help="用户名、手机号或公民身份号码")
        parser.add_argument("--days", type=int, default=None, help="有效天数（默认取 API_TOKEN_DAYS）")
        parser.add_argument("--label", default="operator", help="用途说明")

    def handle(self, *args: Any, **options: Any) -> None:
        user = user_find_by_login(options["username"])
        if user is None:
            raise CommandError(f"账户不存在：{options['username']}")
        plain, token = token_issue(user=user, label=options["label"], days=options["days"])
        self.stdout.write(plain)
        self.stderr.write(
            f"有效期至 {token.expires_at:%Y-%m-%d %H:%M %Z}；请求时使用 Authorization: Bearer <令牌>"
        )
