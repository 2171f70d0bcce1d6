"""A small county month for the statistics: cases made through the real services, then moved to known dates
with .update(); ratings through the rating service; warnings as the scan would leave them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from govhall.cases.models import Case
from govhall.cases.services import case_act
from govhall.cases.transitions import Action
from govhall.evaluation.models import Rating
from govhall.evaluation.services import rating_submit
from govhall.supervision.models import Warning
from tests.factories import ServiceItemFactory, make_staff
from tests.factories.cases import submit

START, END = dt.date(2026, 3, 1), dt.date(2026, 3, 31)
TOWN = "330523101000"  # 孝丰镇


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A local time on ``day`` (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def d(day: int, month: int = 3) -> dt.date:
    return dt.date(2026, month, day)


@pytest.fixture
def other_item(joint_department):
    return ServiceItemFactory.published(
        department=joint_department, case_kind="instant", name="其他部门即办事项"
    )


@pytest.fixture
def month(media, items, other_item, staff, applicant) -> dict[str, Any]:
    """Five cases of March 2026 (and one from February), three ratings, four warnings.

    rsj (``department``): c1 web 03-02 on time; c2 window 03-02 late; c3 api 03-04 00:30 (still waiting);
    c4 submitted 02-27, completed 03-02 on time. scjgj: c5 web 03-10 in 孝丰镇, on time."""

    def completed(item, **dates: Any) -> Case:
        case = submit(item, applicant)
        case_act(number=case.number, user=staff["clerk"], action=Action.ACCEPT)  # 即办件: done at once
        Case.objects.filter(pk=case.pk).update(**dates)
        return Case.objects.get(pk=case.pk)

    c1 = completed(
        items["instant"], submitted_at=at(d(2)), accepted_at=at(d(2), 10, 5), accepted_on=d(2),
        decided_at=at(d(2), 11), completed_at=at(d(2), 11), promised_due=d(3),
    )  # fmt: skip
    c2 = completed(
        items["instant"], channel="window", submitted_at=at(d(2), 9), accepted_at=at(d(2), 9, 5),
        accepted_on=d(2), decided_at=at(d(5)), completed_at=at(d(6)), promised_due=d(3),
    )  # fmt: skip
    c3 = submit(items["promised"], applicant)
    Case.objects.filter(pk=c3.pk).update(channel="api", submitted_at=at(d(4), 0, 30))
    c4 = completed(
        items["instant"], submitted_at=at(d(27, 2)), accepted_at=at(d(27, 2)), accepted_on=d(27, 2),
        decided_at=at(d(2)), completed_at=at(d(2)), promised_due=d(2),
    )  # fmt: skip
    c5 = completed(
        other_item, region_id=TOWN, submitted_at=at(d(10)), accepted_at=at(d(10)), accepted_on=d(10),
        decided_at=None, completed_at=at(d(11)), promised_due=d(12),
    )  # fmt: skip
    for case, level in ((c1, 5), (c2, 2), (c5, 4)):
        rating_submit(
            number=case.number,
            user=applicant,
            stage="complete",
            level=level,
            tags=["办理时间长"] if level < 3 else [],
        )
    Rating.objects.filter(case__in=[c1, c2]).update(created_at=at(d(7)))
    Rating.objects.filter(case=c5).update(created_at=at(d(12)))
    rsj, scjgj = items["instant"].department, other_item.department

    def warning(case: Case, rule: str, level: str, opened: dt.datetime, resolved: Any = None) -> Warning:
        return Warning.objects.create(
            rule=rule, level=level, subject=f"case:{case.pk}", case=case, department=case.department,
            reason="测试", opened_at=opened, resolved_at=resolved,
        )  # fmt: skip

    warning(c3, "promised_near", "yellow", at(d(5)), resolved=at(d(6)))
    warning(c2, "promised_over", "red", at(d(10)))
    warning(c3, "repeated_correction", "yellow", at(d(1, 1)))  # opened in January, still open
    warning(c5, "promised_over", "red", at(d(12)))
    return {"cases": [c1, c2, c3, c4, c5], "rsj": rsj, "scjgj": scjgj}


@pytest.fixture
def supervisor(platform):
    return make_staff(username="supervisor1", department=platform, roles=["supervisor"])


@pytest.fixture
def sysadmin(platform):
    return make_staff(username="sysadmin1", department=platform, roles=["system_admin"])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client
