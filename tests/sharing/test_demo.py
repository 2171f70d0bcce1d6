"""After the demo is seeded, an approver of 公积金中心 can look up 不动产登记信息 for the demo citizen's case; seeding
twice adds nothing."""

from __future__ import annotations

import pytest

from govhall.cases.services import case_lookup
from govhall.catalogue.models import ServiceItem
from govhall.demo.seeding import seed_demo
from govhall.identity.models import User
from govhall.sharing.models import DemoRecord, Grant, Resource
from tests.factories.cases import submit

FUND_ITEM = "113305230082199392002010600010001"  # 住房公积金提取（购买自住住房）


@pytest.mark.django_db
def test_the_demo_seeds_resources_records_and_grants_once(media):
    seed_demo()
    counts = (Resource.objects.count(), DemoRecord.objects.count(), Grant.objects.count())
    assert counts[0] == 8 and counts[1] >= 12 and counts[2] > 5
    seed_demo()
    assert (Resource.objects.count(), DemoRecord.objects.count(), Grant.objects.count()) == counts
    citizen = User.objects.get(username="citizen")
    item = ServiceItem.objects.get(implementation_code=FUND_ITEM, status="published")
    case = submit(item, citizen)  # an instant item: looked up before it is accepted (and completed)
    done = case_lookup(
        number=case.number, user=User.objects.get(username="gjj_approver"), resource="ZRZY-BDCDJ-001",
        items=["housing_count", "location"],
    )  # fmt: skip
    assert done.data["housing_count"] == 1
    assert done.material is not None and done.material.material.name == "购房证明"
