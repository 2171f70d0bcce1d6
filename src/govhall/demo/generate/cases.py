"""The generator proper: cases with the real mix of kinds, channels and outcomes, their tasks, ratings and
rectifications, batch by batch."""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from bisect import bisect
from collections import deque
from collections.abc import Callable
from itertools import accumulate
from typing import Any

from django.db import connection
from django.utils import timezone

from govhall.cases.deadlines import case_deadlines, suspension_workdays
from govhall.cases.models import Case, CaseEvent, CaseTask, Suspension
from govhall.cases.transitions import Status
from govhall.catalogue.models import CaseKind, ServiceItem
from govhall.core.selectors import work_calendar
from govhall.evaluation.models import (
    Rating,
    RatingPolicy,
    RatingReminder,
    Rectification,
)
from govhall.identity.models import (
    AccountKind,
    StaffRole,
    User,
    Window,
)

from .calendar import FastCalendar
from .mix import (
    API,
    BEYOND_LEGAL_SHARE,
    CASES_PER_APPLICANT,
    CHANNEL_WEIGHTS,
    CORRECTION_SHARE,
    DENY_SHARE,
    EXPRESS,
    GAP_SHARE,
    HANDLING_CORRECTION_SHARE,
    LATE_SHARE,
    MAX_APPLICANTS,
    OFF_DAY_WEIGHT,
    REFUSED_SHARE,
    REPEAT_SHARE,
    STUCK_SHARE,
    SUSPENSION_SHARE,
    WEB,
    WEB_HOURS,
    WINDOW,
    WINDOW_PICKUP,
    WITHDRAWN_SHARE,
)
from .people import _Applicant, _make_applicants
from .ratings import _Ratings
from .state import (
    GenerateSummary,
    _Item,
    _Life,
    _load_items,
    _Origin,
    _Outcome,
    _Pause,
    _staff_by_department,
    _Standing,
)
from .storage import _Ids, _store, _Table, _Writer


