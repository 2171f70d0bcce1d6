"""Import and export of the whole catalogue as JSON or as an Excel workbook (docs/catalogue-format.md).

Export is a read; import goes through the services, in one transaction: a file with an error changes nothing.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from openpyxl import Workbook, load_workbook

from govhall.core.errors import ValidationFailed
from govhall.core.models import field_label, text_lengths_check
from govhall.identity.models import Department, Region

from .models import Bundle, ItemStatus, Material, ServiceItem, Synonym, Theme
from .services import BundleEdgeIn, BundleItemIn, bundle_draft_save, bundle_publish, item_check, item_publish

FORMAT = "govhall-catalogue"
FORMAT_VERSION = 1

ITEM_KEYS = [
    "implementation_code", "basic_code", "version", "status", "name", "item_type", "department", "level", "region",
    "audiences", "themes", "case_kind", "legal_time_limit", "promised_time_limit", "special_procedures",
    "fee_charged", "fee_standard", "fee_basis", "visits", "online_depth", "tag_immediate", "tag_online",
    "tag_one_visit", "tag_nearby", "regionwide", "legal_basis", "conditions", "process_steps", "result_name",
    "result_type", "place", "office_hours", "consult_phone", "complaint_phone", "keywords", "faqs", "popularity",
    "form_fields", "process", "joint_departments", "commitment_allowed", "escalation_department",
]  # fmt: skip
MATERIAL_KEYS = [
    "name", "requirement", "condition", "form", "copies", "medium", "source", "source_ref", "sample",
    "common_mistakes", "legal_basis", "notes", "tolerable",
]  # fmt: skip
_PLAIN_ITEM_FIELDS = [
    k
    for k in ITEM_KEYS
    if k not in {"department", "region", "audiences", "themes", "status", "version", "escalation_department"}
]
_JSON_COLUMNS = {
    "audiences", "themes", "special_procedures", "process_steps", "keywords", "faqs", "synonyms", "form_fields",
    "joint_departments", "items", "edges", "shared_fields", "shared_materials",
}  # fmt: skip
BUNDLE_KEYS = [
    "code", "version", "status", "name", "summary", "conditions", "audience", "region", "lead_department", "themes",
    "promised_time_limit", "results", "legal_basis", "place", "office_hours", "consult_phone", "complaint_phone",
    "keywords", "faqs", "popularity", "shared_fields", "shared_materials", "items", "edges",
]  # fmt: skip
_PLAIN_BUNDLE_FIELDS = [
    "name", "summary", "conditions", "audience", "promised_time_limit", "results", "legal_basis", "place",
    "office_hours", "consult_phone", "complaint_phone", "keywords", "faqs", "popularity", "shared_fields",
    "shared_materials",
]  # fmt: skip


# ---- export -------------------------------------------------------------------------------------------


def item_to_dict(item: ServiceItem) -> dict[str, Any]:
    data: dict[str, Any] = {k: getattr(item, k) for k in _PLAIN_ITEM_FIELDS}
    data.update(
        version=item.version,
        status=item.status,
        department=item.department.code,
        region=item.region_id,
        audiences=item.audiences,
        escalation_department=item.escalation_department.code if item.escalation_department else "",
        themes=sorted(t.code for t in item.themes.all()),
        materials=[{k: getattr(m, k) for k in MATERIAL_KEYS} for m in item.materials.all()],
    )
    return {k: data[k] for k in [*ITEM_KEYS, "materials"]}


def catalogue_as_dict() -> dict[str, Any]:
    items = (
        ServiceItem.objects.select_related("department", "escalation_department")
        .prefetch_related("themes", "materials")
        .order_by("implementation_code", "version")
    )
    bundles = (
        Bundle.objects.select_related("lead_department")
        .prefetch_related("themes", "bundle_items", "edges")
        .order_by("code", "version")
    )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "themes": list(
            Theme.objects.order_by("audience", "order", "code").values("code", "name", "audience", "order")
        ),
        "synonyms": list(Synonym.objects.order_by("term").values("term", "synonyms")),
        "items": [item_to_dict(i) for i in items],
        "bundles": [bundle_to_dict(b) for b in bundles],
    }


def bundle_to_dict(bundle: Bundle) -> dict[str, Any]:
    data: dict[str, Any] = {k: getattr(bundle, k) for k in _PLAIN_BUNDLE_FIELDS}
    data.update(
        code=bundle.code,
        version=bundle.version,
        status=bundle.status,
        region=bundle.region_id,
        lead_department=bundle.lead_department.code,
        themes=sorted(t.code for t in bundle.themes.all()),
        items=[
            {
                "item": i.item_code,
                "optional": i.optional,
                "condition": i.condition,
                "time_limit": i.time_limit,
            }
            for i in bundle.bundle_items.all()
        ],
        edges=[
            {"before": e.before, "after": e.after, "on_failure": e.on_failure} for e in bundle.edges.all()
        ],
    )
    return {k: data[k] for k in BUNDLE_KEYS}


def catalogue_export_json() -> bytes:
    return json.dumps(catalogue_as_dict(), ensure_ascii=False, indent=1).encode()


def catalogue_export_xlsx() -> bytes:
    data = catalogue_as_dict()
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    _sheet(book, "主题", ["code", "name", "audience", "order"], data["themes"])
    _sheet(book, "同义词", ["term", "synonyms"], data["synonyms"])
    _sheet(book, "事项", ITEM_KEYS, data["items"])
    materials = [
        {"implementation_code": i["implementation_code"], "version": i["version"], "position": n, **m}
        for i in data["items"]
        for n, m in enumerate(i["materials"])
    ]
    _sheet(book, "申请材料", ["implementation_code", "version", "position", *MATERIAL_KEYS], materials)
    _sheet(book, "一件事", BUNDLE_KEYS, data["bundles"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet(book: Workbook, title: str, keys: list[str], rows: Iterable[dict[str, Any]]) -> None:
    sheet = book.create_sheet(title)
    sheet.append(keys)
    for row in rows:
        sheet.append([_cell(k, row.get(k)) for k in keys])


def _cell(key: str, value: Any) -> Any:
    if key in _JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False)
    return value


# ---- import -------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    themes: int = 0
    synonyms: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    bundles: int = 0
    errors: list[str] = field(default_factory=list)


def catalogue_import_json(raw: bytes | str) -> ImportReport:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(f"文件不是有效的JSON：{exc}", field="file") from exc
    return catalogue_import(data)


def catalogue_import_xlsx(raw: bytes) -> ImportReport:
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationFailed("文件不是有效的Excel工作簿（.xlsx）", field="file") from exc
    try:
        sheets = {name: _rows(book[name]) for name in book.sheetnames}
    except ValueError as exc:
        raise ValidationFailed(f"工作簿中有无法解析的单元格：{exc}", field="file") from exc
    for required in ("事项", "申请材料"):
        if required not in sheets:
            raise ValidationFailed(f"工作簿缺少工作表“{required}”", field="file")
    try:
        items = _join_materials(sheets["事项"], sheets["申请材料"])
    except _BAD_DATA as exc:
        raise ValidationFailed(f"工作簿的事项或申请材料数据有误：{exc}", field="file") from exc
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "themes": sheets.get("主题", []),
        "synonyms": sheets.get("同义词", []),
        "items": items,
        "bundles": sheets.get("一件事", []),
    }
    return catalogue_import(data)


def _join_materials(
    item_rows: list[dict[str, Any]], material_rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    materials: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in sorted(material_rows, key=lambda r: int(r.get("position") or 0)):
        key = (str(row.pop("implementation_code")), int(row.pop("version")))
        row.pop("position", None)
        materials.setdefault(key, []).append(row)
    for row in item_rows:
        row["materials"] = materials.get((str(row["implementation_code"]), int(row["version"])), [])
    return item_rows


def _rows(sheet: Any) -> list[dict[str, Any]]:
    rows = sheet.iter_rows(values_only=True)
    keys = [str(k) for k in next(rows, ()) if k is not None]
    out = []
    for values in rows:
        if values is None or all(v is None for v in values):
            continue
        row = {}
        for key, value in zip(keys, values, strict=False):
            if key in _JSON_COLUMNS:
                value = json.loads(value) if value not in (None, "") else []
            row[key] = "" if value is None else value
        out.append(row)
    return out


_BAD_DATA = (KeyError, TypeError, ValueError, AttributeError, OverflowError, DjangoValidationError)


@transaction.atomic
def catalogue_import(data: dict[str, Any]) -> ImportReport:
    """Load themes, synonyms and items. Existing published versions are immutable: identical ones are
    skipped, a changed one is an error (publish a new version instead). Drafts are overwritten.
    Any error rolls the whole file back."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValidationFailed("文件格式不正确：缺少 format=govhall-catalogue", field="file")
    report = ImportReport()
    try:
        _import_themes_and_synonyms(data, report)
    except _BAD_DATA as exc:
        raise ValidationFailed(f"主题或同义词数据不完整或类型错误：{exc}", field="themes") from exc
    context = _ImportContext()
    for number, raw in enumerate(data.get("items") or [], start=1):
        name = raw.get("name", "") if isinstance(raw, dict) else ""
        try:
            with transaction.atomic():
                _import_item(raw, context, report)
        except ValidationFailed as exc:
            raise ValidationFailed(f"第{number}个事项（{name}）：{exc.message}", field=exc.field) from exc
        except (*_BAD_DATA, IntegrityError) as exc:
            raise ValidationFailed(
                f"第{number}个事项（{name}）数据不完整或类型错误：{exc}", field="items"
            ) from exc
    for number, raw in enumerate(data.get("bundles") or [], start=1):
        name = raw.get("name", "") if isinstance(raw, dict) else ""
        try:
            with transaction.atomic():
                _import_bundle(raw, context, report)
        except ValidationFailed as exc:
            raise ValidationFailed(f"第{number}个一件事（{name}）：{exc.message}", field=exc.field) from exc
        except (*_BAD_DATA, IntegrityError) as exc:
            raise ValidationFailed(
                f"第{number}个一件事（{name}）数据不完整或类型错误：{exc}", field="bundles"
            ) from exc
    return report


