"""factory_boy factories for the models tests build on."""

from __future__ import annotations

import itertools
from typing import Any

import factory

from govhall.catalogue.models import Material, ServiceItem, Theme
from govhall.catalogue.services import item_publish
from govhall.core.ids import id_number_check_char, uscc_check_char
from govhall.identity.models import Department, Region
from govhall.identity.services import citizen_register, staff_create

_serial = itertools.count(1)


def valid_id_number(birth: str = "19900101", seq: int | None = None) -> str:
    seq = next(_serial) % 1000 if seq is None else seq
    first17 = f"330523{birth}{seq:03d}"
    return first17 + id_number_check_char(first17)


def valid_uscc(n: int | None = None) -> str:
    n = next(_serial) if n is None else n
    first17 = f"91330523MA{n:07d}"
    return first17 + uscc_check_char(first17)


def valid_phone() -> str:
    return f"139{next(_serial):08d}"


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"3305{n:02d}")
    name = factory.Sequence(lambda n: f"区划{n}")
    level = "county"
    parent = None


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"安吉县测试局{n}")
    short_name = "测试局"
    uscc = factory.LazyFunction(lambda: valid_uscc())
    region = factory.SubFactory(RegionFactory, code="330523", name="安吉县")
    level = "county"
    phone = "0572-5120000"


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

    @classmethod
    def published(cls, **kwargs: Any) -> ServiceItem:
        return item_publish(cls(**kwargs))


def make_citizen(*, name: str = "张晓明", password: str = "Secret2026x", **kwargs: Any):
    return citizen_register(
        name=name,
        id_number=kwargs.get("id_number") or valid_id_number(),
        phone=kwargs.get("phone") or valid_phone(),
        password=password,
    )


def make_staff(*, username: str, department: Department, roles: list[str], password: str = "Secret2026x"):
    return staff_create(
        username=username, real_name="工作人员", password=password, department=department, roles=roles
    )
