"""`govhall generate`: synthetic cases that look like real ones and never collide with them."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count, Max
from django.utils import timezone

from govhall.cases.models import Case, CaseNumberCounter, CaseTask, Suspension
from govhall.cases.numbering import next_case_number
from govhall.catalogue.models import CaseKind
from govhall.core import crypto
from govhall.core.ids import validate_id_number, validate_uscc
from govhall.core.selectors import work_calendar
from govhall.demo.generate import FastCalendar, generate_cases, synthetic_id_number, synthetic_uscc
from govhall.demo.seeding import seed_demo
from govhall.evaluation.models import Rating, Rectification
from govhall.identity.models import User

NUMBER = re.compile(r"^(\d{6})-(\d{8})-(\d{5})$")
OPEN = {"submitted", "correction", "accepted", "suspended", "decided", "issued"}


@pytest.fixture
def demo(db):
    seed_demo()


def test_synthetic_identifiers_are_valid_and_distinct():
    numbers = [synthetic_id_number(i) for i in range(0, 400_000, 7)]
    assert len(set(numbers)) == len(numbers)
    for number in numbers[:2000]:
        assert validate_id_number(number) == number
    assert validate_uscc(synthetic_uscc(12345)) == synthetic_uscc(12345)


def test_fast_calendar_matches_work_calendar(db):
    today = timezone.localdate()
    calendar = work_calendar(today.replace(year=today.year - 2), today)
    fast = FastCalendar(calendar, today.replace(year=today.year - 2), today.replace(year=today.year + 1))
    start = fast.first
    with pytest.raises(ValueError):
        fast.add_workdays(start - timezone.timedelta(days=1), 1)
    for offset in range(0, 700, 3):
        day = start + timezone.timedelta(days=offset)
        for days in (0, 1, 5, 20, 60):
            assert fast.add_workdays(day, days) == calendar.add_workdays(day, days)
            assert fast.workdays_between(
                day, day + timezone.timedelta(days=days)
            ) == calendar.workdays_between(day, day + timezone.timedelta(days=days))
        assert fast.is_workday(day) == calendar.is_workday(day)


def test_generated_cases_are_realistic_and_consistent(demo):
    summary = generate_cases(300, seed=3, years=0.5)
    cases = list(Case.objects.select_related("item"))
    assert summary.cases == len(cases) == 300

    statuses = Counter(c.status for c in cases)
    assert statuses["completed"] > 150
    assert statuses["refused"] + statuses["withdrawn"] > 0
    assert sum(statuses[s] for s in OPEN) > 0
    channels = Counter(c.channel for c in cases)
    assert channels["web"] > channels["window"] > channels["api"]

    # numbers: the real format, unique, dated the local submission day, and below the counters
    numbers = [c.number for c in cases]
    assert len(set(numbers)) == len(numbers)
    counters = {(c.region_code, c.day): c.last for c in CaseNumberCounter.objects.all()}
    for case in cases:
        region, day, sequence = NUMBER.match(case.number).groups()
        local_day = timezone.localdate(case.submitted_at)
        assert day == f"{local_day:%Y%m%d}" and region == case.region_id[:6]
        assert int(sequence) <= counters[(region, local_day)]

    # deadlines: the working-day calendar from the acceptance day, plus the suspended working days
    calendar = work_calendar(min(c.submitted_at for c in cases).date(), timezone.localdate())
    accepted = [c for c in cases if c.accepted_at is not None]
    assert accepted
    for case in accepted:
        assert case.accepted_on == timezone.localdate(case.accepted_at)
        extra = case.suspended_workdays
        assert case.promised_due == calendar.add_workdays(
            case.accepted_on, case.item.promised_time_limit + extra
        )
        assert case.legal_due == calendar.add_workdays(case.accepted_on, case.item.legal_time_limit + extra)
        assert case.submitted_at <= case.accepted_at
        if case.completed_at:
            assert case.accepted_at <= case.decided_at <= case.completed_at <= timezone.now()
            if case.item.case_kind == CaseKind.INSTANT:
                assert timezone.localdate(case.completed_at) == case.accepted_on
    for case in cases:
        if case.status in ("submitted", "refused", "withdrawn") or (
            case.status == "correction" and not case.accepted_at
        ):
            assert case.accepted_at is None and case.promised_due is None
        if case.status == "suspended":
            assert case.suspensions.filter(ended_on__isnull=True).exists()
        for owed in case.owed_materials:
            assert set(owed) == {"material", "name", "due"} and case.status in OPEN
    for suspension in Suspension.objects.filter(ended_on__isnull=False):
        assert suspension.workdays == calendar.workdays_between(suspension.started_on, suspension.ended_on)

    # live tasks only on open accepted cases, in the right department
    for task in CaseTask.objects.select_related("case"):
        assert task.state in ("open", "claimed")
        assert task.case.status in ("accepted", "suspended", "correction") and task.case.accepted_at
        assert task.due_on is not None and task.due_on <= task.case.promised_due
        assert task.decides == (task.step == "decide")  # only the decision step decides

    # ratings: completed cases only, one per case and stage, bad ones rectified
    ratings = list(Rating.objects.select_related("case"))
    assert ratings
    assert len({(r.case_id, r.stage) for r in ratings}) == len(ratings)
    assert all(r.case.status == "completed" for r in ratings)
    completed = statuses["completed"]
    rated = {r.case_id for r in ratings if not r.is_default}
    assert 0.45 * completed < len(rated) < 0.85 * completed
    assert {r.rating_id for r in Rectification.objects.all()} == {r.pk for r in ratings if r.level <= 2}

    # applicants: personal data encrypted and hashed like real accounts
    generated = User.objects.filter(username__startswith="gen")
    assert generated.count() == summary.applicants >= 15
    for user in generated[:20]:
        assert validate_id_number(user.id_number) == user.id_number
        assert user.id_number_hash == crypto.lookup_hash(user.id_number)
        assert not user.has_usable_password()
    assert Case.objects.filter(enterprise__isnull=False).exists()
    assert all(c.form.get("applicant_name") for c in cases[:20])


def test_running_twice_adds_more_without_collisions(demo):
    out = io.StringIO()
    call_command("generate", cases=120, seed=5, stdout=out)
    assert "办件 120" in out.getvalue()
    generate_cases(120, seed=5)
    assert Case.objects.count() == 240
    assert Case.objects.values("number").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    citizens = User.objects.filter(id_number_hash__isnull=False)
    assert citizens.values("id_number_hash").annotate(n=Count("pk")).filter(n__gt=1).count() == 0
    assert User.objects.filter(username__startswith="gen").count() == 40  # at least 20 per run
    # a real submission today takes the next number after every generated one
    today = timezone.localdate()
    latest = Case.objects.filter(number__contains=f"-{today:%Y%m%d}-").aggregate(last=Max("number"))["last"]
    following = next_case_number("330523", today)
    if latest:
        assert following > latest
    assert not Case.objects.filter(number=following).exists()


def test_generated_rows_are_given_by_column_name():
    from govhall.demo.generate.storage import _Table
    from govhall.evaluation.models import RatingReminder

    now = timezone.now()
    table = _Table(RatingReminder, ["case_id", "sent_at"], now)
    table.add(sent_at=now, case_id=7)
    assert table.rows == [(7, now)]
    assert table.row(case_id=8, sent_at=now) == [8, now]
    with pytest.raises(TypeError, match=r"missing columns \['sent_at'\]"):
        table.add(case_id=9)
    with pytest.raises(TypeError, match=r"unknown columns \['sent'\], missing columns \['sent_at'\]"):
        table.add(case_id=9, sent=now)
    with pytest.raises(TypeError, match=r"unknown columns \['note'\]"):
        table.add(case_id=9, sent_at=now, note="")
