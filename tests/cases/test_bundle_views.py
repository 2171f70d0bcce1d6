"""The bundle pages: apply once (a refused try keeps the files), the bundle case's page, 我的办件 and the
public progress query."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from govhall.cases.models import BundleCase
from govhall.catalogue.selectors import bundle_get_published, bundle_guide
from tests.factories.cases import PDF

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _post(applicant, newborn="王小宝", files=True):
    guide = bundle_guide(bundle_get_published("birth"))
    data = {"action": "submit", "f_newborn": newborn, "f_applicant_name": applicant.real_name,
            "f_id_number": applicant.id_number, "f_phone": applicant.phone}  # fmt: skip
    if files:
        for m in guide.materials:
            if m.first.source == "applicant":
                data[f"file_{m.id}"] = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    return data


def test_apply_once_then_follow_the_bundle(media, birth_bundle, applicant):
    client = _client(applicant)
    page = client.get("/bundles/birth/apply/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "一张表单" in text and "新生儿姓名" in text and "由“出生医学证明首次签发”的办理结果" in text
    refused = client.post("/bundles/birth/apply/", _post(applicant, newborn=""))
    assert refused.status_code == 422 and "kept_" in refused.content.decode()  # the files are kept
    kept = {k: v for k, v in _hidden(refused.content.decode()).items() if k.startswith("kept_")}
    done = client.post("/bundles/birth/apply/", {**_post(applicant, files=False), **kept})
    bundle_case = BundleCase.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/bundle-cases/{bundle_case.number}/"
    shown = client.get(done["Location"]).content.decode()
    assert "待“出生医学证明首次签发”办结后自动开始" in shown and "已办成 0 / 4" in shown
    assert bundle_case.number in client.get("/my/cases/").content.decode()
    progress = Client().get("/progress/", {"number": bundle_case.number, "name": applicant.display_name})
    assert "出生登记" in progress.content.decode()


def _hidden(html: str) -> dict[str, str]:
    import re

    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)"', html))


def test_someone_else_gets_404(media, birth_bundle, applicant, citizen):
    client = _client(applicant)
    client.post("/bundles/birth/apply/", _post(applicant))
    number = BundleCase.objects.get().number
    assert _client(citizen).get(f"/bundle-cases/{number}/").status_code == 404


def test_a_window_clerk_registers_a_bundle_for_the_applicant_at_the_desk(
    media, birth_bundle, applicant, staff
):
    clerk = _client(staff["clerk"])
    desk = clerk.post("/desk/", {"for": applicant.phone, "q": "生孩子"})
    text = desk.content.decode()
    assert "出生一件事" in text
    link = _link(text, "/bundles/birth/apply/")
    page = clerk.get(link)
    assert page.status_code == 200 and "窗口受理：申请人" in page.content.decode()
    done = clerk.post(link, {**_post(applicant), "for": applicant.phone})
    assert done.status_code == 302, done.content.decode()[:3000]
    bundle_case = BundleCase.objects.get()
    assert bundle_case.applicant == applicant and bundle_case.submitted_by == staff["clerk"]
    assert bundle_case.channel == "window"


def _link(html: str, prefix: str) -> str:
    import re

    return re.search(rf'href="({re.escape(prefix)}[^"]*)"', html).group(1).replace("&amp;", "&")
