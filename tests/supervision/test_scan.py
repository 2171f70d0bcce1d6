import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from govhall.cases.models import Case, CaseTask
from govhall.cases.services import case_act
from govhall.cases.transitions import Action, Status
from govhall.catalogue.models import ServiceItem
from govhall.core.models import CalendarDay
from govhall.core.selectors import work_calendar
from govhall.supervision.models import Rule, Warning
from govhall.supervision.scan import supervision_scan
from tests.factories.cases import submit


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def running(items, staff, applicant, *, limit, accepted_on, suspended=0, legal=None):
    item = items["promised"]
    ServiceItem.objects.filter(pk=item.pk).update(
        promised_time_limit=limit, legal_time_limit=legal or limit * 2
    )
    item.refresh_from_db()
    case = submit(item, applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    calendar = work_calendar(accepted_on, accepted_on + dt.timedelta(days=400))
    Case.objects.filter(pk=case.pk).update(
        accepted_on=accepted_on,
        suspended_workdays=suspended,
        promised_due=calendar.add_workdays(accepted_on, limit + suspended),
        legal_due=calendar.add_workdays(accepted_on, (legal or limit * 2) + suspended),
    )
    CaseTask.objects.filter(case=case).update(due_on=calendar.add_workdays(accepted_on, limit + suspended))
    return Case.objects.get(pk=case.pk)


def open_rules(case, *, visits=False):
    """The case's open warnings (several cases of one applicant here also count as repeated visits)."""
    rows = Warning.objects.filter(case=case, resolved_at__isnull=True)
    if not visits:
        rows = rows.exclude(rule="repeated_visit")
    return set(rows.values_list("rule", flat=True))


def the_day_when_used(case, used, limit):
    """The first date on which ``used`` working days of the limit have passed."""
    calendar = work_calendar(case.accepted_on, case.promised_due + dt.timedelta(days=30))
    return calendar.add_workdays(case.accepted_on, used + case.suspended_workdays)


@pytest.mark.parametrize(
    ("used", "expected"), [(79, set()), (80, {"promised_near"}), (100, {"promised_near"})]
)
def test_yellow_at_the_threshold_of_100_days(media, items, staff, applicant, used, expected):
    case = running(items, staff, applicant, limit=100, accepted_on=dt.date(2026, 3, 2))
    supervision_scan(now=at(the_day_when_used(case, used, 100)))
    assert open_rules(case) == expected


def test_red_once_the_promised_time_is_exceeded_and_yellow_resolves(media, items, staff, applicant):
    case = running(items, staff, applicant, limit=5, accepted_on=dt.date(2026, 3, 2))
    supervision_scan(now=at(the_day_when_used(case, 4, 5)))
    assert open_rules(case) == {"promised_near"}
    supervision_scan(now=at(case.promised_due + dt.timedelta(days=1)))
    assert open_rules(case) == {"promised_over", "step_over"}
    yellow = Warning.objects.get(case=case, rule="promised_near")
    assert yellow.resolved_at is not None and yellow.level == "yellow"
    from govhall.notices.models import Notice

    [digest] = Notice.objects.filter(title="红牌警告", channel="site")  # one per person per scan
    assert digest.recipient == staff["head"] and "1条红牌警告" in digest.body


def test_holiday_inside_the_period_does_not_count(media, items, staff, applicant):
    # accepted 2026-09-29; National Day holiday 10-01..10-07; Saturday 10-10 is a working day
    case = running(items, staff, applicant, limit=5, accepted_on=dt.date(2026, 9, 29))
    assert case.promised_due == dt.date(2026, 10, 12)  # 09-30, 10-08, 10-09, 10-10, 10-12
    supervision_scan(now=at(dt.date(2026, 10, 7)))  # only 09-30 used: 20%, however many days passed
    assert open_rules(case) == set()
    supervision_scan(now=at(dt.date(2026, 10, 9)))  # 3 of 5: 60%
    assert open_rules(case) == set()
    supervision_scan(now=at(dt.date(2026, 10, 10)))  # 4 of 5 on the working Saturday: 80%
    assert open_rules(case) == {"promised_near"}


def test_a_suspension_in_between_moves_the_threshold(media, items, staff, applicant):
    plain = running(items, staff, applicant, limit=10, accepted_on=dt.date(2026, 3, 2))
    paused = running(items, staff, applicant, limit=10, accepted_on=dt.date(2026, 3, 2), suspended=3)
    day = the_day_when_used(plain, 8, 10)
    supervision_scan(now=at(day))
    assert open_rules(plain) == {"promised_near"}
    assert open_rules(paused) == set()  # 3 of its days were suspended: only 5 of 10 used
    supervision_scan(now=at(the_day_when_used(paused, 8, 10)))
    assert open_rules(paused) == {"promised_near"}


def test_a_suspended_case_keeps_its_warnings_while_the_clock_is_stopped(media, items, staff, applicant):
    case = running(items, staff, applicant, limit=5, accepted_on=dt.date(2026, 3, 2))
    supervision_scan(now=at(case.promised_due + dt.timedelta(days=1)))
    assert "promised_over" in open_rules(case)
    Case.objects.filter(pk=case.pk).update(status=Status.SUSPENDED)
    supervision_scan(now=at(case.promised_due + dt.timedelta(days=2)))
    assert "promised_over" in open_rules(case)
    Case.objects.filter(pk=case.pk).update(status=Status.COMPLETED)
    supervision_scan(now=at(case.promised_due + dt.timedelta(days=3)))
    assert open_rules(case) == set()
    assert Warning.objects.filter(case=case, rule="promised_over").get().resolution


def test_legal_limit_is_a_separate_warning(media, items, staff, applicant):
    case = running(items, staff, applicant, limit=5, legal=6, accepted_on=dt.date(2026, 3, 2))
    supervision_scan(now=at(case.legal_due + dt.timedelta(days=1)))
    assert {"promised_over", "legal_over"} <= open_rules(case)
    assert Warning.objects.get(case=case, rule="legal_over").level == "red"


def test_repeated_correction_and_repeated_visit(media, items, staff, applicant):
    first = submit(items["promised"], applicant)
    second = submit(items["promised"], applicant)
    Case.objects.filter(pk__in=[first.pk, second.pk]).update(channel="window")
    for _ in range(2):
        case_act(
            number=second.number,
            user=staff["clerk"],
            action=Action.REQUEST_CORRECTION,
            items=["身份证不清晰"],
        )
        case_act(number=second.number, user=applicant, action=Action.RESUBMIT)
    supervision_scan()
    assert open_rules(second, visits=True) == {"repeated_correction", "repeated_visit"}
    assert open_rules(first, visits=True) == set()


@pytest.mark.parametrize("earlier", ["web", "api", "refused", "withdrawn"])
def test_online_refused_and_withdrawn_applications_are_no_visits(media, items, staff, applicant, earlier):
    first = submit(items["promised"], applicant)
    second = submit(items["promised"], applicant)
    Case.objects.filter(pk__in=[first.pk, second.pk]).update(channel="window")
    if earlier in ("web", "api"):
        Case.objects.filter(pk=first.pk).update(channel=earlier)
    else:
        Case.objects.filter(pk=first.pk).update(status=earlier)
    supervision_scan()
    assert "repeated_visit" not in open_rules(second, visits=True)
    Case.objects.filter(pk=first.pk).update(channel="window", status="submitted")
    supervision_scan()
    assert "repeated_visit" in open_rules(second, visits=True)


def test_a_rule_stored_out_of_range_is_skipped_not_raised(media, items, staff, applicant, caplog):
    case = submit(items["promised"], applicant)
    Case.objects.filter(pk=case.pk).update(corrections=1)
    Rule.objects.update_or_create(code="repeated_correction", defaults={"level": "yellow", "threshold": 1})
    supervision_scan()
    assert "repeated_correction" not in open_rules(case)  # not silently counted as 2, not run on 1 either
    assert "repeated_correction skipped" in caplog.text


def test_two_online_applications_are_no_repeated_visit(media, items, staff, applicant):
    submit(items["promised"], applicant)
    second = submit(items["promised"], applicant)
    supervision_scan()
    assert "repeated_visit" not in open_rules(second, visits=True)


def test_thresholds_are_configurable_and_disabling_resolves(media, items, staff, applicant):
    case = running(items, staff, applicant, limit=10, accepted_on=dt.date(2026, 3, 2))
    day = at(the_day_when_used(case, 6, 10))
    supervision_scan(now=day)
    assert open_rules(case) == set()
    Rule.objects.filter(code="promised_near").update(threshold=60)
    supervision_scan(now=day)
    assert open_rules(case) == {"promised_near"}
    Rule.objects.filter(code="promised_near").update(enabled=False)
    supervision_scan(now=day)
    assert open_rules(case) == set()
    assert Warning.objects.get(case=case).resolution == "规则已停用"


def test_owed_material_overdue(media, items, staff, applicant):
    case = submit(items["promised"], applicant)
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    Case.objects.filter(pk=case.pk).update(
        owed_materials=[{"material": 1, "name": "证明", "due": "2026-03-05"}]
    )
    supervision_scan(now=at(dt.date(2026, 3, 5)))
    assert "owed_overdue" not in open_rules(case)
    supervision_scan(now=at(dt.date(2026, 3, 6)))
    assert "owed_overdue" in open_rules(case)
    Case.objects.filter(pk=case.pk).update(owed_materials=[])
    supervision_scan(now=at(dt.date(2026, 3, 6)))
    assert "owed_overdue" not in open_rules(case)


def test_scanning_twice_changes_nothing(media, items, staff, applicant):
    case = running(items, staff, applicant, limit=5, accepted_on=dt.date(2026, 3, 2))
    now = at(case.promised_due + dt.timedelta(days=1))
    first = supervision_scan(now=now)
    second = supervision_scan(now=now)
    assert first.opened >= 1 and second.opened == 0 and second.resolved == 0
    assert Warning.objects.filter(resolved_at__isnull=True).count() == first.opened


def test_entering_a_holiday_moves_the_ordinals(media, items, staff, applicant):
    case = running(items, staff, applicant, limit=5, accepted_on=dt.date(2026, 3, 2))
    day = the_day_when_used(case, 4, 5)
    supervision_scan(now=at(day))
    assert open_rules(case) == {"promised_near"}
    from govhall.core.models import WorkdayOrdinal

    before = WorkdayOrdinal.objects.get(date=dt.date(2026, 3, 31)).ordinal
    from govhall.core.services import calendar_day_save

    calendar_day_save(CalendarDay(date=dt.date(2026, 3, 3), is_workday=False, name="临时放假"))
    assert WorkdayOrdinal.objects.get(date=dt.date(2026, 3, 31)).ordinal == before - 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_scans_at_once_do_not_duplicate(media, items, staff, applicant):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    case = running(items, staff, applicant, limit=5, accepted_on=dt.date(2026, 3, 2))
    now = at(case.promised_due + dt.timedelta(days=1))
    results = []

    def scan():
        try:
            results.append(supervision_scan(now=now))
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Warning.objects.filter(case=case, rule="promised_over").count() == 1
    assert sum(r.opened for r in results) == Warning.objects.count()


@pytest.mark.clock("2026-11-18T10:00")  # expected dates worked out for this day
def test_a_tolerated_gap_left_unsupplied_is_warned(media, items, staff, applicant):
    """容缺受理 end to end: the case cannot be completed while it owes the material, so it stays active and the
    scan, which looks at active cases, warns the day after the due date."""
    from govhall.cases.services import upload_store
    from govhall.cases.tolerance import ToleratedGap
    from tests.factories.cases import PDF

    item = items["tolerant"]
    health = item.materials.get(name="健康证明")
    scan = str(upload_store(owner=staff["clerk"], name="scan.pdf", data=PDF).pk)
    case = submit(item, applicant, user=staff["clerk"], on_behalf_of=applicant.phone,
                  materials=[(m.pk, scan) for m in item.materials.all() if m.pk != health.pk],
                  tolerated_gaps=[ToleratedGap(health.pk, dt.date(2026, 11, 20))])  # fmt: skip
    case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)
    supervision_scan(now=at(dt.date(2026, 11, 20)))
    assert "owed_overdue" not in open_rules(case)
    supervision_scan(now=at(dt.date(2026, 11, 23)))
    assert "owed_overdue" in open_rules(case)
    assert "容缺" in Warning.objects.get(case=case, rule="owed_overdue").reason
