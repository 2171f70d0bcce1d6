"""Documents people print: the acceptance notice (受理通知书), the correction notice (补正材料通知书, 一次性告知)
and the decision document (审批决定书), each with a QR code to the public progress page and dated on the day
of the act it records. PDF, rendered with reportlab's built-in Chinese font; every line is broken by the
避头尾 rules of ``core.linebreak``."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from govhall.core.pdf import FONT, qr_image, wrap

from .materials import current
from .models import Case, CaseEvent, CaseMaterial

LEFT, RIGHT = 20 * mm, 190 * mm
LINE = 7 * mm
LABEL_WIDTH = 30 * mm


def progress_url(case: Case, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/progress/?{urlencode({'number': case.number})}"


def _cn_date(day: dt.date | None) -> str:
    return f"{day:%Y年%m月%d日}" if day else ""


def _local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localdate(moment) if moment else None


TOP = A4[1] - 25 * mm  # where a continuation page starts
BOTTOM = 22 * mm  # no line is drawn below this: it goes on the next page
FOOT_TOP = 78 * mm  # the foot (QR code, seal, date) needs the page below this


@dataclass
class _Page:
    """A document written top to bottom, into ``buffer``; text that reaches the bottom of a page goes on to
    a new one, so nothing is ever drawn off the page."""

    canvas: Canvas
    buffer: io.BytesIO
    y: float
    pages: int = 1

    def paragraph(self, text: str, *, size: float = 12, indent: float = 0) -> None:
        """A paragraph; ``indent`` on its first line only (the two-character indent of a letter's body)."""
        self.canvas.setFont(FONT, size)
        first = True
        for line in self._lines(text, size, indent):
            self.room(size)
            self.canvas.drawString(LEFT + (indent if first else 0), self.y, line)
            self.y -= LINE
            first = False

    def room(self, size: float, needed: float = BOTTOM) -> None:
        """Start a new page when the next line would go below ``needed``."""
        if self.y >= needed:
            return
        self.canvas.showPage()
        self.pages += 1
        self.canvas.setFont(FONT, 9)
        self.canvas.drawRightString(RIGHT, A4[1] - 15 * mm, f"（续第{self.pages}页）")
        self.canvas.setFont(FONT, size)
        self.y = TOP

    def _lines(self, text: str, size: float, indent: float) -> list[str]:
        lines = wrap(text, RIGHT - LEFT - indent, size)
        if len(lines) <= 1:
            return lines
        rest = "".join(lines[1:])
        return [lines[0], *wrap(rest, RIGHT - LEFT, size)]

    def rows(self, rows: list[tuple[str, str]], *, size: float = 11) -> None:
        for label, value in rows:
            self.canvas.setFont(FONT, size)
            self.room(size)
            self.canvas.drawString(LEFT, self.y, f"{label}：")
            for line in wrap(value or "—", RIGHT - LEFT - LABEL_WIDTH, size):
                self.room(size)
                self.canvas.drawString(LEFT + LABEL_WIDTH, self.y, line)
                self.y -= LINE

    def gap(self, height: float = 4 * mm) -> None:
        self.y -= height


def _start(title: str, case: Case) -> _Page:
    width, height = A4
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"{title} {case.number}")
    canvas.setFont(FONT, 20)
    canvas.drawCentredString(width / 2, height - 30 * mm, title)
    canvas.setFont(FONT, 10)
    canvas.drawCentredString(width / 2, height - 38 * mm, f"{case.department.name}  编号：{case.number}")
    return _Page(canvas, buffer, float(height - 55 * mm))


def _finish(page: _Page, case: Case, *, seal: str, day: dt.date | None, base_url: str, hint: str) -> bytes:
    """The foot every document has: what the QR code is for, the QR code, the seal line and the act's date."""
    canvas = page.canvas
    page.gap()
    page.paragraph(hint, size=10)
    page.room(10, needed=FOOT_TOP)
    canvas.drawImage(qr_image(progress_url(case, base_url)), 150 * mm, 30 * mm, 38 * mm, 38 * mm)
    canvas.setFont(FONT, 10)
    canvas.drawString(LEFT, 40 * mm, seal)
    canvas.drawString(LEFT, 33 * mm, _cn_date(day))
    canvas.showPage()
    canvas.save()
    return page.buffer.getvalue()


QR_HINT = "办理时限按工作日计算，特别程序和补正材料期间不计入。扫描右侧二维码可随时查询办理进度、核验本文书。"


