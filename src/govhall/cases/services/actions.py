"""Actions on a case, as the transition table allows: one locked transaction per action, one handler each."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govhall.catalogue.forms import clean_form, item_fields
from govhall.catalogue.models import CaseKind
from govhall.catalogue.processes import item_process
from govhall.core.errors import Conflict, NotFound, ValidationFailed
from govhall.core.selectors import work_calendar_for
from govhall.identity.models import User

from .. import workflow
from ..deadlines import case_deadlines, suspension_workdays
from ..models import Case, CaseMaterial, Channel, Suspension
from ..permissions import case_actors
from ..tolerance import ToleratedGap, gaps_from_owed, owed_summary
from ..transitions import FINAL, Action, Actor, Status
from .bundles import bundle_case_advance
from .gaps import gaps_check, owed_refuse_end
from .licensing import licences_issue_for_case
from .submission import form_bind_to_account
from .tasks import tasks_cancel, tasks_postpone, tasks_sync, verification_open
from .timeline import case_lock, decide_by_engine, event_write, on_decide, transition
from .uploads import check_materials, uploads_hold


def case_act(
    *, number: str, user: User | None, action: Action, channel: str = Channel.WEB, **details: Any
) -> Case:
    """Take an action on a case, as the transition table allows; one transaction, one timeline event."""
    with transaction.atomic():
        case = case_lock(number)
        actors = {Actor.ENGINE} if user is None else case_actors(case, user)
        if user is not None and not actors:
            raise NotFound("未找到该办件", field="number")  # nothing of this case is theirs to see
        _apply(case, user, Action(action), actors, channel, details)
    return case


def _apply(
    case: Case, user: User | None, action: Action, actors: set[Actor], channel: str, details: dict[str, Any]
) -> None:
    handler = _HANDLERS[action]
    before, after = transition(case, action, actors)
    note, data = handler(case, user, channel, details)
    case.save()
    event_write(case, user, action, before, after, channel, note=note, data=data)
    if action == Action.ACCEPT:
        _after_accept(case, user, channel, details)
    if action == Action.COMPLETE:
        licences_issue_for_case(case, user, channel)
    if case.bundle_case_id and Status(case.status) in FINAL:
        bundle_case_advance(case, user, channel)


def required_text(details: dict[str, Any], name: str, label: str) -> str:
    value = str(details.get(name) or "").strip()
    if not value:
        raise ValidationFailed(f"请填写{label}", field=name)
    if len(value) > 2000:
        raise ValidationFailed(f"{label}不能超过2000个字符", field=name)
    return value


def _on_accept(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    now = timezone.now()
    case.accepted_at, case.accepted_on = now, timezone.localdate(now)
    dues_recompute(case)
    owed = _owed_at_acceptance(case, details.get("tolerated_gaps"))
    case.owed_materials = owed
    parts = []
    if owed:
        parts.append("容缺受理：" + owed_summary(owed))
    if details.get("commitment"):
        if not case.item.commitment_allowed:
            raise ValidationFailed("本事项不适用告知承诺制", field="commitment")
        parts.append("告知承诺：申请人已签署承诺书")
    return "；".join(parts), {"tolerated_gaps": owed, "commitment": bool(details.get("commitment"))}


def _owed_at_acceptance(case: Case, given: list[ToleratedGap] | None) -> list[dict[str, Any]]:
    """The gaps the clerk names now, or (none named) those registered at the window, checked again against
    the promised due date the acceptance has just set."""
    gaps = gaps_from_owed(case.owed_materials) if given is None else list(given)
    if not gaps and not case.owed_materials:
        return []
    handed_in = {cm.material_id for cm in case.materials.all()}
    return gaps_check(case.item, gaps, handed_in, promised_due=case.promised_due)


def _after_accept(case: Case, user: User | None, channel: str, details: dict[str, Any]) -> None:
    """Start the approval process; an instant item, or one approved on commitment, is decided at once."""
    if details.get("commitment"):
        check = verification_open(case)
        note = f"依申请人承诺作出准予决定（告知承诺制），{check.due_on:%Y年%m月%d日}前核查承诺内容"
        decide_by_engine(case, "approve", channel, note=note, data={"commitment": True})
        return
    item = case.item
    xml = item_process(item)
    data = {
        "item_department": case.department.code,
        "reviewing_departments": [case.department.code, *item.joint_departments],
        "escalation_department": item.escalation_department.code if item.escalation_department else "",
    }
    case.workflow_state = workflow.start(xml, data)
    case.save(update_fields=["workflow_state"])
    tasks_sync(case)
    if item.case_kind == CaseKind.INSTANT and workflow.is_finished(case.workflow_state):
        decide_by_engine(case, "approve", channel, note="即办件当场办结")
        for action in (Action.ISSUE, Action.COMPLETE):
            case_act(number=case.number or "", user=user, action=action, channel=channel, method="window")


def _on_refuse(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    reason = required_text(details, "reason", "不予受理的理由")
    basis = required_text(details, "legal_basis", "不予受理的法律依据")
    tasks_cancel(case)
    return f"不予受理：{reason}（依据：{basis}）", {"reason": reason, "legal_basis": basis}


def _on_request_correction(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    notice = correction_notice_items(case, details.get("items") or [])
    if not notice:
        raise ValidationFailed("请一次性列明需要补正的全部材料或内容", field="items")
    items = [n["label"] for n in notice]
    case.corrections += 1
    today = timezone.localdate()
    if case.accepted_at:
        Suspension.objects.create(
            case=case, kind=Suspension.Kind.CORRECTION, reason="；".join(items), started_on=today
        )
    days = settings.CORRECTION_DEADLINE_WORKDAYS
    due = work_calendar_for(today, days).add_workdays(today, days)
    note = f"第{case.corrections}次补正告知：" + "；".join(f"{n['no']}. {n['label']}" for n in notice)
    note += f"。请于{due:%Y年%m月%d日}前补正"
    return note, {"items": items, "round": case.corrections, "notice": notice, "due": due.isoformat()}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


MAX_CORRECTION_ITEMS, MAX_CORRECTION_TEXT = 50, 500


def _item_text(value: Any) -> str:
    text = str(value or "").strip()
    if len(text) > MAX_CORRECTION_TEXT:
        raise ValidationFailed(
            f"每项补正内容不能超过{MAX_CORRECTION_TEXT}个字符（现{len(text)}个）", field="items"
        )
    return text


def correction_notice_items(case: Case, raw: list[Any]) -> list[dict[str, Any]]:
    """The numbered items of a correction notice. An item is a text, or a material of the item with what is
    wrong with it ({"material": id, "text": ...}); the materials' items come first, in the guide's order."""
    materials = {m.pk: m for m in case.item.materials.all()}
    tied: list[tuple[int, dict[str, Any]]] = []
    loose: list[dict[str, Any]] = []
    if len(raw) > MAX_CORRECTION_ITEMS:
        raise ValidationFailed(f"一次性告知最多列出{MAX_CORRECTION_ITEMS}项补正内容", field="items")
    for entry in raw:
        if isinstance(entry, dict):
            material = materials.get(_int(entry.get("material")))
            if material is None:
                raise ValidationFailed("补正的材料不属于本事项", field="items")
            text = _item_text(entry.get("text"))
            item = {"material": material.pk, "name": material.name, "text": text}
            tied.append(
                (material.position, item | {"label": f"{material.name}：{text}" if text else material.name})
            )
        elif str(entry).strip():
            text = _item_text(entry)
            loose.append({"material": None, "name": "", "text": text, "label": text})
    ordered = [item for _, item in sorted(tied, key=lambda pair: pair[0])] + loose
    return [{"no": i, **item} for i, item in enumerate(ordered, start=1)]


def _on_resubmit(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    added = details.get("materials") or []
    if added:
        chosen = check_materials(
            case.item, {case.applicant_id, case.submitted_by_id, getattr(user, "pk", 0)}, added
        )
        uploads_hold(chosen)
        CaseMaterial.objects.bulk_create(
            [CaseMaterial(case=case, material=m, upload=u) for m, u in chosen], ignore_conflicts=True
        )
    if details.get("form"):
        fields = item_fields(case.item.form_fields, for_enterprise=case.enterprise_id is not None)
        merged = form_bind_to_account(
            fields, {**case.form, **details["form"]}, case.applicant, case.enterprise
        )
        case.form = clean_form(fields, merged)
    if case.accepted_at:
        _end_suspension(case)
    return "已补正" + (f"，补充材料{len(added)}份" if added else ""), {"materials": len(added)}


def _on_suspend(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    reason = required_text(details, "reason", "暂停计时的事由")
    kind = details.get("kind") or Suspension.Kind.OTHER
    if kind not in Suspension.Kind.values or kind == Suspension.Kind.CORRECTION:
        raise ValidationFailed("特别程序类型应为 hearing、expert、inspection 或 other", field="kind")
    Suspension.objects.create(case=case, kind=kind, reason=reason, started_on=timezone.localdate())
    label = Suspension.Kind(kind).label
    return f"启动特别程序（{label}）：{reason}，暂停计时", {"kind": kind, "reason": reason}


def _on_resume(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    reason = required_text(details, "reason", "恢复计时的说明")
    days = _end_suspension(case)
    return f"特别程序结束：{reason}；暂停{days}个工作日，办结时限顺延", {"workdays": days}


def _end_suspension(case: Case) -> int:
    open_one = case.suspensions.filter(ended_on__isnull=True).first()
    if open_one is None:
        return 0
    today = timezone.localdate()
    calendar = work_calendar_for(open_one.started_on, (today - open_one.started_on).days + 1)
    open_one.workdays = suspension_workdays(calendar, suspended_on=open_one.started_on, resumed_on=today)
    open_one.ended_on = today
    open_one.save(update_fields=["workdays", "ended_on"])
    case.suspended_workdays += open_one.workdays
    dues_recompute(case)
    tasks_postpone(case, open_one.workdays)
    return open_one.workdays


def dues_recompute(case: Case) -> None:
    item, accepted_on = case.item, case.accepted_on
    if accepted_on is None:
        return
    longest = max(item.legal_time_limit, item.promised_time_limit) + case.suspended_workdays
    dues = case_deadlines(
        work_calendar_for(accepted_on, longest),
        accepted_on=accepted_on,
        promised_days=item.promised_time_limit,
        legal_days=item.legal_time_limit,
        suspended_workdays=case.suspended_workdays,
    )
    case.promised_due, case.legal_due = dues.promised_due, dues.legal_due


def _on_issue(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    owed_refuse_end(case, "出件")
    method = details.get("method") or "window"
    if method == "window":
        case.delivery = {"method": "window"}
        return "统一窗口出件", case.delivery
    if method != "express":
        raise ValidationFailed("出件方式应为 window（窗口领取）或 express（快递寄送）", field="method")
    delivery = {
        "method": "express",
        "address": required_text(details, "address", "寄送地址"),
        "carrier": required_text(details, "carrier", "快递公司"),
        "tracking_number": required_text(details, "tracking_number", "快递单号"),
    }
    case.delivery = delivery
    return f"快递寄送：{delivery['carrier']} {delivery['tracking_number']}", {
        k: v for k, v in delivery.items() if k != "address"
    }


def _on_complete(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    owed_refuse_end(case, "办结")
    case.completed_at = timezone.now()
    return "办结", {}


def _on_withdraw(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    tasks_cancel(case)
    return str(details.get("reason") or "申请人撤回申请")[:500], {}


def _on_start(
    case: Case, user: User | None, channel: str, details: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """一件事: a clerk starts a case paused after an item before it failed (the applicant brought what that
    item would have given); a case still waiting for its predecessors starts by itself."""
    if not case.bundle_hold:
        raise Conflict("前序事项尚未办结，本事项将在其办结后自动开始办理", field="status", code="waiting")
    note = f"窗口确认继续办理（{case.bundle_hold}）"
    case.bundle_hold, case.submitted_at = "", timezone.now()
    return note, {}


_HANDLERS = {
    Action.ACCEPT: _on_accept,
    Action.REFUSE: _on_refuse,
    Action.REQUEST_CORRECTION: _on_request_correction,
    Action.RESUBMIT: _on_resubmit,
    Action.SUSPEND: _on_suspend,
    Action.RESUME: _on_resume,
    Action.ISSUE: _on_issue,
    Action.COMPLETE: _on_complete,
    Action.WITHDRAW: _on_withdraw,
    Action.DECIDE: on_decide,
    Action.START: _on_start,
}
