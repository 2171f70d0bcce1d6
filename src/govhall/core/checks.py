"""System checks GovHall adds: production never runs on the development keys.

Management commands (migrate, worker, demo) run the checks before they start; config/wsgi.py runs the
security ones when gunicorn loads the application, so the web server refuses too.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def development_keys(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return []
    found: list[checks.CheckMessage] = []
    if settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY:
        found.append(
            checks.Error(
                "SECRET_KEY 仍是内置的开发密钥，生产环境不能使用",
                hint="设置环境变量 SECRET_KEY 为足够长的随机值，或运行 python -m govhall.config.keys 生成本机密钥文件",
                id="govhall.E001",
            )
        )
    if not settings.FIELD_ENCRYPTION_KEY:
        found.append(
            checks.Error(
                "未设置 FIELD_ENCRYPTION_KEY（个人信息加密密钥），不能回退使用 SECRET_KEY",
                hint="设置环境变量 FIELD_ENCRYPTION_KEY（至少 16 字节的十六进制或长字符串）并备份，"
                "或运行 python -m govhall.config.keys 生成本机密钥文件",
                id="govhall.E002",
            )
        )
    return found


def refuse_development_keys() -> None:
    """Raise when a security check fails: the WSGI application must not start on development keys."""
    from django.core.exceptions import ImproperlyConfigured

    errors = [e for e in checks.run_checks(tags=[checks.Tags.security]) if e.is_serious()]
    if errors:
        raise ImproperlyConfigured("；".join(f"{e.msg}（{e.hint}）" for e in errors))
