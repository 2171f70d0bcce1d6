"""一件事 applied for once: the bundle case and one case per item, created in one transaction; the cases that
wait for the items before them (待前序办结) start by themselves when those are completed, with their results
(e-licences) attached, and are terminated or paused when one of those fails (per edge of the bundle's graph).

The submission takes the bundle's one form (split back into each item's form) and one set of materials (each
upload attached to every item case that needs it: one stored file, a case material row per case)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govhall.catalogue.bundle_graph import PAUSE, REFUSE, Edge, failure_effects, predecessors, startable
from govhall.catalogue.bundle_merge import MergedField, split_form
from govhall.catalogue.forms import clean_form, item_fields
from govhall.catalogue.models import Audience, Bundle, BundleEdge, Material, MaterialSource
from govhall.catalogue.selectors import BundleGuide, GuideItem, bundle_get_published, bundle_guide
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.core.selectors import calendar_unconfirmed_years, work_calendar_for
from govhall.identity.models import Enterprise, StaffRole, User, Window
from govhall.identity.permissions import staff_with
from govhall.licences.selectors import licence_type_for_ref, licence_types_for_item, licence_types_memo
from govhall.notices.services import notify_text

from ..deadlines import case_deadlines
from ..models import BundleCase, Case, Channel, Upload
from ..numbering import next_bundle_case_number, next_case_number
from ..paperless import MaterialPlan, materials_plan, paperless_ids
from ..transitions import FINAL, Action, Actor, Status
from .licensing import materials_satisfy_by_licence
from .paperless import Application, Fetched, shared_data_fetch
from .submission import (
    _create_submitted,
    check_regionwide,
    form_bind_to_account,
    missing_names,
    resolve_applicant,
    resolve_enterprise,
)
from .timeline import event_write, transition
from .uploads import check_materials, missing_materials


@dataclass
class _ItemPart:
    """One item of the submission: its guide entry, form, files, plan and what waits for a predecessor."""

    guide: GuideItem
    form: dict[str, Any] = field(default_factory=dict)
    chosen: list[tuple[Material, Upload]] = field(default_factory=list)
    plan: list[MaterialPlan] = field(default_factory=list)
    from_predecessors: set[int] = field(default_factory=set)  # materials a predecessor's licence will satisfy
    waits: bool = False
    number: str = ""
    fetched: list[Fetched] = field(default_factory=list)

    @property
    def code(self) -> str:
        return self.guide.code


@dataclass(frozen=True)
class BundleApplication:
    """What an applicant sends for a bundle: the one form, (merged material id, upload id) pairs, and the
    optional items (选办) they tick."""

    bundle: str
    form: dict[str, Any]
    materials: list[tuple[int, str]]
    optional_items: Sequence[str] = ()
    enterprise_uscc: str | None = None
    on_behalf_of: str | None = None


def bundle_case_submit(
    *,
    user: User,
    application: BundleApplication,
    channel: str = Channel.WEB,
    window: Window | None = None,
    idempotency_key: str | None = None,
    digest: str = "",
) -> tuple[BundleCase, bool]:
    """Submit a bundle; returns the bundle case and whether it was created (False: an idempotent retry).
    Every check runs before anything is written; the numbers are drawn, then one transaction creates all."""
    if idempotency_key:
        existing = _submitted_with_key(user, idempotency_key)
        if existing is not None:
            return _idempotent(existing, digest)
    with licence_types_memo():
        return _submit(user, application, channel, window, (idempotency_key, digest))


def _submit(
    user: User,
    application: BundleApplication,
    channel: str,
    window: Window | None,
    idempotency: tuple[str | None, str],
) -> tuple[BundleCase, bool]:
    idempotency_key, digest = idempotency
    guide = bundle_guide(bundle_get_published(application.bundle))
    parts, edges = _chosen_parts(guide, application.optional_items)
    applicant = resolve_applicant(user, application.on_behalf_of)
    if applicant != user:
        for part in parts:
            check_regionwide(part.guide.item, user)
    enterprise = _enterprise(guide, applicant, user, application.enterprise_uscc)
    _split_forms(guide.form, parts, application.form, applicant, enterprise)
    _attach_uploads(guide, parts, application.materials, {user.pk, applicant.pk})
    _plan_and_check(parts, edges, applicant, enterprise)
    now = timezone.now()
    region = window.hall.region_id if window else guide.bundle.region_id
    number = next_bundle_case_number(region, timezone.localdate(now))
    for part in parts:
        item = part.guide.item
        part.number = next_case_number(
            window.hall.region_id if window else item.region_id, timezone.localdate(now)
        )
        handed_in = {m.pk for m, _ in part.chosen}
        part.fetched = shared_data_fetch(
            part.plan, handed_in, Application(user, applicant, enterprise, item, part.number)
        )
    who = (user, applicant, enterprise, channel, window)
    try:
        with transaction.atomic():
            bundle_case = _create(guide, parts, who, (now, region, number), (idempotency_key, digest))
    except IntegrityError:
        existing = _submitted_with_key(user, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _idempotent(existing, digest)
    return bundle_case, True


def _submitted_with_key(user: User, key: str) -> BundleCase | None:
    return BundleCase.objects.filter(submitted_by=user, idempotency_key=key).first()


def _idempotent(existing: BundleCase, digest: str) -> tuple[BundleCase, bool]:
    if existing.request_digest != digest:
        raise Conflict(
            "该 Idempotency-Key 已用于另一份不同的申请", field="Idempotency-Key", code="idempotency_conflict"
        )
    return existing, False


def _chosen_parts(guide: BundleGuide, optional: Sequence[str]) -> tuple[list[_ItemPart], list[Edge]]:
    """The items applied for (every required one, the optional ones ticked) and the graph between them."""
    ticked = set(optional)
    codes = {g.code for g in guide.items}
    unknown = ticked - codes
    if unknown:
        raise ValidationFailed(f"选办事项{'、'.join(sorted(unknown))}不属于本一件事", field="items")
    parts = [_ItemPart(g) for g in guide.items if not g.entry.optional or g.code in ticked]
    chosen = {p.code for p in parts}
    edges = [
        Edge(e.before, e.after, e.on_failure) for e in guide.edges if e.before in chosen and e.after in chosen
    ]
    before = predecessors([p.code for p in parts], edges)
    for part in parts:
        part.waits = bool(before[part.code])
    return parts, edges


def _enterprise(guide: BundleGuide, applicant: User, actor: User, uscc: str | None) -> Enterprise | None:
    if not uscc:
        if guide.bundle.audience == Audience.ENTERPRISE:
            raise ValidationFailed("本一件事面向法人，请选择申请单位", field="enterprise")
        return None
    return resolve_enterprise(applicant, actor, uscc, guide.items[0].item)


def _split_forms(
    merged: list[MergedField],
    parts: list[_ItemPart],
    values: dict[str, Any],
    applicant: User,
    enterprise: Enterprise | None,
) -> None:
    """Each item's form from the bundle's one form, cleaned by the item's own rules; an error names the
    bundle's field (the one the applicant sees)."""
    if not isinstance(values, dict):
        raise ValidationFailed("申请表应为对象（字段名: 值）", field="form")
    chosen = {p.code for p in parts}
    asked = [m for m in merged if any(t.item in chosen for t in m.targets)]
    known = {m.field.name for m in asked}
    for name in values:
        if name not in known:
            raise ValidationFailed(f"申请表中没有“{name}”这一项", field=f"form.{name}")
    by_target = {(t.item, t.field): m.field.name for m in asked for t in m.targets}
    split = split_form(asked, values)
    for part in parts:
        item = part.guide.item
        fields = item_fields(item.form_fields, for_enterprise=enterprise is not None)
        try:
            bound = form_bind_to_account(fields, split.get(part.code, {}), applicant, enterprise)
            part.form = clean_form(fields, bound)
        except ValidationFailed as exc:
            name = (exc.field or "").removeprefix("form.")
            exc.field = f"form.{by_target.get((part.code, name), name)}" if name else exc.field
            raise


