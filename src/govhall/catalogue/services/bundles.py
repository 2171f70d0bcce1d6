"""Writes of bundles (一件事): drafts with their items and order, checks, publishing (which supersedes)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govhall.core.errors import Conflict, ValidationFailed
from govhall.core.models import field_label, text_lengths_check

from ..bundle_graph import Edge, GraphInvalid, check_graph, critical_path
from ..bundle_merge import fields_compatible
from ..form_schema import SHARED_FIELDS_SCHEMA, SHARED_MATERIALS_SCHEMA, validate_declaration
from ..forms import FormField, item_fields
from ..models import Bundle, BundleEdge, BundleItem, ItemStatus, OnFailure, ServiceItem

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,39}$")
MIN_ITEMS, MAX_ITEMS = 2, 30
_COPIED = [
    f.name
    for f in Bundle._meta.concrete_fields
    if f.name not in {"id", "version", "status", "published_at", "superseded_at", "created_at", "updated_at"}
]


@dataclass(frozen=True)
class BundleItemIn:
    item_code: str
    optional: bool = False
    condition: str = ""
    time_limit: int | None = None


@dataclass(frozen=True)
class BundleEdgeIn:
    before: str
    after: str
    on_failure: str = OnFailure.REFUSE


def bundle_assert_editable(bundle: Bundle) -> None:
    if bundle.status != ItemStatus.DRAFT:
        raise Conflict(
            f"一件事“{bundle.name}”第{bundle.version}版已{bundle.get_status_display()}，不可修改；请先创建新草稿",
            code="bundle_not_draft",
        )


def _check_own_fields(bundle: Bundle) -> None:
    text_lengths_check(bundle)
    for name in (
        "code",
        "name",
        "summary",
        "conditions",
        "results",
        "place",
        "office_hours",
        "consult_phone",
    ):
        if not str(getattr(bundle, name) or "").strip():
            raise ValidationFailed(f"请填写{field_label(Bundle, name)}", field=name)
    if not CODE.match(bundle.code):
        raise ValidationFailed("一件事编码只能由小写字母、数字和连字符组成（2到40位）", field="code")
    if not (isinstance(bundle.keywords, list) and all(isinstance(k, str) and k for k in bundle.keywords)):
        raise ValidationFailed("关键词应为文本列表", field="keywords")
    good_faqs = isinstance(bundle.faqs, list) and all(
        isinstance(f, dict) and isinstance(f.get("question"), str) and f.get("question")
        and isinstance(f.get("answer", ""), str)
        for f in bundle.faqs
    )  # fmt: skip
    if not good_faqs:
        raise ValidationFailed("常见问题应为列表，每项含 question、answer（文本）", field="faqs")
    validate_declaration(bundle.shared_fields, SHARED_FIELDS_SCHEMA, field="shared_fields")
    validate_declaration(bundle.shared_materials, SHARED_MATERIALS_SCHEMA, field="shared_materials")


def _published_items(codes: Sequence[str]) -> dict[str, ServiceItem]:
    found = (
        ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, implementation_code__in=codes)
        .select_related("department")
        .prefetch_related("materials")
    )
    return {i.implementation_code: i for i in found}


def item_form(item: ServiceItem) -> list[FormField]:
    """The item's application form as its guide shows it (the general form when it declares none)."""
    return item_fields(item.form_fields, for_enterprise=item.for_enterprise and not item.for_person)


