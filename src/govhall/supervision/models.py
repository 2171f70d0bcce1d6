"""电子监察: the rules supervisors configure, the warnings a scan raises and resolves, supervision orders (督办),
and the lease that keeps two scans from running at once."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from govhall.cases.models import Case
from govhall.core.models import text_limits
from govhall.identity.models import Department, User


class WarningLevel(models.TextChoices):
    YELLOW = "yellow", "黄牌预警"
    RED = "red", "红牌警告"


class RuleCode(models.TextChoices):
    PROMISED_NEAR = "promised_near", "承诺时限即将到期"
    PROMISED_OVER = "promised_over", "超过承诺时限"
    LEGAL_OVER = "legal_over", "超过法定时限"
    STEP_OVER = "step_over", "环节超时"
    REPEATED_CORRECTION = "repeated_correction", "多次补正（违反一次性告知）"
    REPEATED_VISIT = "repeated_visit", "同一人多次跑"
    OWED_OVERDUE = "owed_overdue", "容缺材料逾期未补"
    RECTIFICATION_OVERDUE = "rectification_overdue", "差评整改逾期"
    SHARING_OVERDUE = "sharing_overdue", "共享申请逾期未答复"
    BUNDLE_OVER = "bundle_over", "一件事超过承诺时限"


class Rule(models.Model):
    """One supervision rule and its settings; supervisors edit them."""

    code = models.CharField("规则", max_length=30, primary_key=True, choices=RuleCode.choices)
    enabled = models.BooleanField("启用", default=True)
    level = models.CharField("预警级别", max_length=10, choices=WarningLevel.choices)
    threshold = models.PositiveSmallIntegerField(
        "阈值",
        default=0,
        help_text="承诺时限即将到期：已用时限百分比；多次补正：补正次数；同一人多次跑：申请次数",
    )
    window_days = models.PositiveSmallIntegerField(
        "统计天数", default=0, help_text="同一人多次跑：统计的自然日天数"
    )

    class Meta:
        verbose_name = verbose_name_plural = "监察规则"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.get_code_display()


class Warning(models.Model):
    """A warning raised by a rule on a subject (a case, a step, a rectification); resolved when its cause
    goes away, kept for the record."""

    rule = models.CharField("规则", max_length=30, choices=RuleCode.choices)
    level = models.CharField("级别", max_length=10, choices=WarningLevel.choices)
    subject = models.CharField(
        "对象", max_length=40
    )  # "case:12", "task:34", "rectification:5", "sharing_request:7"
    case = models.ForeignKey(Case, models.CASCADE, null=True, blank=True, related_name="warnings")
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="warnings", verbose_name="责任部门"
    )
    responsible = models.ForeignKey(
        User, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="责任人"
    )
    reason = models.CharField("原因", max_length=300)
    opened_at = models.DateTimeField("预警时间")
    resolved_at = models.DateTimeField("解除时间", null=True, blank=True)
    resolution = models.CharField("解除原因", max_length=100, blank=True)
    scan = models.BigIntegerField("扫描批次", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "监察预警"
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject"], condition=Q(resolved_at__isnull=True), name="one_open_warning"
            )
        ]
        indexes = [
            models.Index(
                fields=["department", "level", "-opened_at"],
                condition=Q(resolved_at__isnull=True),
                name="warning_open_board",
            ),
            models.Index(fields=["opened_at"], name="warning_opened"),
            models.Index(fields=["case"], name="warning_case"),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} {self.get_rule_display()} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Order(models.Model):
    """督办: a supervisor's order to a department about a warning or a case, with a response deadline."""

    class State(models.TextChoices):
        OPEN = "open", "待答复"
        ANSWERED = "answered", "已答复"

    warning = models.ForeignKey(Warning, models.SET_NULL, null=True, blank=True, related_name="orders")
    case = models.ForeignKey(
        Case, models.PROTECT, null=True, blank=True, related_name="orders", verbose_name="办件"
    )
    department = models.ForeignKey(Department, models.PROTECT, related_name="orders", verbose_name="督办部门")
    requirement = models.TextField("督办要求", max_length=4000)
    respond_by = models.DateField("答复期限")
    issued_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="督办人")
    issued_at = models.DateTimeField("督办时间")
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    answer = models.TextField("答复", max_length=8000, blank=True)
    answered_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "督办单"
        indexes = [models.Index(fields=["department", "state", "respond_by"], name="order_department")]
        constraints = text_limits(requirement=4000, answer=8000)

    def __str__(self) -> str:
        return f"督办 {self.pk}"


class ScanLease(models.Model):
    """Who is running a scan, and until when: taken with one conditional UPDATE, so two scans never overlap."""

    name = models.CharField(max_length=30, primary_key=True)
    holder = models.CharField(max_length=100, blank=True)
    held_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "扫描租约"

    def __str__(self) -> str:
        return self.name


class ScanRun(models.Model):
    """One supervision scan: when, how long, and what it changed."""

    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    opened = models.PositiveIntegerField("新增预警", default=0)
    resolved = models.PositiveIntegerField("解除预警", default=0)
    trigger = models.CharField("触发方式", max_length=20, default="worker")

    class Meta:
        verbose_name = verbose_name_plural = "监察扫描记录"
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M}"


class Candidate(models.Model):
    """Scratch rows of one scan: what each rule finds now. Opening and resolving warnings are then two
    set-based statements against this table; a scan deletes its rows when it ends."""

    scan = models.BigIntegerField()
    rule = models.CharField(max_length=30)
    subject = models.CharField(max_length=40)
    case_id = models.BigIntegerField(null=True)
    department_id = models.BigIntegerField(null=True)
    responsible_id = models.BigIntegerField(null=True)
    reason = models.CharField(max_length=300)
    keep = models.BooleanField(default=False)  # frozen (clock stopped): neither open nor resolve

    class Meta:
        indexes = [models.Index(fields=["scan", "rule", "subject"], name="candidate_lookup")]

    def __str__(self) -> str:
        return f"{self.scan} {self.rule} {self.subject}"
