"""The demo county: organisation, catalogue and one account for every role. Every step is idempotent."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

from django.db import transaction

from govhall.catalogue.exchange import catalogue_import
from govhall.catalogue.models import ItemStatus, Material, MaterialSource, ServiceItem
from govhall.identity.models import Department, Enterprise, User, Window
from govhall.identity.services import (
    citizen_register,
    enterprise_register,
    market_entity_record,
    organisation_load,
    staff_create,
)
from govhall.licences.models import Licence, LicenceType
from govhall.licences.services import licence_issue
from govhall.sharing.exchange import resource_catalogue_import
from govhall.sharing.models import Grant, Resource
from govhall.sharing.selectors import resource_for_material
from govhall.sharing.services import demo_record_put, sharing_request_approve, sharing_request_create

DEMO_PASSWORD = "Govhall2026"
CATALOGUE_FILES = [
    "catalogue_base.json",
    "catalogue_person.json",
    "catalogue_enterprise.json",
    "catalogue_bundles.json",
]

DEMO_ACCOUNTS: list[dict[str, Any]] = [
    {"username": "citizen", "role_label": "自然人（张晓明）", "department_label": "—", "kind": "citizen",
     "name": "张晓明", "id_number": "330523199003150012", "phone": "13905720001"},
    {"username": "enterprise", "role_label": "法人经办人（李慧）", "department_label": "安吉竹乡茶业有限公司",
     "kind": "citizen", "name": "李慧", "id_number": "330523198511200026", "phone": "13905720002",
     "enterprise": {"name": "安吉竹乡茶业有限公司", "uscc": "91330523MA2B3C4D5M", "legal_representative": "李慧"}},
    {"username": "clerk", "role_label": "综合窗口人员", "department_label": "县政务服务中心", "kind": "staff",
     "name": "王芳", "department": "sjj", "roles": ["window_clerk"]},
    {"username": "approver_scjg", "role_label": "审批人员", "department_label": "市场监管局", "kind": "staff",
     "name": "陈刚", "department": "scjgj", "roles": ["approver"]},
    {"username": "approver_wjj", "role_label": "审批人员", "department_label": "卫生健康局", "kind": "staff",
     "name": "周敏", "department": "wjj", "roles": ["approver"]},
    {"username": "approver_gaj", "role_label": "审批人员", "department_label": "公安局", "kind": "staff",
     "name": "吴强", "department": "gaj", "roles": ["approver"]},
    {"username": "head_scjg", "role_label": "部门负责人", "department_label": "市场监管局", "kind": "staff",
     "name": "郑建国", "department": "scjgj", "roles": ["department_head", "approver"]},
    {"username": "supervisor", "role_label": "电子监察人员", "department_label": "县数据局", "kind": "staff",
     "name": "孙丽", "department": "sjj", "roles": ["supervisor"]},
    {"username": "catalogue", "role_label": "事项管理员", "department_label": "县数据局", "kind": "staff",
     "name": "赵磊", "department": "sjj", "roles": ["catalogue_admin"]},
    {"username": "admin", "role_label": "系统管理员", "department_label": "县数据局", "kind": "staff",
     "name": "钱伟", "department": "sjj", "roles": ["system_admin"], "superuser": True},
]  # fmt: skip

# 市场主体登记信息 the demo county's registry holds: an enterprise account opens only for these codes, and only
# for the legal representative named here. 竹乡茶业 is 李慧's; 张晓明 runs a 个体工商户 without an account yet;
# the cooperative's representative has no account; the closed company shows a 注销 record.
MARKET_ENTITIES: list[dict[str, Any]] = [
    {"uscc": "91330523MA2B3C4D5M", "name": "安吉竹乡茶业有限公司", "kind": "有限责任公司（自然人投资或控股）",
     "legal_representative": "李慧", "legal_representative_id": "330523198511200026",
     "address": "浙江省湖州市安吉县递铺街道胜利西路18号", "established": "2019-03-12"},
    {"uscc": "92330523MA2C5D6E7E", "name": "安吉县晓明竹制品店", "kind": "个体工商户",
     "legal_representative": "张晓明", "legal_representative_id": "330523199003150012",
     "address": "浙江省湖州市安吉县孝丰镇竹海路66号", "established": "2022-06-08"},
    {"uscc": "93330523MA2D6E7F8N", "name": "安吉县溪龙白茶专业合作社", "kind": "农民专业合作社",
     "legal_representative": "钟永福", "legal_representative_id": "330523196807210013",
     "address": "浙江省湖州市安吉县溪龙乡黄杜村", "established": "2012-04-20"},
    {"uscc": "91330523MA2E7F8G98", "name": "安吉县原竹林家具有限公司", "kind": "有限责任公司",
     "legal_representative": "李慧", "legal_representative_id": "330523198511200026",
     "address": "浙江省湖州市安吉县天子湖镇工业园区", "established": "2015-09-01", "status": "cancelled"},
]  # fmt: skip

# What people look for most in a county hall; shown as 热门服务.
POPULAR = [
    "居民身份证换领", "社会保障卡申领", "住房公积金", "个体工商户设立登记", "结婚登记", "户口迁移", "不动产",
    "机动车驾驶证", "城乡居民基本养老保险", "食品经营许可", "出生", "公司设立登记", "失业保险金",
]  # fmt: skip


def _load_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("govhall.demo.data").joinpath(name).read_text(encoding="utf-8")
    )
    return data


@transaction.atomic
def seed_demo() -> dict[str, int]:
    summary = organisation_load(_load_json("organisation.json"))
    items = 0
    for name in CATALOGUE_FILES:
        if resources.files("govhall.demo.data").joinpath(name).is_file():
            report = catalogue_import(_load_json(name))
            items += report.created + report.unchanged + report.updated
    summary["items"] = items
    _set_popularity()
    summary["market_entities"] = _seed_registry()
    summary["accounts"] = _seed_accounts()
    summary["licences"] = _seed_licences()
    summary["sharing_grants"] = _seed_sharing()
    return summary


def _set_popularity() -> None:
    """One item per popular word (the one with the shortest name), ranked in the order of POPULAR."""
    published = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
    for rank, word in enumerate(POPULAR):
        matches = published.filter(name__contains=word)
        best = min(matches, key=lambda item: len(item.name), default=None)
        if best is not None and best.popularity == 0:
            ServiceItem.objects.filter(pk=best.pk).update(popularity=1000 - rank * 50)


def _seed_registry() -> int:
    for record in MARKET_ENTITIES:
        established = dt.date.fromisoformat(record["established"])
        market_entity_record(**{**record, "established": established, "authority": "安吉县市场监督管理局"})
    return len(MARKET_ENTITIES)


def _seed_department_staff(departments: dict[str, Department]) -> int:
    """An approver and a department head in every department, so any case can be worked after make demo:
    <code>_approver and <code>_head (for example gaj_approver, gaj_head)."""
    created = 0
    for code, department in departments.items():
        for suffix, roles, title in (
            ("approver", ["approver"], "审批员"),
            ("head", ["department_head", "approver"], "负责人"),
        ):
            username = f"{code}_{suffix}"
            if User.objects.filter(username=username).exists():
                continue
            staff_create(
                username=username,
                real_name=title,
                password=DEMO_PASSWORD,
                department=department,
                roles=roles,
            )
            created += 1
    return created


def _seed_accounts() -> int:
    departments = {d.code: d for d in Department.objects.all()}
    created = _seed_department_staff(departments)
    for account in DEMO_ACCOUNTS:
        if User.objects.filter(username=account["username"]).exists():
            continue
        if account["kind"] == "citizen":
            user = citizen_register(
                name=account["name"],
                id_number=account["id_number"],
                phone=account["phone"],
                password=DEMO_PASSWORD,
            )
            User.objects.filter(pk=user.pk).update(username=account["username"])
            user.username = account["username"]
            if "enterprise" in account:
                enterprise_register(operator=user, **account["enterprise"])
        else:
            staff = staff_create(
                username=account["username"],
                real_name=account["name"],
                password=DEMO_PASSWORD,
                department=departments[account["department"]],
                roles=account["roles"],
                is_superuser=account.get("superuser", False),
            )
            if "window_clerk" in account["roles"]:
                staff.window = Window.objects.filter(hall__code="county-hall", number="1").first()
                staff.save(update_fields=["window"])
        created += 1
    return created


def _seed_licences() -> int:
    """The demo's licence types, and the licences the demo citizen and enterprise already hold, issued and
    signed through the licences services; a licence already held (same type and holder) is not issued again."""
    data = _load_json("licences.json")
    departments = {d.code: d for d in Department.objects.all()}
    for row in data["types"]:
        LicenceType.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"], "department": departments[row["department"]],
                "holder_kind": row["holder_kind"], "validity_years": row["validity_years"],
                "face_fields": row["face_fields"], "item_codes": row["item_codes"],
            },
        )  # fmt: skip
    issued = 0
    for row in data["held"]:
        licence_type = LicenceType.objects.get(code=row["type"])
        holder = User.objects.filter(username=row["holder"]).first() if "holder" in row else None
        enterprise = (
            Enterprise.objects.filter(uscc=row["enterprise"]).first() if "enterprise" in row else None
        )
        if holder is None and enterprise is None:
            continue
        held = Licence.objects.filter(type=licence_type)
        held = held.filter(holder_enterprise=enterprise) if enterprise else held.filter(holder=holder)
        if held.exists():
            continue
        licence_issue(
            type=licence_type, holder=holder, enterprise=enterprise, face=row["face"],
            issued_on=dt.date.fromisoformat(row["issued_on"]),
        )  # fmt: skip
        issued += 1
    return issued


def _seed_sharing() -> int:
    """The data resource catalogue, the simulated departmental databases' records of the demo citizens, and a
    grant for every department whose published items have a shared-data material a demo resource serves:
    asked for by the department's head and approved by the provider's head, through the services. A second
    run adds nothing."""
    data = _load_json("sharing.json")
    resource_catalogue_import(data)
    for record in data["demo_records"]:
        demo_record_put(resource=record["resource"], subject_id=record["subject_id"], data=record["data"])
    wanted: dict[tuple[str, str], list[str]] = {}
    materials = Material.objects.filter(
        source=MaterialSource.SHARED_DATA, item__status=ItemStatus.PUBLISHED
    ).select_related("item__department")
    for material in materials:
        resource = resource_for_material(material.source_ref)
        if resource is not None:
            codes = wanted.setdefault((material.item.department.code, resource.code), [])
            if material.item.implementation_code not in codes:
                codes.append(material.item.implementation_code)
    created = 0
    for (department, code), item_codes in sorted(wanted.items()):
        resource = Resource.objects.select_related("provider").get(code=code)
        if Grant.objects.filter(department__code=department, resource=resource).exists():
            continue
        asker = User.objects.get(username=f"{department}_head")
        request = sharing_request_create(
            user=asker, resource=code, data_items=list(resource.data_items.values_list("key", flat=True)),
            item_codes=item_codes, purpose="办理本部门事项时核验申请人信息，替代申请人提交的证明材料（演示授权）",
        )  # fmt: skip
        if request.state == request.State.PENDING:
            approver = User.objects.get(username=f"{resource.provider.code}_head")
            sharing_request_approve(
                request_id=request.pk, user=approver, reason="同意，仅限所列事项使用（演示）"
            )
        created += 1
    return created
