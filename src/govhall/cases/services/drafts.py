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
from ..permissions import case_actors
from ..transitions import Action, Status
from .submission import check_regionwide, form_bind_to_account, resolve_applicant, resolve_enterprise
from .timeline import event_write, transition
from .uploads import check_materials, missing_materials


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
            case.materials.all().delete()
            CaseMaterial.objects.bulk_create(
                [CaseMaterial(case=case, material=m, upload=u) for m, u in chosen]
            )
    return case


def case_draft_submit(*, user: User, draft_id: int, channel: str = Channel.WEB) -> Case:
    """Submit a draft: the full checks of a submission, a case number, and the timeline's first event."""
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("item")
            .filter(pk=draft_id, submitted_by=user)
            .first()
        )
        if case is None:
            raise NotFound("未找到该草稿", field="draft")
        before, after = transition(case, Action.SUBMIT, case_actors(case, user))
        fields = item_fields(case.item.form_fields, for_enterprise=case.enterprise_id is not None)
        case.form = clean_form(fields, case.form)
        missing = missing_materials(
            case.item, [cm.material for cm in case.materials.select_related("material")]
        )
        if missing:
            raise ValidationFailed(f"缺少必要材料：{'、'.join(m.name for m in missing)}", field="materials")
        now = timezone.now()
        case.submitted_at = now
        if case.channel == Channel.WINDOW:  # registered at a window for someone present: recorded there
            channel = Channel.WINDOW
        case.channel = Channel.WEB if channel == Channel.DEPARTMENT else channel  # how it was applied for
        case.number = next_case_number(case.region_id, timezone.localdate(now))
        case.save()
        event_write(case, user, Action.SUBMIT, before, after, channel)
    return case
