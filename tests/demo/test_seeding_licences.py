"""The demo's licences: the types of the issue, and what 张晓明 and 安吉竹乡茶业 already hold, seeded once."""

from __future__ import annotations

import pytest

from govhall.demo.seeding import seed_demo
from govhall.licences import selectors
from govhall.licences.models import Licence, LicenceType

pytestmark = pytest.mark.django_db


def test_demo_licences_are_seeded_once_and_verify(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_demo()
    assert LicenceType.objects.count() == 9
    assert set(LicenceType.objects.values_list("name", flat=True)) >= {
        "居民身份证（电子）",
        "营业执照",
        "社会保障卡",
    }
    citizen = Licence.objects.filter(holder__username="citizen")
    assert citizen.count() == 4
    business = Licence.objects.get(type__code="210001")
    assert business.holder_enterprise.name == "安吉竹乡茶业有限公司"
    assert all(selectors.licence_verify(lc.identifier).status == "valid" for lc in Licence.objects.all())
    seed_demo()
    assert Licence.objects.count() == 5