def bundle_check(bundle: Bundle, items: Sequence[BundleItemIn], edges: Sequence[BundleEdgeIn]) -> None:
    """The invariants of a bundle before it is published: its own fields, items that exist and are published,
    an acyclic order, shared fields and materials that name what the items have, a promise the order allows."""
    _check_own_fields(bundle)
    codes = [i.item_code for i in items]
    if not MIN_ITEMS <= len(codes) <= MAX_ITEMS:
        raise ValidationFailed(f"一件事应包含{MIN_ITEMS}到{MAX_ITEMS}个事项", field="items")
    published = _published_items(codes)
    missing = [c for c in codes if c not in published]
    if missing:
        raise ValidationFailed(f"事项“{'、'.join(missing)}”不存在或尚未发布", field="items")
    names = {c: published[c].name for c in codes}
    try:
        check_graph(codes, [Edge(e.before, e.after, e.on_failure) for e in edges], names)
    except GraphInvalid as exc:
        raise ValidationFailed(str(exc), field="edges") from exc
    days = {}
    for entry in items:
        own = published[entry.item_code].promised_time_limit
        if entry.time_limit is not None and entry.time_limit > own:
            raise ValidationFailed(
                f"“{names[entry.item_code]}”在本一件事中的承诺时限（{entry.time_limit}个工作日）"
                f"不能长于其自身承诺办结时限（{own}个工作日）",
                field="items",
            )
        days[entry.item_code] = own if entry.time_limit is None else entry.time_limit
    _check_shared_fields(bundle.shared_fields, published, names)
    _check_shared_materials(bundle.shared_materials, published, names)
    total, path = critical_path(codes, [Edge(e.before, e.after) for e in edges], days)
    if total > bundle.promised_time_limit:
        chain = " → ".join(names[c] for c in path)
        raise ValidationFailed(
            f"承诺办结时限（{bundle.promised_time_limit}个工作日）短于按办理顺序的关键路径"
            f"（{chain}，共{total}个工作日）；请延长承诺时限或压缩事项在本件事中的时限",
            field="promised_time_limit",
        )


def _check_shared_fields(
    shared: Sequence[Mapping[str, Any]], published: Mapping[str, ServiceItem], names: Mapping[str, str]
) -> None:
    seen: set[str] = set()
    claimed: set[tuple[str, str]] = set()
    for entry in shared:
        label = entry["label"]
        if entry["name"] in seen:
            raise ValidationFailed(f"共用表单字段名“{entry['name']}”重复", field="shared_fields")
        seen.add(entry["name"])
        declared = FormField.from_dict(entry)
        for code, field_name in entry["items"].items():
            if code not in published:
                raise ValidationFailed(
                    f"共用表单字段“{label}”对应的事项“{code}”不在本一件事中", field="shared_fields"
                )
            fields = {f.name: f for f in item_form(published[code])}
            target = fields.get(field_name)
            if target is None:
                raise ValidationFailed(
                    f"共用表单字段“{label}”：事项“{names[code]}”的申请表没有字段“{field_name}”",
                    field="shared_fields",
                )
            if (code, field_name) in claimed:
                raise ValidationFailed(
                    f"事项“{names[code]}”的字段“{target.label}”被多个共用表单字段对应", field="shared_fields"
                )
            claimed.add((code, field_name))
            if "type" in entry and not fields_compatible(declared, target):
                raise ValidationFailed(
                    f"共用表单字段“{label}”的类型与事项“{names[code]}”的字段“{target.label}”"
                    f"（{target.type}）不一致",
                    field="shared_fields",
                )


def _check_shared_materials(
    shared: Sequence[Mapping[str, Any]], published: Mapping[str, ServiceItem], names: Mapping[str, str]
) -> None:
    claimed: set[tuple[str, str]] = set()
    for entry in shared:
        sources = set()
        for code, material_name in entry["items"].items():
            if code not in published:
                raise ValidationFailed(
                    f"共用申请材料“{entry['name']}”对应的事项“{code}”不在本一件事中", field="shared_materials"
                )
            material = next((m for m in published[code].materials.all() if m.name == material_name), None)
            if material is None:
                raise ValidationFailed(
                    f"共用申请材料“{entry['name']}”：事项“{names[code]}”没有材料“{material_name}”",
                    field="shared_materials",
                )
            if (code, material_name) in claimed:
                raise ValidationFailed(
                    f"事项“{names[code]}”的材料“{material_name}”被多个共用申请材料对应",
                    field="shared_materials",
                )
            claimed.add((code, material_name))
            sources.add((material.source, material.source_ref if material.source != "applicant" else ""))
        if len(sources) > 1:
            raise ValidationFailed(
                f"共用申请材料“{entry['name']}”在各事项中的来源不一致（如一处为电子证照、一处为申请人上传），不能合并",
                field="shared_materials",
            )


