"""The monthly department report as page cells and as an Excel workbook: one list of columns for both."""

from __future__ import annotations

import io
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Column(NamedTuple):
    key: str
    header: str
    kind: str  # int, pct (a share 0..1), num (two decimals), text
    width: int = 10
    short: str = ""  # the page's narrower header, when it differs

    @property
    def label(self) -> str:
        return self.short or self.header


REPORT_COLUMNS = [
    Column("rank", "排名", "int", 6),
    Column("department_name", "部门", "text", 28),
    Column("accepted", "受理件数", "int", 10, "受理"),
    Column("completed", "办结件数", "int", 10, "办结"),
    Column("on_time_rate", "按时办结率", "pct", 11),
    Column("on_time_lower_bound", "按时率下限（排名依据）", "pct", 14, "排名依据"),
    Column("avg_used_workdays", "平均用时（工作日）", "num", 12, "平均用时"),
    Column("avg_promised_workdays", "平均承诺时限（工作日）", "num", 14, "平均承诺时限"),
    Column("instant_share", "即办件占比", "pct", 11, "即办占比"),
    Column("online_rate", "网办率", "pct"),
    Column("one_visit_share", "最多跑一次率", "pct", 12, "一次办率"),
    Column("satisfaction_rate", "满意率", "pct"),
    Column("ratings", "评价数", "int", 8, "评价"),
    Column("bad_ratings", "差评数", "int", 8, "差评"),
    Column("yellow_warnings", "黄牌预警", "int", 9, "黄牌"),
    Column("red_warnings", "红牌警告", "int", 9, "红牌"),
    Column("orders", "督办单", "int", 8, "督办"),
    Column("orders_answered", "已答复督办", "int", 10, "已答复"),
]
XLSX_COLUMNS = [REPORT_COLUMNS[0], Column("department", "部门编码", "text", 12), *REPORT_COLUMNS[1:]]


def _shown(kind: str, value: Any) -> str:
    if value is None:
        return "—"
    if kind == "pct":
        return f"{value * 100:.1f}%"
    if kind == "num":
        return f"{value:.2f}"
    return str(value)


def report_cells(row: dict[str, Any]) -> dict[str, Any]:
    """One report row as the page shows it: each cell with its label (for phones) and text."""
    return {
        "department": row["department"],
        "cells": [
            {"label": c.label, "kind": c.kind, "text": _shown(c.kind, row.get(c.key))} for c in REPORT_COLUMNS
        ],
    }


def report_xlsx(rows: list[dict[str, Any]], *, month: str, region_name: str = "", issuer: str = "") -> bytes:
    """The report as a workbook: a title line, Chinese headers, numbers kept as numbers (shares as %)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"{month} 部门报表"
    title = f"部门月度监察报表（{month}{' · ' + region_name if region_name else ''}）"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(XLSX_COLUMNS))
    sheet.append([c.header for c in XLSX_COLUMNS])
    header_fill = PatternFill("solid", fgColor="E8F0FB")
    for index, column in enumerate(XLSX_COLUMNS, start=1):
        cell = sheet.cell(row=2, column=index)
        cell.font, cell.fill = Font(bold=True), header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for row in rows:
        sheet.append([row.get(c.key) for c in XLSX_COLUMNS])
        for index, column in enumerate(XLSX_COLUMNS, start=1):
            if column.kind in ("pct", "num"):
                sheet.cell(row=sheet.max_row, column=index).number_format = (
                    "0.0%" if column.kind == "pct" else "0.00"
                )
    sheet.freeze_panes = "C3"
    sheet.print_options.gridLines = True
    footer = sheet.oddFooter
    if issuer and footer is not None:  # printed at the foot of every page
        footer.left.text = f"制表单位：{issuer}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
