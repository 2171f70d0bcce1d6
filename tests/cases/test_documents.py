"""The printed documents: each carries the verification QR code, is dated on the day of the act it records
(not the day it is downloaded), lists a correction's items numbered with their materials and deadline, and
no line of any of them starts with a closing mark (避头尾)."""

import base64
import datetime as dt
import re
import zlib

import pytest
import time_machine

from govhall.cases.documents import acceptance_notice, correction_notice, decision_document
from govhall.cases.models import Case
from govhall.cases.selectors import latest_correction_event
from govhall.cases.services import case_act, task_complete
from govhall.cases.transitions import Action
from govhall.core.linebreak import NO_LINE_END, NO_LINE_START
from tests.factories.cases import accepted_case, open_task, submit

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-18T10:00")]  # dates worked out for this day
CST = dt.timezone(dt.timedelta(hours=8))
BASE = "https://zwfw.example.gov.cn"
LATER = dt.datetime(2026, 12, 9, 9, tzinfo=CST)  # three weeks after the pinned clock's day


def _streams(pdf: bytes) -> list[bytes]:
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        raw = match.group(1).strip()
        if raw.endswith(b"~>"):
            raw = base64.a85decode(raw[:-2])
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


def _literal(data: bytes, start: int) -> tuple[bytes, int]:
    """A PDF literal string starting after its '(' at ``start``; the bytes and the index after ')'."""
    out, i, depth = bytearray(), start, 1
    escapes = {ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("b"): 8, ord("f"): 12}
    while i < len(data):
        c = data[i]
        if c == 0x5C:  # backslash
            n = data[i + 1]
            if 0x30 <= n <= 0x37:
                digits = re.match(rb"[0-7]{1,3}", data[i + 1 : i + 4]).group(0)  # type: ignore[union-attr]
                out.append(int(digits, 8))
                i += 1 + len(digits)
                continue
            out.append(escapes.get(n, n))
            i += 2
            continue
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), i + 1
        out.append(c)
        i += 1
    raise ValueError("unterminated string")


def pdf_lines(pdf: bytes) -> list[str]:
    """The text of every drawn string (one per line as the documents draw them)."""
    lines = []
    for stream in _streams(pdf):
        i = 0
        while (i := stream.find(b"(", i)) != -1:
            raw, i = _literal(stream, i + 1)
            if stream[i : i + 4].strip().startswith(b"Tj"):
                lines.append(raw.decode("utf-16-be"))  # every string is in the UCS-2 Chinese font
    return lines


def has_image(pdf: bytes) -> bool:
    return b"/Subtype /Image" in pdf


def _no_mark_faults(lines: list[str]) -> None:
    for line in lines:
        assert not line.startswith(tuple(NO_LINE_START)), line
        assert not line.endswith(tuple(NO_LINE_END)), line


def _decided(items, staff, applicant) -> Case:
    case = accepted_case(items["promised"], applicant, staff["clerk"])
    while case.status == "accepted":
        task = open_task(case)
        who = staff["head"] if task.role == "department_head" else staff["approver"]
        case = task_complete(task_id=task.pk, user=who, decision="approve", opinion="同意")
    return Case.objects.get(pk=case.pk)


def test_acceptance_notice_is_dated_on_acceptance_and_has_the_qr_code(media, items, staff, applicant):
    case = accepted_case(items["promised"], applicant, staff["clerk"])
    with time_machine.travel(LATER, tick=False):
        pdf = acceptance_notice(Case.objects.get(pk=case.pk), base_url=BASE)
    text = "\n".join(pdf_lines(pdf))
    assert "受理通知书" in text and "2026年11月18日" in text
    assert "2026年12月09日" not in text
    assert has_image(pdf)
    _no_mark_faults(pdf_lines(pdf))


def test_decision_document_has_the_qr_code_and_the_decision_date(media, items, staff, applicant):
    case = _decided(items, staff, applicant)
    assert case.decided_at is not None
    with time_machine.travel(LATER, tick=False):
        pdf = decision_document(case, base_url=BASE)
    lines = pdf_lines(pdf)
    text = "\n".join(lines)
    assert "准予行政许可决定书" in text
    assert text.count("2026年11月18日") == 2  # 决定日期 and the date under the seal
    assert "2026年12月09日" not in text
    assert has_image(pdf)
    _no_mark_faults(lines)


def test_correction_notice_numbers_items_with_materials_and_a_deadline(media, items, staff, applicant):
    item = items["promised"]
    case = submit(item, applicant)
    material = item.materials.order_by("position", "id").last()
    case = case_act(
        number=case.number,
        user=staff["clerk"],
        action=Action.REQUEST_CORRECTION,
        items=[
            "申请表缺少签字，请签字后重新上传；联系电话与身份证登记不一致，请核对。",
            {"material": material.pk, "text": "复印件不清晰"},
        ],
    )
    event = latest_correction_event(Case.objects.get(pk=case.pk))
    assert event is not None
    assert event.data["due"] == "2026-12-02"  # 10 working days after Wednesday 2026-11-18
    with time_machine.travel(LATER, tick=False):
        pdf = correction_notice(Case.objects.get(pk=case.pk), event, base_url=BASE)
    lines = pdf_lines(pdf)
    text = "".join(lines)
    assert f"1. {material.name}：复印件不清晰" in text  # a material's item comes first
    assert "2. 申请表缺少签字" in text
    assert "请于2026年12月02日前补正" in text
    assert "2026年12月09日" not in text
    assert has_image(pdf)
    _no_mark_faults(lines)


def test_a_long_opinion_flows_onto_further_pages_and_drops_nothing(media, items, staff, applicant):
    """From about 1,000 characters the decision lost its lines below the page, the appeal rights included."""
    case = _decided(items, staff, applicant)
    opinion = "经现场核查，申请人提交的材料与实际情况不一致，" * 120 + "特此告知。"
    case.decision = "deny"
    case.save(update_fields=["decision"])
    case.events.filter(action="decide").update(note=opinion)
    pdf = decision_document(case, base_url=BASE)
    lines = pdf_lines(pdf)
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf)) >= 2
    text = "".join(lines)
    assert "特此告知。" in text and opinion[:200] in text
    assert "如不服本决定，可自收到之日起60日内申请行政复议" in text.replace("\n", "")
    assert "（续第2页）" in text and has_image(pdf)
    _no_mark_faults(lines)
