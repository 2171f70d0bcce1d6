"""The outbox: milestones write notices in the case's transaction; the worker sends each SMS once, retries
with backoff, and the development gateway records what was sent."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from govhall.cases.services import case_act
from govhall.cases.transitions import Action
from govhall.notices.gateways import LogGateway
from govhall.notices.models import Notice, SmsLogEntry
from govhall.notices.services import BACKOFF_MINUTES, notice_deliver, notices_resend
from tests.factories.cases import submit, suspended_case
from tests.factories.identity import make_staff

pytestmark = pytest.mark.django_db


def test_milestones_write_site_and_sms_notices(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    titles = list(Notice.objects.filter(channel="site").order_by("id").values_list("title", flat=True))
    assert titles == ["申请已提交", "申请已受理"]
    sms = Notice.objects.filter(channel="sms")
    assert sms.count() == 2 and set(sms.values_list("state", flat=True)) == {"pending"}
    assert case.number in sms.first().body


def test_every_milestone_notifies_the_applicant(media, items, staff, applicant):
    """Suspension, resumption, resubmission and withdrawal reach the applicant like the other milestones."""
    case = suspended_case(items["promised"], applicant, staff["clerk"], staff["approver"])
    case_act(number=case.number, user=staff["approver"], action=Action.RESUME, reason="专家评审结束")
    other = submit(items["promised"], applicant)
    case_act(number=other.number, user=staff["clerk"], action=Action.REQUEST_CORRECTION, items=["照片不清晰"])
    case_act(number=other.number, user=applicant, action=Action.RESUBMIT)
    case_act(number=other.number, user=applicant, action=Action.WITHDRAW)
    for number, titles in (
        (case.number, ["申请已提交", "申请已受理", "办件进入特别程序", "办件恢复办理"]),
        (other.number, ["申请已提交", "请补正材料", "补正材料已收到", "申请已撤回"]),
    ):
        site = Notice.objects.filter(case_number=number, channel="site").order_by("id")
        assert list(site.values_list("title", flat=True)) == titles
        assert Notice.objects.filter(case_number=number, channel="sms").count() == len(titles)


def test_delivery_sends_once(media, items, applicant):
    submit(items["promised"], applicant)
    notice = Notice.objects.get(channel="sms")
    assert notice_deliver(notice.pk) == "sent"
    assert notice_deliver(notice.pk) == "skipped"
    entry = SmsLogEntry.objects.get()
    assert entry.phone_masked == "139****0011" and "申请已提交" not in entry.text and "已提交" in entry.text
    assert b"13905720011" not in bytes(entry.phone_encrypted)


class FailingGateway:
    def send(self, **kwargs):
        raise ConnectionError("gateway down")


def test_failures_are_retried_for_a_day_then_marked_failed(media, items, applicant, settings):
    settings.SMS_GATEWAY = "tests.notices.test_services.FailingGateway"
    submit(items["promised"], applicant)
    notice = Notice.objects.get(channel="sms")
    results = [notice_deliver(notice.pk) for _ in range(10)]
    notice.refresh_from_db()
    assert results == ["retry"] * 9 + ["failed"]
    assert notice.state == "failed" and notice.attempts == 10 and "gateway down" in notice.last_error
    assert sum(BACKOFF_MINUTES) >= 24 * 60


class OutageGateway:
    """Down until RECOVERS_AT, then sends like the development gateway."""

    RECOVERS_AT = None

    def send(self, **kwargs):
        if timezone.now() < self.RECOVERS_AT:
            raise ConnectionError("gateway down")
        LogGateway().send(**kwargs)


def _run_tasks_as_the_clock_moves(clock, *, rounds: int) -> None:
    """Run every task that is due, then move the clock to the next scheduled retry, and again."""
    for _ in range(rounds):
        call_command("db_worker", batch=True, verbosity=0)
        upcoming = DBTaskResult.objects.filter(status="READY").order_by("run_after").first()
        if upcoming is None:
            return
        clock.move_to(upcoming.run_after + dt.timedelta(seconds=1))


@pytest.mark.django_db(transaction=True)
def test_a_20_hour_gateway_outage_loses_no_notice(media, items, applicant, settings, _pinned_clock):
    """The old schedule gave up after five attempts (about 2.6 hours)."""
    settings.SMS_GATEWAY = "tests.notices.test_services.OutageGateway"
    OutageGateway.RECOVERS_AT = timezone.now() + dt.timedelta(hours=20)
    for _ in range(3):
        submit(items["promised"], applicant)
    _run_tasks_as_the_clock_moves(_pinned_clock, rounds=20)
    sms = Notice.objects.filter(channel="sms")
    assert set(sms.values_list("state", flat=True)) == {"sent"} and sms.count() == 3
    assert SmsLogEntry.objects.count() == 3
    assert all(n.sent_at >= OutageGateway.RECOVERS_AT for n in sms)


def test_an_operator_resends_failed_notices(media, items, applicant, settings):
    settings.SMS_GATEWAY = "tests.notices.test_services.FailingGateway"
    submit(items["promised"], applicant)
    notice = Notice.objects.get(channel="sms")
    Notice.objects.filter(pk=notice.pk).update(state="failed", attempts=10)
    out = StringIO()
    call_command("notices", stdout=out)
    assert "发送失败 1 条" in out.getvalue() and "--resend" in out.getvalue()
    settings.SMS_GATEWAY = "govhall.notices.gateways.LogGateway"
    assert notices_resend() == 1 and notices_resend() == 0  # only failed ones, once
    notice.refresh_from_db()
    assert notice.state == "pending" and notice.attempts == 0
    assert notice_deliver(notice.pk) == "sent"
    call_command("notices", "--resend", stdout=out)
    assert "已重新排队发送 0 条" in out.getvalue()


def test_the_admin_resend_action(media, items, applicant, platform, client):
    submit(items["promised"], applicant)
    sms = Notice.objects.get(channel="sms")
    Notice.objects.filter(pk=sms.pk).update(state="failed", attempts=10)
    client.force_login(make_staff(username="ops", department=platform, roles=["system_admin"]))
    response = client.post(
        "/admin/notices/notice/", {"action": "resend", "_selected_action": [sms.pk]}, follow=True
    )
    assert "已重新排队发送 1 条短信" in response.content.decode()
    sms.refresh_from_db()
    assert sms.state == "pending"


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_queued_notices(media, items, applicant):
    """The worker closes its database connection when done: a transactional test lets Django reconnect."""
    submit(items["promised"], applicant)
    call_command("db_worker", batch=True, verbosity=0)
    assert Notice.objects.get(channel="sms").state == "sent"
    assert SmsLogEntry.objects.count() == 1


def test_messages_page_lists_and_marks_read(media, items, applicant):
    from django.test import Client

    submit(items["promised"], applicant)
    client = Client()
    client.force_login(applicant)
    page = client.get("/my/messages/").content.decode()
    assert "申请已提交" in page and "新" in page
    assert Notice.objects.filter(channel="site", read_at__isnull=True).count() == 0