def _attach_uploads(
    guide: BundleGuide, parts: list[_ItemPart], pairs: Iterable[tuple[int, str]], owners: set[int]
) -> None:
    """Each upload, named by its merged material's id, attached to every chosen item that material serves."""
    merged = {m.id: m for m in guide.materials}
    by_item: dict[str, list[tuple[int, str]]] = {}
    for material_id, upload_id in pairs:
        found = merged.get(material_id)
        if found is None:
            raise ValidationFailed(f"材料编号{material_id}不属于本一件事", field="materials")
        for target in found.serves:
            by_item.setdefault(target.item, []).append((target.material, upload_id))
    for part in parts:
        part.chosen = check_materials(part.guide.item, owners, by_item.get(part.code, []))


def _plan_and_check(
    parts: list[_ItemPart], edges: list[Edge], applicant: User, enterprise: Enterprise | None
) -> None:
    """Every item's required materials are in hand, to come by themselves (零证明), or to come from the
    result of an item before it in the bundle; the missing ones of every item are named at once."""
    results = predecessor_results([p.guide for p in parts], edges)
    missing: dict[str, str] = {}
    for part in parts:
        item = part.guide.item
        part.from_predecessors = {m for code, m in results if code == part.code}
        part.plan = materials_plan(item, applicant, enterprise)
        lacking = missing_materials(
            item, [m for m, _ in part.chosen], paperless_ids(part.plan) | part.from_predecessors
        )
        if lacking:
            for name in missing_names(lacking, part.plan).split("、"):
                missing.setdefault(name, item.name)
    if missing:
        raise ValidationFailed(f"缺少必要材料：{'、'.join(missing)}", field="materials")