def _bundle_parts(raw: dict[str, Any]) -> tuple[list[BundleItemIn], list[BundleEdgeIn]]:
    items = [
        BundleItemIn(
            item_code=str(i["item"]),
            optional=_flag(i.get("optional")),
            condition=str(i.get("condition") or ""),
            time_limit=None if i.get("time_limit") in (None, "") else int(i["time_limit"]),
        )
        for i in raw.get("items") or []
    ]
    edges = [
        BundleEdgeIn(str(e["before"]), str(e["after"]), str(e.get("on_failure") or "refuse"))
        for e in raw.get("edges") or []
    ]
    return items, edges


def _bundle_references(raw: dict[str, Any], ctx: _ImportContext) -> Department:
    """The lead department a bundle names, after checking its region and themes exist."""
    lead = ctx.departments.get(raw["lead_department"])
    if lead is None:
        raise ValidationFailed(f"牵头部门“{raw['lead_department']}”不存在", field="lead_department")
    if str(raw["region"]) not in ctx.regions:
        raise ValidationFailed(f"行政区划“{raw['region']}”不存在", field="region")
    unknown = [t for t in raw.get("themes") or [] if t not in ctx.themes]
    if unknown:
        raise ValidationFailed(f"主题“{'、'.join(unknown)}”不存在", field="themes")
    return lead


