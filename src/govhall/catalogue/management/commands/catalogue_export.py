"""`govhall catalogue_export [--format json|xlsx] [-o FILE]`: the whole catalogue, every version."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand

from govhall.catalogue.exchange import catalogue_export_json, catalogue_export_xlsx


class Command(BaseCommand):
    help = "导出全部事项目录（含所有版本、申请材料、主题和同义词），JSON 或 Excel"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--format", choices=["json", "xlsx"], default="json")
        parser.add_argument("-o", "--output", help="输出文件（默认输出到标准输出，仅 JSON）")

    def handle(self, *args: Any, **options: Any) -> None:
        data = catalogue_export_xlsx() if options["format"] == "xlsx" else catalogue_export_json()
        if options["output"]:
            with open(options["output"], "wb") as out:
                out.write(data)
            self.stderr.write(f"已导出到 {options['output']}（{len(data)} 字节）")
        elif options["format"] == "xlsx":
            self.stderr.write("Excel 格式请用 -o 指定输出文件")
            sys.exit(2)
        else:
            self.stdout.write(data.decode())