def predecessor_results(items: Sequence[GuideItem], edges: Sequence[Edge]) -> dict[tuple[str, int], str]:
    """The materials an item before this one in the bundle will give as its result: (item code, material
    id) -> the name of the item that issues that licence type. Attached when the waiting case starts."""
    issued = {g.code: {t.code for t in licence_types_for_item(g.code)} for g in items}
    names = {g.code: g.item.name for g in items}
    ancestors = _ancestors(list(names), list(edges))
    out: dict[tuple[str, int], str] = {}
    for g in items:
        for m in g.item.materials.all():
            if m.source != MaterialSource.LICENCE:
                continue
            code = _licence_code(m.source_ref)
            giver = next((a for a in ancestors[g.code] if code and code in issued[a]), None)
            if giver is not None:
                out[(g.code, m.pk)] = names[giver]
    return out


def _licence_code(ref: str) -> str:
    found = licence_type_for_ref(ref)
    return found.code if found else ""


def _ancestors(nodes: list[str], edges: list[Edge]) -> dict[str, set[str]]:
    before = predecessors(nodes, edges)
    out: dict[str, set[str]] = {}

    def of(node: str) -> set[str]:
        if node not in out:
            out[node] = set()
            for p in before[node]:
                out[node] |= {p} | of(p)
        return out[node]

    for node in nodes:
        of(node)
    return out


