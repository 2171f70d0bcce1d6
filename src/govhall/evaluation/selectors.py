"""Reads of 好差评: published figures per department and per item, rectifications a user may see, and the
export rows a provincial 好差评 system takes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from govhall.cases.models import BundleCase, Case
from govhall.cases.transitions import Status
from govhall.identity.models import AccountKind, StaffRole
from govhall.identity.permissions import is_staff_member, staff_with
from govhall.identity.selectors import region_subtree_codes

from .models import BAD_LEVELS, GOOD_LEVELS, Level, Rating, Rectification, Stage


def _figures(today: dt.date) -> dict[str, Any]:
    """The aggregates of the published figures. A rectification is on time when closed by its due date and
    late when closed after it or still open past it; one still open and not yet due is pending: neither."""
    closed, still_open = Rectification.State.CLOSED, Rectification.State.OPEN
    return {
        "count": Count("pk"),
        "good": Count("pk", filter=Q(level__in=GOOD_LEVELS)),
        "bad": Count("pk", filter=Q(level__in=BAD_LEVELS)),
        "default": Count("pk", filter=Q(is_default=True)),
        "rectified": Count("pk", filter=Q(rectification__state=closed)),
        "rectified_on_time": Count(
            "pk",
            filter=Q(
                rectification__state=closed, rectification__closed_at__date__lte=F("rectification__due_on")
            ),
        ),
        "rectification_late": Count(
            "pk",
            filter=Q(
                rectification__state=closed, rectification__closed_at__date__gt=F("rectification__due_on")
            )
            | Q(rectification__state=still_open, rectification__due_on__lt=today),
        ),
        "rectification_pending": Count(
            "pk", filter=Q(rectification__state=still_open, rectification__due_on__gte=today)
        ),
    }


def ratings_in(
    *, start: dt.date | None = None, end: dt.date | None = None, department: str | None = None,
    item: str | None = None,
) -> QuerySet[Rating]:  # fmt: skip
    """Ratings given in [start, end] (local dates), of one department (code) and one item (implementation
    code, every version) when asked."""
    rows = Rating.objects.all()
    if start:
        rows = rows.filter(created_at__gte=_day_start(start))
    if end:
        rows = rows.filter(created_at__lt=_day_start(end + dt.timedelta(days=1)))
    if department:
        rows = rows.filter(department__code=department)
    if item:
        rows = rows.filter(item__implementation_code=item)
    return rows


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def with_rates(row: dict[str, Any]) -> dict[str, Any]:
    """Rates over what is known: satisfaction over all ratings, on-time rectification over the rectifications
    whose outcome is known (closed, or past due), so a pending one does not count against the department."""
    count = row["count"]
    row["satisfaction_rate"] = round(row["good"] / count, 4) if count else None
    decided = row["rectified_on_time"] + row["rectification_late"]
    row["rectified_on_time_rate"] = round(row["rectified_on_time"] / decided, 4) if decided else None
    return row


def rating_figures(ratings: QuerySet[Rating]) -> dict[str, Any]:
    return with_rates(ratings.aggregate(**_figures(timezone.localdate())))


# per-department and per-item keys (query path -> answer key), named as in the stats and supervision answers
_GROUP_KEYS = {
    "department": {"department__code": "department", "department__name": "department_name"},
    "item": {
        "item__implementation_code": "item",
        "item__name": "item_name",
        "department__name": "department_name",
    },
}


def rating_figures_by(ratings: QuerySet[Rating], by: str) -> list[dict[str, Any]]:
    """Figures per department (``by="department"``) or per item, most ratings first."""
    keys = _GROUP_KEYS[by]
    first = next(iter(keys))
    rows = (
        ratings.order_by().values(*keys).annotate(**_figures(timezone.localdate())).order_by("-count", first)
    )
    return [with_rates({keys.get(k, k): v for k, v in row.items()}) for row in rows]


def rectifications_for(
    user: Any, *, state: str | None = None, case_number: str | None = None
) -> QuerySet[Rectification]:
    """Staff see their department's rectifications; supervisors those of their region; others none."""
    rows = Rectification.objects.select_related("case", "case__item", "department", "rating").order_by(
        "state", "due_on", "pk"
    )
    if state:
        rows = rows.filter(state=state)
    if case_number:
        rows = rows.filter(case__number=case_number)
    if not is_staff_member(user):
        return rows.none()
    if user.has_role(StaffRole.SUPERVISOR):
        region = user.region_id or (user.department.region_id if user.department else None)
        return rows.filter(case__region_id__in=region_subtree_codes(region)) if region else rows.none()
    if user.department_id and user.has_role(StaffRole.DEPARTMENT_HEAD, StaffRole.APPROVER):
        return rows.filter(department_id=user.department_id)
    return rows.none()


def rectifications_to_do(user: Any) -> int:
    """How many rectifications wait for this department head or approver (open, of their department): the
    count in the menu and on the workbench. 0 for everyone else."""
    if not (staff_with(user, StaffRole.DEPARTMENT_HEAD, StaffRole.APPROVER) and user.department_id):
        return 0
    return Rectification.objects.filter(
        department_id=user.department_id, state=Rectification.State.OPEN
    ).count()


