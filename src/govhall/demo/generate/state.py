"""What the generator reads (published items, staff) and the state that passes between a case's phases."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from govhall.cases.models import Suspension
from govhall.cases.transitions import STATUS_LABELS, Status
from govhall.catalogue.models import ItemStatus, Material, ServiceItem
from govhall.identity.models import Department, StaffRoleGrant

from .people import _Applicant


@dataclass
class GenerateSummary:
    cases: int = 0
    applicants: int = 0
    enterprises: int = 0
    events: int = 0
    tasks: int = 0
    suspensions: int = 0
    ratings: int = 0
    default_ratings: int = 0
    rectifications: int = 0
    reminders: int = 0
    repeats: int = 0
    seconds: float = 0.0
    statuses: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        mix = "，".join(f"{STATUS_LABELS[Status(s)]} {n:,}" for s, n in self.statuses.most_common())
        return [
            f"办件 {self.cases:,}（{mix}），用时 {self.seconds:.1f} 秒（{self.cases / max(self.seconds, 1e-9):,.0f} 件/秒）",
            f"申请人 {self.applicants:,}（其中法人 {self.enterprises:,}），过程记录 {self.events:,}，"
            f"审批任务 {self.tasks:,}，暂停计时 {self.suspensions:,}，重复申请 {self.repeats:,}",
            f"评价 {self.ratings:,}（默认评价 {self.default_ratings:,}），差评整改 {self.rectifications:,}，"
            f"评价提醒 {self.reminders:,}",
        ]


@dataclass
class _Item:
    id: int
    name: str
    department_id: int
    region_id: str
    kind: str
    promised: int
    legal: int
    online: bool
    for_person: bool
    for_enterprise: bool
    joint: list[int]
    escalation: int | None
    procedures: list[tuple[str, str]]  # (suspension kind, reason)
    gaps: list[tuple[int, str]]  # materials that may be owed


@dataclass(slots=True)
class _Origin:
    """Who applies for what, and through whom: a case's first choices."""

    case_id: int
    item: _Item
    applicant: _Applicant
    channel: str
    region: str
    window_id: int | None
    submitted_by: int | None
    actor_label: str


@dataclass(slots=True)
class _Pause:
    """A suspension of the handling time (a special procedure, or a correction after acceptance), local times."""

    kind: str
    reason: str
    start: dt.datetime
    end: dt.datetime
    workdays: int


@dataclass(slots=True)
class _Life:
    """A case's planned life, phase by phase: (moment, status) steps in local time, whatever `now` is."""

    submitted: dt.datetime
    resubmitted: dt.datetime  # the last submission before acceptance (after corrections)
    steps: list[tuple[dt.datetime, Status]]
    corrections: list[dt.datetime] = field(default_factory=list)  # when corrections were asked for
    closed: bool = False  # refused or withdrawn before acceptance
    accepted: dt.datetime | None = None
    handling: int = 0  # working days from acceptance to the decision, suspension aside
    stuck: bool = False  # accepted and never decided
    pause: _Pause | None = None
    delivery: str = "{}"


@dataclass(slots=True)
class _Standing:
    """Where a case's life stands at `now`."""

    status: Status
    updated: dt.datetime
    final: bool
    corrections: int
    accepted: bool


@dataclass(slots=True)
class _Outcome:
    """What an accepted case has at `now`: deadlines, suspended days, decision, completion, owed materials."""

    promised_due: dt.date | None = None
    legal_due: dt.date | None = None
    suspended_workdays: int = 0
    decided_at: dt.datetime | None = None  # UTC
    decision: str = ""
    completed_at: dt.datetime | None = None  # local
    owed: str = "[]"


def _procedure_kind(name: str) -> str:
    if "听证" in name:
        return Suspension.Kind.HEARING
    if "专家" in name or "评审" in name:
        return Suspension.Kind.EXPERT
    if any(w in name for w in ("核查", "检查", "审核", "勘")):
        return Suspension.Kind.INSPECTION
    return Suspension.Kind.OTHER


def _load_items() -> list[_Item]:
    departments = dict(Department.objects.values_list("code", "pk"))
    published = list(ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).order_by("pk"))
    gaps: dict[int, list[tuple[int, str]]] = {}
    for pk, item_id, name in Material.objects.filter(
        item__status=ItemStatus.PUBLISHED, tolerable=True
    ).values_list("pk", "item_id", "name"):
        gaps.setdefault(item_id, []).append((pk, name))
    items = []
    for item in published:
        procedures = [
            (_procedure_kind(str(p.get("name", ""))), str(p.get("name") or "特别程序"))
            for p in item.special_procedures or []
            if isinstance(p, dict)
        ]
        items.append(
            _Item(
                id=item.pk, name=item.name, department_id=item.department_id, region_id=item.region_id,
                kind=item.case_kind, promised=item.promised_time_limit, legal=item.legal_time_limit,
                online=item.online_depth >= 3, for_person=item.for_person or not item.for_enterprise,
                for_enterprise=item.for_enterprise,
                joint=[departments[c] for c in item.joint_departments or [] if c in departments],
                escalation=item.escalation_department_id, procedures=procedures, gaps=gaps.get(item.pk, []),
            )
        )  # fmt: skip
    return items


def _staff_by_department(role: str) -> dict[int, int]:
    """One staff member per department holding ``role`` (the first by id)."""
    found: dict[int, int] = {}
    for user_id, department_id in (
        StaffRoleGrant.objects.filter(role=role, user__is_active=True, user__department__isnull=False)
        .order_by("user_id")
        .values_list("user_id", "user__department_id")
    ):
        found.setdefault(department_id, user_id)
    return found
