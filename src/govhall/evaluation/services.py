"""Writes of 好差评: a rating by the applicant (signed in, or through a single-use link), the rectification a
bad rating opens, the department closing it with a follow-up, the applicant rating the rectification, and
the sweep that reminds once and then records the default rating."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from govhall.cases.models import BundleCase, Case
from govhall.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from govhall.core.selectors import work_calendar_for
from govhall.identity.models import StaffRole, User
from govhall.identity.permissions import staff_with
from govhall.notices.outbox import notify_many, notify_users

from .models import (
    BAD_LEVELS,
    BAD_TAGS,
    GOOD_TAGS,
    BundleRating,
    Level,
    Rating,
    RatingChannel,
    RatingPolicy,
    RatingReminder,
    Rectification,
    Stage,
    TabletSession,
)
from .selectors import clerk_serving, is_applicant, stage_open

LINK_SALT = "govhall.evaluation.rating-link"
# The default rating looks back this far, so each sweep reads a year of completed cases, not all of them.
DEFAULT_LOOKBACK = dt.timedelta(days=366)
TEXT_LIMIT = 500


# --- single-use links (SMS, the window's rating tablet) ---


def rating_link_token(case: Case, stage: str, channel: str = RatingChannel.SMS) -> str:
    """A signed token naming the case and stage; it is spent when that stage is rated."""
    return signing.dumps({"n": case.number, "s": stage, "c": channel}, salt=LINK_SALT, compress=True)


def rating_link_url(case: Case, stage: str, channel: str = RatingChannel.SMS) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/rate/{rating_link_token(case, stage, channel)}/"


def rating_link_open(token: str) -> tuple[Case, str, str, TabletSession | None]:
    """The case, stage and channel a link stands for, and the tablet session when it is the hall's tablet;
    a forged, expired, spent or unknown link is 404."""
    if token.startswith(TABLET_PREFIX):
        session = _tablet_session(token.removeprefix(TABLET_PREFIX))
        return session.case, session.stage, RatingChannel.WINDOW, session
    days = RatingPolicy.current().link_valid_days
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=dt.timedelta(days=days))
        case = Case.objects.select_related("item", "department", "applicant").get(number=data["n"])
        stage, channel = Stage(data["s"]), RatingChannel(data["c"])
    except (signing.BadSignature, Case.DoesNotExist, KeyError, ValueError, TypeError):
        raise NotFound("评价链接无效或已过期", field="token") from None
    if channel == RatingChannel.WINDOW:  # the tablet is only ever a session a clerk opened
        raise NotFound("评价链接无效或已过期", field="token")
    return case, stage, channel, None


# --- the hall's rating tablet ---

TABLET_PREFIX = "t-"
TABLET_SALT = "govhall.evaluation.tablet"


def tablet_open(*, case: Case, stage: str, clerk: User) -> str:
    """A window clerk opens the tablet for the applicant in front of them: only for a case the clerk is
    serving (they registered, accepted, issued or completed it a short while ago), once, for a few minutes.
    Returns the token of the tablet's link."""
    if stage not in Stage.values or not stage_open(case, stage):
        raise Conflict("该环节暂不能评价或已评价", field="stage", code="not_ratable")
    if not clerk_serving(case, stage, clerk):
        raise PermissionDenied("只能为您本人正在窗口办理的办件打开评价器", field="number")
    now = timezone.now()
    session = TabletSession.objects.create(
        case=case, stage=stage, clerk=clerk, created_at=now,
        expires_at=now + dt.timedelta(minutes=settings.RATING_TABLET_MINUTES),
    )  # fmt: skip
    return TABLET_PREFIX + signing.dumps(str(session.pk), salt=TABLET_SALT)