def _items_in(bundle: Bundle) -> list[BundleItemIn]:
    return [
        BundleItemIn(i.item_code, i.optional, i.condition, i.time_limit)
        for i in bundle.bundle_items.order_by("position", "id")
    ]


def _edges_in(bundle: Bundle) -> list[BundleEdgeIn]:
    return [BundleEdgeIn(e.before, e.after, e.on_failure) for e in bundle.edges.order_by("id")]


@transaction.atomic
def bundle_draft_save(
    bundle: Bundle,
    *,
    items: Sequence[BundleItemIn] | None = None,
    edges: Sequence[BundleEdgeIn] | None = None,
    version: int | None = None,
) -> Bundle:
    """Save a draft and, when given, replace its items and order. A new draft gets the next version number
    (or ``version``, as an import names it). Only the bundle's own fields are checked here (a draft may be
    incomplete); publishing checks everything."""
    if bundle.pk:
        stored = Bundle.objects.filter(pk=bundle.pk).values_list("status", flat=True).first()
        if stored and stored != ItemStatus.DRAFT:
            raise Conflict("已发布或已废止的版本不可修改；请先创建新草稿", code="bundle_not_draft")
    elif version is not None:
        bundle.version = version
    else:
        latest = Bundle.objects.filter(code=bundle.code).order_by("-version").first()
        bundle.version = latest.version + 1 if latest else 1
    bundle.status = ItemStatus.DRAFT
    _check_own_fields(bundle)
    try:
        with transaction.atomic():
            bundle.save()
    except IntegrityError as exc:
        raise Conflict("该一件事已有未发布的草稿", code="draft_exists") from exc
    if items is not None:
        bundle.bundle_items.all().delete()
        BundleItem.objects.bulk_create(
            [
                BundleItem(
                    bundle=bundle, position=n, item_code=i.item_code, optional=i.optional,
                    condition=i.condition, time_limit=i.time_limit,
                )
                for n, i in enumerate(items)
            ]
        )  # fmt: skip
        for row in bundle.bundle_items.all():
            text_lengths_check(row)
    if edges is not None:
        bundle.edges.all().delete()
        BundleEdge.objects.bulk_create(
            [
                BundleEdge(bundle=bundle, before=e.before, after=e.after, on_failure=e.on_failure)
                for e in edges
            ]
        )
    return bundle


@transaction.atomic
def bundle_publish(bundle: Bundle) -> Bundle:
    """Publish a draft: checked whole, it becomes immutable and is found by search; the version it replaces
    is superseded."""
    bundle = Bundle.objects.select_for_update().get(pk=bundle.pk)
    bundle_assert_editable(bundle)
    bundle_check(bundle, _items_in(bundle), _edges_in(bundle))
    now = timezone.now()
    previous = list(Bundle.objects.select_for_update().filter(code=bundle.code, status=ItemStatus.PUBLISHED))
    for old in previous:
        Bundle.objects.filter(pk=old.pk).update(status=ItemStatus.SUPERSEDED, superseded_at=now)
    if previous:
        bundle.popularity = max(bundle.popularity, *(old.popularity for old in previous))
    bundle.status, bundle.published_at = ItemStatus.PUBLISHED, now
    bundle.save(update_fields=["status", "published_at", "popularity", "updated_at"])
    return bundle


@transaction.atomic
def bundle_draft_create_from(bundle: Bundle) -> Bundle:
    """A new draft version copying an existing version with its themes, items and order."""
    if Bundle.objects.filter(code=bundle.code, status=ItemStatus.DRAFT).exists():
        raise Conflict("该一件事已有未发布的草稿，请先编辑或发布该草稿", code="draft_exists")
    draft = Bundle(**{name: getattr(bundle, name) for name in _COPIED})
    draft = bundle_draft_save(draft, items=_items_in(bundle), edges=_edges_in(bundle))
    draft.themes.set(bundle.themes.all())
    return draft
