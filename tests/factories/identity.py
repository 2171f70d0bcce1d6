"""Factories for identity: regions, departments, citizens and staff (through the identity services)."""

from __future__ import annotations

import itertools
from typing import Any

import factory

from govhall.core.ids import id_number_check_char, uscc_check_char
from govhall.identity.models import Department, MarketEntity, Region, User
from govhall.identity.services import citizen_register, market_entity_record, staff_create

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


def registered_entity(legal_representative: User, *, uscc: str | None = None, **kwargs: Any) -> MarketEntity:
    """A 市场主体登记 record whose legal representative is the given citizen (an enterprise account may then be
    opened for it)."""
    return market_entity_record(
        uscc=uscc or valid_uscc(),
        name=kwargs.pop("name", "安吉竹乡茶业有限公司"),
        legal_representative=legal_representative.real_name,
        legal_representative_id=legal_representative.id_number,
        **kwargs,
    )
