import datetime as dt

import pytest
from django.utils import timezone

from govhall.cases.models import Case, Channel
from govhall.cases.services import case_act
from govhall.cases.transitions import Action, Status
from govhall.core.errors import ValidationFailed
from govhall.evaluation.services import rating_submit
from govhall.supervision.scan import supervision_scan
from govhall.supervision.selectors import month_bounds, monthly_report
from tests.factories.cases import submit


def this_month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def test_month_bounds():
    assert month_bounds("2026-12") == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    for bad in ("2026-13", "26-1", "", "2026/10"):
        with pytest.raises(ValidationFailed):
            month_bounds(bad)


def test_report_counts_a_department_month(media, items, staff, applicant):
    online = submit(items["instant"], applicant)
    case_act(number=online.number, user=staff["clerk"], action=Action.ACCEPT)
    at_window = submit(items["instant"], applicant, user=staff["clerk"], on_behalf_of=applicant.id_number,
                       channel=Channel.WINDOW)  # fmt: skip
    case_act(number=at_window.number, user=staff["clerk"], action=Action.ACCEPT)
    pending = submit(items["promised"], applicant)
    case_act(number=pending.number, user=staff["clerk"], action=Action.ACCEPT)
    assert Case.objects.filter(status=Status.COMPLETED).count() == 2
    rating_submit(number=online.number, user=applicant, stage="complete", level=5)
    rating_submit(number=at_window.number, user=applicant, stage="complete", level=1, tags=["多次跑动"])
    supervision_scan()
    [row] = monthly_report(this_month())
    assert row["department"] == items["instant"].department.code
    assert (row["accepted"], row["completed"], row["instant"]) == (3, 2, 2)
    assert row["instant_share"] == round(2 / 3, 4)
    assert row["on_time_rate"] == 1.0
    assert row["avg_used_workdays"] == 0.0
    assert row["online_rate"] == round(2 / 3, 4)
    assert row["one_visit_share"] == 1.0  # the window case was completed on the spot
    assert (row["ratings"], row["satisfaction_rate"], row["bad_ratings"]) == (2, 0.5, 1)
    assert row["rank"] == 1


def test_report_ranks_on_time_first(media, items, staff, applicant, joint_department):
    late = submit(items["promised"], applicant)
    case_act(number=late.number, user=staff["clerk"], action=Action.ACCEPT)
    Case.objects.filter(pk=late.pk).update(
        status=Status.COMPLETED, completed_at=timezone.now(), decided_at=timezone.now(),
        promised_due=timezone.localdate() - dt.timedelta(days=1),
    )  # fmt: skip
    quick = submit(items["instant"], applicant)
    Case.objects.filter(pk=quick.pk).update(department=joint_department)
    case_act(number=quick.number, user=staff["clerk"], action=Action.ACCEPT)
    report = monthly_report(this_month())
    assert [r["department"] for r in report] == [joint_department.code, items["promised"].department.code]
    assert report[1]["on_time_rate"] == 0.0


def test_a_small_department_does_not_outrank_a_busy_one_on_rate_alone():
    from govhall.supervision.rules import wilson_lower_bound
    from govhall.supervision.selectors import _ranked

    def row(code, on_time, timed):
        return {"department": code, "on_time_rate": on_time / timed, "satisfaction_rate": 1.0, "warnings": 0,
                "on_time_lower_bound": wilson_lower_bound(on_time, timed)}  # fmt: skip

    report = _ranked(
        [row("small", 6, 6), row("busy", 205, 208), row("none", 0, 1) | {"on_time_lower_bound": None}]
    )
    assert [r["department"] for r in report] == ["busy", "small", "none"]
    assert [r["rank"] for r in report] == [1, 2, 3]