def _create(
    guide: BundleGuide,
    parts: list[_ItemPart],
    who: tuple[User, User, Enterprise | None, str, Window | None],
    numbered: tuple[Any, str, str],
    idempotency: tuple[str | None, str],
) -> BundleCase:
    user, applicant, enterprise, channel, window = who
    now, region, number = numbered
    today = timezone.localdate(now)
    days = guide.bundle.promised_time_limit
    due = case_deadlines(
        work_calendar_for(today, days), accepted_on=today, promised_days=days, legal_days=days,
        suspended_workdays=0,
    ).promised_due  # fmt: skip
    bundle_case = BundleCase.objects.create(
        number=number, bundle=guide.bundle, region_id=region, applicant=applicant, enterprise=enterprise,
        applicant_name=enterprise.name if enterprise else applicant.display_name, submitted_by=user,
        window=window, channel=channel, submitted_at=now, promised_due=due,
        estimated_due=bool(calendar_unconfirmed_years(today, due)),
        idempotency_key=idempotency[0], request_digest=idempotency[1],
    )  # fmt: skip
    cases = []
    for part in parts:
        item = part.guide.item
        case_region = window.hall.region_id if window else item.region_id
        numbered = (now, case_region, part.number)
        case = _create_submitted(
            item, user, applicant, enterprise, part.form, part.chosen, channel, window, numbered,
            fetched=part.fetched, bundle_case=bundle_case, waiting=part.waits,
        )  # fmt: skip
        cases.append(case)
    _tell_submitted(bundle_case, cases)
    return bundle_case


def _tell_submitted(bundle_case: BundleCase, cases: list[Case]) -> None:
    waiting = [c.item.name for c in cases if c.status == Status.WAITING]
    body = (
        f"您申请的“{bundle_case.bundle.name}”已提交，编号{bundle_case.number}，共{len(cases)}个事项，"
        f"承诺{bundle_case.promised_due:%Y年%m月%d日}前全部办结。"
    )
    if waiting:
        body += f"其中{'、'.join(waiting)}待前序事项办结后自动开始办理。"
    first_event = cases[0].events.all()[0]
    notify_text(
        recipient=bundle_case.applicant, event_id=first_event.pk, number=bundle_case.number,
        title="一件事申请已提交", body=body,
    )  # fmt: skip


# --- after a case of a bundle reached a final status -------------------------------------------------------


def bundle_case_advance(case: Case, user: User | None, channel: str) -> None:
    """A case of a bundle is final: start the cases now free to start, or (it failed) terminate or pause
    those that wait for it, and tell the applicant once; then sum up the bundle's state.

    The bundle case's row is locked first, so two of its cases completing at once advance it in turn, each
    seeing the other's completion."""
    bundle_case = (
        BundleCase.objects.select_for_update().select_related("bundle").get(pk=case.bundle_case_id or 0)
    )
    siblings = {c.item.implementation_code: c for c in bundle_case.cases.select_related("item")}
    siblings[case.item.implementation_code] = case
    nodes = list(siblings)
    edges = _edges(bundle_case.bundle, nodes)
    if case.status == Status.COMPLETED and case.decision == "approve":
        done = [code for code, c in siblings.items() if _done(c)]
        for code in startable(nodes, edges, done):
            if siblings[code].status == Status.WAITING and not siblings[code].bundle_hold:
                _start(siblings[code], case, channel)
    else:
        effects = failure_effects(nodes, edges, case.item.implementation_code)
        _fail_dependants(case, [(siblings[code], effect) for code, effect in effects.items()], channel)
    _state_update(bundle_case, list(siblings.values()))


def _done(case: Case) -> bool:
    return case.status == Status.COMPLETED and case.decision == "approve"


def failed(case: Case) -> bool:
    """A case of a bundle that will not give its result: refused, denied, withdrawn, terminated, revoked."""
    return Status(case.status) in FINAL and not _done(case)


def _edges(bundle: Bundle, nodes: Collection[str]) -> list[Edge]:
    return [
        Edge(e.before, e.after, e.on_failure)
        for e in BundleEdge.objects.filter(bundle=bundle, before__in=nodes, after__in=nodes).order_by("id")
    ]