def _tablet_session(signed: str) -> TabletSession:
    try:
        session_id = signing.loads(signed, salt=TABLET_SALT, max_age=dt.timedelta(hours=1))
        session = TabletSession.objects.select_related("case__item", "case__department", "clerk").get(
            pk=session_id
        )
    except (signing.BadSignature, TabletSession.DoesNotExist, ValueError, TypeError):
        raise NotFound("评价器链接无效", field="token") from None
    if session.used_at is not None or session.expires_at <= timezone.now():
        raise NotFound("评价器已使用或已超时，请窗口工作人员重新打开", field="token")
    return session


def _spend_tablet(session: TabletSession) -> None:
    """Mark the session used, in the rating's transaction; a second use (or a late one) is refused."""
    now = timezone.now()
    spent = TabletSession.objects.filter(pk=session.pk, used_at__isnull=True, expires_at__gt=now).update(
        used_at=now
    )
    if not spent:
        raise Conflict("评价器已使用或已超时，请窗口工作人员重新打开", field="token", code="tablet_spent")


# --- rating ---


def _clean(level: Any, tags: Any, text: Any) -> tuple[int, list[str], str]:
    try:
        level = Level(int(level))
    except (TypeError, ValueError):
        raise ValidationFailed("评价等级应为1到5（5非常满意，1非常不满意）", field="level") from None
    tags = [str(t).strip() for t in (tags or []) if str(t).strip()]
    unknown = [t for t in tags if t not in GOOD_TAGS + BAD_TAGS]
    if unknown:
        raise ValidationFailed(f"不认识的评价标签：{'、'.join(unknown)}", field="tags")
    text = str(text or "").strip()
    if len(text) > TEXT_LIMIT:
        raise ValidationFailed(f"评价内容不能超过{TEXT_LIMIT}字", field="text")
    if level in BAD_LEVELS and not (tags or text):
        raise ValidationFailed("差评请选择原因标签或填写具体意见，以便部门整改", field="text")
    return int(level), list(dict.fromkeys(tags)), text


def rating_submit(
    *, number: str, user: User | None, stage: str, level: Any, tags: Any = None, text: Any = "",
    channel: str = RatingChannel.WEB, case: Case | None = None, tablet: TabletSession | None = None,
) -> Rating:  # fmt: skip
    """Record the applicant's rating of one stage of a case. Signed-in callers must be the applicant (anyone
    else gets 404); a link caller passes the case the link names."""
    if case is None:
        case = Case.objects.select_related("item", "department").filter(number=number).first()
        if case is None or not is_applicant(case, user):
            raise NotFound("未找到该办件", field="number")
    if stage not in Stage.values:
        raise ValidationFailed("评价环节应为 accept（受理）或 complete（办结）", field="stage")
    level, tags, text = _clean(level, tags, text)
    if not stage_open(case, stage):
        what = "受理" if stage == Stage.ACCEPT else "办结"
        raise Conflict(f"办件尚未{what}，暂不能评价该环节", field="stage", code="not_ratable")
    rater = user if user is not None and user.is_authenticated else case.applicant
    try:
        with transaction.atomic():
            if tablet is not None:
                _spend_tablet(tablet)
            rating = Rating.objects.create(
                case=case, stage=stage, level=level, tags=tags, text=text, channel=channel, rater=rater,
                department_id=case.department_id, item_id=case.item_id, created_at=timezone.now(),
                opened_by=tablet.clerk if tablet else None,
            )  # fmt: skip
            if rating.is_bad:
                _open_rectification(rating, case)
    except IntegrityError:
        raise Conflict("该环节已评价，不能重复评价或修改", field="stage", code="already_rated") from None
    return rating


def rectification_url(case: Case) -> str:
    """The rectification form of a case, as an address a message can carry (in-site and SMS)."""
    path = reverse("evaluation:rectifications") + f"?case={case.number}"
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}{path}"


