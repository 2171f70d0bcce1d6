from __future__ import annotations

import pytest

from tests.factories.catalogue import ServiceItemFactory
from tests.factories.identity import DepartmentFactory, make_staff
from tests.factories.sharing import make_resource, put_record


@pytest.fixture
def provider(county):
    return DepartmentFactory(code="gaj", name="安吉县公安局", region=county)


@pytest.fixture
def provider_head(provider):
    return make_staff(username="gaj_head", department=provider, roles=["department_head", "approver"])


@pytest.fixture
def user_head(department):
    return make_staff(username="rsj_head", department=department, roles=["department_head", "approver"])


@pytest.fixture
def user_approver(department):
    return make_staff(username="rsj_approver", department=department, roles=["approver"])


@pytest.fixture
def resource(provider):
    return make_resource(provider)


@pytest.fixture
def lookup_item(department):
    return ServiceItemFactory.published(department=department, materials=["居民身份证", "户口簿"])


@pytest.fixture
def record(resource, citizen):
    put_record(resource, citizen.id_number, name="张晓明", address="安吉县递铺街道", relation="户主")
    return citizen
