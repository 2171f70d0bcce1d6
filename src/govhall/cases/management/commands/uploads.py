"""`govhall uploads`: how many uploaded files no case or draft uses, and the operator's cleanup by hand."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from govhall.cases.selectors import upload_unused_counts
from govhall.cases.services import uploads_orphans_delete


class Command(BaseCommand):
    help = "查看未用于任何申请的上传文件；--clean 立即删除超过保留时间的未使用文件（数据库记录和文件）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--clean", action="store_true", help="删除上传超过 UPLOAD_ORPHAN_HOURS 小时且未被使用的文件"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["clean"]:
            self.stdout.write(f"已删除 {uploads_orphans_delete()} 个未使用的上传文件。")
        counts = upload_unused_counts()
        self.stdout.write(
            f"未使用的上传文件：{counts['files']} 个，合计 {counts['bytes'] / 1024 / 1024:.1f} MB；"
            f"其中上传超过 {settings.UPLOAD_ORPHAN_HOURS} 小时、待清理的 {counts['due']} 个。"
        )