def _open_rectification(rating: Rating, case: Case) -> Rectification:
    today = timezone.localdate()
    days = RatingPolicy.current().rectification_workdays
    due = work_calendar_for(today, days).add_workdays(today, days)
    rectification = Rectification.objects.create(
        rating=rating, case=case, department_id=case.department_id, due_on=due, created_at=timezone.now()
    )
    heads = User.objects.filter(
        department_id=case.department_id, is_active=True, roles__role=StaffRole.DEPARTMENT_HEAD
    )
    notify_users(
        heads, title="收到差评，请整改",
        body=f"办件{case.number}（{case.item.name}）收到“{rating.get_level_display()}”评价，请于{due:%Y年%m月%d日}前完成整改并回访。"
             f"填写整改： {rectification_url(case)}",
        case_number=case.number or "",
    )  # fmt: skip
    return rectification


# --- rectification ---


def _may_rectify(rectification: Rectification, user: Any) -> bool:
    return (
        staff_with(user, StaffRole.DEPARTMENT_HEAD, StaffRole.APPROVER)
        and user.department_id == rectification.department_id
    )


def rectification_close(*, rectification_id: int, user: User, action: Any, follow_up: Any) -> Rectification:
    """The department records what it did and the follow-up call with the applicant."""
    action, follow_up = str(action or "").strip(), str(follow_up or "").strip()
    with transaction.atomic():
        rectification = (
            Rectification.objects.select_for_update()
            .select_related("case")
            .filter(pk=rectification_id)
            .first()
        )
        if rectification is None or not _may_rectify(rectification, user):
            raise NotFound("未找到该整改单", field="id")
        if rectification.state == Rectification.State.CLOSED:
            raise Conflict("该整改单已办结", field="state", code="already_closed")
        if not action:
            raise ValidationFailed("请填写整改措施", field="action")
        if not follow_up:
            raise ValidationFailed("请填写回访情况（回访时间、方式和申请人意见）", field="follow_up")
        if len(action) > 2000 or len(follow_up) > 2000:
            raise ValidationFailed("整改措施和回访记录各不超过2000字", field="action")
        rectification.state, rectification.action, rectification.follow_up = (
            Rectification.State.CLOSED, action, follow_up,
        )  # fmt: skip
        rectification.closed_at, rectification.closed_by = timezone.now(), user
        rectification.save(update_fields=["state", "action", "follow_up", "closed_at", "closed_by"])
        case = rectification.case
        notify_users(
            [case.applicant], title="差评整改已完成",
            body=f"您对办件{case.number}的评价，部门已整改并回访，欢迎登录对整改情况进行评价。",
            case_number=case.number or "",
        )  # fmt: skip
    return rectification


def rectification_rate(*, rectification_id: int, user: User, level: Any, text: Any = "") -> Rectification:
    """The applicant rates the rectification, once, after it is closed."""
    with transaction.atomic():
        rectification = (
            Rectification.objects.select_for_update()
            .select_related("case")
            .filter(pk=rectification_id)
            .first()
        )
        if rectification is None or not is_applicant(rectification.case, user):
            raise NotFound("未找到该整改单", field="id")
        if rectification.state != Rectification.State.CLOSED:
            raise Conflict("部门尚未完成整改，暂不能评价", field="state", code="not_closed")
        if rectification.applicant_level is not None:
            raise Conflict("已评价过整改情况", field="level", code="already_rated")
        level, _, text = _clean(level, [], text or "—")
        rectification.applicant_level, rectification.applicant_text = level, text.strip("—")
        rectification.applicant_rated_at = timezone.now()
        rectification.save(update_fields=["applicant_level", "applicant_text", "applicant_rated_at"])
    return rectification


# --- the sweep: one reminder, then the default rating ---


@dataclass
class SweepResult:
    reminded: int
    defaulted: int


def ratings_sweep(now: dt.datetime | None = None) -> SweepResult:
    """Completed cases left unrated: a reminder after ``reminder_days``, the default rating after a further
    ``default_after_days``. Both are set-based statements, safe to run twice at once."""
    now = now or timezone.now()
    policy = RatingPolicy.current()
    remind_before = now - dt.timedelta(days=policy.reminder_days)
    default_before = remind_before - dt.timedelta(days=policy.default_after_days)
    with transaction.atomic():
        reminded = _insert_reminders(now, remind_before, default_before)
        if reminded:
            _send_reminders(now)
    with transaction.atomic():
        defaulted = _insert_defaults(now, default_before, policy.default_level)
    return SweepResult(reminded=reminded, defaulted=defaulted)