def _import_bundle(raw: dict[str, Any], ctx: _ImportContext, report: ImportReport) -> None:
    """One bundle version, like an item: a published version is immutable (identical: skipped), a draft is
    overwritten, and a published one is checked whole by publishing it."""
    if not isinstance(raw, dict):
        raise TypeError("一件事应为对象")
    code, version = str(raw["code"]), int(raw.get("version") or 1)
    status = raw.get("status") or ItemStatus.PUBLISHED
    if status not in ItemStatus.values:
        raise ValidationFailed(f"状态“{status}”无效", field="status")
    lead = _bundle_references(raw, ctx)
    items, edges = _bundle_parts(raw)
    existing = Bundle.objects.filter(code=code, version=version).first()
    if existing is not None and existing.status != ItemStatus.DRAFT:
        incoming = {k: raw.get(k) for k in BUNDLE_KEYS if k not in ("status", "popularity")}
        stored = {k: v for k, v in bundle_to_dict(existing).items() if k in incoming}
        if _bundle_content(stored) != _bundle_content(incoming):
            raise ValidationFailed(
                f"一件事{code}第{version}版已发布，内容不可修改；请以新版本号导入", field="version"
            )
        report.unchanged += 1
        return
    bundle = existing or Bundle(code=code)
    for k in _PLAIN_BUNDLE_FIELDS:
        if k in raw:
            setattr(bundle, k, raw[k])
    bundle.lead_department, bundle.region_id = lead, str(raw["region"])
    try:
        bundle.full_clean(
            exclude=["lead_department", "region", "themes"], validate_unique=False, validate_constraints=False
        )
    except DjangoValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        label = field_label(Bundle, name) if name != "__all__" else "一件事"
        raise ValidationFailed(f"{label}：{'；'.join(messages)}", field=name) from exc
    bundle = bundle_draft_save(bundle, items=items, edges=edges, version=version)
    bundle.themes.set([ctx.themes[t] for t in raw.get("themes") or []])
    report.bundles += 1
    if status == ItemStatus.PUBLISHED:
        bundle_publish(bundle)
    elif status == ItemStatus.SUPERSEDED:
        Bundle.objects.filter(pk=bundle.pk).update(status=ItemStatus.SUPERSEDED)


