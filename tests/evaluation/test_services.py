"""Rating and rectification lifecycle, and the sweep (reminder, then default rating)."""

import datetime as dt

import pytest
from django.core import signing
from django.utils import timezone

from govhall.cases.models import Case
from govhall.cases.services import case_act
from govhall.cases.transitions import Action
from govhall.core.errors import Conflict, NotFound
from govhall.core.selectors import work_calendar_for
from govhall.evaluation.models import Rating, RatingPolicy, RatingReminder, Rectification
from govhall.evaluation.services import (
    LINK_SALT,
    rating_link_open,
    rating_link_token,
    rating_submit,
    ratings_sweep,
)
from govhall.notices.models import Notice
from tests.factories.cases import submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def completed(media, items, staff, applicant):
    case = submit(items["instant"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    return Case.objects.get(pk=case.pk)


def completed_days_ago(case, days):
    Case.objects.filter(pk=case.pk).update(completed_at=timezone.now() - dt.timedelta(days=days, minutes=1))


def test_bad_rating_opens_a_rectification_due_in_15_working_days(completed, applicant, staff):
    rating = rating_submit(number=completed.number, user=applicant, stage="complete", level=1, text="态度差")
    rectification = Rectification.objects.get(rating=rating)
    today = timezone.localdate()
    assert rectification.due_on == work_calendar_for(today, 15).add_workdays(today, 15)
    assert rectification.department_id == completed.department_id
    heads = Notice.objects.filter(recipient=staff["head"], title="收到差评，请整改")
    assert heads.filter(channel="site").exists()


def test_good_rating_opens_nothing_and_cannot_be_changed(completed, applicant):
    rating_submit(number=completed.number, user=applicant, stage="complete", level=3)
    assert not Rectification.objects.exists()
    with pytest.raises(Conflict):
        rating_submit(number=completed.number, user=applicant, stage="complete", level=1, text="改成差评")
    assert Rating.objects.get().level == 3


def test_sweep_reminds_once_then_records_the_default(completed, applicant):
    policy = RatingPolicy.current()
    completed_days_ago(completed, policy.reminder_days - 1)
    assert ratings_sweep().reminded == 0
    completed_days_ago(completed, policy.reminder_days)
    assert ratings_sweep().reminded == 1
    assert ratings_sweep().reminded == 0  # once
    sms = Notice.objects.get(recipient=applicant, title="请对办件服务进行评价", channel="sms")
    assert "/rate/" in sms.body
    assert RatingReminder.objects.filter(case=completed).count() == 1
    completed_days_ago(completed, policy.reminder_days + policy.default_after_days)
    result = ratings_sweep()
    assert result.defaulted == 1 and ratings_sweep().defaulted == 0
    default = Rating.objects.get(case=completed)
    assert default.is_default and default.level == policy.default_level and default.channel == "default"


def test_a_rated_case_is_neither_reminded_nor_defaulted(completed, applicant):
    rating_submit(number=completed.number, user=applicant, stage="complete", level=5)
    completed_days_ago(completed, 30)
    assert ratings_sweep().defaulted == 0 and ratings_sweep().reminded == 0
    assert Rating.objects.count() == 1


def test_configured_periods_and_level(completed):
    RatingPolicy.objects.update_or_create(pk=1, defaults={"reminder_days": 1, "default_after_days": 2,
                                                          "default_level": 5})  # fmt: skip
    completed_days_ago(completed, 3)
    assert ratings_sweep().defaulted == 1
    assert Rating.objects.get().level == 5


def test_links_are_signed_and_expire(completed):
    token = rating_link_token(completed, "complete")
    case, stage, channel, tablet = rating_link_open(token)
    assert (case.pk, stage, channel, tablet) == (completed.pk, "complete", "sms", None)
    with pytest.raises(NotFound):
        rating_link_open(token[:-2] + "xx")
    old = signing.dumps({"n": completed.number, "s": "complete", "c": "sms"}, salt=LINK_SALT, compress=True)
    RatingPolicy.objects.update_or_create(pk=1, defaults={"link_valid_days": 1})
    assert rating_link_open(old)[0].pk == completed.pk  # valid today...
    with pytest.raises(NotFound):  # ...and refused once it is more than a day old
        from unittest import mock

        with mock.patch("time.time", return_value=timezone.now().timestamp() + 2 * 86400):
            rating_link_open(old)