def _db(moment: dt.datetime) -> Any:
    """A datetime as the ORM would store it (SQLite keeps naive UTC text), for raw statements."""
    return connection.ops.adapt_datetimefield_value(moment)


def _unrated(alias: str) -> str:
    ratings = Rating._meta.db_table
    return f"NOT EXISTS (SELECT 1 FROM {ratings} r WHERE r.case_id = {alias}.id AND r.stage = 'complete')"


def _insert_reminders(now: dt.datetime, remind_before: dt.datetime, default_before: dt.datetime) -> int:
    cases, reminders = Case._meta.db_table, RatingReminder._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {reminders} (case_id, sent_at)
                SELECT c.id, %s FROM {cases} c
                WHERE c.status = 'completed' AND c.completed_at <= %s AND c.completed_at > %s AND {_unrated("c")}
                  AND NOT EXISTS (SELECT 1 FROM {reminders} m WHERE m.case_id = c.id)
                ON CONFLICT DO NOTHING""",
            [_db(now), _db(remind_before), _db(default_before)],
        )
        return max(int(cursor.rowcount), 0)


def _send_reminders(now: dt.datetime) -> None:
    reminders = RatingReminder.objects.filter(sent_at=now).select_related("case__applicant", "case__item")
    notify_many(
        (r.case.applicant, "请对办件服务进行评价",
         f"您的办件{r.case.number}（{r.case.item.name}）已办结，欢迎评价：{rating_link_url(r.case, Stage.COMPLETE)}",
         r.case.number or "")
        for r in reminders.iterator(chunk_size=1000)
    )  # fmt: skip


def _insert_defaults(now: dt.datetime, default_before: dt.datetime, level: int) -> int:
    cases, ratings = Case._meta.db_table, Rating._meta.db_table
    empty_list = "CAST('[]' AS jsonb)" if connection.vendor == "postgresql" else "'[]'"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {ratings}
                    (case_id, stage, level, tags, text, channel, rater_id, is_default, department_id, item_id,
                     created_at)
                SELECT c.id, 'complete', %s, {empty_list}, '', 'default', NULL, %s, c.department_id, c.item_id, %s
                FROM {cases} c
                WHERE c.status = 'completed' AND c.completed_at <= %s AND c.completed_at > %s AND {_unrated("c")}
                ON CONFLICT DO NOTHING""",
            [level, True, _db(now), _db(default_before), _db(default_before - DEFAULT_LOOKBACK)],
        )
        return max(int(cursor.rowcount), 0)


def bundle_rating_submit(
    *, number: str, user: User, level: Any, tags: Any = None, text: Any = "", channel: str = RatingChannel.WEB
) -> BundleRating:
    """The applicant's one rating of a whole bundle case, once every item is final (anyone else: 404)."""
    bundle_case = BundleCase.objects.filter(number=number).first()
    if bundle_case is None or user.pk not in (bundle_case.applicant_id, bundle_case.submitted_by_id):
        raise NotFound("未找到该一件事办件", field="number")
    level, tags, text = _clean(level, tags, text)
    if bundle_case.state == BundleCase.State.IN_PROGRESS:
        raise Conflict("一件事尚未全部办结，暂不能评价", field="number", code="not_ratable")
    try:
        with transaction.atomic():
            return BundleRating.objects.create(
                bundle_case=bundle_case, level=level, tags=tags, text=text, channel=channel,
                rater=user, created_at=timezone.now(),
            )  # fmt: skip
    except IntegrityError:
        raise Conflict("本件事已评价，不能重复评价或修改", field="number", code="already_rated") from None