def _bundle_content(data: dict[str, Any]) -> dict[str, Any]:
    """A bundle's content as compared on import: items with their defaults filled in."""
    out = dict(data)
    out["version"] = int(out.get("version") or 1)
    out["region"] = str(out.get("region"))
    out["themes"] = sorted(out.get("themes") or [])
    out["items"] = [
        {
            "item": str(i["item"]),
            "optional": _flag(i.get("optional")),
            "condition": str(i.get("condition") or ""),
            "time_limit": None if i.get("time_limit") in (None, "") else int(i["time_limit"]),
        }
        for i in out.get("items") or []
    ]
    out["edges"] = [
        {
            "before": str(e["before"]),
            "after": str(e["after"]),
            "on_failure": str(e.get("on_failure") or "refuse"),
        }
        for e in out.get("edges") or []
    ]
    for key in ("keywords", "faqs", "shared_fields", "shared_materials"):
        out[key] = out.get(key) or []
    return out


def _import_themes_and_synonyms(data: dict[str, Any], report: ImportReport) -> None:
    for theme in data.get("themes") or []:
        values = {
            "name": str(theme["name"]),
            "audience": str(theme["audience"]),
            "order": int(theme["order"]),
        }
        Theme(code=str(theme["code"]), **values).full_clean(validate_unique=False)
        Theme.objects.update_or_create(code=theme["code"], defaults=values)
        report.themes += 1
    for entry in data.get("synonyms") or []:
        words = entry["synonyms"]
        if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() for w in words):
            raise ValueError(f"同义词“{entry.get('term')}”的对应规范词应为文本列表")
        Synonym.objects.update_or_create(term=str(entry["term"])[:50], defaults={"synonyms": words})
        report.synonyms += 1


class _ImportContext:
    def __init__(self) -> None:
        self.departments = {d.code: d for d in Department.objects.all()}
        self.regions = set(Region.objects.values_list("code", flat=True))
        self.themes = {t.code: t for t in Theme.objects.all()}


