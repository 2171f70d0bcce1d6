"""A small county month for the statistics: cases made through the real services, then moved to known dates
with .update(); ratings through the rating service; warnings as the scan would leave them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from govhall.cases.models import Case, CaseMaterial, Satisfaction
from govhall.cases.services import case_act, upload_store
from govhall.cases.transitions import Action
from govhall.core.errors import PermissionDenied
from govhall.evaluation.models import Rating
from govhall.evaluation.services import rating_submit
from govhall.licences.models import LicenceType
from govhall.licences.services import licence_issue, licence_use_record
from govhall.sharing.services import Subject, lookup_perform
from govhall.supervision.models import Warning
from tests.factories import ServiceItemFactory, make_citizen, make_staff
from tests.factories.cases import PDF, submit
from tests.factories.identity import DepartmentFactory
from tests.factories.sharing import make_grant, make_resource, put_record

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


def _lookup(user, case_number: str, resource, applicant, item_code: str = "", department: Any = "own") -> str:
    """A look-up through the sharing service; a denial is logged and raises, and is answered "denied"."""
    try:
        lookup_perform(
            user=user, department=user.department if department == "own" else department,
            case_number=case_number, subject=Subject("id_number", applicant.id_number), resource=resource.code,
            items=["name"], item_code=item_code,
        )  # fmt: skip
    except PermissionDenied:
        return "denied"
    return "granted"


@pytest.fixture
def paperless_month(month, items, other_item, staff, applicant, department, media) -> dict[str, Any]:
    """The month's cases with their materials handed in in every way, and the look-ups and licence uses of March.

    Materials (居民身份证, 申领登记表 on every item): c1 ID by e-licence, the form in two files; c2 ID as a file
    and then looked up as well (not 免提交), the form by shared data; c3 both files; c4 (February) both by
    e-licence; c5 (scjgj, 孝丰镇) ID by shared data. Look-ups in March: rsj granted in c2, denied in c3 (the grant
    names only the instant item) and denied outside any case; scjgj denied in c5; a citizen (no department)
    denied; rsj granted in April (outside). Licence uses: rsj in c1 (March), in c4 (February)."""
    c1, c2, c3, c4, c5 = month["cases"]
    rsj, scjgj = month["rsj"], month["scjgj"]

    def paperless(case: Case, name: str, way: str, keep_file: bool = False) -> None:
        rows = CaseMaterial.objects.filter(case=case, material__name=name)
        material = rows.first().material
        if not keep_file:
            rows.delete()
        CaseMaterial.objects.create(case=case, material=material, satisfied_by=way, reference=f"ref-{way}")

    paperless(c1, "居民身份证", Satisfaction.LICENCE)
    extra = upload_store(owner=applicant, name="page2.pdf", data=PDF)
    form = CaseMaterial.objects.get(case=c1, material__name="申领登记表")
    CaseMaterial.objects.create(case=c1, material=form.material, upload=extra)  # a second file
    paperless(c2, "居民身份证", Satisfaction.SHARED_DATA, keep_file=True)
    paperless(c2, "申领登记表", Satisfaction.SHARED_DATA)
    paperless(c4, "居民身份证", Satisfaction.LICENCE)
    paperless(c4, "申领登记表", Satisfaction.LICENCE)
    paperless(c5, "居民身份证", Satisfaction.SHARED_DATA)

    provider = DepartmentFactory(code="gaj", name="安吉县公安局", region=department.region)
    provider_head = make_staff(username="gaj_head", department=provider, roles=["department_head"])
    resource = make_resource(provider)
    make_grant(asker=staff["head"], approver=provider_head, resource=resource,
               item_codes=[items["instant"].implementation_code])  # fmt: skip
    put_record(
        resource, applicant.id_number, name=applicant.real_name, address="安吉县孝丰镇", relation="户主"
    )
    approver, joint = staff["approver"], staff["joint"]
    outcomes = []
    with time_machine.travel(at(d(2), 14)):
        outcomes.append(
            _lookup(approver, c2.number, resource, applicant, items["instant"].implementation_code)
        )
    with time_machine.travel(at(d(4), 14)):
        outcomes.append(
            _lookup(approver, c3.number, resource, applicant, items["promised"].implementation_code)
        )
        outcomes.append(_lookup(approver, "", resource, applicant))
    with time_machine.travel(at(d(10), 14)):
        outcomes.append(_lookup(joint, c5.number, resource, applicant, other_item.implementation_code))
        citizen = make_citizen(name="李四")
        code = other_item.implementation_code
        outcomes.append(_lookup(citizen, c5.number, resource, applicant, code, department=None))
    with time_machine.travel(at(d(2, 4), 14)):
        outcomes.append(
            _lookup(approver, c2.number, resource, applicant, items["instant"].implementation_code)
        )
    assert outcomes == ["granted", "denied", "denied", "denied", "denied", "granted"]

    licence_type = LicenceType.objects.create(
        code="320001", name="测试许可证", department=rsj, validity_years=5
    )
    licence = licence_issue(type=licence_type, holder=applicant, face={})
    for case, moment in ((c1, at(d(2), 10, 30)), (c4, at(d(27, 2)))):
        with time_machine.travel(moment):
            licence_use_record(licence=licence, department=case.department, case_number=case.number,
                               staff=None, purpose="居民身份证")  # fmt: skip
    return {**month, "resource": resource, "provider": provider, "scjgj": scjgj}
