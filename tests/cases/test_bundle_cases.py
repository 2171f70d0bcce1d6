"""一件事 applied for once, against the database: one bundle case and one case per item, one upload attached to
every case that needs it, successors waiting (待前序办结) and starting by themselves with the predecessor's
e-licence, failures terminating or pausing what waits, idempotent submission, the bundle's state."""

from __future__ import annotations

import pytest

from govhall.cases.models import BundleCase, Case, CaseMaterial
from govhall.cases.services import case_act, upload_store
from govhall.cases.services.bundles import BundleApplication, bundle_case_submit
from govhall.cases.transitions import Action, Status
from govhall.catalogue.selectors import bundle_get_published, bundle_guide
from govhall.core.errors import Conflict, ValidationFailed
from govhall.licences.models import Licence
from govhall.notices.models import Notice
from tests.factories.cases import PDF

pytestmark = pytest.mark.django_db


def _application(birth_bundle, applicant, **overrides):
    guide = bundle_guide(bundle_get_published("birth"))
    upload = upload_store(owner=applicant, name="scan.pdf", data=PDF)
    pairs = [(m.id, str(upload.pk)) for m in guide.materials if m.first.source == "applicant"]
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number,
            "phone": applicant.phone, "newborn": "王小宝"}  # fmt: skip
    values = {"bundle": "birth", "form": form, "materials": pairs} | overrides
    return BundleApplication(**values)


def _cases(bundle_case):
    return {c.item.name: c for c in Case.objects.filter(bundle_case=bundle_case).select_related("item")}


@pytest.mark.clock("2026-11-18T10:00")  # the promise worked out by hand for that Wednesday
def test_one_submission_makes_a_case_per_item_and_one_upload_serves_several(media, birth_bundle, applicant):
    bundle_case, created = bundle_case_submit(
        user=applicant, application=_application(birth_bundle, applicant)
    )
    assert created and bundle_case.number.startswith("YJS330523-")
    cases = _cases(bundle_case)
    assert {n: c.status for n, c in cases.items()} == {
        "出生医学证明首次签发": Status.SUBMITTED,
        "出生登记": Status.WAITING,
        "社会保障卡申领": Status.WAITING,
        "预防接种证办理": Status.SUBMITTED,
    }
    assert cases["出生登记"].submitted_at is None and cases["出生医学证明首次签发"].submitted_at
    ids = CaseMaterial.objects.filter(material__name="父母双方居民身份证").values_list("upload_id", flat=True)
    assert len(ids) == 2 and len(set(ids)) == 1  # one file, attached to both cases
    assert cases["社会保障卡申领"].form["child"] == cases["预防接种证办理"].form["baby"] == "王小宝"
    assert bundle_case.promised_due.isoformat() == "2026-11-25"  # 5 working days from Wed 2026-11-18
    # one message for the bundle, not one per item
    assert Notice.objects.filter(recipient=applicant, channel="site").count() == 1


def test_a_successor_starts_when_its_predecessor_completes_with_its_licence(
    media, birth_bundle, applicant, staff
):
    bundle_case, _ = bundle_case_submit(user=applicant, application=_application(birth_bundle, applicant))
    cases = _cases(bundle_case)
    case_act(number=cases["出生医学证明首次签发"].number, user=staff["clerk"], action=Action.ACCEPT)
    cases = _cases(bundle_case)
    assert cases["出生医学证明首次签发"].status == Status.COMPLETED
    registration = cases["出生登记"]
    assert registration.status == Status.SUBMITTED and registration.submitted_at
    licence = Licence.objects.get(type__code="130001", holder=applicant)
    attached = registration.materials.get(material__name="出生医学证明")
    assert attached.satisfied_by == "licence" and attached.reference == licence.identifier
    assert cases["社会保障卡申领"].status == Status.WAITING  # waits for 出生登记, not for the certificate
    case_act(number=registration.number, user=staff["clerk"], action=Action.ACCEPT)
    assert _cases(bundle_case)["社会保障卡申领"].status == Status.SUBMITTED


