"""Submitting an application (网上申报, 窗口收件, API): the applicant and enterprise, the form and materials, the
case number, and the Idempotency-Key that makes a retry return the same case."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govhall.catalogue.forms import FormField, clean_form, item_fields, prefill
from govhall.catalogue.models import Material, ServiceItem
from govhall.catalogue.selectors import item_for_application
from govhall.core.errors import Conflict, PermissionDenied, ValidationFailed
from govhall.core.ids import IdentifierError, validate_id_number, validate_uscc
from govhall.identity.models import AccountKind, Enterprise, Hall, StaffRole, User, Window
from govhall.identity.permissions import is_staff_member, staff_with
from govhall.identity.selectors import user_find_by_login
from govhall.identity.validation import validate_phone
from govhall.licences.selectors import face_prefill

from ..models import BundleCase, Case, CaseMaterial, Channel, Upload
from ..numbering import next_case_number
from ..paperless import MaterialPlan, materials_plan, paperless_ids
from ..tolerance import ToleratedGap, owed_summary
from ..transitions import Action, Status
from .gaps import gaps_allowed_for, gaps_check
from .licensing import materials_satisfy_by_licence
from .paperless import Application, Fetched, shared_data_fetch, snapshots_store
from .timeline import event_write
from .uploads import check_materials, missing_materials, uploads_hold

NOT_REGISTERED = "申请人尚未注册，请先为其注册个人账户"


def resolve_applicant(user: User, on_behalf_of: str | None) -> User:
    if not on_behalf_of:
        return user
    if not staff_with(user, StaffRole.WINDOW_CLERK):
        raise PermissionDenied("只有综合窗口（帮办代办）人员可以代他人申请", field="on_behalf_of")
    applicant = user_find_by_login(applicant_login_check(on_behalf_of))
    if applicant is None or applicant.kind != AccountKind.CITIZEN:
        raise ValidationFailed(NOT_REGISTERED, field="on_behalf_of")
    return applicant


def applicant_login_check(value: str) -> str:
    """The window's look-up key for an applicant, checked before anything is looked up: an 18-character
    citizen ID number (check character included) or an 11-digit mobile number. A credit code is recognised
    and explained: a unit applies through the person at the window."""
    text = unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()
    field = "on_behalf_of"
    if len(text) == 18 and text[:17].isdigit():
        try:
            return validate_id_number(text, today=timezone.localdate())
        except IdentifierError as exc:
            raise ValidationFailed(str(exc), field=field) from None
    if len(text) == 18:
        try:
            validate_uscc(text)
        except IdentifierError as exc:
            raise ValidationFailed(f"{exc}（如为公民身份号码，应为17位数字加校验码）", field=field) from None
        raise ValidationFailed(
            "这是统一社会信用代码：请输入到场经办人的公民身份号码或手机号，申请单位在申请页选择", field=field
        )
    if text.isdigit() or text.startswith("+86"):
        try:
            return validate_phone(text)
        except ValidationFailed as exc:
            raise ValidationFailed(exc.message, field=field) from None
    raise ValidationFailed("请输入申请人的18位公民身份号码或11位手机号", field=field)


def check_regionwide(item: ServiceItem, clerk: User) -> None:
    """全域通办: an item flagged regionwide may be registered at any window; any other only at a hall of its
    department's own region (the county's centre for a county department), and the clerk is told where."""
    if item.regionwide:
        return
    window = clerk.window if clerk.window_id else None
    region = (
        window.hall.region_id if window else clerk.region_id or getattr(clerk.department, "region_id", None)
    )
    home = item.department.region_id
    if region == home:
        return
    halls = "、".join(Hall.objects.filter(region_id=home).values_list("name", flat=True)[:3])
    raise PermissionDenied(
        f"“{item.name}”未开通全域通办，不能在本窗口登记，请申请人到{halls or item.department.name}办理",
        field="item",
        code="not_regionwide",
    )


def resolve_enterprise(
    applicant: User, actor: User, uscc: str | None, item: ServiceItem
) -> Enterprise | None:
    if not uscc:
        if item.for_enterprise and not item.for_person:
            raise ValidationFailed("本事项面向法人，请选择申请单位", field="enterprise")
        return None
    enterprise = Enterprise.objects.filter(uscc=uscc.strip().upper()).first()
    if enterprise is None:
        raise ValidationFailed("申请单位不存在", field="enterprise")
    members = enterprise.memberships.filter(user__in=[applicant, actor])
    if not is_staff_member(actor) and not members.exists():
        raise PermissionDenied("您不是该单位的授权经办人", field="enterprise")
    return enterprise


# Prefilled fields that say who applies: taken from the account, never typed in (the contact phone may differ).
ACCOUNT_BOUND = frozenset(
    {
        "applicant.name",
        "applicant.id_number",
        "enterprise.name",
        "enterprise.uscc",
        "enterprise.legal_representative",
    }
)


def account_data(applicant: User, enterprise: Enterprise | None = None) -> dict[str, str]:
    """What an application form prefills from the applicant's account (and the enterprise's, for a 法人)."""
    data = {
        "applicant.name": applicant.display_name,
        "applicant.phone": applicant.phone,
        "applicant.id_number": applicant.id_number,
    }
    if enterprise is not None:
        data |= {
            "enterprise.name": enterprise.name,
            "enterprise.uscc": enterprise.uscc,
            "enterprise.legal_representative": enterprise.legal_representative,
        }
    return data


def form_prefill(
    fields: list[FormField], applicant: User, enterprise: Enterprise | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's first values, from the account and from the applicant's own valid e-licences (a field whose
    prefill is ``licence.<type code>.<face field>``), and for the latter the licence type each came from
    (field name -> type name): the page says where a value came from."""
    faces = face_prefill([f.prefill for f in fields], user=applicant, enterprise=enterprise)
    values = prefill(fields, account_data(applicant, enterprise) | {k: v.value for k, v in faces.items()})
    sources = {f.name: faces[f.prefill].licence_type for f in fields if f.prefill in faces}
    return values, sources


