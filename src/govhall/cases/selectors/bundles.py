"""Reads of bundle cases (一件事办件): the applicant's list, one bundle case with its cases in the bundle's
order (each item's status, what it waits for, the critical path, the bundle's due date), and the public
progress query by number and name."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from govhall.catalogue.bundle_graph import Edge, critical_path
from govhall.catalogue.selectors import BundleGuide, GuideItem, bundle_guide
from govhall.core.errors import NotFound
from govhall.identity.models import StaffRole, User
from govhall.identity.permissions import staff_with

from ..deadlines import due_level
from ..models import BundleCase, Case
from ..permissions import can_view
from ..transitions import FINAL, Status

BUNDLE_NUMBER_PREFIX = "YJS"


@dataclass
class BundleCaseRow:
    """One item of a bundle case: its guide entry and its case (none when the item was not chosen)."""

    guide: GuideItem
    case: Case | None

    on_critical_path: bool = False

    @property
    def waiting_for(self) -> str:
        return "、".join(i.name for i in self.guide.waits_for)

    @property
    def done(self) -> bool:
        return (
            self.case is not None and self.case.status == Status.COMPLETED and self.case.decision == "approve"
        )

    @property
    def failed(self) -> bool:
        return self.case is not None and Status(self.case.status) in FINAL and not self.done


@dataclass
class BundleCaseView:
    bundle_case: BundleCase
    guide: BundleGuide
    rows: list[BundleCaseRow]
    level: str  # the bundle's due date against today: ok, soon, overdue, or done
    critical_days: int = 0
    critical_path: list[GuideItem] = field(default_factory=list)  # over the items applied for

    @property
    def cases(self) -> list[Case]:
        return [r.case for r in self.rows if r.case is not None]

    @property
    def done(self) -> int:
        return sum(1 for r in self.rows if r.done)

    @property
    def total(self) -> int:
        return len(self.cases)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.bundle_case.state != BundleCase.State.IN_PROGRESS

    @property
    def deliverable(self) -> bool:
        """统一出件: once every case is final and at least one gave its result, not yet delivered."""
        return self.finished and self.done > 0 and not self.bundle_case.delivered_at


def bundle_cases_of(user: User) -> QuerySet[BundleCase]:
    """The applicant's bundle cases (their own and those registered for them at a window), newest first."""
    return (
        BundleCase.objects.filter(applicant_id=user.pk)
        .select_related("bundle")
        .order_by("-submitted_at", "-id")
    )


def _with_cases() -> QuerySet[BundleCase]:
    cases = Case.objects.select_related("item", "department").order_by("id")
    return BundleCase.objects.select_related(
        "bundle", "bundle__lead_department", "applicant"
    ).prefetch_related(Prefetch("cases", queryset=cases))


def bundle_case_get_for(user: User, number: str) -> BundleCaseView:
    """A bundle case its applicant side, the staff of one of its cases, or a window clerk may see; 404 else."""
    bundle_case = _with_cases().filter(number=number).first()
    if bundle_case is None or not _may_see(bundle_case, user):
        raise NotFound("未找到该一件事办件", field="number")
    return _view(bundle_case)


def _may_see(bundle_case: BundleCase, user: User) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.pk in (bundle_case.applicant_id, bundle_case.submitted_by_id):
        return True
    if staff_with(user, StaffRole.WINDOW_CLERK):
        return True
    return any(can_view(c, user) for c in bundle_case.cases.all())


def _view(bundle_case: BundleCase) -> BundleCaseView:
    guide = bundle_guide(bundle_case.bundle)
    by_code = {c.item.implementation_code: c for c in bundle_case.cases.all()}
    rows = [BundleCaseRow(g, by_code.get(g.code)) for g in guide.items]
    today = timezone.localdate()
    finished = bundle_case.state != BundleCase.State.IN_PROGRESS
    level = "done" if finished else due_level(today, bundle_case.promised_due)
    chosen = [g for g in guide.items if g.code in by_code]
    codes = {g.code for g in chosen}
    edges = [Edge(e.before, e.after, e.on_failure) for e in guide.edges if {e.before, e.after} <= codes]
    days, path = critical_path([g.code for g in chosen], edges, {g.code: g.days for g in chosen})
    items = {g.code: g for g in chosen}
    for row in rows:
        row.on_critical_path = row.guide.code in path
    return BundleCaseView(bundle_case, guide, rows, level, days, [items[c] for c in path])


def is_bundle_number(number: str) -> bool:
    return number.strip().upper().startswith(BUNDLE_NUMBER_PREFIX)


def bundle_progress_get(number: str, name: str) -> BundleCaseView:
    """The public progress query of a bundle case: number and applicant's name must both match, else 404."""
    bundle_case = _with_cases().filter(number=number.strip().upper()).first()
    if bundle_case is None or not name.strip() or bundle_case.applicant_name != name.strip():
        raise NotFound("未查询到该办件，请核对办件编号和申请人名称", field="number")
    return _view(bundle_case)


def bundle_cases_due_between(start: dt.date, end: dt.date) -> QuerySet[BundleCase]:
    """Live bundle cases whose promise falls in [start, end] (supervision reads this)."""
    return BundleCase.objects.filter(
        state=BundleCase.State.IN_PROGRESS, promised_due__range=(start, end)
    ).select_related("bundle")


__all__ = [
    "BUNDLE_NUMBER_PREFIX",
    "BundleCaseRow",
    "BundleCaseView",
    "bundle_case_get_for",
    "bundle_cases_due_between",
    "bundle_cases_of",
    "bundle_progress_get",
    "is_bundle_number",
]