def test_a_refusal_terminates_along_refusing_edges_and_pauses_along_pausing_ones(
    media, birth_bundle, applicant, staff
):
    bundle_case, _ = bundle_case_submit(user=applicant, application=_application(birth_bundle, applicant))
    first = _cases(bundle_case)["出生医学证明首次签发"]
    case_act(number=first.number, user=staff["clerk"], action=Action.REFUSE, reason="非本县出生",
             legal_basis="《母婴保健法》")  # fmt: skip
    cases = _cases(bundle_case)
    assert cases["出生登记"].status == Status.TERMINATED
    assert cases["社会保障卡申领"].status == Status.WAITING and "出生医学证明首次签发" in (
        cases["社会保障卡申领"].bundle_hold
    )
    told = Notice.objects.get(recipient=applicant, channel="site", title="一件事部分事项无法继续")
    assert "出生登记（终止办理）" in told.body and "社会保障卡申领（暂缓" in told.body
    bundle_case.refresh_from_db()
    assert bundle_case.state == BundleCase.State.IN_PROGRESS  # 预防接种 and the paused card are live
    # a clerk may go on with the paused case; a waiting one that is not paused starts only by itself
    case_act(number=cases["社会保障卡申领"].number, user=staff["clerk"], action=Action.START)
    assert Case.objects.get(pk=cases["社会保障卡申领"].pk).status == Status.SUBMITTED


def test_a_waiting_case_is_not_started_by_hand(media, birth_bundle, applicant, staff):
    bundle_case, _ = bundle_case_submit(user=applicant, application=_application(birth_bundle, applicant))
    with pytest.raises(Conflict):
        case_act(number=_cases(bundle_case)["出生登记"].number, user=staff["clerk"], action=Action.START)


def test_the_bundle_completes_when_every_case_is_final(media, birth_bundle, applicant, staff):
    bundle_case, _ = bundle_case_submit(user=applicant, application=_application(birth_bundle, applicant))
    for name in ("预防接种证办理", "出生医学证明首次签发", "出生登记"):
        case_act(number=_cases(bundle_case)[name].number, user=staff["clerk"], action=Action.ACCEPT)
    card = _cases(bundle_case)["社会保障卡申领"]
    case_act(number=card.number, user=applicant, action=Action.WITHDRAW)
    bundle_case.refresh_from_db()
    assert bundle_case.state == BundleCase.State.CLOSED and bundle_case.completed_at


def test_the_same_key_returns_the_same_bundle_case_and_another_body_conflicts(media, birth_bundle, applicant):
    application = _application(birth_bundle, applicant)
    first, created = bundle_case_submit(user=applicant, application=application, idempotency_key="k1",
                                        digest="d1")  # fmt: skip
    again, created_again = bundle_case_submit(user=applicant, application=application, idempotency_key="k1",
                                              digest="d1")  # fmt: skip
    assert created and not created_again and again.pk == first.pk
    assert Case.objects.filter(bundle_case=first).count() == 4
    with pytest.raises(Conflict):
        bundle_case_submit(user=applicant, application=application, idempotency_key="k1", digest="d2")


def test_missing_materials_and_form_errors_name_the_bundles_fields(media, birth_bundle, applicant):
    with pytest.raises(ValidationFailed) as missing:
        bundle_case_submit(user=applicant, application=_application(birth_bundle, applicant, materials=[]))
    assert missing.value.field == "materials" and "父母双方居民身份证" in missing.value.message
    assert "出生医学证明" not in missing.value.message  # it comes from the first item's result
    application = _application(birth_bundle, applicant)
    with pytest.raises(ValidationFailed) as form:
        bundle_case_submit(user=applicant, application=BundleApplication(
            bundle="birth", form={**application.form, "newborn": ""}, materials=application.materials))  # fmt: skip
    assert form.value.field == "form.newborn"
    assert not BundleCase.objects.exists() and not Case.objects.exists()


def test_numbers_carry_the_local_date(media, birth_bundle, applicant):
    """At 07:00 in Anji it is still the day before in UTC: every number says the local day."""
    import datetime as dt

    import time_machine

    from tests.fixtures.clock import CST

    with time_machine.travel(dt.datetime(2026, 11, 19, 7, tzinfo=CST), tick=False):
        bundle_case, _ = bundle_case_submit(user=applicant, application=_application(birth_bundle, applicant))
    numbers = [
        bundle_case.number,
        *Case.objects.filter(bundle_case=bundle_case).values_list("number", flat=True),
    ]
    assert all("-20261119-" in n for n in numbers), numbers
