"""The timeline and the engine's moves every write shares: the locked case, one event per state change (with
the applicant's milestone notices), a transition checked against the table, the decision taken by the process."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from govhall.core.errors import Conflict, NotFound, PermissionDenied
from govhall.identity.models import StaffRole, User
from govhall.identity.permissions import is_staff_member
from govhall.notices.services import MILESTONES, notify_milestone

from ..models import Case, CaseEvent
from ..transitions import Action, Actor, Status, TransitionRefused, next_status


def event_write(
    case: Case,
    user: User | None,
    action: Action | str,
    from_status: str,
    to_status: str,
    channel: str,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    place = staff_place(user)
    label = user.display_name if user else "审批流程"
    if place and user is not None:
        label = f"{place} {user.display_name}"
    event = CaseEvent.objects.create(
        case=case,
        actor=user,
        actor_label=label[:100],
        actor_place=place[:200],
        channel=channel,
        action=str(action),
        from_status=str(from_status),
        to_status=str(to_status),
        note=note,
        data=data or {},
    )
    _notify(case, event)
    return event


def staff_place(user: User | None) -> str:
    """Where a member of staff acts from: their hall window (a window clerk at one), else their department."""
    if not is_staff_member(user) or user is None:
        return ""
    window = user.window if user.window_id else None
    if window is not None and user.has_role(StaffRole.WINDOW_CLERK):
        return f"{window.hall.name}{window.number}号窗口"
    department = user.department
    return (department.short_name or department.name) if department else ""


def _notify(case: Case, event: CaseEvent) -> None:
    """Milestones reach the applicant as an in-site message and an SMS, written in this transaction."""
    if event.action not in MILESTONES:  # nothing to tell: no need to load the applicant and the item
        return
    if event.action == Action.SUBMIT and case.bundle_case_id:
        return  # a bundle's submission is told once, for the whole bundle
    delivery = ""
    if event.action == Action.ISSUE:
        delivery = (
            f"已通过{case.delivery.get('carrier', '')}寄出，单号{case.delivery.get('tracking_number', '')}"
            if case.delivery.get("method") == "express"
            else "请到统一出件窗口领取"
        )
    notify_milestone(
        recipient=case.applicant,
        event_id=event.pk,
        action=event.action,
        number=case.number or "",
        item=case.item.name,
        due=f"{case.promised_due:%Y年%m月%d日}" if case.promised_due else "",
        delivery=delivery,
    )


def case_lock(number: str) -> Case:
    case = Case.objects.select_for_update().select_related("item", "department").filter(number=number).first()
    if case is None:
        raise NotFound("未找到该办件", field="number")
    return case


def transition(case: Case, action: Action, actors: set[Actor]) -> tuple[Status, Status]:
    current = Status(case.status)
    previous = Status.ACCEPTED if case.accepted_at else Status.SUBMITTED
    try:
        target = next_status(current, action, actors, previous=previous)
    except TransitionRefused as exc:
        if exc.forbidden:
            raise PermissionDenied(exc.reason, field="status", code="not_allowed") from exc
        raise Conflict(exc.reason, field="status", code="invalid_transition") from exc
    case.status = target
    return current, target


def on_decide(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    case.decision, case.decided_at = details["decision"], timezone.now()
    note = details.get("note") or ("准予许可（审批通过）" if case.decision == "approve" else "不予许可")
    return note, {"decision": case.decision}


def decide_by_engine(
    case: Case, decision: str, channel: str, *, note: str = "", data: dict[str, Any] | None = None
) -> None:
    before, after = transition(case, Action.DECIDE, {Actor.ENGINE})
    text, extra = on_decide(case, None, channel, {"decision": decision, "note": note})
    case.save()
    event_write(case, None, Action.DECIDE, before, after, channel, note=text, data={**extra, **(data or {})})


def revoke_by_engine(case: Case, channel: str, *, note: str) -> None:
    """Revoke an approval on commitment whose verification failed: the status, one event, the notices."""
    if case.decision != "approve":
        raise Conflict("只有准予许可的决定可以撤销", field="status", code="invalid_transition")
    before, after = transition(case, Action.REVOKE, {Actor.ENGINE})
    case.decision = "revoked"
    case.save()
    event_write(case, None, Action.REVOKE, before, after, channel, note=note, data={"decision": "revoked"})
