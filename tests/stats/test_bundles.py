"""一件事 in the statistics: per bundle, how many were submitted and finished, on time, and the average working
days end to end against the promise."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from govhall.cases.models import Case
from govhall.cases.services import BundleApplication, bundle_case_submit, case_act, upload_store
from govhall.cases.transitions import Action
from govhall.catalogue.selectors import bundle_get_published, bundle_guide
from tests.factories.cases import PDF
from tests.fixtures.clock import CST

from .conftest import client_for

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-18T10:00")]  # periods of November 2026


def _submit(applicant):
    upload = str(upload_store(owner=applicant, name="scan.pdf", data=PDF).pk)
    guide = bundle_guide(bundle_get_published("birth"))
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone,
            "newborn": "王小宝"}  # fmt: skip
    materials = [(m.id, upload) for m in guide.materials if m.first.source == "applicant"]
    return bundle_case_submit(user=applicant, application=BundleApplication("birth", form, materials))[0]


def test_bundles_are_counted_with_their_working_days(media, birth_bundle, applicant, staff, supervisor):
    finished = _submit(applicant)  # Wed 2026-11-18
    _submit(applicant)  # stays in progress
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, tzinfo=CST), tick=False):  # Friday: 2 working days
        for name in ("预防接种证办理", "出生医学证明首次签发", "出生登记", "社会保障卡申领"):
            case = Case.objects.get(bundle_case=finished, item__name=name)
            if name == "社会保障卡申领":
                case_act(number=case.number, user=applicant, action=Action.WITHDRAW)
            else:
                case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    answer = client_for(supervisor).get("/api/v1/stats/bundles", {"from": "2026-11-01", "to": "2026-11-30"})
    assert answer.status_code == 200, answer.content
    [row] = answer.json()["bundles"]
    assert (row["code"], row["submitted"], row["finished"], row["completed"], row["on_time"]) == (
        "birth", 2, 1, 0, 1,
    )  # fmt: skip
    assert row["average_workdays"] == 2.0 and row["promise"] == 5


def test_the_statistics_page_shows_the_bundles(media, birth_bundle, applicant, supervisor):
    from django.test import Client

    _submit(applicant)
    client = Client()
    client.force_login(supervisor)
    page = client.get("/stats/", {"from": "2026-11-01", "to": "2026-11-30"}).content.decode()
    assert 'id="bundles-title"' in page and "出生一件事" in page
