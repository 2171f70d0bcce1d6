"""The 好差评 pages: rating from the case page, the single-use link and the hall's tablet, the public
figures, and the department's rectification list."""

import datetime as dt

import pytest
from django.test import Client

from govhall.cases.services import case_act
from govhall.cases.transitions import Action
from govhall.evaluation.models import Rating, Rectification, TabletSession
from govhall.evaluation.services import rating_link_token
from tests.factories.cases import submit
from tests.factories.identity import make_staff

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def completed(media, items, staff, applicant):
    case = submit(items["instant"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    return case


def test_applicant_rates_from_the_case_page(completed, applicant, staff):
    client = logged_in(applicant)
    page = client.get(f"/cases/{completed.number}/").content.decode()
    assert "评价办结环节" in page and "评价受理环节" in page
    url = f"/cases/{completed.number}/rate/complete/"
    assert "满意程度" in client.get(url).content.decode()
    bad = client.post(url, {"level": "1"})
    assert bad.status_code == 422 and "差评请选择原因标签" in bad.content.decode()
    done = client.post(url, {"level": "2", "tags": ["办理时间长"], "text": "排队太久"})
    assert done.status_code == 302
    rating = Rating.objects.get(case=completed, stage="complete")
    assert (rating.level, rating.channel, rating.rater) == (2, "web", applicant)
    assert Rectification.objects.filter(rating=rating).exists()
    assert "办理时间长" in client.get(f"/cases/{completed.number}/").content.decode()
    assert client.post(url, {"level": "5"}).status_code == 409
    assert logged_in(staff["clerk"]).get(url).status_code == 404


def test_single_use_link_without_login(completed):
    token = rating_link_token(completed, "complete")
    client = Client()
    assert "提交评价" in client.get(f"/rate/{token}/").content.decode()
    assert client.post(f"/rate/{token}/", {"level": "5"}).status_code == 200
    assert Rating.objects.get(case=completed).channel == "sms"
    again = client.get(f"/rate/{token}/").content.decode()
    assert "感谢您的评价" in again and "提交评价" not in again
    client.post(f"/rate/{token}/", {"level": "1", "text": "改"})
    assert Rating.objects.get(case=completed).level == 5
    assert client.get("/rate/forged-token/").status_code == 404


def _open_tablet(client, number, stage="accept"):
    return client.post(f"/cases/{number}/rate/{stage}/tablet/")


def test_the_serving_clerk_opens_the_tablet_once_and_the_rating_records_it(completed, staff, applicant):
    clerk = logged_in(staff["clerk"])
    assert "打开窗口评价器" in clerk.get(f"/cases/{completed.number}/").content.decode()
    assert clerk.get(f"/cases/{completed.number}/rate/accept/tablet/").status_code == 405  # only by a POST
    opened = _open_tablet(clerk, completed.number)
    assert opened.status_code == 302 and opened.url.startswith("/rate/t-")
    tablet = Client()
    assert "工作人员不代为评价" in tablet.get(opened.url).content.decode()
    tablet.post(opened.url, {"level": "4"})
    rating = Rating.objects.get(case=completed, stage="accept")
    assert rating.channel == "window" and rating.opened_by == staff["clerk"] and rating.rater == applicant
    assert Client().get(opened.url).status_code == 404  # spent
    assert logged_in(applicant).post(f"/cases/{completed.number}/rate/accept/tablet/").status_code == 404


def test_a_clerk_cannot_open_the_tablet_of_a_case_they_are_not_serving(completed, platform, staff):
    """The attack: any clerk of the region opened any case's tablet and rated it as the applicant."""
    other = logged_in(make_staff(username="clerk2", department=platform, roles=["window_clerk"]))
    assert "打开窗口评价器" not in other.get(f"/cases/{completed.number}/").content.decode()
    refused = _open_tablet(other, completed.number)
    assert refused.status_code == 403 and "正在窗口办理" in refused.content.decode()
    assert not TabletSession.objects.exists()


def test_a_tablet_link_expires_after_a_few_minutes(completed, staff, _pinned_clock, settings):
    opened = _open_tablet(logged_in(staff["clerk"]), completed.number)
    _pinned_clock.shift(dt.timedelta(minutes=settings.RATING_TABLET_MINUTES + 1))
    assert Client().post(opened.url, {"level": "5"}).status_code == 404
    assert not Rating.objects.filter(case=completed, stage="accept").exists()


def test_serving_means_a_recent_act(completed, staff, _pinned_clock, settings):
    _pinned_clock.shift(dt.timedelta(hours=settings.RATING_TABLET_SERVING_HOURS + 1))
    assert _open_tablet(logged_in(staff["clerk"]), completed.number).status_code == 403


def test_a_signed_window_link_without_a_session_is_refused(completed):
    """Tablet links used to be plain signed tokens with channel "window": such a token opens nothing."""
    token = rating_link_token(completed, "accept", "window")
    assert Client().get(f"/rate/{token}/").status_code == 404


def test_one_tablet_session_cannot_rate_twice_even_at_once(completed, staff, applicant):
    from govhall.core.errors import Conflict
    from govhall.evaluation.services import rating_link_open, rating_submit

    opened = _open_tablet(logged_in(staff["clerk"]), completed.number)
    case, stage, channel, tablet = rating_link_open(opened.url.split("/")[2])
    TabletSession.objects.filter(pk=tablet.pk).update(
        used_at=tablet.created_at
    )  # spent by a parallel request
    with pytest.raises(Conflict):
        rating_submit(
            number=case.number, user=None, case=case, stage=stage, level=5, channel=channel, tablet=tablet
        )


def test_public_figures_page(completed, applicant):
    logged_in(applicant).post(f"/cases/{completed.number}/rate/complete/", {"level": "5"})
    page = Client().get("/ratings/")
    assert page.status_code == 200
    html = page.content.decode()
    assert completed.department.name in html and "100%" in html
    assert Client().get("/ratings/?from=2026-02-31").status_code == 422


def test_department_closes_a_rectification_on_its_page(completed, applicant, staff):
    logged_in(applicant).post(f"/cases/{completed.number}/rate/complete/", {"level": "1", "text": "态度差"})
    rectification = Rectification.objects.get()
    head = logged_in(staff["head"])
    assert "态度差" in head.get("/rectifications/?state=open").content.decode()
    assert "态度差" not in logged_in(staff["other"]).get("/rectifications/").content.decode()
    head.post(f"/rectifications/{rectification.pk}/close/", {"action": "批评教育", "follow_up": ""})
    rectification.refresh_from_db()
    assert rectification.state == "open"
    head.post(
        f"/rectifications/{rectification.pk}/close/", {"action": "批评教育", "follow_up": "电话回访，认可"}
    )
    rectification.refresh_from_db()
    assert rectification.state == "closed"
    client = logged_in(applicant)
    assert "对整改情况的评价" in client.get(f"/cases/{completed.number}/").content.decode()
    client.post(f"/rectifications/{rectification.pk}/rating/", {"level": "4"})
    rectification.refresh_from_db()
    assert rectification.applicant_level == 4
    assert logged_in(applicant).get("/rectifications/").status_code == 404


def test_department_heads_find_their_rectifications(completed, applicant, staff):
    head = logged_in(staff["head"])
    assert "差评整改" not in head.get("/tasks/").content.decode()  # nothing to do: no menu entry
    logged_in(applicant).post(f"/cases/{completed.number}/rate/complete/", {"level": "1", "text": "态度差"})
    rectification = Rectification.objects.get()
    workbench = head.get("/tasks/").content.decode()
    assert 'aria-label="1件待整改"' in workbench  # in the menu and on the workbench's side menu
    assert "本部门有 <strong>1</strong> 件差评待整改" in workbench
    assert "/rectifications/?state=open" in workbench
    assert "差评整改" not in logged_in(staff["other"]).get("/tasks/").content.decode()  # other department
    case_page = head.get(f"/cases/{completed.number}/").content.decode()
    form = f"/rectifications/?case={completed.number}#r{rectification.pk}"
    assert form in case_page and "填写整改措施和回访" in case_page
    assert form not in logged_in(staff["other"]).get(f"/cases/{completed.number}/").content.decode()
    listed = head.get(f"/rectifications/?case={completed.number}").content.decode()
    assert f'id="r{rectification.pk}"' in listed and "整改措施" in listed
    from govhall.notices.models import Notice

    notice = Notice.objects.get(recipient=staff["head"], channel="site", title="收到差评，请整改")
    assert f"/rectifications/?case={completed.number}" in notice.body
    messages = head.get("/my/messages/").content.decode()
    assert f'<a href="http://127.0.0.1:8000/rectifications/?case={completed.number}"' in messages  # a link
