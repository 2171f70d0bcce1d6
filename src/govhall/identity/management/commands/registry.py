"""`govhall registry FILE.json`: load 市场主体登记信息 (the enterprise registry) from 市场监管's export.

The file is a JSON list of records: `uscc`, `name`, `legal_representative`, `legal_representative_id`, and
optionally `kind`, `address`, `authority`, `established` (YYYY-MM-DD), `status` (active / cancelled / revoked).
Loading is idempotent by credit code; one bad record stops the load with its position and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from govhall.core.errors import DomainError
from govhall.identity.services import market_entity_record

FIELDS = {"uscc", "name", "legal_representative", "legal_representative_id", "kind", "address", "authority",
          "established", "status"}  # fmt: skip


class Command(BaseCommand):
    help = "导入市场主体登记信息（JSON 列表；按统一社会信用代码更新，可重复执行）"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path, help="市场主体登记信息 JSON 文件")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            records = json.loads(options["file"].read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CommandError(f"无法读取 {options['file']}：{exc}") from exc
        if not isinstance(records, list):
            raise CommandError("文件应为记录的 JSON 列表")
        with transaction.atomic():
            for position, record in enumerate(records, start=1):
                self._load(position, record)
        self.stdout.write(f"已导入 {len(records)} 条市场主体登记信息")

    def _load(self, position: int, record: Any) -> None:
        if not isinstance(record, dict) or not {"uscc", "name", "legal_representative",
                                                "legal_representative_id"} <= record.keys():  # fmt: skip
            raise CommandError(
                f"第 {position} 条记录不完整：须有 uscc、name、legal_representative、legal_representative_id"
            )
        values = {k: v for k, v in record.items() if k in FIELDS}
        try:
            if values.get("established"):
                values["established"] = dt.date.fromisoformat(values["established"])
            market_entity_record(**values)
        except (DomainError, ValueError, TypeError) as exc:
            raise CommandError(f"第 {position} 条记录（{record.get('uscc')}）有误：{exc}") from exc
