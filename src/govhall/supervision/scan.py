"""The supervision scan: each rule is a query over all cases that stages what it finds now; two set-based
statements then open the warnings that are new and resolve those whose cause went away. No Python loop runs
over cases, so time and memory depend on the database, not on the number of cases.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as Switch
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from govhall.cases.models import BundleCase, Case, CaseTask
from govhall.cases.transitions import FINAL, Status
from govhall.catalogue.models import ServiceItem
from govhall.core.selectors import work_calendar
from govhall.evaluation.models import Rectification
from govhall.identity.models import StaffRole, User
from govhall.notices.outbox import notify_users
from govhall.sharing.models import SharingRequest

from .models import Candidate, Rule, RuleCode, ScanLease, ScanRun, Warning, WarningLevel
from .rules import NOT_VISIT_STATUSES, RULE_DEFAULTS, VISIT_CHANNELS, near_due_before, rule_settings_problem

logger = logging.getLogger(__name__)

RUNNING = [Status.ACCEPTED]  # the clock runs
FROZEN = [Status.SUSPENDED, Status.CORRECTION]  # the clock stopped: warnings stay as they are
ACTIVE = [
    Status.SUBMITTED,
    Status.CORRECTION,
    Status.ACCEPTED,
    Status.SUSPENDED,
    Status.DECIDED,
    Status.ISSUED,
]
LIVE_TASK = [CaseTask.State.OPEN, CaseTask.State.CLAIMED]
LEASE_NAME = "supervision"
LEASE_SECONDS = 600


@dataclass
class ScanResult:
    scan: int
    opened: int
    resolved: int
    seconds: float
    skipped: bool = False


def rules_current() -> dict[str, Rule]:
    """Every rule with its settings; a rule missing from the table (a fresh database) has its defaults."""
    found = {rule.code: rule for rule in Rule.objects.all()}
    for code, level, threshold, window in RULE_DEFAULTS:
        found.setdefault(code, Rule(code=code, level=level, threshold=threshold, window_days=window))
    return found


def supervision_scan(*, trigger: str = "worker", now: dt.datetime | None = None) -> ScanResult:
    """Run every rule once. A second scan started while one runs returns at once (``skipped``)."""
    now = now or timezone.now()
    started = time.perf_counter()
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if not _lease_take(holder, now):
        return ScanResult(scan=0, opened=0, resolved=0, seconds=0.0, skipped=True)
    try:
        run = ScanRun.objects.create(started_at=now, trigger=trigger)
        opened = resolved = 0
        for code, rule in rules_current().items():
            problem = rule_settings_problem(code, threshold=rule.threshold, window_days=rule.window_days)
            if (
                problem
            ):  # stored around the service (a bulk update): skipped, its warnings stay, said in the log
                logger.error("supervision rule %s skipped: %s", code, problem[0])
                continue
            with transaction.atomic():
                _tune_planner()
                if rule.enabled:
                    FINDERS[RuleCode(code)](rule, run.pk, now)
                new, gone = _sync(rule, run.pk, now)
                Candidate.objects.filter(scan=run.pk).delete()
            opened, resolved = opened + new, resolved + gone
        if opened:
            _notify_red(run.pk)
        run.finished_at, run.opened, run.resolved = timezone.now(), opened, resolved
        run.save(update_fields=["finished_at", "opened", "resolved"])
    finally:
        _lease_release(holder)
    return ScanResult(scan=run.pk, opened=opened, resolved=resolved, seconds=time.perf_counter() - started)


# --- the rules: each stages (subject, case, department, responsible, reason) rows for what it finds now ---


def _stage(rows: QuerySet[Any], scan: int, rule: str, *, keep: bool = False) -> None:
    """INSERT … SELECT: the rule's query runs inside the database and its rows never reach Python."""
    select = rows.values_list(
        Value(scan), Value(rule), "w_subject", "w_case", "w_department", "w_responsible", "w_reason",
        Value(keep, output_field=BooleanField()),
    )  # fmt: skip
    sql, params = select.query.sql_with_params()
    table = Candidate._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scan, rule, subject, case_id, department_id, responsible_id, reason, keep) {sql}",
            params,
        )


