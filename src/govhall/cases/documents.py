"""Documents people print: the acceptance notice (受理通知书) with a QR code to the public progress page,
and the decision document (审批决定书). PDF, rendered with reportlab's built-in Chinese font."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from .models import Case

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def progress_url(case: Case, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/progress/?{urlencode({'number': case.number})}"


def _qr(url: str) -> ImageReader:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=2)
    buffer.seek(0)
    return ImageReader(buffer)


def _lines(canvas: Canvas, x: float, y: float, rows: list[tuple[str, str]], width_chars: int = 34) -> float:
    for label, value in rows:
        canvas.setFont(FONT, 11)
        canvas.drawString(x, y, f"{label}：")
        text = value or "—"
        chunks = [text[i : i + width_chars] for i in range(0, len(text), width_chars)] or [""]
        for chunk in chunks:
            canvas.drawString(x + 30 * mm, y, chunk)
            y -= 7 * mm
    return y


def _header(canvas: Canvas, title: str, case: Case) -> float:
    width, height = A4
    canvas.setTitle(f"{title} {case.number}")
    canvas.setFont(FONT, 20)
    canvas.drawCentredString(width / 2, height - 30 * mm, title)
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(width / 2, height - 38 * mm, f"{case.department.name}  编号：{case.number}")
    return float(height - 55 * mm)


def acceptance_notice(case: Case, *, base_url: str) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    y = _header(canvas, "受理通知书", case)
    canvas.setFont(FONT, 12)
    canvas.drawString(20 * mm, y, f"{case.applicant_name}：")
    y -= 9 * mm
    intro = f"您于{timezone.localtime(case.submitted_at):%Y年%m月%d日}提交的“{case.item.name}”申请，材料齐全、符合法定形式，本机关决定予以受理。"
    for i in range(0, len(intro), 38):
        canvas.drawString(26 * mm if i == 0 else 20 * mm, y, intro[i : i + 38])
        y -= 7 * mm
    y -= 4 * mm
    received = "；".join(dict.fromkeys(cm.material.name for cm in case.materials.select_related("material")))
    y = _lines(
        canvas,
        20 * mm,
        y,
        [
            ("受理日期", f"{case.accepted_on:%Y年%m月%d日}" if case.accepted_on else ""),
            (
                "承诺办结",
                f"{case.promised_due:%Y年%m月%d日}前（{case.item.promised_time_limit}个工作日）"
                if case.promised_due
                else "",
            ),
            (
                "法定时限",
                f"{case.legal_due:%Y年%m月%d日}前（{case.item.legal_time_limit}个工作日）"
                if case.legal_due
                else "",
            ),
            ("已收材料", received),
            ("容缺后补", "；".join(f"{g['name']}（{g['due']}前）" for g in case.owed_materials)),
            ("咨询电话", case.item.consult_phone),
            ("监督电话", case.item.complaint_phone),
        ],
    )
    canvas.setFont(FONT, 10)
    canvas.drawString(
        20 * mm,
        y - 4 * mm,
        "办理时限按工作日计算，特别程序和补正材料期间不计入。扫描右侧二维码可随时查询办理进度。",
    )
    canvas.drawImage(_qr(progress_url(case, base_url)), 150 * mm, 30 * mm, 38 * mm, 38 * mm)
    canvas.drawString(20 * mm, 40 * mm, f"{case.department.name}（受理专用章）")
    canvas.drawString(20 * mm, 33 * mm, f"{timezone.localdate():%Y年%m月%d日}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def decision_document(case: Case) -> bytes:
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    approved = case.decision == "approve"
    y = _header(canvas, "准予行政许可决定书" if approved else "不予行政许可决定书", case)
    canvas.setFont(FONT, 12)
    canvas.drawString(20 * mm, y, f"{case.applicant_name}：")
    y -= 9 * mm
    decide = case.events.filter(action="decide").order_by("-at").first()
    text = (
        f"你（单位）申请的“{case.item.name}”，经审查，符合法定条件、标准，本机关决定准予。"
        if approved
        else f"你（单位）申请的“{case.item.name}”，经审查，{decide.note if decide else '不符合法定条件'}。"
    )
    for i in range(0, len(text), 38):
        canvas.drawString(26 * mm if i == 0 else 20 * mm, y, text[i : i + 38])
        y -= 7 * mm
    y -= 4 * mm
    _lines(
        canvas,
        20 * mm,
        y,
        [
            ("决定日期", f"{timezone.localtime(case.decided_at):%Y年%m月%d日}" if case.decided_at else ""),
            ("审批结果", case.item.result_name if approved else "不予许可"),
            ("救济途径", "如不服本决定，可自收到之日起60日内申请行政复议，或6个月内提起行政诉讼。"),
        ],
    )
    canvas.setFont(FONT, 10)
    canvas.drawString(20 * mm, 40 * mm, f"{case.department.name}")
    canvas.drawString(20 * mm, 33 * mm, f"{timezone.localdate():%Y年%m月%d日}")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def document_links(case: Case) -> list[tuple[str, str]]:
    """The documents a case has so far, as (name, download URL)."""
    from django.urls import reverse

    links = []
    if case.accepted_at:
        links.append(("受理通知书", reverse("api:case_document", args=[case.number, "acceptance"])))
    if case.decided_at:
        links.append(("审批决定书", reverse("api:case_document", args=[case.number, "decision"])))
    return links


def site_base_url() -> str:
    return settings.PUBLIC_BASE_URL
