"""容缺受理 on the pages: the window desk registers without a tolerable material, the case page's 受理 box
ticks it with a due date, and the applicant sees what is owed."""

import datetime as dt

import pytest

from govhall.cases.models import Case
from govhall.cases.transitions import Status
from tests.cases.test_views import apply_form, logged_in
from tests.factories.cases import registered_with_gaps, submit

pytestmark = [pytest.mark.django_db, pytest.mark.clock("2026-11-18T10:00")]  # dates worked out for this day


def _desk_url(clerk, item, login):
    """The apply page as the desk links to it: a token in the clerk's session stands for the applicant."""
    session = clerk.session
    session["desk_applicants"] = {"t1": login}
    session.save()
    return f"/items/{item.implementation_code}/apply/?desk=t1"


def _without(item, applicant, name, **extra):
    data = apply_form(item, applicant, **extra)
    del data[f"file_{item.materials.get(name=name).pk}"]
    return data


def test_the_desk_registers_with_a_tolerated_gap(media, items, staff, applicant):
    item = items["tolerant"]
    health = item.materials.get(name="健康证明")
    clerk = logged_in(staff["clerk"])
    url = _desk_url(clerk, item, applicant.phone)
    page = clerk.get(url).content.decode()
    assert "容缺后补（暂缺，限期补交）" in page and 'max="2026-11-25"' in page and "可容缺" in page
    answer = clerk.post(url, _without(item, applicant, "健康证明", action="submit", gap=str(health.pk),
                                      **{f"gap_due_{health.pk}": "2026-11-24"}))  # fmt: skip
    assert answer.status_code == 302
    case = Case.objects.get()
    assert case.owed_materials == [{"material": health.pk, "name": "健康证明", "due": "2026-11-24"}]


def test_the_desk_says_what_is_wrong_with_a_gap(media, items, staff, applicant):
    item = items["tolerant"]
    health = item.materials.get(name="健康证明")
    clerk = logged_in(staff["clerk"])
    url = _desk_url(clerk, item, applicant.phone)
    answer = clerk.post(url, _without(item, applicant, "健康证明", action="submit",
                                            gap=str(health.pk), **{f"gap_due_{health.pk}": "2026-11-22"}))  # fmt: skip
    assert answer.status_code == 422
    assert "容缺材料“健康证明”的补交日期（2026-11-22）不是工作日" in answer.content.decode()
    assert not Case.objects.exclude(status=Status.DRAFT).exists()


def test_an_applicant_online_sees_no_gap_and_must_hand_everything_in(media, items, applicant):
    item = items["tolerant"]
    health = item.materials.get(name="健康证明")
    url = f"/items/{item.implementation_code}/apply/"
    assert "容缺后补" not in logged_in(applicant).get(url).content.decode()
    answer = logged_in(applicant).post(url, _without(item, applicant, "健康证明", action="submit",
                                       gap=str(health.pk), **{f"gap_due_{health.pk}": "2026-11-24"}))  # fmt: skip
    assert "请上传“健康证明”（必要材料）" in answer.content.decode()


def test_the_accept_box_offers_the_tolerable_materials_not_handed_in(media, items, staff, applicant):
    item = items["tolerant"]
    health = item.materials.get(name="健康证明")
    case = registered_with_gaps(item, applicant, staff["clerk"], dt.date(2026, 11, 24))
    clerk = logged_in(staff["clerk"])
    page = clerk.get(f"/cases/{case.number}/").content.decode()
    assert "容缺受理" in page and f'name="gap" value="{health.pk}" checked' in page
    id_card = item.materials.get(name="居民身份证")
    assert 'value="2026-11-24"' in page and f'name="gap" value="{id_card.pk}"' not in page
    clerk.post(f"/cases/{case.number}/act/", {"action": "accept", "gap": str(health.pk),
                                              f"gap_due_{health.pk}": "2026-11-20"})  # fmt: skip
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.owed_materials[0]["due"] == "2026-11-20"
    page = logged_in(applicant).get(f"/cases/{case.number}/").content.decode()
    assert "本件为容缺受理" in page and "健康证明</strong>，2026-11-20 前补交" in page


def test_accepting_on_the_page_without_the_gap_is_refused(media, items, staff, applicant):
    case = registered_with_gaps(items["tolerant"], applicant, staff["clerk"], dt.date(2026, 11, 24))
    answer = logged_in(staff["clerk"]).post(f"/cases/{case.number}/act/", {"action": "accept"}, follow=True)
    assert "缺少必要材料：健康证明" in answer.content.decode()
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED


def test_an_item_handed_in_in_full_offers_no_gap(media, items, staff, applicant):
    case = submit(items["tolerant"], applicant)
    assert "容缺受理" not in logged_in(staff["clerk"]).get(f"/cases/{case.number}/").content.decode()
