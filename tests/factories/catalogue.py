"""Factories for the catalogue: themes and service items (published through the catalogue service)."""

from __future__ import annotations

from typing import Any

import factory

from govhall.catalogue.models import Bundle, Material, ServiceItem, Theme
from govhall.catalogue.services import (
    BundleEdgeIn,
    BundleItemIn,
    bundle_draft_save,
    bundle_publish,
    item_publish,
)

from .identity import DepartmentFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"theme{n}")
    name = factory.Sequence(lambda n: f"主题{n}")
    audience = "person"


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem
        skip_postgeneration_save = True

    implementation_code = factory.Sequence(lambda n: f"11330523000166131Q0007010{n:05d}001")
    basic_code = factory.Sequence(lambda n: f"0007010{n:05d}")
    version = 1
    status = "draft"
    name = "社会保障卡申领"
    item_type = "public_service"
    department = factory.SubFactory(DepartmentFactory)
    level = "county"
    region = factory.SelfAttribute("department.region")
    for_person = True
    case_kind = "promised"
    legal_time_limit = 20
    promised_time_limit = 5
    legal_basis = "《中华人民共和国社会保险法》第五十八条"
    conditions = "1. 参加本县社会保险的人员。"
    process_steps = factory.LazyFunction(lambda: [{"name": "申请", "description": "提交申请"}])
    place = "安吉县政务服务中心一楼综合受理窗口"
    office_hours = "工作日 8:30-12:00，13:30-17:00"
    consult_phone = "0572-5122333"
    complaint_phone = "12345"
    keywords = factory.LazyFunction(lambda: ["社保卡"])
    faqs = factory.LazyFunction(list)

    @factory.post_generation
    def themes(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def materials(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        names = extracted if extracted is not None else ["居民身份证", "申领登记表"]
        if create:
            Material.objects.bulk_create(
                [
                    Material(item=self, position=i, name=name, sample="样例", common_mistakes="易错")
                    for i, name in enumerate(names)
                ]
            )

    @factory.post_generation
    def tolerable(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Names of materials on the item's 容缺受理清单 (``tolerable=["健康证明"]``)."""
        if create and extracted:
            Material.objects.filter(item=self, name__in=extracted).update(tolerable=True)

    @classmethod
    def published(cls, **kwargs: Any) -> ServiceItem:
        return item_publish(cls(**kwargs))


def make_bundle(
    *,
    items: list[ServiceItem],
    edges: list[tuple[ServiceItem, ServiceItem]] | list[tuple[ServiceItem, ServiceItem, str]] = (),  # type: ignore[assignment]
    publish: bool = True,
    **fields: Any,
) -> Bundle:
    """A bundle of published ``items`` ordered by ``edges`` (before, after[, on_failure]), published unless
    ``publish=False``."""
    first = items[0]
    values: dict[str, Any] = {
        "code": "birth",
        "name": "出生一件事",
        "summary": "宝宝出生后的几件事一次办。",
        "conditions": "1．新生儿在本县出生。",
        "region": first.region,
        "lead_department": first.department,
        "promised_time_limit": 5,
        "results": "统一出件窗口一次领取，或免费邮寄。",
        "place": "安吉县政务服务中心一楼综合受理窗口",
        "office_hours": "工作日 8:30-12:00，13:30-17:00",
        "consult_phone": "0572-5120000",
        "keywords": ["生孩子"],
    }
    values.update(fields)
    bundle = bundle_draft_save(
        Bundle(**values),
        items=[BundleItemIn(i.implementation_code) for i in items],
        edges=[BundleEdgeIn(e[0].implementation_code, e[1].implementation_code, *e[2:]) for e in edges],
    )
    return bundle_publish(bundle) if publish else bundle