def _import_item(raw: dict[str, Any], ctx: _ImportContext, report: ImportReport) -> None:
    code, version = str(raw["implementation_code"]), int(raw.get("version") or 1)
    status = raw.get("status") or ItemStatus.PUBLISHED
    if status not in ItemStatus.values:
        raise ValidationFailed(f"状态“{status}”无效", field="status")
    incoming = _build_item(raw, ctx)
    existing = ServiceItem.objects.filter(implementation_code=code, version=version).first()
    if existing is not None and existing.status != ItemStatus.DRAFT:
        if _content(item_to_dict(existing)) != _content(item_to_dict_unsaved(incoming, raw)):
            raise ValidationFailed(
                f"实施编码{code}第{version}版已发布，内容不可修改；请以新版本号导入", field="version"
            )
        report.unchanged += 1
        return
    if existing is not None:
        incoming.pk, incoming.created_at = existing.pk, existing.created_at
        existing.materials.all().delete()
        report.updated += 1
    else:
        report.created += 1
    incoming.version, incoming.status = version, ItemStatus.DRAFT
    materials = [
        Material(item=incoming, position=n, **_material(m)) for n, m in enumerate(raw.get("materials") or [])
    ]
    for row in [incoming, *materials]:
        text_lengths_check(row)
    incoming.save()
    incoming.themes.set([ctx.themes[t] for t in raw.get("themes") or []])
    Material.objects.bulk_create(materials)
    if status == ItemStatus.PUBLISHED:
        item_publish(incoming)
    elif status == ItemStatus.SUPERSEDED:
        ServiceItem.objects.filter(pk=incoming.pk).update(status=ItemStatus.SUPERSEDED)


def _build_item(raw: dict[str, Any], ctx: _ImportContext) -> ServiceItem:
    department = ctx.departments.get(raw["department"])
    if department is None:
        raise ValidationFailed(f"部门“{raw['department']}”不存在", field="department")
    if str(raw["region"]) not in ctx.regions:
        raise ValidationFailed(f"行政区划“{raw['region']}”不存在", field="region")
    escalation = raw.get("escalation_department") or ""
    if escalation and escalation not in ctx.departments:
        raise ValidationFailed(f"上级决定部门“{escalation}”不存在", field="escalation_department")
    unknown_joint = [d for d in raw.get("joint_departments") or [] if d not in ctx.departments]
    if unknown_joint:
        raise ValidationFailed(f"联办部门“{'、'.join(unknown_joint)}”不存在", field="joint_departments")
    unknown = [t for t in raw.get("themes") or [] if t not in ctx.themes]
    if unknown:
        raise ValidationFailed(f"主题“{'、'.join(unknown)}”不存在", field="themes")
    item = ServiceItem(
        **{k: raw[k] for k in _PLAIN_ITEM_FIELDS if k in raw},
        department=department,
        escalation_department=ctx.departments.get(escalation),
        region_id=str(raw["region"]),
        for_person="person" in raw["audiences"],
        for_enterprise="enterprise" in raw["audiences"],
    )
    for name in (
        "fee_charged", "tag_immediate", "tag_online", "tag_one_visit", "tag_nearby", "regionwide", "commitment_allowed",
    ):  # fmt: skip
        setattr(item, name, bool(getattr(item, name)))
    try:
        item.full_clean(
            exclude=["department", "region", "themes"], validate_unique=False, validate_constraints=False
        )
    except DjangoValidationError as exc:
        name, messages = next(iter(exc.message_dict.items()))
        label = field_label(ServiceItem, name) if name != "__all__" else "事项"
        raise ValidationFailed(f"{label}：{'；'.join(messages)}", field=name) from exc
    item_check(item)
    return item


def item_to_dict_unsaved(item: ServiceItem, raw: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {k: getattr(item, k) for k in _PLAIN_ITEM_FIELDS}
    data.update(
        version=int(raw.get("version") or 1),
        department=item.department.code,
        region=item.region_id,
        audiences=item.audiences,
        escalation_department=item.escalation_department.code if item.escalation_department else "",
        themes=sorted(raw.get("themes") or []),
        materials=[_material(m) for m in raw.get("materials") or []],
    )
    return {k: data.get(k) for k in [*ITEM_KEYS, "materials"]}


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """What an item says, without its lifecycle and usage figures."""
    return {k: v for k, v in data.items() if k not in ("status", "popularity")}


def _material(raw: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise TypeError("申请材料应为对象")
    values = {k: raw.get(k, "" if k not in ("copies",) else 1) for k in MATERIAL_KEYS}
    values["tolerable"] = _flag(raw.get("tolerable"))
    return values


def _flag(value: Any) -> bool:
    """A yes/no cell: JSON true, a spreadsheet's TRUE or 1, or 是."""
    return value is True or str(value or "").strip().lower() in {"1", "true", "yes", "是"}
