"""Factories for cases: file contents the upload check accepts, a submitted case through the real services,
and the states a case passes through (accepted, suspended, completed; a task claimed)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from govhall.cases.models import Case, CaseTask, Channel
from govhall.cases.services import case_act, case_submit, task_claim, task_complete, upload_store
from govhall.cases.tolerance import ToleratedGap
from govhall.cases.transitions import Action
from govhall.identity.models import User

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png_bytes(width: int = 4, height: int = 3) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


def ofd_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("OFD.xml", "<ofd:OFD/>")
    return buffer.getvalue()


def submit(item, applicant, **kwargs):
    upload = upload_store(owner=applicant, name="id.pdf", data=PDF)
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    materials = [(m.pk, str(upload.pk)) for m in item.materials.all()]
    case, _ = case_submit(
        user=kwargs.pop("user", applicant),
        item_code=item.implementation_code,
        form=kwargs.pop("form", form),
        materials=kwargs.pop("materials", materials),
        channel=kwargs.pop("channel", Channel.WEB),
        **kwargs,
    )
    return case


def registered_with_gaps(item: Any, applicant: User, clerk: User, due: dt.date, **kwargs: Any) -> Case:
    """Registered at the window (帮办代办) without the item's tolerable materials, each a tolerated gap
    (容缺材料) owed by ``due``."""
    upload = upload_store(owner=clerk, name="scan.pdf", data=PDF)
    tolerable = [m for m in item.materials.all() if m.tolerable]
    return submit(
        item,
        applicant,
        user=clerk,
        channel=Channel.WINDOW,
        on_behalf_of=applicant.phone,
        materials=[(m.pk, str(upload.pk)) for m in item.materials.all() if not m.tolerable],
        tolerated_gaps=[ToleratedGap(m.pk, due) for m in tolerable],
        **kwargs,
    )


def accepted_case(item: Any, applicant: User, clerk: User, **kwargs: Any) -> Case:
    """Submitted and accepted at the window: the clock runs, the process's first tasks are open."""
    case = submit(item, applicant, **kwargs)
    return case_act(number=case.number, user=clerk, action=Action.ACCEPT)


def suspended_case(item: Any, applicant: User, clerk: User, approver: User) -> Case:
    """Accepted, then stopped for an expert review (特别程序): the clock is stopped."""
    case = accepted_case(item, applicant, clerk)
    return case_act(
        number=case.number, user=approver, action=Action.SUSPEND, kind="expert", reason="专家评审"
    )


def open_task(case: Case) -> CaseTask:
    return case.tasks.filter(state__in=[CaseTask.State.OPEN, CaseTask.State.CLAIMED]).order_by("id")[0]


def claimed_task(case: Case, approver: User) -> CaseTask:
    """The case's first open task, claimed by ``approver``."""
    return task_claim(task_id=open_task(case).pk, user=approver)


def completed_case(item: Any, applicant: User, clerk: User, approvers: list[User]) -> Case:
    """Accepted, every process task approved (by the first approver of its department and role among
    ``approvers``), the result issued at the window and the case completed."""
    case = accepted_case(item, applicant, clerk)
    while case.status == "accepted":
        task = open_task(case)
        approver = next(
            a for a in approvers if a.department_id == task.department_id and a.has_role(task.role)
        )
        case = task_complete(task_id=task.pk, user=approver, decision="approve", opinion="同意")
    case = case_act(number=case.number, user=clerk, action=Action.ISSUE, method="window")
    return case_act(number=case.number, user=clerk, action=Action.COMPLETE)


def drive_to_completion(case_number: str, clerk: User) -> Case:
    """A case through acceptance, every task approved by its department, issue and completion."""
    from .identity import make_staff

    case_act(number=case_number, user=clerk, action=Action.ACCEPT)
    case = Case.objects.get(number=case_number)  # an instant item has been completed by then
    while case.status == "accepted":
        task = CaseTask.objects.filter(case=case, state__in=["open", "claimed"]).order_by("id")[0]
        approver = make_staff(username=f"robot{task.pk}", department=task.department,
                              roles=["approver", "department_head"])  # fmt: skip
        case = task_complete(task_id=task.pk, user=approver, decision="approve", opinion="同意")
    if case.status == "decided":
        case_act(number=case_number, user=clerk, action=Action.ISSUE, method="window")
        case_act(number=case_number, user=clerk, action=Action.COMPLETE)
    return Case.objects.get(number=case_number)
