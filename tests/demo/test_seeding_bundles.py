"""The demo's bundles (一件事): the six of the issue, published with the items they need, found first by the
life events people type, each guide with its order, one form and one set of materials."""

from __future__ import annotations

import pytest

from govhall.catalogue.models import Bundle, ItemStatus
from govhall.catalogue.selectors import bundle_guide, bundle_search, item_search
from govhall.demo.seeding import seed_demo

pytestmark = pytest.mark.django_db

LIFE_EVENTS = {
    "生孩子": "出生一件事",
    "开公司": "开办企业一件事",
    "开饭店": "开饭店一件事",
    "我想开个饭店": "开饭店一件事",
    "结婚": "结婚落户一件事",
    "退休": "退休一件事",
    "买房过户": "不动产登记与水电气过户一件事",
}


@pytest.fixture
def demo(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed_demo()


def test_the_six_bundles_are_published_once(demo):
    names = set(Bundle.objects.filter(status=ItemStatus.PUBLISHED).values_list("name", flat=True))
    assert names == {
        "出生一件事", "开办企业一件事", "开饭店一件事", "结婚落户一件事", "不动产登记与水电气过户一件事", "退休一件事",
    }  # fmt: skip
    seed_demo()
    assert Bundle.objects.count() == 6


@pytest.mark.parametrize(("query", "name"), LIFE_EVENTS.items())
def test_life_event_queries_find_the_bundle_first(demo, query, name):
    found = bundle_search(query)
    assert found and found[0].name == name
    assert item_search(q=query).count > 0  # the single items are still there, after it


def test_each_guide_has_an_order_one_form_and_one_set_of_materials(demo):
    for bundle in Bundle.objects.filter(status=ItemStatus.PUBLISHED):
        guide = bundle_guide(bundle)
        assert len(guide.items) == bundle.bundle_items.count() >= 3, bundle.name
        assert len(guide.stages) >= 2, bundle.name
        assert guide.critical_days <= bundle.promised_time_limit
        names = [m.field.name for m in guide.form]
        assert len(names) == len(set(names)) and "applicant_name" in names
        assert any(m.shared for m in guide.materials), bundle.name


def test_the_birth_bundle_runs_certificate_then_registration_then_card(demo):
    guide = bundle_guide(Bundle.objects.get(code="birth", status=ItemStatus.PUBLISHED))
    order = [[g.item.name for g in stage] for stage in guide.stages]
    assert order[0][:2] == ["出生医学证明首次签发", "预防接种证办理"]
    assert "出生登记" in order[1] and order[-1] == ["社会保障卡申领"]
    certificate = next(m for m in guide.materials if m.name == "出生医学证明")
    assert len(certificate.serves) == 4  # uploaded (or fetched as an e-licence) once for four items


def test_the_property_bundle_asks_the_address_once_for_water_power_and_gas(demo):
    guide = bundle_guide(Bundle.objects.get(code="property-transfer-utilities", status=ItemStatus.PUBLISHED))
    address = next(m for m in guide.form if m.field.name == "property_address")
    assert address.field.label == "房屋坐落"
    assert sorted(t.field for t in address.targets) == ["gas_address", "power_address", "water_address"]
