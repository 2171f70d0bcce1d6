"""Ratings of generated cases: given by the applicant, defaulted after the reminder, and the rectification of a
bad one (most closed on time, some late, some open). A mixin of the generator: it shares the batch state."""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Callable

from govhall.evaluation.models import Rectification

from .calendar import FastCalendar
from .mix import (
    BAD_TAG_SETS,
    BAD_TEXTS,
    BOTH_STAGES_SHARE,
    DEFAULTED_SHARE,
    FOLLOW_UPS,
    GOOD_TAG_SETS,
    GOOD_TEXTS,
    LEVEL_CUM,
    LEVELS,
    RATED_SHARE,
    RATING_CHANNELS,
    RECTIFY_ACTIONS,
)
from .people import _Applicant
from .state import GenerateSummary, _Item
from .storage import _Ids, _Table


class _Ratings:
    rng: random.Random
    now: dt.datetime
    off: dt.timedelta
    calendar: FastCalendar
    summary: GenerateSummary
    remind_days: int
    default_days: int
    default_level: int
    rectify_days: int
    ratings: _Table
    rectifications: _Table
    reminders: _Table
    rating_ids: _Ids
    heads: dict[int, int]
    approvers: dict[int, int]
    office_time: Callable[[dt.date], dt.datetime]  # a moment in office hours of a day (the generator's)

    def make_ratings(self, case_id: int, item: _Item, applicant: _Applicant, channel: str,
                     t_acc: dt.datetime | None, completed_at: dt.datetime) -> None:  # fmt: skip
        rng, now = self.rng, self.now
        if rng.random() < RATED_SHARE:
            names, weights = RATING_CHANNELS[channel]
            rating_channel = names[0] if rng.random() < weights[0] else names[1]
            delay = (dt.timedelta(minutes=rng.uniform(1, 15)) if rating_channel == "window"
                     else dt.timedelta(hours=rng.expovariate(1 / 20)))  # fmt: skip
            rated_at = completed_at + delay
            if rated_at <= now:
                self.make_rating(case_id, item, applicant, "complete", rating_channel, rated_at)
                if t_acc is not None and rng.random() < BOTH_STAGES_SHARE:
                    accept_at = t_acc + dt.timedelta(minutes=rng.uniform(1, 60))
                    self.make_rating(
                        case_id, item, applicant, "accept", rating_channel, min(accept_at, rated_at)
                    )
                return
        age = now - completed_at
        remind = dt.timedelta(days=self.remind_days)
        if age >= remind + dt.timedelta(days=self.default_days) and rng.random() < DEFAULTED_SHARE:
            self.reminders.add(case_id=case_id, sent_at=completed_at + remind - self.off)
            at = completed_at + remind + dt.timedelta(days=self.default_days, hours=rng.uniform(0, 6))
            self.ratings.add(id=self.rating_ids.take(), case_id=case_id, stage="complete", level=self.default_level,
                             tags="[]", text="", channel="default", rater_id=None, is_default=True,
                             department_id=item.department_id, item_id=item.id,
                             created_at=min(at, now) - self.off)  # fmt: skip
            self.summary.default_ratings += 1
        elif age >= remind and rng.random() < 0.5:
            self.reminders.add(case_id=case_id, sent_at=completed_at + remind - self.off)

    def make_rating(self, case_id: int, item: _Item, applicant: _Applicant, stage: str, channel: str,
                    at: dt.datetime) -> None:  # fmt: skip
        rng, cal, off = self.rng, self.calendar, self.off
        level = LEVELS[bisect(LEVEL_CUM, rng.random())]
        rating_id = self.rating_ids.take()
        if level <= 2:
            tags, text = rng.choice(BAD_TAG_SETS), rng.choice(BAD_TEXTS)
        else:
            tags, text = rng.choice(GOOD_TAG_SETS), rng.choice(GOOD_TEXTS)
        self.ratings.add(id=rating_id, case_id=case_id, stage=stage, level=level, tags=tags, text=text,
                         channel=channel, rater_id=applicant.user_id, is_default=False,
                         department_id=item.department_id, item_id=item.id, created_at=at - off)  # fmt: skip
        if level > 2:
            return
        local = at
        due = cal.add_workdays(local.date(), self.rectify_days)
        r = rng.random()
        closed = (None if r < 0.05 else
                  self.office_time(cal.add_workdays(due, rng.randint(1, 8))) if r < 0.15
                  else local + (dt.datetime.combine(due, dt.time(16)) - local) * rng.uniform(0.2, 1.0))  # fmt: skip
        if closed is not None and closed > self.now:
            closed = None
        head = self.heads.get(item.department_id) or self.approvers.get(item.department_id)
        if closed is None or head is None:
            self.rectifications.add(rating_id=rating_id, case_id=case_id, department_id=item.department_id,
                                    state=Rectification.State.OPEN, created_at=at - off, due_on=due, action="",
                                    follow_up="", closed_at=None, closed_by_id=None, applicant_level=None,
                                    applicant_text="", applicant_rated_at=None)  # fmt: skip
            return
        rated = closed + dt.timedelta(days=rng.uniform(0.5, 5))
        applicant_level = rng.choice([5, 4, 4, 3]) if rng.random() < 0.4 and rated <= self.now else None
        self.rectifications.add(rating_id=rating_id, case_id=case_id, department_id=item.department_id,
                                state=Rectification.State.CLOSED, created_at=at - off, due_on=due,
                                action=rng.choice(RECTIFY_ACTIONS), follow_up=rng.choice(FOLLOW_UPS),
                                closed_at=closed - off, closed_by_id=head, applicant_level=applicant_level,
                                applicant_text="" if applicant_level is None else "整改及时，态度诚恳",
                                applicant_rated_at=rated - off if applicant_level is not None else None)  # fmt: skip
