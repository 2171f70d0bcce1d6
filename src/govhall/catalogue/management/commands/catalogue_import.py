"""`govhall catalogue_import FILE`: load a catalogue file (.json or .xlsx); all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from govhall.catalogue.exchange import catalogue_import_json, catalogue_import_xlsx
from govhall.core.errors import DomainError


class Command(BaseCommand):
    help = "导入事项目录文件（JSON 或 Excel）；文件中任何错误都不会修改现有数据"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"文件不存在：{path}")
        raw = path.read_bytes()
        try:
            report = catalogue_import_xlsx(raw) if raw[:2] == b"PK" else catalogue_import_json(raw)
        except DomainError as exc:
            raise CommandError(f"导入失败，未做任何修改：{exc.message}") from exc
        self.stdout.write(
            f"导入完成：新增 {report.created}，更新草稿 {report.updated}，未变 {report.unchanged}；"
            f"主题 {report.themes}，同义词 {report.synonyms}"
        )
