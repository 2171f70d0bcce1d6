"""The face document (照面) of a licence: an A4 PDF with the licence's name, its face fields in Chinese, the
identifier, the issuer and its dates, and a QR code to the public verification page."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from govhall.core.pdf import FONT, qr_image, wrap

LEFT, RIGHT = 25 * mm, 185 * mm
LABEL = 38 * mm


def _cn(day: dt.date | None) -> str:
    return f"{day:%Y年%m月%d日}" if day else "长期"


def face_pdf(
    *,
    title: str,
    rows: list[tuple[str, str]],
    identifier: str,
    issuer: str,
    issued_on: dt.date,
    valid_until: dt.date | None,
    verify_url: str,
) -> bytes:
    """The face as PDF bytes; reportlab's invariant mode keeps the same input giving the same bytes."""
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=1)
    canvas.setTitle(f"{title} {identifier}")
    canvas.setStrokeColorRGB(0.11, 0.37, 0.71)
    canvas.setLineWidth(2)
    canvas.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    canvas.setFont(FONT, 24)
    canvas.drawCentredString(width / 2, height - 40 * mm, title)
    canvas.setFont(FONT, 9)
    canvas.drawCentredString(width / 2, height - 48 * mm, f"电子证照标识：{identifier}")
    y = height - 65 * mm
    all_rows: list[tuple[str, Any]] = [*rows, ("颁发机构", issuer), ("颁发日期", _cn(issued_on)),
                                       ("有效期至", _cn(valid_until))]  # fmt: skip
    for label, value in all_rows:
        canvas.setFont(FONT, 12)
        canvas.drawString(LEFT, y, f"{label}：")
        for line in wrap(str(value or "—"), RIGHT - LEFT - LABEL, 12)[:3]:
            canvas.drawString(LEFT + LABEL, y, line)
            y -= 8 * mm
        if y < 90 * mm:
            break
    canvas.drawImage(qr_image(verify_url), 140 * mm, 25 * mm, 40 * mm, 40 * mm)
    canvas.setFont(FONT, 10)
    canvas.drawString(LEFT, 50 * mm, issuer)
    canvas.drawString(LEFT, 43 * mm, "本证照由颁发机构以SM2数字签名签发，")
    canvas.drawString(LEFT, 37 * mm, "扫描右侧二维码可核验真伪与状态。")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
