"""Writes of the catalogue: drafts, publishing (which supersedes and re-indexes), themes and synonyms."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govhall.core.errors import Conflict, PermissionDenied, ValidationFailed
from govhall.core.models import field_label, text_lengths_check
from govhall.core.text import index_text
from govhall.identity.models import Department

from ..form_schema import FORM_FIELDS_SCHEMA, validate_declaration
from ..forms import FormField
from ..models import CaseKind, ItemSearchDocument, ItemStatus, Material, ServiceItem
from ..processes import ProcessInvalid, item_process, validate_process

_COPIED_FIELDS = [
    f.name
    for f in ServiceItem._meta.concrete_fields
    if f.name not in {"id", "version", "status", "published_at", "superseded_at", "created_at", "updated_at"}
]
_MATERIAL_FIELDS = [f.name for f in Material._meta.concrete_fields if f.name not in {"id", "item"}]


def item_assert_editable(item: ServiceItem) -> None:
    if item.status != ItemStatus.DRAFT:
        raise Conflict(
            f"事项“{item.name}”第{item.version}版已{item.get_status_display()}，不可修改；请先创建新草稿",
            field=None,
            code="item_not_draft",
        )


_JSON_SHAPES = {
    "process_steps": ("办理流程", ("name", "description")),
    "faqs": ("常见问题", ("question", "answer")),
    "special_procedures": ("特别程序", ("name", "time_limit")),
}


def _check_json_shapes(item: ServiceItem) -> None:
    for name, (label, keys) in _JSON_SHAPES.items():
        value = getattr(item, name)
        good = isinstance(value, list) and all(
            isinstance(entry, dict)
            and all(isinstance(entry.get(k, ""), str) for k in keys)
            and entry.get(keys[0])
            for entry in value
        )
        if not good:
            raise ValidationFailed(f"{label}应为列表，每项含 {'、'.join(keys)}（文本）", field=name)
    for name, label in (("keywords", "关键词"), ("joint_departments", "联办部门")):
        value = getattr(item, name)
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ValidationFailed(f"{label}应为文本列表", field=name)
    if not isinstance(item.form_fields, list):
        raise ValidationFailed("申请表字段应为列表", field="form_fields")
    validate_declaration(item.form_fields, FORM_FIELDS_SCHEMA, field="form_fields")
    names = [FormField.from_dict(entry).name for entry in item.form_fields]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValidationFailed(f"申请表字段名“{'、'.join(repeated)}”重复", field="form_fields")
    try:
        validate_process(item_process(item), promised_days=item.promised_time_limit or 0)
    except ProcessInvalid as exc:
        raise ValidationFailed(str(exc), field="process") from exc


def item_check(item: ServiceItem) -> None:
    """The invariants an item must meet before it is saved or published."""
    text_lengths_check(item)
    _check_json_shapes(item)
    if item.promised_time_limit > item.legal_time_limit:
        raise ValidationFailed("承诺办结时限不能超过法定办结时限", field="promised_time_limit")
    if not (item.for_person or item.for_enterprise):
        raise ValidationFailed("请至少选择一个服务对象（个人或法人）", field="audiences")
    if item.online_depth not in (1, 2, 3, 4):
        raise ValidationFailed("网上办理深度应为1到4级", field="online_depth")
    if item.case_kind == CaseKind.JOINT and not item.joint_departments:
        raise ValidationFailed("联办件须指定至少一个联办部门", field="joint_departments")
    if item.case_kind == CaseKind.ESCALATED and item.escalation_department_id is None:
        raise ValidationFailed("上报件须指定作出决定的上级部门", field="escalation_department")
    unknown = set(item.joint_departments) - set(
        Department.objects.filter(code__in=item.joint_departments).values_list("code", flat=True)
    )
    if unknown:
        raise ValidationFailed(f"联办部门“{'、'.join(sorted(unknown))}”不存在", field="joint_departments")
    for name in ("name", "legal_basis", "conditions", "implementation_code", "basic_code"):
        if not str(getattr(item, name) or "").strip():
            label = field_label(ServiceItem, name)
            raise ValidationFailed(f"请填写{label}", field=name)


@transaction.atomic
def item_draft_create_from(item: ServiceItem) -> ServiceItem:
    """A new draft version copying an existing version with its themes and materials."""
    if ServiceItem.objects.filter(
        implementation_code=item.implementation_code, status=ItemStatus.DRAFT
    ).exists():
        raise Conflict("该事项已有未发布的草稿，请先编辑或发布该草稿", code="draft_exists")
    latest = (
        ServiceItem.objects.filter(implementation_code=item.implementation_code).order_by("-version").first()
    )
    draft = ServiceItem(**{name: getattr(item, name) for name in _COPIED_FIELDS})
    draft.version = (latest.version if latest else 0) + 1
    draft.status = ItemStatus.DRAFT
    try:
        with transaction.atomic():
            draft.save()
    except IntegrityError as exc:
        raise Conflict("该事项已有未发布的草稿", code="draft_exists") from exc
    draft.themes.set(item.themes.all())
    Material.objects.bulk_create(
        [Material(item=draft, **{n: getattr(m, n) for n in _MATERIAL_FIELDS}) for m in item.materials.all()]
    )
    return draft


@transaction.atomic
def item_publish(item: ServiceItem) -> ServiceItem:
    """Publish a draft: it becomes immutable and searchable; the version it replaces is superseded."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    item_assert_editable(item)
    item_check(item)
    now = timezone.now()
    previous = list(
        ServiceItem.objects.select_for_update().filter(
            implementation_code=item.implementation_code, status=ItemStatus.PUBLISHED
        )
    )
    for old in previous:
        ServiceItem.objects.filter(pk=old.pk).update(status=ItemStatus.SUPERSEDED, superseded_at=now)
        ItemSearchDocument.objects.filter(item=old).delete()
    if previous:
        item.popularity = max(item.popularity, *(old.popularity for old in previous))
    item.status, item.published_at = ItemStatus.PUBLISHED, now
    item.save(update_fields=["status", "published_at", "popularity", "updated_at"])
    item_index(item)
    return item