def may_rectify(user: Any, case: Case) -> bool:
    """Whether the user works the rectifications of this case's department (the case page links the form)."""
    return bool(
        staff_with(user, StaffRole.DEPARTMENT_HEAD, StaffRole.APPROVER)
        and user.department_id
        and user.department_id == case.department_id
    )


EXPORT_COLUMNS = [
    ("case_number", "办件编号"),
    ("basic_code", "事项基本编码"),
    ("implementation_code", "事项实施编码"),
    ("item_name", "事项名称"),
    ("department_code", "部门统一社会信用代码"),
    ("department_name", "部门名称"),
    ("stage", "评价环节"),
    ("channel", "评价渠道"),
    ("applicant_type", "申请人类型"),
    ("level", "评价等级"),
    ("level_label", "评价等级名称"),
    ("tags", "评价标签"),
    ("text", "评价内容"),
    ("is_default", "是否默认评价"),
    ("rated_at", "评价时间"),
]


def rating_export_rows(ratings: QuerySet[Rating]) -> Iterator[dict[str, Any]]:
    """One row per rating in the fields a provincial 好差评 system expects, read in chunks."""
    rows = ratings.select_related("case", "item", "department").order_by("created_at", "pk")
    for r in rows.iterator(chunk_size=2000):
        yield {
            "case_number": r.case.number,
            "basic_code": r.item.basic_code,
            "implementation_code": r.item.implementation_code,
            "item_name": r.item.name,
            "department_code": r.department.uscc,
            "department_name": r.department.name,
            "stage": r.stage,
            "channel": r.channel,
            "applicant_type": "2" if r.case.enterprise_id else "1",  # 1 自然人, 2 法人
            "level": r.level,
            "level_label": r.get_level_display(),
            "tags": "、".join(r.tags),
            "text": r.text,
            "is_default": "是" if r.is_default else "否",
            "rated_at": timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M:%S"),
        }


def rating_panel(case: Any, user: Any) -> dict[str, Any]:
    """What the case page shows about ratings: given ratings and rectifications, the stages the applicant
    may still rate, and for a window clerk the stages the applicant can rate on the hall's tablet."""
    ratings = list(Rating.objects.filter(case=case).select_related("rectification").order_by("created_at"))
    rated = {r.stage for r in ratings}
    open_stages = [s for s in Stage if s.value not in rated and stage_open(case, s.value)]
    applicant = is_applicant(case, user)
    return {
        "ratings": ratings,
        "is_applicant": applicant,
        "levels": [(lv.value, lv.label) for lv in Level],
        "to_rate": open_stages if applicant else [],
        "tablet": [s for s in open_stages if clerk_serving(case, s.value, user)],
        "may_rectify": may_rectify(user, case),
    }


# the acts by which a window clerk serves an applicant for each stage they may rate
SERVING_ACTIONS = {Stage.ACCEPT: ("submit", "accept", "refuse"), Stage.COMPLETE: ("issue", "complete")}


def clerk_serving(case: Case, stage: str, clerk: Any) -> bool:
    """Whether a window clerk is serving this case's applicant for the stage: they registered, accepted or
    refused it (受理), or issued or completed it (办结), within the last few hours."""
    if not staff_with(clerk, StaffRole.WINDOW_CLERK):
        return False
    since = timezone.now() - dt.timedelta(hours=settings.RATING_TABLET_SERVING_HOURS)
    acts = case.events.filter(actor=clerk, at__gte=since, action__in=SERVING_ACTIONS[Stage(stage)])
    return bool(acts.exists())


def is_applicant(case: Case, user: Any) -> bool:
    """The applicant themself (or, for an enterprise, one of its members): never a clerk or an agent who
    only submitted the case for them."""
    if not getattr(user, "is_authenticated", False) or user.kind != AccountKind.CITIZEN:
        return False
    if case.applicant_id == user.pk:
        return True
    return (
        case.enterprise_id is not None
        and user.enterprise_memberships.filter(enterprise_id=case.enterprise_id).exists()
    )


def stage_open(case: Case, stage: str) -> bool:
    """Acceptance can be rated once the case was accepted or refused; completion once it is completed."""
    if stage == Stage.ACCEPT:
        return case.accepted_at is not None or case.status == Status.REFUSED
    return case.status == Status.COMPLETED


def case_by_number(number: str) -> Case | None:
    """The case a rating page is about (whether the user may rate it is checked by the caller)."""
    return Case.objects.select_related("item", "department").filter(number=number).first()


def rectification_by_id(rectification_id: int) -> Rectification | None:
    return Rectification.objects.select_related("case").filter(pk=rectification_id).first()


def bundle_case_by_number(number: str) -> BundleCase | None:
    return (
        BundleCase.objects.select_related("bundle", "bundle__lead_department").filter(number=number).first()
    )
