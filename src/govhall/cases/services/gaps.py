"""容缺受理 in the write path: the gaps a window clerk names at registration or acceptance, checked against the
item's 容缺受理清单, the work calendar and the promised due date, and the refusal to end a case that still
owes a material."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from govhall.catalogue.models import CaseKind, ServiceItem
from govhall.core.errors import Conflict, PermissionDenied, ValidationFailed
from govhall.core.selectors import work_calendar_for
from govhall.identity.models import StaffRole, User
from govhall.identity.permissions import staff_with

from ..models import Case
from ..selectors import promised_due_if_accepted
from ..tolerance import FIELD, GapRules, ToleratedGap, owed_entries, owed_summary
from .uploads import missing_materials


def gaps_check(
    item: ServiceItem,
    gaps: Iterable[ToleratedGap],
    handed_in: Iterable[int],
    *,
    promised_due: dt.date | None = None,
    paperless: Iterable[int] = (),
) -> list[dict[str, Any]]:
    """The owed list for these gaps; ``promised_due`` is the case's, or the one it would have if accepted
    today. Every required material the applicant must hand in is either in hand, to come by itself
    (``paperless``: e-licences and shared data at submission), or one of the gaps."""
    gaps = list(gaps)
    handed = frozenset(handed_in)
    today = timezone.localdate()
    latest = promised_due or promised_due_if_accepted(item, today)
    materials = list(item.materials.all())
    rules = GapRules(
        materials=materials,
        handed_in=handed,
        today=today,
        latest_due=latest,
        calendar=work_calendar_for(today, max((latest - today).days, 0) + 1),
        instant=item.case_kind == CaseKind.INSTANT,
    )
    owed = owed_entries(gaps, rules)
    tolerated = {g["material"] for g in owed}
    missing = [
        m
        for m in missing_materials(item, [m for m in materials if m.pk in handed], paperless)
        if m.pk not in tolerated
    ]
    if missing:
        names = "、".join(m.name for m in missing)
        hint = "（可容缺的材料请列为容缺材料并确定补交日期）" if any(m.tolerable for m in missing) else ""
        raise ValidationFailed(f"缺少必要材料：{names}{hint}", field="materials")
    return owed


def gaps_allowed_for(user: User, gaps: list[ToleratedGap]) -> None:
    """Only window staff register with gaps: an online applicant hands in every required material."""
    if gaps and not staff_with(user, StaffRole.WINDOW_CLERK):
        raise PermissionDenied("只有综合窗口工作人员可以容缺受理，网上申报请上传全部必要材料", field=FIELD)


def owed_refuse_end(case: Case, doing: str) -> None:
    """A case that still owes a tolerated material can be neither issued nor completed."""
    if case.owed_materials:
        raise Conflict(
            f"容缺材料尚未补齐：{owed_summary(case.owed_materials)}，不能{doing}；请申请人补交后再办理",
            field="owed_materials",
            code="materials_owed",
        )