def acceptance_notice(case: Case, *, base_url: str) -> bytes:
    page = _start("受理通知书", case)
    page.paragraph(f"{case.applicant_name}：")
    submitted = _cn_date(_local_day(case.submitted_at))
    page.paragraph(
        f"您于{submitted}提交的“{case.item.name}”申请，材料齐全、符合法定形式，本机关决定予以受理。",
        indent=8 * mm,
    )
    page.gap()
    received = "；".join(dict.fromkeys(cm.material.name for cm in current_materials(case)))
    page.rows(
        [
            ("受理日期", _cn_date(case.accepted_on)),
            ("承诺办结", _due(case.promised_due, case.item.promised_time_limit)),
            ("法定时限", _due(case.legal_due, case.item.legal_time_limit)),
            ("已收材料", received),
            ("容缺后补", "；".join(f"{g['name']}（{g['due']}前）" for g in case.owed_materials)),
            ("咨询电话", case.item.consult_phone),
            ("监督电话", case.item.complaint_phone),
        ]
    )
    return _finish(
        page, case, seal=f"{case.department.name}（受理专用章）", day=case.accepted_on, base_url=base_url,
        hint=QR_HINT,
    )  # fmt: skip


def _due(day: dt.date | None, limit: int) -> str:
    return f"{_cn_date(day)}前（{limit}个工作日）" if day else ""


def decision_document(case: Case, *, base_url: str) -> bytes:
    approved = case.decision == "approve"
    page = _start("准予行政许可决定书" if approved else "不予行政许可决定书", case)
    page.paragraph(f"{case.applicant_name}：")
    decide = case.events.filter(action="decide").order_by("-at").first()
    reason = decide.note if decide and decide.note else "不符合法定条件"
    page.paragraph(
        f"你（单位）申请的“{case.item.name}”，经审查，符合法定条件、标准，本机关决定准予。"
        if approved
        else f"你（单位）申请的“{case.item.name}”，经审查，{reason}。",
        indent=8 * mm,
    )
    page.gap()
    decided = _local_day(case.decided_at)
    page.rows(
        [
            ("决定日期", _cn_date(decided)),
            ("审批结果", case.item.result_name if approved else "不予许可"),
            ("救济途径", "如不服本决定，可自收到之日起60日内申请行政复议，或6个月内提起行政诉讼。"),
        ]
    )
    return _finish(
        page, case, seal=case.department.name, day=decided, base_url=base_url,
        hint="扫描右侧二维码可查询办件进度、核验本决定书。",
    )  # fmt: skip


def correction_notice(case: Case, event: CaseEvent, *, base_url: str) -> bytes:
    """补正材料通知书: everything to correct, numbered, each with its material, and the applicant's deadline."""
    page = _start("补正材料通知书", case)
    page.paragraph(f"{case.applicant_name}：")
    submitted = _cn_date(_local_day(case.submitted_at))
    page.paragraph(
        f"您于{submitted}提交的“{case.item.name}”申请，经审查，需要补正以下材料或内容（一次性告知）：",
        indent=8 * mm,
    )
    page.gap(2 * mm)
    for item in correction_items(event):
        page.paragraph(f"{item['no']}. {item['label']}", size=11)
    page.gap()
    due = correction_due(event)
    page.rows(
        [
            ("补正期限", f"请于{_cn_date(due)}前补正" if due else "请尽快补正"),
            ("补正方式", "登录本平台在办件页面上传，或到政务服务中心综合窗口提交"),
            ("咨询电话", case.item.consult_phone),
        ]
    )
    return _finish(
        page, case, seal=f"{case.department.name}（受理专用章）", day=_local_day(event.at), base_url=base_url,
        hint="补正期间暂停计时，补正后继续计算办理时限。扫描右侧二维码可查询办理进度、核验本通知书。",
    )  # fmt: skip


def correction_items(event: CaseEvent) -> list[dict[str, Any]]:
    """The numbered items of a correction request: each with its material (if one) and what is wrong; a
    request from before numbered notices has its texts only."""
    notice: list[dict[str, Any]] = event.data.get("notice") or []
    if notice:
        return notice
    return [
        {"no": i, "material": None, "name": "", "text": text, "label": text}
        for i, text in enumerate(event.data.get("items") or [], start=1)
    ]


def correction_due(event: CaseEvent) -> dt.date | None:
    due = event.data.get("due")
    return dt.date.fromisoformat(due) if due else None


def current_materials(case: Case) -> list[CaseMaterial]:
    """The case's files that count: for each material the latest file; earlier ones were superseded."""
    return current(case.materials.select_related("material").order_by("id"))


def document_links(case: Case) -> list[tuple[str, str]]:
    """The documents a case has so far, as (name, download URL)."""
    from django.urls import reverse

    links = []
    if case.corrections:
        links.append(("补正材料通知书", reverse("api:case_document", args=[case.number, "correction"])))
    if case.accepted_at:
        links.append(("受理通知书", reverse("api:case_document", args=[case.number, "acceptance"])))
    if case.decided_at:
        links.append(("审批决定书", reverse("api:case_document", args=[case.number, "decision"])))
    return links


def site_base_url() -> str:
    return settings.PUBLIC_BASE_URL