def _claimant() -> Subquery:
    """Who holds the case's live step, if someone claimed it."""
    return Subquery(
        CaseTask.objects.filter(case=OuterRef("pk"), state__in=LIVE_TASK, claimed_by__isnull=False)
        .order_by("due_on", "pk")
        .values("claimed_by")[:1]
    )


def _as_case(rows: QuerySet[Case], reason: Concat | Value) -> QuerySet[Case]:
    return rows.annotate(
        w_subject=Concat(Value("case:"), Cast("pk", CharField())),
        w_case=F("pk"),
        w_department=F("department_id"),
        w_responsible=_claimant(),
        w_reason=reason,
    )


def _text(*parts: str | F | Cast) -> Concat:
    return Concat(*[Value(p) if isinstance(p, str) else p for p in parts], output_field=CharField())


def _day(field: str) -> Cast:
    return Cast(field, CharField())


def _promised_near(rule: Rule, scan: int, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    limits = sorted(
        set(
            ServiceItem.objects.filter(promised_time_limit__gt=0).values_list(
                "promised_time_limit", flat=True
            )
        )
    )
    if not limits:
        return
    calendar = work_calendar(today, today + dt.timedelta(days=max(limits) * 2 + 60))
    cut = Switch(
        *[
            When(item__promised_time_limit=limit, then=Value(near_due_before(calendar, today=today, limit=limit,
                                                                             percent=rule.threshold)))
            for limit in limits
        ]
    )  # fmt: skip
    running = Case.objects.filter(
        status__in=RUNNING, promised_due__gte=today, item__promised_time_limit__gt=0
    )
    rows = running.annotate(w_cut=cut).filter(promised_due__lt=F("w_cut"))
    reason = _text(f"承诺时限已使用{rule.threshold}%以上，", _day("promised_due"), "到期")
    _stage(_as_case(rows, reason), scan, rule.code)
    _stage_frozen(scan, rule.code)


def _promised_over(rule: Rule, scan: int, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    rows = Case.objects.filter(status__in=RUNNING, promised_due__lt=today)
    _stage(_as_case(rows, _text("超过承诺办结期限（", _day("promised_due"), "）仍未办结")), scan, rule.code)
    _stage_frozen(scan, rule.code)


def _legal_over(rule: Rule, scan: int, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    rows = Case.objects.filter(status__in=RUNNING, legal_due__lt=today)
    _stage(_as_case(rows, _text("超过法定办结期限（", _day("legal_due"), "）仍未办结")), scan, rule.code)
    _stage_frozen(scan, rule.code)


def _stage_frozen(scan: int, rule: str) -> None:
    """Cases whose clock stopped keep the time warnings they had: stage them as kept."""
    rows = Case.objects.filter(status__in=FROZEN, accepted_at__isnull=False)
    _stage(_as_case(rows, Value("")), scan, rule, keep=True)


def _step_over(rule: Rule, scan: int, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    tasks = CaseTask.objects.filter(state__in=LIVE_TASK, due_on__lt=today)
    for statuses, keep in ((RUNNING, False), (FROZEN, True)):
        rows = tasks.filter(case__status__in=statuses).annotate(
            w_subject=Concat(Value("task:"), Cast("pk", CharField())),
            w_case=F("case_id"),
            w_department=F("department_id"),
            w_responsible=F("claimed_by_id"),
            w_reason=_text("环节“", F("name"), "”超过环节时限（", _day("due_on"), "）"),
        )
        _stage(rows, scan, rule.code, keep=keep)


def _repeated_correction(rule: Rule, scan: int, now: dt.datetime) -> None:
    rows = Case.objects.filter(status__in=ACTIVE, corrections__gte=rule.threshold)
    reason = _text("同一办件已", Cast("corrections", CharField()), "次要求补正，未做到一次性告知")
    _stage(_as_case(rows, reason), scan, rule.code)


def _visits() -> QuerySet[Case]:
    return Case.objects.filter(channel__in=VISIT_CHANNELS).exclude(status__in=NOT_VISIT_STATUSES)


def _repeated_visit(rule: Rule, scan: int, now: dt.datetime) -> None:
    """The same applicant coming to a window again for the same item within the window: the later case is
    flagged while it is recent. Online, refused and withdrawn applications are no visits (rules.py)."""
    window = dt.timedelta(days=rule.window_days)
    earlier = (
        _visits()
        .filter(
            applicant=OuterRef("applicant"),
            item__implementation_code=OuterRef("item__implementation_code"),
            submitted_at__lt=OuterRef("submitted_at"),
            submitted_at__gte=OuterRef("submitted_at") - window,
        )
        .order_by()
        .values("applicant")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = (
        _visits()
        .filter(submitted_at__gte=now - window)
        .annotate(w_earlier=Coalesce(Subquery(earlier, output_field=IntegerField()), 0))
        .filter(w_earlier__gte=rule.threshold - 1)
    )
    reason = _text(
        f"同一申请人{window.days}日内第",
        Cast(F("w_earlier") + 1, CharField()),
        "次到窗口申请本事项（多次跑）",
    )
    _stage(_as_case(rows, reason), scan, rule.code)


def _owed_overdue(rule: Rule, scan: int, now: dt.datetime) -> None:
    today = timezone.localdate(now).isoformat()
    table = Case._meta.db_table
    if connection.vendor == "postgresql":
        sql = f"EXISTS (SELECT 1 FROM jsonb_array_elements({table}.owed_materials) g WHERE g->>'due' < %s)"
    else:
        sql = f"EXISTS (SELECT 1 FROM json_each({table}.owed_materials) g WHERE json_extract(g.value, '$.due') < %s)"
    overdue = RawSQL(sql, (today,), output_field=BooleanField())
    rows = Case.objects.filter(status__in=ACTIVE).exclude(owed_materials=[]).filter(overdue)
    _stage(_as_case(rows, Value("容缺受理的材料已超过补交期限仍未补交")), scan, rule.code)


def _rectification_overdue(rule: Rule, scan: int, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    rows = Rectification.objects.filter(state=Rectification.State.OPEN, due_on__lt=today).annotate(
        w_subject=Concat(Value("rectification:"), Cast("pk", CharField())),
        w_case=F("case_id"),
        w_department=F("department_id"),
        w_responsible=Value(None, output_field=IntegerField()),
        w_reason=_text("差评整改超过期限（", _day("due_on"), "）仍未完成"),
    )
    _stage(rows, scan, rule.code)


def _sharing_overdue(rule: Rule, scan: int, now: dt.datetime) -> None:
    """A sharing request the provider department has not answered by its due date (10 working days)."""
    today = timezone.localdate(now)
    rows = SharingRequest.objects.filter(state=SharingRequest.State.PENDING, due_on__lt=today).annotate(
        w_subject=Concat(Value("sharing_request:"), Cast("pk", CharField())),
        w_case=Value(None, output_field=IntegerField()),
        w_department=F("resource__provider_id"),
        w_responsible=Value(None, output_field=IntegerField()),
        w_reason=_text("共享申请超过答复期限（", _day("due_on"), "）仍未审核"),
    )
    _stage(rows, scan, rule.code)


def _bundle_over(rule: Rule, scan: int, now: dt.datetime) -> None:
    """一件事 not finished by the bundle's promised date: on the lead department, naming the live case that
    has waited longest (where the whole is held up)."""
    today = timezone.localdate(now)
    live = (
        Case.objects.filter(bundle_case=OuterRef("pk"))
        .exclude(status__in=[s.value for s in FINAL])
        .order_by(F("submitted_at").asc(nulls_last=True), "pk")
        .values("pk")[:1]
    )
    rows = BundleCase.objects.filter(state=BundleCase.State.IN_PROGRESS, promised_due__lt=today).annotate(
        w_subject=Concat(Value("bundle_case:"), Cast("pk", CharField())),
        w_case=Subquery(live),
        w_department=F("bundle__lead_department_id"),
        w_responsible=Value(None, output_field=IntegerField()),
        w_reason=_text(
            "一件事“", F("bundle__name"), "”超过承诺办结日期（", _day("promised_due"), "）仍未全部办结"
        ),
    )
    _stage(rows, scan, rule.code)


FINDERS: dict[RuleCode, Callable[[Rule, int, dt.datetime], None]] = {
    RuleCode.PROMISED_NEAR: _promised_near,
    RuleCode.PROMISED_OVER: _promised_over,
    RuleCode.LEGAL_OVER: _legal_over,
    RuleCode.STEP_OVER: _step_over,
    RuleCode.REPEATED_CORRECTION: _repeated_correction,
    RuleCode.REPEATED_VISIT: _repeated_visit,
    RuleCode.OWED_OVERDUE: _owed_overdue,
    RuleCode.RECTIFICATION_OVERDUE: _rectification_overdue,
    RuleCode.SHARING_OVERDUE: _sharing_overdue,
    RuleCode.BUNDLE_OVER: _bundle_over,
}


# --- opening and resolving: two statements per rule ---


def _tune_planner() -> None:
    """PostgreSQL: no JIT compiling for these short statements (it cost more than it saved). The candidate
    table is analysed before each sync, since its statistics never know the new scan's rows."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def _sync(rule: Rule, scan: int, now: dt.datetime) -> tuple[int, int]:
    warnings, candidates = Warning._meta.db_table, Candidate._meta.db_table
    moment = connection.ops.adapt_datetimefield_value(now)  # as the ORM stores it (SQLite: naive UTC text)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {candidates}")
        cursor.execute(
            f"""INSERT INTO {warnings}
                    (rule, level, subject, case_id, department_id, responsible_id, reason, opened_at, resolution, scan)
                SELECT c.rule, %s, c.subject, c.case_id, c.department_id, c.responsible_id, c.reason, %s, '', c.scan
                FROM {candidates} c
                WHERE c.scan = %s AND c.rule = %s AND NOT c.keep AND c.department_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM {warnings} w
                                  WHERE w.rule = c.rule AND w.subject = c.subject AND w.resolved_at IS NULL)
                ON CONFLICT DO NOTHING""",
            [rule.level, moment, scan, rule.code],
        )
        opened = max(cursor.rowcount, 0)
        cursor.execute(
            f"""UPDATE {warnings} SET resolved_at = %s, resolution = %s
                WHERE rule = %s AND resolved_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM {candidates} c
                                  WHERE c.scan = %s AND c.rule = {warnings}.rule AND c.subject = {warnings}.subject)""",
            [moment, "预警原因已消除" if rule.enabled else "规则已停用", rule.code, scan],
        )
        resolved = max(cursor.rowcount, 0)
    return opened, resolved


def _notify_red(scan: int) -> None:
    """New red warnings reach the person holding the step, or else the department's heads: one SMS and
    in-site message per person per scan, with the count and the first cases, never one per warning."""
    if not settings.SUPERVISION_RED_SMS:
        return
    new_red = Warning.objects.filter(scan=scan, level=WarningLevel.RED)
    per_person = dict(
        new_red.filter(responsible__isnull=False)
        .order_by()
        .values_list("responsible")
        .annotate(n=Count("pk"))
    )
    per_department = dict(
        new_red.filter(responsible__isnull=True).order_by().values_list("department").annotate(n=Count("pk"))
    )
    heads = User.objects.filter(
        department_id__in=per_department, is_active=True, roles__role=StaffRole.DEPARTMENT_HEAD
    )
    counts: dict[int, int] = dict(per_person)
    for head in heads.values("pk", "department_id"):
        counts[head["pk"]] = counts.get(head["pk"], 0) + per_department[head["department_id"]]
    for user in User.objects.filter(pk__in=counts):
        notify_users(
            [user], title="红牌警告",
            body=f"电子监察新增{counts[user.pk]}条红牌警告（超期或整改逾期），请登录工作台查看并及时处理。",
        )  # fmt: skip


# --- the lease: one scan at a time, across processes and machines ---


def _lease_take(holder: str, now: dt.datetime) -> bool:
    ScanLease.objects.bulk_create([ScanLease(name=LEASE_NAME)], ignore_conflicts=True)
    return bool(
        ScanLease.objects.filter(name=LEASE_NAME)
        .filter(Q(held_until__isnull=True) | Q(held_until__lt=now))
        .update(holder=holder, held_until=now + dt.timedelta(seconds=LEASE_SECONDS))
    )


def _lease_release(holder: str) -> None:
    ScanLease.objects.filter(name=LEASE_NAME, holder=holder).update(held_until=None)
