"""The ratings export for a provincial 好差评 system: CSV (UTF-8 with BOM, opens in Excel) or a workbook,
written row by row so a year of ratings never sits in memory at once."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator

from django.db.models import QuerySet
from openpyxl import Workbook

from .models import Rating
from .selectors import EXPORT_COLUMNS, rating_export_rows

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def ratings_csv(ratings: QuerySet[Rating]) -> Iterator[str]:
    """Chunks of CSV text: the header (field codes, then Chinese names as the second row), then one line per
    rating."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow([key for key, _ in EXPORT_COLUMNS])
    writer.writerow([label for _, label in EXPORT_COLUMNS])
    for n, row in enumerate(rating_export_rows(ratings), start=1):
        writer.writerow([row[key] for key, _ in EXPORT_COLUMNS])
        if n % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def ratings_xlsx(ratings: QuerySet[Rating]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("好差评")
    sheet.append([label for _, label in EXPORT_COLUMNS])
    for row in rating_export_rows(ratings):
        sheet.append([row[key] for key, _ in EXPORT_COLUMNS])
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        handle.seek(0)
        return handle.read()
