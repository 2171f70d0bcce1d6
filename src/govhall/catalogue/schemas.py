"""Catalogue API schemas: the search answer, the guide (with its materials and application form), themes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from govhall.identity.models import Department
from govhall.identity.schemas import DepartmentRef

from .forms import FormField, item_fields
from .models import Material, ServiceItem, Theme


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
