"""Licence fixtures: a licence type issued by the item's department, and a licence held by the citizen."""

from __future__ import annotations

import pytest

from govhall.licences.models import LicenceType
from govhall.licences.services import licence_issue


@pytest.fixture
def licence_type(department, media):
    return LicenceType.objects.create(
        code="320001", name="测试许可证", department=department, validity_years=5,
        face_fields=[{"name": "applicant_name", "label": "申请人"}, {"name": "scope", "label": "许可范围"}],
    )  # fmt: skip


@pytest.fixture
def licence(licence_type, citizen):
    return licence_issue(type=licence_type, holder=citizen, face={"scope": "茶叶销售"})
