"""The 一件事 rule: a bundle case not finished by its promised date is warned (red) on the lead department,
naming the live case that has waited longest; finishing it resolves the warning."""

from __future__ import annotations

import datetime as dt

import pytest

from govhall.cases.services import BundleApplication, bundle_case_submit, bundle_case_withdraw, upload_store
from govhall.catalogue.selectors import bundle_get_published, bundle_guide
from govhall.supervision.models import Warning
from govhall.supervision.scan import supervision_scan
from tests.factories.cases import PDF
from tests.fixtures.clock import CST

pytestmark = pytest.mark.django_db


def test_a_bundle_past_its_promise_is_warned_until_it_finishes(media, birth_bundle, applicant, staff):
    upload = str(upload_store(owner=applicant, name="scan.pdf", data=PDF).pk)
    guide = bundle_guide(bundle_get_published("birth"))
    application = BundleApplication(
        bundle="birth",
        form={"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone,
              "newborn": "王小宝"},
        materials=[(m.id, upload) for m in guide.materials if m.first.source == "applicant"],
    )  # fmt: skip
    bundle_case, _ = bundle_case_submit(user=applicant, application=application)
    on_due = dt.datetime.combine(bundle_case.promised_due, dt.time(10), tzinfo=CST)
    supervision_scan(now=on_due)
    assert not Warning.objects.filter(rule="bundle_over").exists()
    supervision_scan(now=on_due + dt.timedelta(days=1))
    warning = Warning.objects.get(rule="bundle_over", resolved_at=None)
    assert warning.level == "red" and "出生一件事" in warning.reason
    assert warning.department == bundle_case.bundle.lead_department
    assert warning.case.item.name == "出生医学证明首次签发"  # the live case submitted first
    bundle_case_withdraw(number=bundle_case.number, user=applicant)  # the paused card too: all final
    supervision_scan(now=on_due + dt.timedelta(days=2))
    warning.refresh_from_db()
    assert warning.resolved_at is not None