def item_index(item: ServiceItem) -> None:
    """(Re)write the search document of a published item."""
    ItemSearchDocument.objects.update_or_create(item=item, defaults=search_terms(item))


def search_terms(item: ServiceItem) -> dict[str, Any]:
    materials = list(item.materials.all())
    body = "\n".join(
        [
            item.conditions,
            item.legal_basis,
            item.result_name,
            item.department.name,
            item.get_item_type_display(),
            *(step.get("name", "") + " " + step.get("description", "") for step in item.process_steps),
            *(m.name + " " + m.source_ref for m in materials),
            *(faq.get("question", "") for faq in item.faqs),
        ]
    )
    themes = " ".join(t.name for t in item.themes.all())
    return {
        "name_terms": index_text(item.name),
        "keyword_terms": index_text(" ".join([*item.keywords, themes])),
        "body_terms": index_text(body),
    }


def catalogue_reindex() -> int:
    """Rebuild every published item's search document (after a change of segmentation)."""
    count = 0
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related("department")
    for item in items.prefetch_related("materials", "themes").iterator(chunk_size=500):
        item_index(item)
        count += 1
    return count


def item_draft_save(item: ServiceItem, *, editor: Any = None) -> ServiceItem:
    """Save changes to a draft; a published or superseded version never changes. An editor may only
    save items of departments they manage, and never a version of another department's item."""
    if editor is not None:
        from ..selectors import departments_manageable_by

        if not departments_manageable_by(editor).filter(pk=item.department_id).exists():
            raise PermissionDenied("您只能编辑本部门（或本区划）的事项", field="department")
        owners = set(
            ServiceItem.objects.filter(implementation_code=item.implementation_code)
            .exclude(pk=item.pk)
            .values_list("department_id", flat=True)
        )
        if owners - {item.department_id}:
            raise PermissionDenied(
                "该实施编码属于其他部门的事项，不能以本部门名义新建版本", field="implementation_code"
            )
    if item.pk:
        stored = ServiceItem.objects.filter(pk=item.pk).values_list("status", flat=True).first()
        if stored and stored != ItemStatus.DRAFT:
            raise Conflict("已发布或已废止的版本不可修改；请先创建新草稿", code="item_not_draft")
    item.status = ItemStatus.DRAFT
    item_check(item)
    item.save()
    return item