def account_bound_fields(
    fields: list[FormField], applicant: User, enterprise: Enterprise | None
) -> dict[str, str]:
    """The form's fields that must hold the account's values: field name -> value."""
    account = account_data(applicant, enterprise)
    return {
        f.name: account[f.prefill] for f in fields if f.prefill in ACCOUNT_BOUND and account.get(f.prefill)
    }


def form_bind_to_account(
    fields: list[FormField], form: dict[str, Any], applicant: User, enterprise: Enterprise | None
) -> dict[str, Any]:
    """The form with the applicant's identity from the account: an empty bound field is filled in, another
    person's name or number is refused (a citizen applies for themselves; a window applies for the person
    it registered)."""
    bound = account_bound_fields(fields, applicant, enterprise)
    labels = {f.name: f.label for f in fields}
    for name, value in bound.items():
        given = str(form.get(name) or "").strip()
        if given and given.upper() != value.upper():
            raise ValidationFailed(
                f"{labels[name]}从申请人账户带出，应为“{value}”，不能填写他人的信息",
                field=f"form.{name}",
                code="not_the_applicant",
            )
    return {**form, **bound}


def request_digest(payload: Any) -> str:
    return hashlib.sha256(
        json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()
    ).hexdigest()


def case_submit(
    *,
    user: User,
    item_code: str,
    form: dict[str, Any],
    materials: list[tuple[int, str]],
    channel: str = Channel.WEB,
    on_behalf_of: str | None = None,
    enterprise_uscc: str | None = None,
    window: Window | None = None,
    idempotency_key: str | None = None,
    digest: str = "",
    tolerated_gaps: list[ToleratedGap] | None = None,
) -> tuple[Case, bool]:
    """Submit an application; returns the case and whether it was created (False: an idempotent retry).

    The case number is drawn before the submission's transaction, in a statement of its own: every
    submission of a region and day takes the same counter row, and its lock is then held for that one
    statement, not for the whole submission. A submission failing after that leaves a gap in the day's
    numbers (an idempotent retry is recognised before, and takes none)."""
    if idempotency_key:
        existing = _submitted_with_key(user, idempotency_key)
        if existing is not None:
            return _idempotent(existing, digest)
    item = item_for_application(item_code)
    applicant = resolve_applicant(user, on_behalf_of)
    if applicant != user:
        check_regionwide(item, user)
    enterprise = resolve_enterprise(applicant, user, enterprise_uscc, item)
    fields = item_fields(item.form_fields, for_enterprise=enterprise is not None)
    cleaned = clean_form(fields, form_bind_to_account(fields, form, applicant, enterprise))
    chosen = check_materials(item, {user.pk, applicant.pk}, materials)
    plan = materials_plan(item, applicant, enterprise)
    owed = owed_at_submission(user, item, [m for m, _ in chosen], tolerated_gaps or [], plan)
    now = timezone.now()
    region = window.hall.region_id if window else item.region_id
    number = next_case_number(region, timezone.localdate(now))
    handed_in = {m.pk for m, _ in chosen}
    fetched = shared_data_fetch(plan, handed_in, Application(user, applicant, enterprise, item, number))
    try:
        with transaction.atomic():
            case = _create_submitted(
                item, user, applicant, enterprise, cleaned, chosen, channel, window, (now, region, number),
                (idempotency_key, digest), owed, fetched,
            )  # fmt: skip
    except IntegrityError:
        existing = _submitted_with_key(user, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _idempotent(existing, digest)
    return case, True


def owed_at_submission(
    user: User,
    item: ServiceItem,
    provided: list[Material],
    gaps: list[ToleratedGap],
    plan: list[MaterialPlan],
) -> list[dict[str, Any]]:
    """Every required material in hand, to come by itself (the plan's e-licences and shared data), or
    (window staff only) named as a tolerated gap with a due date."""
    gaps_allowed_for(user, gaps)
    paperless = paperless_ids(plan)
    if gaps:
        return gaps_check(item, gaps, [m.pk for m in provided], paperless=paperless)
    missing = missing_materials(item, provided, paperless)
    if missing:
        raise ValidationFailed(f"缺少必要材料：{missing_names(missing, plan)}", field="materials")
    return []


def missing_names(missing: list[Material], plan: list[MaterialPlan]) -> str:
    """The missing materials, each with the plan's reason where an e-licence or shared data cannot stand in."""
    notes = {p.material.pk: p.note for p in plan if p.way == "upload" and p.note}
    return "、".join(f"{m.name}（{notes[m.pk]}）" if m.pk in notes else m.name for m in missing)


def _submitted_with_key(user: User, key: str) -> Case | None:
    """The case this user submitted with this Idempotency-Key (at most one: a unique index), light: a
    retry's answer loads the case again by its number."""
    found = Case.objects.filter(submitted_by=user, idempotency_key=key).only("number", "request_digest")[:1]
    return found[0] if found else None


def _idempotent(existing: Case, digest: str) -> tuple[Case, bool]:
    if existing.request_digest != digest:
        raise Conflict(
            "该 Idempotency-Key 已用于另一份不同的申请", field="Idempotency-Key", code="idempotency_conflict"
        )
    return existing, False


def _create_submitted(
    item: ServiceItem,
    actor: User,
    applicant: User,
    enterprise: Enterprise | None,
    form: dict[str, Any],
    chosen: list[tuple[Material, Upload]],
    channel: str,
    window: Window | None,
    numbered: tuple[dt.datetime, str, str],
    idempotency: tuple[str | None, str] = (None, ""),
    owed: list[dict[str, Any]] | None = None,
    fetched: list[Fetched] | None = None,
    bundle_case: BundleCase | None = None,
    waiting: bool = False,
) -> Case:
    """A submitted case; in a bundle, one that waits for the items before it (待前序办结) has no submission
    time yet: it reaches its department when it starts."""
    now, region, number = numbered
    status = Status.WAITING if waiting else Status.SUBMITTED
    case = Case(
        item=item,
        department=item.department,
        region_id=region,
        applicant=applicant,
        enterprise=enterprise,
        applicant_name=enterprise.name if enterprise else applicant.display_name,
        submitted_by=actor,
        window=window,
        channel=channel,
        status=status,
        submitted_at=None if waiting else now,
        number=number,
        idempotency_key=idempotency[0],
        request_digest=idempotency[1],
        bundle_case=bundle_case,
    )
    case.form = form
    case.owed_materials = owed or []
    case.save()
    uploads_hold(chosen)
    materials = CaseMaterial.objects.bulk_create(
        [CaseMaterial(case=case, material=m, upload=u) for m, u in chosen]
    )
    note = "" if actor == applicant else f"由{actor.display_name}代为申请"
    if owed:
        note = "；".join(filter(None, [note, "容缺材料：" + owed_summary(owed)]))
    event = event_write(case, actor, Action.SUBMIT, Status.DRAFT, status, channel, note=note)
    materials = [
        *materials,
        *materials_satisfy_by_licence(case, actor, channel),
        *snapshots_store(case, actor, fetched or [], channel),
    ]
    # What a new case has is in hand: the answer to the submission reads it from here, not the database.
    _remember(case, materials=materials, events=[event], tasks=[], suspensions=[])
    return case


def _remember(case: Case, **related: list[Any]) -> None:
    """Fill the case's related-object caches the way prefetch_related does, from objects already in hand."""
    cache: dict[str, Any] = {}
    for name, objects in related.items():
        queryset = getattr(case, name).all()
        queryset._result_cache = list(objects)
        queryset._prefetch_done = True
        cache[name] = queryset
    case._prefetched_objects_cache = cache  # type: ignore[attr-defined]
