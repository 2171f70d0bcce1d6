"""Catalogue API schemas: the search answer, the guide (with its materials and application form), themes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from govhall.identity.models import Department
from govhall.identity.schemas import DepartmentRef

from .bundle_merge import MergedField, MergedMaterial
from .forms import FormField, item_fields
from .models import Bundle, Material, ServiceItem, Theme
from .selectors import BundleGuide, GuideItem


class SearchParams(Schema):
    q: str = ""
    audience: str | None = None
    theme: str | None = None
    department: str | None = None
    region: str | None = None
    page: int = 1
    page_size: int = 20


class ItemSummary(Schema):
    implementation_code: str
    basic_code: str
    name: str
    version: int
    item_type: str
    item_type_label: str
    department: str
    department_code: str
    region: str
    audiences: list[str]
    case_kind: str
    case_kind_label: str
    legal_time_limit: int
    promised_time_limit: int
    visits: int
    online_depth: int

    @staticmethod
    def fields_of(item: ServiceItem) -> dict[str, Any]:
        return {
            "implementation_code": item.implementation_code,
            "basic_code": item.basic_code,
            "name": item.name,
            "version": item.version,
            "item_type": item.item_type,
            "item_type_label": item.get_item_type_display(),
            "department": item.department.name,
            "department_code": item.department.code,
            "region": item.region_id,
            "audiences": item.audiences,
            "case_kind": item.case_kind,
            "case_kind_label": item.get_case_kind_display(),
            "legal_time_limit": item.legal_time_limit,
            "promised_time_limit": item.promised_time_limit,
            "visits": item.visits,
            "online_depth": item.online_depth,
        }

    @classmethod
    def of(cls, item: ServiceItem) -> ItemSummary:
        return cls(**cls.fields_of(item))


class ItemPage(Schema):
    count: int
    page: int
    page_size: int
    items: list[ItemSummary]


class MaterialOut(Schema):
    id: int
    name: str
    requirement: str
    condition: str
    form: str
    copies: int
    medium: str
    source: str
    source_ref: str
    sample: str
    common_mistakes: str
    legal_basis: str
    notes: str
    tolerable: bool = Field(description="可容缺：列入容缺受理清单，可先行受理、限期补交")

    @classmethod
    def of(cls, m: Material) -> MaterialOut:
        return cls(**{name: getattr(m, name) for name in cls.model_fields})


class FormFieldOut(Schema):
    """One field of the application form, as a client draws it."""

    name: str
    label: str
    type: str = Field(description="text, textarea, number, date, select, boolean, phone, id_number, uscc")
    required: bool
    options: list[str] = Field(description="select 的可选值")
    help: str = Field(description="填写说明")
    prefill: str = Field(
        description="预填来源，如 applicant.name、enterprise.uscc，或申请人电子证照的照面项 licence.<证照类型代码>.<照面项>；为空则不预填"
    )

    @classmethod
    def of(cls, f: FormField) -> FormFieldOut:
        return cls(
            name=f.name,
            label=f.label,
            type=f.type,
            required=f.required,
            options=list(f.options),
            help=f.help,
            prefill=f.prefill,
        )


class ItemGuide(ItemSummary):
    status: str
    published_at: dt.datetime | None
    level: str
    themes: list[str]
    special_procedures: list[dict[str, Any]]
    fee_charged: bool
    fee_standard: str
    fee_basis: str
    tag_immediate: bool
    tag_online: bool
    tag_one_visit: bool
    tag_nearby: bool
    regionwide: bool
    legal_basis: str
    conditions: str
    process_steps: list[dict[str, Any]]
    result_name: str
    result_type: str
    place: str
    office_hours: str
    consult_phone: str
    complaint_phone: str
    keywords: list[str]
    faqs: list[dict[str, Any]]
    materials: list[MaterialOut]
    form: list[FormFieldOut] = Field(
        description="申请表字段（事项未定义时为通用申请表；仅面向法人的事项为法人申请表）"
    )
    commitment_allowed: bool = Field(description="可告知承诺")
    joint_departments: list[DepartmentRef] = Field(description="联办件参与并联审查的部门")
    escalation_department: DepartmentRef | None = Field(description="上报件作出决定的上级部门")

    @classmethod
    def of_guide(cls, item: ServiceItem, *, joint_departments: list[Department]) -> ItemGuide:
        """The guide of ``item``; ``joint_departments`` are the departments its ``joint_departments`` name."""
        data = cls.fields_of(item)
        plain = set(cls.model_fields) - set(data) - {"themes", "materials", "form", "joint_departments"}
        data.update({name: getattr(item, name) for name in plain - {"escalation_department"}})
        fields = item_fields(item.form_fields, for_enterprise=item.for_enterprise and not item.for_person)
        escalation = item.escalation_department
        return cls(
            **data,
            themes=[t.code for t in item.themes.all()],
            materials=[MaterialOut.of(m) for m in item.materials.all()],
            form=[FormFieldOut.of(f) for f in fields],
            joint_departments=[DepartmentRef.of(d) for d in joint_departments],
            escalation_department=DepartmentRef.of(escalation) if escalation else None,
        )


class ThemeOut(Schema):
    code: str
    name: str
    audience: str
    order: int

    @classmethod
    def of(cls, t: Theme) -> ThemeOut:
        return cls(code=t.code, name=t.name, audience=t.audience, order=t.order)


# ---- bundles (一件事) ----------------------------------------------------------------------------------


class BundleParams(Schema):
    q: str = Field("", description="生活事件的说法，如：生孩子、开公司；为空时列出全部")
    audience: str | None = Field(None, description="person（个人）或 enterprise（法人）")


class BundleSummary(Schema):
    code: str
    name: str
    version: int
    summary: str
    audience: str
    region: str
    lead_department: DepartmentRef = Field(description="牵头部门")
    promised_time_limit: int = Field(description="整件事的承诺办结时限（工作日）")
    item_count: int = Field(description="包含的事项数")

    @staticmethod
    def fields_of(bundle: Bundle) -> dict[str, Any]:
        return {
            "code": bundle.code,
            "name": bundle.name,
            "version": bundle.version,
            "summary": bundle.summary,
            "audience": bundle.audience,
            "region": bundle.region_id,
            "lead_department": DepartmentRef.of(bundle.lead_department),
            "promised_time_limit": bundle.promised_time_limit,
            "item_count": len(bundle.bundle_items.all()),
        }

    @classmethod
    def of(cls, bundle: Bundle) -> BundleSummary:
        return cls(**cls.fields_of(bundle))


class BundlePage(Schema):
    count: int
    items: list[BundleSummary]


class BundleItemOut(Schema):
    implementation_code: str
    name: str
    department: DepartmentRef
    case_kind: str
    stage: int = Field(description="办理批次：1 为受理后即可同时开办的事项，2 为其后开办的 ……")
    waits_for: list[str] = Field(description="须先办结的前序事项（实施编码）")
    optional: bool = Field(description="选办：符合情形时才办理")
    condition: str = Field(description="选办事项的办理情形")
    time_limit: int = Field(description="在本件事中的承诺时限（工作日，0 为当场办结）")
    promised_time_limit: int = Field(description="事项自身的承诺办结时限（工作日）")
    on_critical_path: bool = Field(description="在关键路径上")
    result_name: str
    result_type: str

    @classmethod
    def of(cls, g: GuideItem) -> BundleItemOut:
        item = g.item
        return cls(
            implementation_code=item.implementation_code,
            name=item.name,
            department=DepartmentRef.of(item.department),
            case_kind=item.case_kind,
            stage=g.stage,
            waits_for=[w.implementation_code for w in g.waits_for],
            optional=g.entry.optional,
            condition=g.entry.condition,
            time_limit=g.days,
            promised_time_limit=item.promised_time_limit,
            on_critical_path=g.on_critical_path,
            result_name=item.result_name,
            result_type=item.result_type,
        )


class BundleEdgeOut(Schema):
    before: str = Field(description="前序事项（实施编码）")
    after: str = Field(description="后续事项（实施编码）：前序办结后开办，并使用其结果")
    on_failure: str = Field(description="前序不予办理时：refuse 一并不予办理，pause 暂停待申请人处理")


class CriticalPathOut(Schema):
    days: int = Field(description="各事项按承诺时限串联的最长用时（工作日）")
    items: list[str] = Field(description="关键路径上的事项（实施编码），按办理顺序")


class FieldTargetOut(Schema):
    item: str = Field(description="事项实施编码")
    field: str = Field(description="该事项申请表中的字段名")


class BundleFormFieldOut(FormFieldOut):
    """A field of the bundle's one form: drawn like an item's, asked once for every item it lists."""

    items: list[FieldTargetOut] = Field(description="本字段填写的各事项字段")

    @classmethod
    def of_merged(cls, m: MergedField) -> BundleFormFieldOut:
        base = FormFieldOut.of(m.field).model_dump()
        return cls(**base, items=[FieldTargetOut(item=t.item, field=t.field) for t in m.targets])


class MaterialTargetOut(Schema):
    item: str = Field(description="事项实施编码")
    material: int = Field(description="该事项的申请材料编号")
    name: str = Field(description="该事项中的材料名称")


class BundleMaterialOut(Schema):
    id: int = Field(description="提交时使用的材料编号（materials[].material）")
    name: str
    requirement: str = Field(description="各事项中最严的必要性：required > conditional > optional")
    condition: str
    form: str
    copies: int
    medium: str
    source: str
    source_ref: str
    sample: str
    common_mistakes: str
    tolerable: bool = Field(description="可容缺：所服务的各事项均列入容缺受理清单")
    items: list[MaterialTargetOut] = Field(description="本材料一次提交、同时用于的各事项")

    @classmethod
    def of(cls, m: MergedMaterial) -> BundleMaterialOut:
        first = m.first
        return cls(
            id=m.id,
            name=m.name,
            requirement=m.requirement,
            condition="；".join(m.conditions),
            form=getattr(first, "form", ""),
            copies=m.copies,
            medium=getattr(first, "medium", ""),
            source=first.source,
            source_ref=first.source_ref,
            sample=getattr(first, "sample", ""),
            common_mistakes=getattr(first, "common_mistakes", ""),
            tolerable=m.tolerable,
            items=[MaterialTargetOut(item=t.item, material=t.material, name=t.name) for t in m.serves],
        )


class BundleGuideOut(BundleSummary):
    status: str
    published_at: dt.datetime | None
    conditions: str
    results: str = Field(description="办理结果从哪里来、怎样一次领取")
    legal_basis: str
    place: str
    office_hours: str
    consult_phone: str
    complaint_phone: str
    keywords: list[str]
    faqs: list[dict[str, Any]]
    themes: list[str]
    items: list[BundleItemOut] = Field(description="包含的事项，按办理顺序")
    edges: list[BundleEdgeOut] = Field(description="办理顺序（依赖关系）")
    stages: list[list[str]] = Field(description="办理批次：每批内的事项可同时办理（实施编码）")
    critical_path: CriticalPathOut
    form: list[BundleFormFieldOut] = Field(description="一张申请表：各事项申请表的并集，共用字段只填一次")
    materials: list[BundleMaterialOut] = Field(description="一套材料：多个事项需要的材料只列一次")

    @classmethod
    def of_guide(cls, guide: BundleGuide) -> BundleGuideOut:
        bundle = guide.bundle
        return cls(
            **cls.fields_of(bundle),
            **{
                name: getattr(bundle, name)
                for name in (
                    "status",
                    "published_at",
                    "conditions",
                    "results",
                    "legal_basis",
                    "place",
                    "office_hours",
                    "consult_phone",
                    "complaint_phone",
                    "keywords",
                    "faqs",
                )
            },
            themes=[t.code for t in bundle.themes.all()],
            items=[BundleItemOut.of(g) for g in guide.items],
            edges=[
                BundleEdgeOut(before=e.before, after=e.after, on_failure=e.on_failure) for e in guide.edges
            ],
            stages=[[g.code for g in stage] for stage in guide.stages],
            critical_path=CriticalPathOut(
                days=guide.critical_days, items=[g.code for g in guide.critical_path]
            ),
            form=[BundleFormFieldOut.of_merged(m) for m in guide.form],
            materials=[BundleMaterialOut.of(m) for m in guide.materials],
        )
