"""Drafts (an application saved half-way) and their submission."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from govhall.catalogue.forms import clean_form, item_fields
from govhall.catalogue.selectors import item_for_application
from govhall.core.errors import NotFound, ValidationFailed
from govhall.identity.models import User

from ..models import Case, CaseMaterial, Channel
from ..numbering import next_case_number
from ..paperless import materials_plan, paperless_ids
from ..permissions import case_actors
from ..tolerance import ToleratedGap, owed_summary
from ..transitions import Action, Status
from .licensing import materials_satisfy_by_licence
from .paperless import Application, shared_data_fetch, snapshots_store
from .submission import (
    check_regionwide,
    form_bind_to_account,
    owed_at_submission,
    resolve_applicant,
    resolve_enterprise,
)
from .timeline import event_write, transition
from .uploads import check_materials, missing_materials, uploads_hold


def case_draft_save(
    *,
    user: User,
    item_code: str | None = None,
    draft_id: int | None = None,
    form: dict[str, Any] | None = None,
    materials: list[tuple[int, str]] | None = None,
    enterprise_uscc: str | None = None,
    on_behalf_of: str | None = None,
) -> Case:
    """Create or update a draft (网上申报 saved half-way): the form may be incomplete, nothing is checked
    beyond types. Only the applicant side edits its drafts."""
    with transaction.atomic():
        if draft_id is None:
            if not item_code:
                raise ValidationFailed("请指定申请的事项", field="item")
            item = item_for_application(item_code)
            applicant = resolve_applicant(user, on_behalf_of)
            if applicant != user:
                check_regionwide(item, user)
            enterprise = (
                resolve_enterprise(applicant, user, enterprise_uscc, item) if enterprise_uscc else None
            )
            window = user.window if applicant != user else None
            case = Case(
                item=item,
                department=item.department,
                region_id=window.hall.region_id if window else item.region_id,
                applicant=applicant,
                enterprise=enterprise,
                applicant_name=enterprise.name if enterprise else applicant.display_name,
                submitted_by=user,
                window=window,
                channel=Channel.WINDOW if applicant != user else Channel.WEB,
                status=Status.DRAFT,
            )
        else:
            found = (
                Case.objects.select_for_update()
                .select_related("item", "applicant")
                .filter(pk=draft_id, submitted_by=user)
                .first()
            )
            if found is None or found.status != Status.DRAFT:
                raise NotFound("未找到该草稿", field="draft")
            case = found
        fields = item_fields(case.item.form_fields, for_enterprise=case.enterprise_id is not None)
        if form is not None:  # a change to a draft merges into what it holds, as its materials do
            merged = {**case.form, **form} if draft_id else form
            bound = form_bind_to_account(fields, merged, case.applicant, case.enterprise)
            case.form = clean_form(fields, bound, partial=True)
        case.save()
        if materials is not None:
            chosen = check_materials(case.item, {user.pk, case.applicant_id}, materials)
            uploads_hold(chosen)
            case.materials.all().delete()
            CaseMaterial.objects.bulk_create(
                [CaseMaterial(case=case, material=m, upload=u) for m, u in chosen]
            )
    return case


def draft_problems(draft: Case, tolerated: set[int] | frozenset[int] = frozenset()) -> dict[str, str]:
    """Everything that would stop a draft's submission, found in one pass: each form field's error
    (``form.<name>``) and each missing required material (``materials.<id>``) other than those the window
    tolerates (容缺) and those an e-licence or shared data will satisfy, so the page can show them all at once
    instead of one per submit."""
    fields = item_fields(draft.item.form_fields, for_enterprise=draft.enterprise_id is not None)
    form = draft.form
    problems: dict[str, str] = {}
    for f in fields:
        try:
            clean_form([f], {f.name: form.get(f.name)})
        except ValidationFailed as exc:
            problems[exc.field or f"form.{f.name}"] = exc.message
    plan = {p.material.pk: p for p in materials_plan(draft.item, draft.applicant, draft.enterprise)}
    provided = [cm.material for cm in draft.materials.select_related("material")]
    for material in missing_materials(draft.item, provided, paperless_ids(plan.values())):
        if material.pk in tolerated:
            continue
        row = plan[material.pk]
        why = "，请授权查询或上传" if row.consent_needed else ""
        problems[f"materials.{material.pk}"] = (
            row.note + why
            if row.note and row.way == "upload"
            else (f"请上传“{material.name}”（必要材料）{why}")
        )
    return problems


def case_draft_submit(
    *, user: User, draft_id: int, channel: str = Channel.WEB, tolerated_gaps: list[ToleratedGap] | None = None
) -> Case:
    """Submit a draft: the full checks of a submission, a case number, the shared-data look-ups of the
    materials not uploaded (before the transaction: see ``paperless``), and the timeline's first event.
    Window staff may name tolerated gaps (容缺材料) for secondary materials not handed in."""
    draft = _draft_of(user, draft_id, lock=False)
    transition(draft, Action.SUBMIT, case_actors(draft, user))
    fields = item_fields(draft.item.form_fields, for_enterprise=draft.enterprise_id is not None)
    form = clean_form(fields, draft.form)
    plan = materials_plan(draft.item, draft.applicant, draft.enterprise)
    provided = [cm.material for cm in draft.materials.select_related("material")]
    owed = owed_at_submission(user, draft.item, provided, tolerated_gaps or [], plan)
    now = timezone.now()
    number = next_case_number(draft.region_id, timezone.localdate(now))
    app = Application(user, draft.applicant, draft.enterprise, draft.item, number)
    fetched = shared_data_fetch(plan, {m.pk for m in provided}, app)
    with transaction.atomic():
        case = _draft_of(user, draft_id, lock=True)
        before, after = transition(case, Action.SUBMIT, case_actors(case, user))
        case.form, case.owed_materials, case.submitted_at, case.number = form, owed, now, number
        if case.channel == Channel.WINDOW:  # registered at a window for someone present: recorded there
            channel = Channel.WINDOW
        case.channel = Channel.WEB if channel == Channel.DEPARTMENT else channel  # how it was applied for
        case.save()
        note = "容缺材料：" + owed_summary(case.owed_materials) if case.owed_materials else ""
        event_write(case, user, Action.SUBMIT, before, after, channel, note=note)
        materials_satisfy_by_licence(case, user, channel)
        snapshots_store(case, user, fetched, channel)
    return case


def _draft_of(user: User, draft_id: int, *, lock: bool) -> Case:
    found = Case.objects.select_related("item", "item__department", "applicant", "enterprise")
    if lock:
        found = found.select_for_update(of=("self",))
    case = found.filter(pk=draft_id, submitted_by=user).first()
    if case is None:
        raise NotFound("未找到该草稿", field="draft")
    return case