class _Generator(_Ratings):
    def __init__(self, total: int, seed: int, now: dt.datetime, years: float, batch: int,
                 progress: Callable[[str], None]) -> None:  # fmt: skip
        self.total, self.batch, self.progress = total, batch, progress
        self.rng = random.Random(seed)
        local_now = timezone.localtime(now)
        # Moments are naive local times while simulated and naive UTC when written (the database session of
        # both backends is in UTC): the zone's offset now is used throughout, exact for China Standard Time.
        self.off = local_now.utcoffset() or dt.timedelta(0)
        self.tz = dt.timezone(self.off)
        self.now = local_now.replace(tzinfo=None)
        self.today = self.now.date()
        self.first_day = self.today - dt.timedelta(days=round(365 * years) - 1)
        self.calendar = FastCalendar(
            work_calendar(self.first_day, self.today + dt.timedelta(days=730)),
            self.first_day - dt.timedelta(days=30),
            self.today + dt.timedelta(days=730),
        )
        self.summary = GenerateSummary()
        policy = RatingPolicy.current()
        self.remind_days, self.default_days = policy.reminder_days, policy.default_after_days
        self.default_level, self.rectify_days = policy.default_level, policy.rectification_workdays
        self.cases = _Table(Case, ["id", "number", "item_id", "department_id", "region_id", "applicant_id",
                                   "enterprise_id", "applicant_name", "submitted_by_id", "window_id", "channel",
                                   "status", "form_encrypted", "created_at", "updated_at", "submitted_at",
                                   "accepted_at", "accepted_on", "decided_at", "completed_at", "promised_due",
                                   "legal_due", "suspended_workdays", "corrections", "decision", "owed_materials",
                                   "delivery"], now)  # fmt: skip
        self.events = _Table(CaseEvent, ["case_id", "at", "actor_id", "actor_label", "channel", "action",
                                         "from_status", "to_status", "note"], now)  # fmt: skip
        self.tasks = _Table(CaseTask, ["case_id", "task_id", "step", "name", "department_id", "role", "decides",
                                       "state", "claimed_by_id", "created_at", "due_on"], now)  # fmt: skip
        self.suspensions = _Table(
            Suspension, ["case_id", "kind", "reason", "started_on", "ended_on", "workdays"], now
        )
        self.ratings = _Table(Rating, ["id", "case_id", "stage", "level", "tags", "text", "channel", "rater_id",
                                       "is_default", "department_id", "item_id", "created_at"], now)  # fmt: skip
        self.rectifications = _Table(Rectification, ["rating_id", "case_id", "department_id", "state",
                                                     "created_at", "due_on", "action", "follow_up", "closed_at",
                                                     "closed_by_id", "applicant_level", "applicant_text",
                                                     "applicant_rated_at"], now)  # fmt: skip
        self.reminders = _Table(RatingReminder, ["case_id", "sent_at"], now)
        self.tables = [self.cases, self.events, self.tasks, self.suspensions, self.ratings, self.rectifications,
                       self.reminders]  # fmt: skip
        self.case_ids, self.rating_ids = _Ids(Case, batch), _Ids(Rating, max(batch // 2, 100))
        self.recent: deque[tuple[_Applicant, _Item, dt.date]] = deque(maxlen=5000)
        self.unnumbered: list[tuple[dt.date, list[tuple[str, list[Any]]]]] = []
        self.pending = 0

    # --- set-up ---

    def prepare(self) -> None:
        rng = self.rng
        self.items = _load_items()
        if not self.items:
            raise RuntimeError("no published items: run `govhall seed --demo` first")
        # popular items get more cases; the rest a random, skewed share
        popularity = dict(
            ServiceItem.objects.filter(pk__in=[i.id for i in self.items]).values_list("pk", "popularity")
        )
        weights = [1 + popularity.get(i.id, 0) / 40 + rng.paretovariate(1.5) for i in self.items]
        online = [(i, w) for i, w in zip(self.items, weights, strict=True) if i.online]
        self.all_items, self.all_cum = self.items, list(accumulate(weights))
        self.online_items = [i for i, _ in online] or self.items
        self.online_cum = list(accumulate(w for _, w in online)) or self.all_cum
        self.approvers = _staff_by_department(StaffRole.APPROVER)
        self.heads = _staff_by_department(StaffRole.DEPARTMENT_HEAD)
        self.clerks = list(
            User.objects.filter(kind=AccountKind.STAFF, is_active=True, roles__role=StaffRole.WINDOW_CLERK)
            .order_by("pk")
            .values_list("pk", "real_name", "department__short_name")
        )
        self.windows = list(
            Window.objects.filter(comprehensive=True).order_by("pk").values_list("pk", "hall__region_id")
        )
        applicants = min(max(self.total // CASES_PER_APPLICANT, 20), MAX_APPLICANTS)
        started = time.perf_counter()
        since = dt.datetime.combine(self.first_day, dt.time(9), tzinfo=self.tz)
        self.persons, self.companies = _make_applicants(applicants, rng, since, self.batch)
        self.summary.applicants = len(self.persons) + len(self.companies)
        self.summary.enterprises = len(self.companies)
        self.progress(f"申请人 {self.summary.applicants:,}（法人 {len(self.companies):,}）已创建，"
                      f"用时 {time.perf_counter() - started:.1f} 秒")  # fmt: skip

    def day_counts(self) -> list[tuple[dt.date, int]]:
        """Cases per day: working days busier than weekends, the volume growing over the period; exact total."""
        days = (self.today - self.first_day).days + 1
        weights = []
        for i in range(days):
            day = self.first_day + dt.timedelta(days=i)
            w = (1.0 if self.calendar.is_workday(day) else OFF_DAY_WEIGHT) * (0.8 + 0.4 * i / days)
            if day == self.today:
                w *= max(self.now.hour * 3600 + self.now.minute * 60, 600) / 86400
            weights.append(w)
        total_weight, running, given, counts = sum(weights), 0.0, 0, []
        for i, w in enumerate(weights):
            running += w
            share = round(running * self.total / total_weight)
            counts.append((self.first_day + dt.timedelta(days=i), share - given))
            given = share
        return counts

    # --- the run ---

    def run(self) -> GenerateSummary:
        started = time.perf_counter()
        self.prepare()
        self.writer = _Writer(connection.vendor == "postgresql" and not connection.in_atomic_block)
        try:
            for day, count in self.day_counts():
                if count:
                    self.make_day(day, count)
                if self.pending >= self.batch:
                    self.flush()
                    elapsed = time.perf_counter() - started
                    self.progress(f"{self.summary.cases:,}/{self.total:,} 件（{day:%Y-%m-%d}），"
                                  f"{self.summary.cases / elapsed:,.0f} 件/秒")  # fmt: skip
            self.flush()
        finally:
            self.writer.close()
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def flush(self) -> None:
        rows = []
        for table in self.tables:
            rows.append(table.rows)
            table.rows = []
        unnumbered, self.unnumbered = self.unnumbered, []
        s = self.summary
        s.cases += sum(len(day_cases) for _, day_cases in unnumbered)
        s.events += len(rows[1])
        s.tasks += len(rows[2])
        s.suspensions += len(rows[3])
        s.ratings += len(rows[4])
        s.rectifications += len(rows[5])
        s.reminders += len(rows[6])
        tables = self.tables
        self.writer.put(lambda: _store(tables, unnumbered, rows))
        self.pending = 0

    def office_time(self, day: dt.date) -> dt.datetime:
        """A moment in office hours (8:30-12:00, 13:30-17:00) of ``day``."""
        x = self.rng.randrange(25200)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(
            seconds=30600 + x if x < 12600 else 36000 + x
        )

    def after(self, t: dt.datetime, workdays: int) -> dt.datetime:
        """An office-hours moment ``workdays`` working days after ``t`` (0: later the same day if t is in office
        hours of a working day, else the next working day)."""
        day = t.date()
        if workdays == 0:
            if self.calendar.is_workday(day) and 8.5 <= t.hour + t.minute / 60 < 16.5:
                return t + dt.timedelta(minutes=self.rng.randint(10, 30))
            workdays = 1
        return self.office_time(self.calendar.add_workdays(day, workdays))

    def make_day(self, day: dt.date, count: int) -> None:
        rng, cal = self.rng, self.calendar
        workday = cal.is_workday(day)
        midnight = dt.datetime.combine(day, dt.time())
        limit = (self.now - midnight).total_seconds() if day == self.today else 86400
        hours_cum = list(accumulate(WEB_HOURS))
        channels = list(CHANNEL_WEIGHTS)
        channel_cum = list(accumulate(CHANNEL_WEIGHTS.values()))
        arrivals: list[tuple[float, str]] = []
        for _ in range(count):
            channel = (
                channels[bisect(channel_cum, rng.random() * channel_cum[-1])]
                if workday
                else rng.choice([WEB, WEB, API])
            )
            seconds: float
            if channel == WINDOW:
                x = rng.randrange(25200)
                seconds = 30600 + x if x < 12600 else 36000 + x
            else:
                seconds = bisect(hours_cum, rng.random() * hours_cum[-1]) * 3600 + rng.random() * 3600
            if seconds >= limit:
                seconds = rng.uniform(0, max(limit - 1, 0))
            arrivals.append((seconds, channel))
        arrivals.sort()
        day_cases: list[tuple[str, list[Any]]] = []
        for seconds, channel in arrivals:
            day_cases.append(self.make_case(midnight + dt.timedelta(seconds=seconds), channel))
        self.unnumbered.append((day, day_cases))
        self.pending += count

    def pick_item(self, channel: str) -> _Item:
        if channel == WINDOW:
            return self.all_items[bisect(self.all_cum, self.rng.random() * self.all_cum[-1])]
        return self.online_items[bisect(self.online_cum, self.rng.random() * self.online_cum[-1])]

    def pick_applicant(self, item: _Item) -> _Applicant:
        rng = self.rng
        enterprise = (
            bool(self.companies)
            and item.for_enterprise
            and (not item.for_person or rng.random() < 0.3 or not self.persons)
        )
        return rng.choice(self.companies) if enterprise else rng.choice(self.persons)

    def make_case(self, t_sub: dt.datetime, channel: str) -> tuple[str, list[Any]]:
        """One case: its planned life phase by phase (the random draws always in the same order), then where it
        stands at `now` and its row."""
        origin = self.choose_origin(t_sub, channel)
        instant = origin.item.kind == CaseKind.INSTANT
        life = _Life(submitted=t_sub, resubmitted=t_sub, steps=[(t_sub, Status.SUBMITTED)])
        if channel != WINDOW and not instant and self.rng.random() < CORRECTION_SHARE:
            self.correct_before_acceptance(life)
        if not life.closed:
            self.accept_or_close(life, channel)
        if life.accepted is not None:
            self.plan_handling(life, origin.item, instant)
        standing = self.standing(life)
        outcome = self.handle(origin, life, standing, instant) if standing.accepted else _Outcome()
        row = self.case_row(origin, life, standing, outcome)
        self.events.add(case_id=origin.case_id, at=t_sub - self.off, actor_id=origin.submitted_by,
                        actor_label=origin.actor_label[:100], channel=channel, action="submit",
                        from_status=Status.DRAFT.value, to_status=Status.SUBMITTED.value, note="")  # fmt: skip
        self.summary.statuses[standing.status.value] += 1
        if outcome.completed_at is not None:
            self.make_ratings(origin.case_id, origin.item, origin.applicant, channel,
                              life.accepted if standing.accepted else None, outcome.completed_at)  # fmt: skip
        return origin.region[:6], row

    # --- a case's phases ---

    def choose_origin(self, t_sub: dt.datetime, channel: str) -> _Origin:
        """The item and the applicant (now and then a repeat of a recent pair), and for the window channel the
        window and the clerk who submits."""
        rng = self.rng
        item = applicant = None
        if self.recent and rng.random() < REPEAT_SHARE:
            applicant, item, last = self.recent[rng.randrange(len(self.recent))]
            if (t_sub.date() - last).days > 25 or (channel != WINDOW and not item.online):
                item = applicant = None
            else:
                self.summary.repeats += 1
        if item is None or applicant is None:
            item = self.pick_item(channel)
            applicant = self.pick_applicant(item)
        self.recent.append((applicant, item, t_sub.date()))
        origin = _Origin(case_id=self.case_ids.take(), item=item, applicant=applicant, channel=channel,
                         region=item.region_id, window_id=None, submitted_by=applicant.user_id,
                         actor_label=applicant.name)  # fmt: skip
        if channel == WINDOW and self.windows and self.clerks:
            origin.window_id, origin.region = self.windows[rng.randrange(len(self.windows))]
            clerk = self.clerks[rng.randrange(len(self.clerks))]
            origin.submitted_by, origin.actor_label = clerk[0], f"{clerk[2] or ''} {clerk[1]}".strip()
        return origin

    def correct_before_acceptance(self, life: _Life) -> None:
        """One to three correction rounds before acceptance, each resubmitted, or withdrawn (closing the case)."""
        rng = self.rng
        r = rng.random()
        rounds = 1 if r < 0.85 else 2 if r < 0.97 else 3
        t = life.submitted
        for _ in range(rounds):
            t_req = self.after(t, rng.choice([0, 1, 1, 2]))
            life.steps.append((t_req, Status.CORRECTION))
            life.corrections.append(t_req)
            if rng.random() < 0.08:
                life.steps.append((t_req + dt.timedelta(hours=rng.uniform(2, 120)), Status.WITHDRAWN))
                life.closed = True
                return
            t = t_req + dt.timedelta(hours=rng.uniform(3, 140))
            life.steps.append((t, Status.SUBMITTED))
        life.resubmitted = t

    def accept_or_close(self, life: _Life, channel: str) -> None:
        """Accepted (at the window within minutes, online a few working days later), else refused or withdrawn."""
        rng, t = self.rng, life.resubmitted
        t_acc = (t + dt.timedelta(minutes=rng.randint(3, 30)) if channel == WINDOW
                 else self.after(t, rng.choice([0, 0, 1, 1, 1, 2])))  # fmt: skip
        r = rng.random()
        if r < REFUSED_SHARE:
            life.steps.append((t_acc, Status.REFUSED))
            life.closed = True
        elif r < REFUSED_SHARE + WITHDRAWN_SHARE:
            life.steps.append((t + (t_acc - t) * rng.random(), Status.WITHDRAWN))
            life.closed = True
        else:
            life.steps.append((t_acc, Status.ACCEPTED))
            life.accepted = t_acc

    def plan_handling(self, life: _Life, item: _Item, instant: bool) -> None:
        """After acceptance: the handling time, maybe a suspension, then decision, issue and completion (unless
        the case is stuck)."""
        self.handling_time(life, item, instant)
        if not instant and item.promised:
            self.suspend(life, item)
        if not life.stuck:
            self.decide_issue_complete(life, instant)

    def handling_time(self, life: _Life, item: _Item, instant: bool) -> None:
        """Working days to the decision: instant 0; a few stuck (never decided); some late, a few beyond the
        legal limit; most within the promised limit."""
        rng, limit = self.rng, item.promised
        assert life.accepted is not None
        if instant:
            return
        if limit and rng.random() < STUCK_SHARE and life.accepted < self.now - dt.timedelta(days=40):
            life.stuck = True
            return
        if rng.random() < LATE_SHARE:
            h = limit + rng.randint(1, limit // 2 + 3)
            if rng.random() < BEYOND_LEGAL_SHARE:
                h = max(h, item.legal + rng.randint(1, 10))
        else:
            h = rng.randint(min(limit, max(1, limit * 3 // 10)), limit) if limit else 0
        life.handling = h

    def suspend(self, life: _Life, item: _Item) -> None:
        """Now and then a suspension during the handling time: a special procedure or a correction."""
        rng, cal, t_acc = self.rng, self.calendar, life.accepted
        assert t_acc is not None
        r, special = rng.random(), 0.15 if item.procedures else SUSPENSION_SHARE
        if r < special:
            kind, reason = rng.choice(item.procedures) if item.procedures else (
                rng.choice([Suspension.Kind.HEARING, Suspension.Kind.EXPERT, Suspension.Kind.INSPECTION]),
                "特别程序",
            )  # fmt: skip
            workdays = rng.randint(3, 15)
        elif r < special + HANDLING_CORRECTION_SHARE:
            kind, reason, workdays = (
                Suspension.Kind.CORRECTION,
                "补正材料：请补充相关证明材料",
                rng.randint(1, 5),
            )
        else:
            return
        acc_day = t_acc.date()
        start_day = cal.add_workdays(acc_day, rng.randint(0, max(min(life.handling, item.promised) - 1, 0)))
        t_start = self.after(t_acc, 0) if start_day == acc_day else self.office_time(start_day)
        t_end = self.office_time(cal.add_workdays(start_day, workdays))
        # counted as the service counts a suspension that ends: from the day it really started
        workdays = suspension_workdays(cal, suspended_on=t_start.date(), resumed_on=t_end.date())
        life.pause = _Pause(kind=kind, reason=reason, start=t_start, end=t_end, workdays=workdays)
        correction = kind == Suspension.Kind.CORRECTION
        if correction:
            life.corrections.append(t_start)
        life.steps.append((t_start, Status.CORRECTION if correction else Status.SUSPENDED))
        life.steps.append((t_end, Status.ACCEPTED))

    def decide_issue_complete(self, life: _Life, instant: bool) -> None:
        """Decision after the handling (and suspended) days, issue, then pickup at the window or express delivery."""
        rng, t_acc = self.rng, life.accepted
        assert t_acc is not None
        if instant:
            t_dec = t_acc + dt.timedelta(minutes=rng.randint(5, 40))
            t_iss = t_dec + dt.timedelta(minutes=rng.randint(1, 10))
            t_done = t_iss + dt.timedelta(minutes=rng.randint(0, 5))
            life.delivery = WINDOW_PICKUP
        else:
            pause = life.pause
            t_dec = self.office_time(
                self.calendar.add_workdays(t_acc.date(), life.handling + (pause.workdays if pause else 0))
            )
            floor = pause.end if pause else t_acc
            if t_dec <= floor:
                t_dec = floor + dt.timedelta(minutes=rng.randint(10, 120))
            t_iss = self.after(t_dec, rng.choice([0, 0, 1, 1, 2]))
            if rng.random() < 0.3:
                life.delivery = EXPRESS % rng.randrange(10**12)
                t_done = t_iss + dt.timedelta(hours=rng.uniform(20, 72))
            else:
                life.delivery = WINDOW_PICKUP
                t_done = t_iss + dt.timedelta(hours=rng.choice([0, 0, 2, 26, 50, 74]) + rng.random())
        life.steps += [(t_dec, Status.DECIDED), (t_iss, Status.ISSUED), (t_done, Status.COMPLETED)]

    def standing(self, life: _Life) -> _Standing:
        """Where the planned life stands at `now`."""
        now = self.now
        life.steps.sort(key=lambda s: s[0])
        status, updated = Status.SUBMITTED, life.submitted
        for moment, state in life.steps:
            if moment > now:
                break
            status, updated = state, moment
        return _Standing(
            status=status,
            updated=updated,
            final=status in (Status.COMPLETED, Status.REFUSED, Status.WITHDRAWN),
            corrections=sum(1 for c in life.corrections if c <= now),
            accepted=life.accepted is not None and life.accepted <= now,
        )

    def handle(self, origin: _Origin, life: _Life, standing: _Standing, instant: bool) -> _Outcome:
        """An accepted case at `now`: its suspension row, deadlines, decision and completion so far, owed
        materials, and the live task of an open case."""
        rng, now, item, t_acc = self.rng, self.now, origin.item, life.accepted
        assert t_acc is not None
        outcome = _Outcome()
        if life.pause and life.pause.start <= now:
            outcome.suspended_workdays = self.record_pause(origin.case_id, life.pause)
        dues = case_deadlines(self.calendar, accepted_on=t_acc.date(), promised_days=item.promised,
                              legal_days=item.legal, suspended_workdays=outcome.suspended_workdays)  # fmt: skip
        outcome.promised_due, outcome.legal_due = dues.promised_due, dues.legal_due
        for moment, state in life.steps:
            if moment > now:
                break
            if state == Status.DECIDED:
                outcome.decided_at = moment - self.off
                outcome.decision = "deny" if rng.random() < DENY_SHARE else "approve"
            elif state == Status.COMPLETED:
                outcome.completed_at = moment
        if item.gaps and not instant and rng.random() < GAP_SHARE:
            outcome.owed = self.owed_materials(item, t_acc, standing.final)
        if standing.status in (Status.ACCEPTED, Status.SUSPENDED, Status.CORRECTION) and not instant:
            self.make_tasks(origin.case_id, item, t_acc, life.handling, outcome.promised_due)
        return outcome

    def record_pause(self, case_id: int, pause: _Pause) -> int:
        """The Suspension row of a suspension started by `now` (open if not yet ended); the working days it
        counts."""
        ended = pause.end <= self.now
        workdays = pause.workdays if ended else 0
        self.suspensions.add(case_id=case_id, kind=pause.kind, reason=pause.reason, started_on=pause.start.date(),
                             ended_on=pause.end.date() if ended else None, workdays=workdays)  # fmt: skip
        return workdays

    def owed_materials(self, item: _Item, t_acc: dt.datetime, final: bool) -> str:
        """A tolerated gap (容缺): a material owed by a due date, still owed if the open case has not supplied it."""
        rng = self.rng
        material, name = rng.choice(item.gaps)
        due = self.calendar.add_workdays(t_acc.date(), rng.choice([5, 5, 10]))
        r = rng.random()
        supplied = (None if r < 0.05 else
                    dt.datetime.combine(due + dt.timedelta(days=rng.randint(1, 10)), dt.time(10)) if r < 0.2
                    else t_acc + (dt.datetime.combine(due, dt.time(10)) - t_acc) * rng.random())  # fmt: skip
        if not final and (supplied is None or supplied > self.now):
            return json.dumps(
                [{"material": material, "name": name, "due": due.isoformat()}], ensure_ascii=False
            )
        return "[]"

    def case_row(self, origin: _Origin, life: _Life, standing: _Standing, outcome: _Outcome) -> list[Any]:
        """The case's row (moments in UTC; the number is given when the batch is stored)."""
        off, item, applicant = self.off, origin.item, origin.applicant
        utc = life.submitted - off
        t_acc = life.accepted if standing.accepted else None
        return self.cases.row(
            id=origin.case_id, number=None, item_id=item.id, department_id=item.department_id,
            region_id=origin.region, applicant_id=applicant.user_id, enterprise_id=applicant.enterprise_id,
            applicant_name=applicant.name, submitted_by_id=origin.submitted_by, window_id=origin.window_id,
            channel=origin.channel, status=standing.status.value, form_encrypted=applicant.form, created_at=utc,
            updated_at=standing.updated - off, submitted_at=utc,
            accepted_at=t_acc - off if t_acc else None, accepted_on=t_acc.date() if t_acc else None,
            decided_at=outcome.decided_at,
            completed_at=outcome.completed_at - off if outcome.completed_at else None,
            promised_due=outcome.promised_due, legal_due=outcome.legal_due,
            suspended_workdays=outcome.suspended_workdays, corrections=standing.corrections,
            decision=outcome.decision, owed_materials=outcome.owed,
            delivery=life.delivery if standing.status in (Status.ISSUED, Status.COMPLETED) else "{}",
        )  # fmt: skip

    def make_tasks(
        self, case_id: int, item: _Item, t_acc: dt.datetime, h: int, promised_due: dt.date | None
    ) -> None:
        """The live step at `now`: review (or the joint reviews) first, the decision after about 60 % of the
        handling time."""
        rng, cal = self.rng, self.calendar
        acc_day = t_acc.date()
        review_days = max((max(h, 1) * 3) // 5, 1)
        review_end = cal.add_workdays(acc_day, review_days)
        if self.today <= review_end:
            created, step, name, budget = t_acc, "review", "审查", 3
            departments = [item.department_id]
            role = StaffRole.APPROVER
            if item.kind == CaseKind.JOINT:
                step, name, departments = "joint_review", "并联审查", [item.department_id, *item.joint]
            elif item.kind == CaseKind.ESCALATED:
                name = "本级初审"
        else:
            created = self.office_time(review_end)
            step, name, budget = "decide", "决定", 2
            departments = [item.department_id]
            role = StaffRole.DEPARTMENT_HEAD
            if item.kind == CaseKind.ESCALATED and item.escalation:
                name, budget, departments = "上级决定", 5, [item.escalation]
        due = cal.add_workdays(created.date(), budget)
        if promised_due is not None and due > promised_due:
            due = promised_due
        staff = self.approvers if role == StaffRole.APPROVER else self.heads
        for department in departments:
            claimer = staff.get(department) if rng.random() < 0.5 else None
            self.tasks.add(case_id=case_id, task_id=f"gen-{case_id}-{step}-{department}", step=step, name=name,
                           department_id=department, role=role.value, decides=step == "decide",
                           state=CaseTask.State.CLAIMED if claimer else CaseTask.State.OPEN, claimed_by_id=claimer,
                           created_at=created - self.off, due_on=due)  # fmt: skip


def generate_cases(
    cases: int,
    *,
    seed: int = 1,
    now: dt.datetime | None = None,
    years: float = 2.0,
    batch_size: int = 5000,
    progress: Callable[[str], None] | None = None,
) -> GenerateSummary:
    """Add ``cases`` synthetic cases (with applicants, tasks, ratings...) over the last ``years`` years.
    The published catalogue must exist (``govhall seed --demo``)."""
    if cases <= 0:
        raise ValueError("cases must be positive")
    generator = _Generator(
        cases, seed, now or timezone.now(), years, max(batch_size, 100), progress or (lambda _: None)
    )
    return generator.run()
