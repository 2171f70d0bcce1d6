"""Uploaded files and the materials they satisfy: content and size checks, and 容缺后补 (a tolerated material
handed in after acceptance)."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govhall.catalogue.models import Material, MaterialSource, Requirement, ServiceItem
from govhall.core.errors import Conflict, NotFound, ValidationFailed
from govhall.identity.models import User

from ..models import Case, CaseMaterial, Channel, Upload
from ..permissions import case_actors
from ..transitions import Actor, Status
from ..uploads import UploadRefused, checked_content_type
from .timeline import case_lock, event_write


def upload_store(*, owner: User, name: str, data: bytes) -> Upload:
    """Keep an uploaded file if its content is an allowed type and it is within the size limit."""
    limit = settings.UPLOAD_MAX_MB * 1024 * 1024
    if not data:
        raise ValidationFailed("上传的文件是空的", field="file")
    if len(data) > limit:
        raise ValidationFailed(f"文件超过{settings.UPLOAD_MAX_MB}MB，请压缩后再上传", field="file")
    try:
        content_type = checked_content_type(data)
    except UploadRefused as refused:
        raise ValidationFailed(str(refused), field="file") from None
    today = timezone.localdate()
    relative = f"uploads/{today:%Y/%m}/{uuid.uuid4().hex}"
    target = settings.MEDIA_ROOT / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return Upload.objects.create(
        owner=owner,
        original_name=(name or "file")[-200:],
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        path=relative,
    )


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def check_materials(
    item: ServiceItem, owner_ids: set[int], pairs: Iterable[tuple[int, str]]
) -> list[tuple[Material, Upload]]:
    materials = {m.pk: m for m in item.materials.all()}
    pairs = list(pairs)
    uploads = {str(u.pk): u for u in Upload.objects.filter(pk__in=[_uuid(u) for _, u in pairs])}
    chosen: list[tuple[Material, Upload]] = []
    seen: set[tuple[int, str]] = set()
    for material_id, upload_id in pairs:
        material = materials.get(material_id)
        if material is None:
            raise ValidationFailed(f"材料编号{material_id}不属于本事项", field="materials")
        if (material_id, str(_uuid(upload_id))) in seen:
            raise ValidationFailed(
                f"“{material.name}”的同一个文件提交了两次，请删除重复的一项", field="materials"
            )
        seen.add((material_id, str(_uuid(upload_id))))
        upload = uploads.get(str(_uuid(upload_id)))
        if upload is None or upload.owner_id not in owner_ids:
            raise ValidationFailed(f"“{material.name}”的上传文件不存在", field="materials")
        chosen.append((material, upload))
    total = sum(u.size for _, u in chosen)
    if total > settings.CASE_UPLOAD_MAX_MB * 1024 * 1024:
        raise ValidationFailed(f"本次申请的文件合计超过{settings.CASE_UPLOAD_MAX_MB}MB", field="materials")
    return chosen


def missing_materials(item: ServiceItem, provided: Iterable[Material]) -> list[Material]:
    """Required materials the applicant must hand in (e-licences and shared data come by themselves)."""
    have = {m.pk for m in provided}
    return [
        m
        for m in item.materials.all()
        if m.requirement == Requirement.REQUIRED and m.source == MaterialSource.APPLICANT and m.pk not in have
    ]


def case_supply_owed(
    *, number: str, user: User, material_id: int, upload_id: str, channel: str = Channel.WEB
) -> Case:
    """容缺后补: the applicant hands in a material that was tolerated at acceptance; it leaves the owed list."""
    with transaction.atomic():
        case = case_lock(number)
        if Actor.APPLICANT not in case_actors(case, user) and Actor.ACCEPTING_STAFF not in case_actors(
            case, user
        ):
            raise NotFound("未找到该办件", field="number")
        owed = [g for g in case.owed_materials if g.get("material") == material_id]
        if not owed:
            raise ValidationFailed("该材料不在容缺后补清单中", field="material")
        if Status(case.status) in (Status.REFUSED, Status.WITHDRAWN, Status.COMPLETED):
            raise Conflict(
                f"办件当前状态为“{case.status_label}”，不能补交材料",
                field="status",
                code="invalid_transition",
            )
        [(material, upload)] = check_materials(
            case.item, {case.applicant_id, case.submitted_by_id, user.pk}, [(material_id, upload_id)]
        )
        CaseMaterial.objects.create(case=case, material=material, upload=upload)
        case.owed_materials = [g for g in case.owed_materials if g.get("material") != material_id]
        case.save(update_fields=["owed_materials", "updated_at"])
        event_write(
            case, user, "supply", case.status, case.status, channel, note=f"补交容缺材料：{material.name}"
        )
    return case