def _start(case: Case, after: Case, channel: str) -> None:
    locked = Case.objects.select_for_update().select_related("item", "department").get(pk=case.pk)
    before, status = transition(locked, Action.START, {Actor.ENGINE})
    locked.submitted_at = timezone.now()
    locked.save(update_fields=["status", "submitted_at", "updated_at"])
    note = f"前序事项“{after.item.name}”（{after.number}）已办结，本事项开始办理"
    event_write(locked, None, Action.START, before, status, channel, note=note, data={"after": after.number})
    materials_satisfy_by_licence(locked, None, channel)
    case.status = locked.status


def _fail_dependants(failed_case: Case, effects: list[tuple[Case, str]], channel: str) -> None:
    reason = _failure_reason(failed_case)
    told: list[str] = []
    first_event = None
    for dependant, effect in effects:
        if dependant.status != Status.WAITING:
            continue
        locked = Case.objects.select_for_update().select_related("item", "department").get(pk=dependant.pk)
        if effect == REFUSE:
            before, status = transition(locked, Action.TERMINATE, {Actor.ENGINE})
            locked.save(update_fields=["status", "updated_at"])
            event = event_write(locked, None, Action.TERMINATE, before, status, channel, note=reason)
            told.append(f"{locked.item.name}（终止办理）")
        elif effect == PAUSE:
            locked.bundle_hold = reason[:300]
            locked.save(update_fields=["bundle_hold", "updated_at"])
            event = event_write(locked, None, "hold", locked.status, locked.status, channel, note=reason)
            told.append(f"{locked.item.name}（暂缓，可联系窗口继续办理或撤回）")
        else:
            continue
        dependant.status, dependant.bundle_hold = locked.status, locked.bundle_hold
        first_event = first_event or event
    if first_event is not None:
        bundle_case = failed_case.bundle_case
        notify_text(
            recipient=failed_case.applicant, event_id=first_event.pk, number=bundle_case.number if bundle_case
            else "", title="一件事部分事项无法继续",
            body=f"{reason}。受影响的事项：{'、'.join(told)}。请登录查看。",
        )  # fmt: skip


def _failure_reason(case: Case) -> str:
    what = {
        Status.REFUSED: "不予受理",
        Status.WITHDRAWN: "已撤回",
        Status.TERMINATED: "已终止",
        Status.REVOKED: "审批决定已撤销",
    }.get(Status(case.status), "不予许可")
    return f"前序事项“{case.item.name}”（{case.number}）{what}"


def _state_update(bundle_case: BundleCase, cases: list[Case]) -> None:
    """In progress while a case is live (a paused one counts as live: it waits for the applicant)."""
    if any(Status(c.status) not in FINAL for c in cases):
        return
    withdrawn = all(c.status == Status.WITHDRAWN for c in cases)
    state = (
        BundleCase.State.WITHDRAWN
        if withdrawn
        else BundleCase.State.COMPLETED
        if all(_done(c) for c in cases)
        else BundleCase.State.CLOSED
    )
    if bundle_case.state == state:
        return
    bundle_case.state, bundle_case.completed_at = state, timezone.now()
    bundle_case.save(update_fields=["state", "completed_at"])
    if state == BundleCase.State.WITHDRAWN:
        return
    done = sum(1 for c in cases if _done(c))
    last = max(cases, key=lambda c: (c.updated_at is not None, c.updated_at, c.pk))
    note = f"一件事“{bundle_case.bundle.name}”（{bundle_case.number}）{state.label}"
    event = event_write(last, None, "bundle_done", last.status, last.status, Channel.DEPARTMENT, note=note)
    body = (
        f"您申请的“{bundle_case.bundle.name}”（{bundle_case.number}）已办结：{done}个事项办成"
        + (f"，{len(cases) - done}个未办成" if done < len(cases) else "")
        + "。请选择统一出件方式领取结果，并对本次服务进行评价。"
    )
    notify_text(
        recipient=bundle_case.applicant, event_id=event.pk, number=bundle_case.number,
        title="一件事已办结", body=body,
    )  # fmt: skip


# --- 统一出件: the results of a finished bundle, delivered once -------------------------------------------------


