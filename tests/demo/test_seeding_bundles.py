"""The demo's bundles (一件事): the six of the issue, published with the items they need, found first by the
life events people type, each guide with its order, one form and one set of materials."""

from __future__ import annotations

import pytest

from govhall.catalogue.models import Bundle, ItemStatus
from govhall.catalogue.selectors import bundle_guide, bundle_search, item_search
from govhall.demo.seeding import seed_demo
from tests.factories.cases import drive_to_completion

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
    assert order[0][0] == "出生医学证明首次签发"
    assert {"出生登记", "预防接种证办理"} <= set(order[1]) and order[-1] == ["社会保障卡申领"]
    certificate = next(m for m in guide.materials if m.name == "出生医学证明")
    assert len(certificate.serves) == 4  # uploaded (or fetched as an e-licence) once for four items


def test_the_property_bundle_asks_the_address_once_for_water_power_and_gas(demo):
    guide = bundle_guide(Bundle.objects.get(code="property-transfer-utilities", status=ItemStatus.PUBLISHED))
    address = next(m for m in guide.form if m.field.name == "property_address")
    assert address.field.label == "房屋坐落"
    assert sorted(t.field for t in address.targets) == ["gas_address", "power_address", "water_address"]


def _filled(guide, applicant, enterprise=None):
    """The bundle's one form as a person fills it in: prefilled from the account and licences, the rest typed."""
    from govhall.cases.services import form_prefill

    fields = [m.field for m in guide.form]
    values, _ = form_prefill(fields, applicant, enterprise)
    typed = {"date": "2026-11-10", "number": "1", "boolean": True, "phone": "13905720009"}
    for f in fields:
        if values.get(f.name) in (None, ""):
            values[f.name] = f.options[0] if f.options else typed.get(f.type, "王小宝")
    return values


def _apply(code, username, uscc=None):
    from govhall.cases.services import BundleApplication, bundle_case_submit, upload_store
    from govhall.identity.models import Enterprise, User
    from tests.factories.cases import PDF

    applicant = User.objects.get(username=username)
    enterprise = Enterprise.objects.get(uscc=uscc) if uscc else None
    guide = bundle_guide(Bundle.objects.get(code=code, status=ItemStatus.PUBLISHED))
    upload = str(upload_store(owner=applicant, name="scan.pdf", data=PDF).pk)
    materials = [(m.id, upload) for m in _to_upload(guide, applicant, enterprise)]
    application = BundleApplication(
        code, _filled(guide, applicant, enterprise), materials, enterprise_uscc=uscc
    )
    return bundle_case_submit(user=applicant, application=application)[0]


def _to_upload(guide, applicant, enterprise):
    """What the apply page asks for as files: neither a predecessor's result nor 免提交 for this applicant."""
    from govhall.cases.paperless import materials_plan
    from govhall.cases.services.bundles import predecessor_results
    from govhall.catalogue.bundle_graph import Edge

    results = predecessor_results(guide.items, [Edge(e.before, e.after, e.on_failure) for e in guide.edges])
    plans = {p.material.pk: p for g in guide.items for p in materials_plan(g.item, applicant, enterprise)}
    return [
        m for m in guide.materials
        if not all(results.get((t.item, t.material)) for t in m.serves) and not plans[m.serves[0].material].paperless
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "username", "uscc"),
    [("birth", "citizen", None), ("company-opening", "enterprise", "91330523MA2B3C4D5M")],
)
def test_a_demo_bundle_runs_end_to_end(demo, code, username, uscc):
    """Applied for once with e-licences and shared data standing in for papers; every case runs in its own
    department in the bundle's order, successors starting by themselves, until the bundle is completed."""
    from govhall.cases.models import BundleCase, Case
    from govhall.identity.models import User

    bundle_case = _apply(code, username, uscc)
    clerk = User.objects.get(username="clerk")
    for _ in range(10):  # a wave per round: what is submitted now is driven, which starts the next wave
        ready = list(
            Case.objects.filter(bundle_case=bundle_case, status="submitted").values_list("number", flat=True)
        )
        if not ready:
            break
        for number in ready:
            drive_to_completion(number, clerk)
    bundle_case.refresh_from_db()
    statuses = dict(Case.objects.filter(bundle_case=bundle_case).values_list("item__name", "status"))
    assert bundle_case.state == BundleCase.State.COMPLETED, statuses
    started = Case.objects.filter(bundle_case=bundle_case, events__action="start").distinct().count()
    assert started >= 2  # successors started by themselves
