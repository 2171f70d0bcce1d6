"""Uploaded files and the materials they satisfy: content and size checks, the per-account allowance of files
no application uses yet, their cleanup, and 容缺后补 (a tolerated material handed in after acceptance).

An upload is *unused* while no CaseMaterial refers to it (a draft is a case without a number and holds
CaseMaterial rows too). Storing a file takes a lock on the owner's account row and counts the owner's unused
files in the same transaction, so concurrent uploads of one account cannot pass the allowance together. The
cleanup and the attaching of a file to a case take row locks on the upload: an attaching transaction holds
it (`uploads_hold`) and the cleanup skips it; a cleanup that locked it first deletes it and the attaching
transaction finds it gone (422), never a dangling reference."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from govhall.catalogue.models import Material, Requirement, ServiceItem
from govhall.core.errors import Conflict, NotFound, QuotaExceeded, ValidationFailed
from govhall.identity.models import User

from ..models import Case, CaseMaterial, Channel, Upload, uploads_unused
from ..permissions import case_actors
from ..transitions import Actor, Status
from ..uploads import UploadRefused, checked_content_type
from .timeline import case_lock, event_write


def upload_store(*, owner: User, name: str, data: bytes) -> Upload:
    """Keep an uploaded file if its content is an allowed type, it is within the size limit and the owner's
    unused files stay within their allowance (UPLOAD_PENDING_MAX_COUNT files, UPLOAD_PENDING_MAX_MB)."""
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
    with transaction.atomic():
        _check_allowance(owner, len(data))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        try:
            return Upload.objects.create(
                owner=owner,
                original_name=(name or "file")[-200:],
                content_type=content_type,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                path=relative,
            )
        except BaseException:
            target.unlink(missing_ok=True)
            raise


def _check_allowance(owner: User, size: int) -> None:
    """Refuse (429) a file that would take the owner past the allowance of unused uploads.

    The owner's row is locked (FOR NO KEY UPDATE: cases and tokens referring to the account are not
    blocked) so two uploads of one account are counted one after the other. Window staff have the same
    allowance as everyone: a file uploaded at the window is used in the same request (the window's form
    submits or saves a draft with it), so a clerk's unused files do not pile up, and a larger allowance
    would only let a stolen staff account fill more of the disk."""
    list(User.objects.select_for_update(no_key=True).filter(pk=owner.pk).values_list("pk", flat=True))
    held = uploads_unused().filter(owner=owner).aggregate(files=Count("pk"), size=Sum("size"))
    hours = settings.UPLOAD_ORPHAN_HOURS
    if held["files"] >= settings.UPLOAD_PENDING_MAX_COUNT:
        raise QuotaExceeded(
            f"您已上传{held['files']}个尚未用于申请的文件，已达上限{settings.UPLOAD_PENDING_MAX_COUNT}个："
            f"请先在申请或草稿中使用已上传的文件；未使用的文件在上传{hours}小时后自动清理",
            field="file",
        )
    if (held["size"] or 0) + size > settings.UPLOAD_PENDING_MAX_MB * 1024 * 1024:
        raise QuotaExceeded(
            f"尚未用于申请的上传文件合计将超过{settings.UPLOAD_PENDING_MAX_MB}MB："
            f"请先在申请或草稿中使用已上传的文件；未使用的文件在上传{hours}小时后自动清理",
            field="file",
        )


def uploads_hold(chosen: Sequence[tuple[Material, Upload]]) -> None:
    """Inside the transaction that attaches these uploads to a case: lock their rows so the orphan cleanup
    skips them, and refuse (422) if the cleanup deleted one since it was read."""
    wanted = {u.pk for _, u in chosen}
    if not wanted:
        return
    held = set(
        Upload.objects.select_for_update(no_key=True).filter(pk__in=wanted).values_list("pk", flat=True)
    )
    if held != wanted:
        raise ValidationFailed("有上传文件长时间未使用已被清理，请重新上传", field="materials")


def uploads_orphans_delete(*, batch: int = 500) -> int:
    """Delete the uploads no case or draft uses that are older than UPLOAD_ORPHAN_HOURS: rows, then files.

    Set-based, a batch per transaction: one query picks and locks the candidates (SKIP LOCKED: an upload
    being attached right now is left for the next run), the delete repeats the unused condition, and only
    the files of rows actually deleted are removed, after their transaction committed. Returns how many."""
    cutoff = timezone.now() - timedelta(hours=settings.UPLOAD_ORPHAN_HOURS)
    deleted = 0
    while True:
        with transaction.atomic():
            rows = dict(
                uploads_unused()
                .select_for_update(skip_locked=True)
                .filter(created_at__lt=cutoff)
                .order_by("created_at", "pk")
                .values_list("pk", "path")[:batch]
            )
            if not rows:
                return deleted
            uploads_unused().filter(pk__in=list(rows)).delete()
            kept = set(Upload.objects.filter(pk__in=list(rows)).values_list("pk", flat=True))
        gone = [path for pk, path in rows.items() if pk not in kept]
        for path in gone:
            (settings.MEDIA_ROOT / path).unlink(missing_ok=True)
        deleted += len(gone)
        if len(rows) < batch or not gone:
            return deleted


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


def missing_materials(
    item: ServiceItem, provided: Iterable[Material], paperless: Iterable[int] = ()
) -> list[Material]:
    """Required materials not handed in: neither in ``provided`` (files, or a case's licence and shared-data
    materials) nor to come by themselves at submission (``paperless``: the plan's e-licences and shared data)."""
    have = {m.pk for m in provided} | set(paperless)
    return [m for m in item.materials.all() if m.requirement == Requirement.REQUIRED and m.pk not in have]


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
        uploads_hold([(material, upload)])
        CaseMaterial.objects.create(case=case, material=material, upload=upload)
        case.owed_materials = [g for g in case.owed_materials if g.get("material") != material_id]
        case.save(update_fields=["owed_materials", "updated_at"])
        event_write(
            case, user, "supply", case.status, case.status, channel, note=f"补交容缺材料：{material.name}"
        )
    return case
