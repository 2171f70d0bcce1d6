"""好差评: one rating per case and stage (一次一评, 一事一评), the policy behind reminders and default ratings,
and the rectification (整改) every bad rating opens for the responsible department."""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from govhall.cases.models import BundleCase, Case
from govhall.catalogue.models import ServiceItem
from govhall.core.models import text_limits
from govhall.identity.models import Department, User


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASIC = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


BAD_LEVELS = (Level.DISSATISFIED, Level.VERY_DISSATISFIED)
GOOD_LEVELS = (Level.VERY_SATISFIED, Level.SATISFIED, Level.BASIC)

# Reason tags an applicant may pick, by whether the rating is good or bad.
GOOD_TAGS = ["办事效率高", "服务态度好", "一次办成", "材料精简", "网上办理方便", "指引清楚"]
BAD_TAGS = ["办理时间长", "服务态度差", "多次跑动", "材料繁琐", "流程不清楚", "系统不好用", "未按时办结"]


class Stage(models.TextChoices):
    ACCEPT = "accept", "受理环节"
    COMPLETE = "complete", "办结环节"


class RatingChannel(models.TextChoices):
    WEB = "web", "网上评价"
    SMS = "sms", "短信评价"
    WINDOW = "window", "窗口评价器"
    API = "api", "系统接口"
    DEFAULT = "default", "默认评价"


class RatingPolicy(models.Model):
    """The administrator's settings for ratings; one row."""

    reminder_days = models.PositiveSmallIntegerField(
        "办结后提醒评价天数", default=3, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    default_after_days = models.PositiveSmallIntegerField(
        "提醒后默认评价天数",
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="提醒后仍未评价的，经过该天数记为默认评价",
    )
    default_level = models.PositiveSmallIntegerField(
        "默认评价等级", choices=Level.choices, default=Level.SATISFIED
    )
    rectification_workdays = models.PositiveSmallIntegerField(
        "差评整改时限（工作日）", default=15, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    link_valid_days = models.PositiveSmallIntegerField(
        "评价链接有效天数", default=30, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    class Meta:
        verbose_name = verbose_name_plural = "好差评规则设置"

    def __str__(self) -> str:
        return "好差评规则设置"

    @classmethod
    def current(cls) -> RatingPolicy:
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy


class Rating(models.Model):
    case = models.ForeignKey(Case, models.CASCADE, related_name="ratings", verbose_name="办件")
    stage = models.CharField("评价环节", max_length=10, choices=Stage.choices)
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    tags = models.JSONField("评价标签", default=list, blank=True)
    text = models.TextField("评价内容", max_length=2000, blank=True)
    channel = models.CharField("评价渠道", max_length=10, choices=RatingChannel.choices)
    rater = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="评价人"
    )
    is_default = models.BooleanField("默认评价", default=False)
    opened_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="开启评价器的窗口人员"
    )  # set for ratings given on a hall tablet
    # copied from the case so figures per department and item are one indexed GROUP BY
    department = models.ForeignKey(Department, models.PROTECT, related_name="ratings", verbose_name="部门")
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="ratings", verbose_name="事项")
    created_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = verbose_name_plural = "好差评"
        constraints = [
            *text_limits(text=2000),
            models.UniqueConstraint(fields=["case", "stage"], name="one_rating_per_case_stage"),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="rating_level_1_to_5"
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="rating_created"),
            models.Index(fields=["department", "created_at"], name="rating_department_created"),
            models.Index(fields=["item", "created_at"], name="rating_item_created"),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_stage_display()} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class RatingReminder(models.Model):
    """The one reminder sent for an unrated completed case."""

    case = models.OneToOneField(Case, models.CASCADE, related_name="rating_reminder")
    sent_at = models.DateTimeField("提醒时间")

    class Meta:
        verbose_name = verbose_name_plural = "评价提醒"

    def __str__(self) -> str:
        return f"{self.case} {self.sent_at:%Y-%m-%d}"


class Rectification(models.Model):
    """整改: what the responsible department did about a bad rating, and the follow-up call (回访)."""

    class State(models.TextChoices):
        OPEN = "open", "整改中"
        CLOSED = "closed", "已整改"

    rating = models.OneToOneField(Rating, models.PROTECT, related_name="rectification", verbose_name="差评")
    case = models.ForeignKey(Case, models.PROTECT, related_name="rectifications", verbose_name="办件")
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="rectifications", verbose_name="责任部门"
    )
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField("创建时间")
    due_on = models.DateField("整改期限")
    action = models.TextField("整改措施", max_length=4000, blank=True)
    follow_up = models.TextField("回访记录", max_length=4000, blank=True)
    closed_at = models.DateTimeField("整改完成时间", null=True, blank=True)
    closed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    applicant_level = models.PositiveSmallIntegerField(
        "申请人对整改的评价", choices=Level.choices, null=True, blank=True
    )
    applicant_text = models.TextField("申请人整改评价内容", max_length=2000, blank=True)
    applicant_rated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "差评整改"
        indexes = [
            models.Index(fields=["department", "state", "due_on"], name="rectification_department"),
            models.Index(fields=["state", "due_on"], name="rectification_due"),
        ]
        constraints = text_limits(action=4000, follow_up=4000, applicant_text=2000)

    def __str__(self) -> str:
        return f"{self.case} 整改"

    @property
    def on_time(self) -> bool | None:
        if self.closed_at is None:
            return None
        from django.utils import timezone

        return timezone.localdate(self.closed_at) <= self.due_on


class TabletSession(models.Model):
    """The hall's rating tablet, opened by a window clerk for one stage of a case they are serving: usable
    once, for a few minutes. The rating given on it records the clerk who opened it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(Case, models.CASCADE, related_name="+", verbose_name="办件")
    stage = models.CharField("评价环节", max_length=10, choices=Stage.choices)
    clerk = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="窗口人员")
    created_at = models.DateTimeField("开启时间")
    expires_at = models.DateTimeField("失效时间")
    used_at = models.DateTimeField("使用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口评价器"

    def __str__(self) -> str:
        return f"{self.case_id} {self.stage}"


class BundleRating(models.Model):
    """一件事的整体评价: the applicant's one rating of a whole bundle case, beside the per-item ratings of its
    cases (which carry the rectification of a bad rating to the department concerned)."""

    bundle_case = models.OneToOneField(
        BundleCase, models.CASCADE, related_name="rating", verbose_name="一件事办件"
    )
    level = models.PositiveSmallIntegerField("评价等级", choices=Level.choices)
    tags = models.JSONField("评价标签", default=list, blank=True)
    text = models.TextField("评价内容", max_length=2000, blank=True)
    channel = models.CharField("评价渠道", max_length=10, choices=RatingChannel.choices)
    rater = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="评价人")
    created_at = models.DateTimeField("评价时间")

    class Meta:
        verbose_name = verbose_name_plural = "一件事整体评价"
        constraints = [
            *text_limits(text=2000),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5), name="bundle_rating_level_1_to_5"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="bundle_rating_created")]

    def __str__(self) -> str:
        return f"{self.bundle_case} {self.get_level_display()}"