def bundle_case_deliver(
    *, number: str, user: User, method: str, address: str = "", carrier: str = "", tracking_number: str = ""
) -> BundleCase:
    """A window clerk hands over (or posts) a finished bundle's results at once; the applicant is told once."""
    if not staff_with(user, StaffRole.WINDOW_CLERK):
        raise PermissionDenied("只有综合窗口人员可以统一出件", field="number")
    with transaction.atomic():
        bundle_case = (
            BundleCase.objects.select_for_update().select_related("bundle").filter(number=number).first()
        )
        if bundle_case is None:
            raise NotFound("未找到该一件事办件", field="number")
        done = [c for c in bundle_case.cases.select_related("item") if _done(c)]
        if bundle_case.state == BundleCase.State.IN_PROGRESS or not done:
            raise Conflict("一件事尚未全部办结，暂不能统一出件", field="number", code="not_finished")
        if bundle_case.delivered_at:
            raise Conflict("本件事已统一出件", field="number", code="already_delivered")
        delivery = _delivery(method, address, carrier, tracking_number)
        bundle_case.delivery, bundle_case.delivered_at = delivery, timezone.now()
        bundle_case.save(update_fields=["delivery", "delivered_at"])
        how = f"已通过{carrier}寄出，单号{tracking_number}" if method == "express" else "已在统一出件窗口领取"
        note = f"统一出件：{'、'.join(c.item.name for c in done)}，{how}"
        event = event_write(done[0], user, "bundle_deliver", done[0].status, done[0].status, Channel.WINDOW,
                            note=note, data={k: v for k, v in delivery.items() if k != "address"})  # fmt: skip
        notify_text(
            recipient=bundle_case.applicant, event_id=event.pk, number=bundle_case.number,
            title="一件事办理结果已统一出件", body=f"您申请的“{bundle_case.bundle.name}”（{bundle_case.number}）{note}。",
        )  # fmt: skip
    return bundle_case


def _delivery(method: str, address: str, carrier: str, tracking_number: str) -> dict[str, str]:
    if method == "window":
        return {"method": "window"}
    if method != "express":
        raise ValidationFailed("出件方式应为 window（窗口领取）或 express（快递寄送）", field="method")
    values = {"address": address, "carrier": carrier, "tracking_number": tracking_number}
    labels = {"address": "寄送地址", "carrier": "快递公司", "tracking_number": "快递单号"}
    for name, value in values.items():
        if not value.strip():
            raise ValidationFailed(f"请填写{labels[name]}", field=name)
        if len(value) > 200:
            raise ValidationFailed(f"{labels[name]}不能超过200个字符", field=name)
    return {"method": "express", **{k: v.strip() for k, v in values.items()}}


def bundle_case_withdraw(*, number: str, user: User) -> BundleCase:
    """The applicant withdraws what has not been accepted yet (submitted, waiting or in correction before
    acceptance); cases already accepted go on — a department has started on them."""
    from .actions import case_act

    bundle_case = BundleCase.objects.filter(number=number).first()
    if bundle_case is None or user.pk not in (bundle_case.applicant_id, bundle_case.submitted_by_id):
        raise NotFound("未找到该一件事办件", field="number")
    withdrawable = {Status.SUBMITTED, Status.WAITING, Status.CORRECTION}
    numbers = [
        c.number
        for c in bundle_case.cases.order_by("-id")
        if Status(c.status) in withdrawable and not (c.status == Status.CORRECTION and c.accepted_at)
    ]
    if not numbers:
        raise Conflict("本件事各事项均已受理或办结，不能撤回", field="number", code="not_withdrawable")
    for case_number in numbers:
        case = Case.objects.get(number=case_number)
        if Status(case.status) in withdrawable:  # an earlier withdrawal may have terminated it meanwhile
            case_act(
                number=case_number or "", user=user, action=Action.WITHDRAW, reason="申请人撤回一件事申请"
            )
    bundle_case.refresh_from_db()
    return bundle_case
