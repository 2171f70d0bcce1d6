"""Cases (办件): applications from draft to completion, their materials, uploads, timeline, suspensions,
current process tasks, and the counters behind case numbers."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import models
from django.db.models import Q

from govhall.catalogue.models import Bundle, Material, ServiceItem
from govhall.core import crypto
from govhall.core.models import text_limits
from govhall.identity.models import Department, Enterprise, Region, User, Window

from .transitions import ACTION_LABELS, STATUS_LABELS, Action, Status

STATUS_CHOICES = [(s.value, STATUS_LABELS[s]) for s in Status]


class Channel(models.TextChoices):
    WEB = "web", "网上申报"
    WINDOW = "window", "窗口受理"
    DEPARTMENT = "department", "部门办理"  # a department's staff on their own pages (timeline events only)
    API = "api", "系统接口"


# The channels an application comes in through (受理渠道); DEPARTMENT is only where a later step was taken.
APPLICATION_CHANNELS = (Channel.WEB, Channel.WINDOW, Channel.API)


class Upload(models.Model):
    """A file uploaded for a case, stored outside the web root; served only through a checked view."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(User, models.PROTECT, related_name="uploads")
    original_name = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=60)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField(max_length=64)
    path = models.CharField("存储路径", max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "上传文件"

    def __str__(self) -> str:
        return self.original_name


class BundleCase(models.Model):
    """一件事的办件: one application for a published bundle version, handled as one case per item (``cases``).

    Its status sums up its cases': in progress until every case is final, then completed (every item done) or
    closed (some item was refused, denied, withdrawn or terminated). The promise runs from submission."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", "办理中"
        COMPLETED = "completed", "已办结"
        CLOSED = "closed", "已办结（部分事项未办成）"
        WITHDRAWN = "withdrawn", "已撤回"

    number = models.CharField("一件事办件编号", max_length=30, unique=True)
    bundle = models.ForeignKey(
        Bundle, models.PROTECT, related_name="bundle_cases", verbose_name="一件事（版本）"
    )
    region = models.ForeignKey(Region, models.PROTECT, related_name="bundle_cases", verbose_name="受理区划")
    applicant = models.ForeignKey(User, models.PROTECT, related_name="bundle_cases", verbose_name="申请人")
    enterprise = models.ForeignKey(
        Enterprise,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="bundle_cases",
        verbose_name="申请单位",
    )
    applicant_name = models.CharField("申请人名称", max_length=200)
    submitted_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="经办人")
    window = models.ForeignKey(Window, models.SET_NULL, null=True, blank=True, related_name="+")
    channel = models.CharField("申报渠道", max_length=10, choices=Channel.choices, default=Channel.WEB)
    state = models.CharField("状态", max_length=12, choices=State.choices, default=State.IN_PROGRESS)
    submitted_at = models.DateTimeField("提交时间")
    promised_due = models.DateField("承诺办结日期")
    estimated_due = models.BooleanField("按预估节假日计算", default=False)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    delivery = models.JSONField("统一出件", default=dict, blank=True)
    delivered_at = models.DateTimeField("出件时间", null=True, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "一件事办件"
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="bundle_case_idempotency_key_once",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant", "-submitted_at"], name="bundle_case_applicant_recent"),
            models.Index(fields=["state", "promised_due"], name="bundle_case_state_due"),
            models.Index(fields=["submitted_at"], name="bundle_case_submitted"),
            models.Index(fields=["completed_at"], name="bundle_case_completed"),
        ]

    def __str__(self) -> str:
        return self.number


class Case(models.Model):
    """办件: one application for one published item version."""

    number = models.CharField("办件编号", max_length=30, unique=True, null=True, blank=True)
    item = models.ForeignKey(ServiceItem, models.PROTECT, related_name="cases", verbose_name="事项（版本）")
    department = models.ForeignKey(Department, models.PROTECT, related_name="cases", verbose_name="实施部门")
    region = models.ForeignKey(Region, models.PROTECT, related_name="cases", verbose_name="受理区划")
    applicant = models.ForeignKey(User, models.PROTECT, related_name="cases", verbose_name="申请人")
    enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="申请单位"
    )
    applicant_name = models.CharField("申请人名称", max_length=200)
    submitted_by = models.ForeignKey(
        User, models.PROTECT, related_name="cases_submitted", verbose_name="经办人（代办或窗口）"
    )
    window = models.ForeignKey(
        Window, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="受理窗口"
    )
    channel = models.CharField("申报渠道", max_length=10, choices=Channel.choices, default=Channel.WEB)
    status = models.CharField("状态", max_length=12, choices=STATUS_CHOICES, default=Status.DRAFT.value)
    form_encrypted = models.BinaryField("申请表（SM4加密）", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    accepted_at = models.DateTimeField("受理时间", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    completed_at = models.DateTimeField("办结时间", null=True, blank=True)
    promised_due = models.DateField("承诺办结日期", null=True, blank=True)
    legal_due = models.DateField("法定办结日期", null=True, blank=True)
    suspended_workdays = models.PositiveIntegerField("暂停计时工作日", default=0)
    corrections = models.PositiveSmallIntegerField("补正次数", default=0)
    decision = models.CharField("审批决定", max_length=10, blank=True)  # approve / deny
    owed_materials = models.JSONField("容缺后补材料", default=list, blank=True)
    delivery = models.JSONField("出件方式", default=dict, blank=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    request_digest = models.CharField(max_length=64, blank=True)
    workflow_state = models.TextField("流程状态", max_length=1000000, blank=True)
    bundle_case = models.ForeignKey(
        BundleCase, models.PROTECT, null=True, blank=True, related_name="cases", verbose_name="所属一件事"
    )
    bundle_hold = models.CharField(
        "暂缓原因", max_length=300, blank=True, help_text="一件事中前序事项未办成、本事项暂缓时的原因"
    )

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        constraints = [
            *text_limits(workflow_state=1_000_000),
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="case_idempotency_key_once",
            ),
        ]
        indexes = [
            models.Index(fields=["applicant", "-created_at"], name="case_applicant_recent"),
            models.Index(fields=["department", "status"], name="case_department_status"),
            models.Index(fields=["status", "promised_due"], name="case_status_due"),
            # supervision and statistics: counts by period, and the same applicant's recent cases
            models.Index(fields=["submitted_at"], name="case_submitted"),
            models.Index(fields=["accepted_at"], name="case_accepted"),
            models.Index(fields=["completed_at"], name="case_completed"),
            models.Index(fields=["applicant", "submitted_at"], name="case_applicant_submitted"),
        ]

    def __str__(self) -> str:
        return self.number or f"草稿 {self.pk}"

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[Status(self.status)]

    @property
    def form(self) -> dict[str, Any]:
        """The application form; stored encrypted because it holds personal data."""
        if not self.form_encrypted:
            return {}
        form: dict[str, Any] = json.loads(crypto.decrypt(bytes(self.form_encrypted)))
        return form

    @form.setter
    def form(self, value: dict[str, Any]) -> None:
        self.form_encrypted = crypto.encrypt(json.dumps(value, ensure_ascii=False))


class Satisfaction(models.TextChoices):
    """How a case's material was handed in: a file, or 免提交 through an e-licence or a shared-data look-up."""

    UPLOAD = "upload", "上传文件"
    LICENCE = "licence", "电子证照"
    SHARED_DATA = "shared_data", "共享数据"


class CaseMaterial(models.Model):
    """One material of a case: an uploaded file, or (免提交) a reference to the e-licence identifier or the
    shared-data look-up that satisfies it."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="materials")
    material = models.ForeignKey(Material, models.PROTECT, related_name="+")
    upload = models.ForeignKey(Upload, models.PROTECT, null=True, blank=True, related_name="case_materials")
    satisfied_by = models.CharField(
        "提交方式", max_length=12, choices=Satisfaction.choices, default=Satisfaction.UPLOAD
    )
    reference = models.CharField("证照标识或数据核验编号", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件材料"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "material", "upload"], name="upload_once_per_case_material"
            ),
            models.UniqueConstraint(
                fields=["case", "material", "reference"],
                condition=models.Q(upload__isnull=True),
                name="reference_once_per_case_material",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfied_by="upload", upload__isnull=False)
                | (
                    ~models.Q(satisfied_by="upload") & models.Q(upload__isnull=True) & ~models.Q(reference="")
                ),
                name="material_is_a_file_or_a_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.material}"


def uploads_unused() -> models.QuerySet[Upload]:
    """Uploads no case or draft uses: no CaseMaterial refers to them."""
    return Upload.objects.filter(~models.Exists(CaseMaterial.objects.filter(upload=models.OuterRef("pk"))))


class CaseEvent(models.Model):
    """The timeline: every state change and every notable act, with who, when, what and through which channel."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="events")
    at = models.DateTimeField("时间", auto_now_add=True)
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField("办理人", max_length=100)
    actor_place = models.CharField(
        "办理单位", max_length=200, blank=True, help_text="工作人员所在的部门或大厅窗口；申请人和审批流程为空"
    )
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    action = models.CharField("环节", max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    note = models.TextField("说明", max_length=30000, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件过程"
        ordering = ["case_id", "at", "id"]
        constraints = text_limits(note=30_000)

    def __str__(self) -> str:
        return f"{self.case} {self.action}"

    @property
    def action_label(self) -> str:
        try:
            return ACTION_LABELS[Action(self.action)]
        except ValueError:
            return {
                "claim": "签收审批任务",
                "task": "审批",
                "supply": "补交容缺材料",
                "licence_issue": "颁发电子证照",
                "licence_use": "电子证照免提交",
                "verify": "告知承诺核查",
                "lookup": "共享数据核验",
                "hold": "前序事项未办成，本事项暂缓",
                "bundle_done": "一件事办结",
                "bundle_deliver": "一件事统一出件",
            }.get(self.action, self.action)


class Suspension(models.Model):
    """A period in which the clock stopped: correction waiting or a special procedure."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "补正材料"
        HEARING = "hearing", "听证"
        EXPERT = "expert", "专家评审"
        INSPECTION = "inspection", "现场核查"
        OTHER = "other", "其他特别程序"

    case = models.ForeignKey(Case, models.CASCADE, related_name="suspensions")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    reason = models.TextField("事由", max_length=30000)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    workdays = models.PositiveIntegerField("暂停工作日", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "暂停计时"
        constraints = [
            *text_limits(reason=30_000),
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_on__isnull=True), name="one_open_suspension"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.get_kind_display()}"


class CaseNumberCounter(models.Model):
    """The last sequence number used per region and day; incremented atomically (see numbering.py)."""

    region_code = models.CharField(max_length=12)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region_code", "day"], name="one_counter_per_region_day")
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.day} {self.last}"


class CaseTask(models.Model):
    """A process step waiting for (or done by) a department: the engine's user tasks, mirrored so that task
    lists and supervision are plain queries."""

    class State(models.TextChoices):
        OPEN = "open", "待办"
        CLAIMED = "claimed", "办理中"
        DONE = "done", "已办"
        CANCELLED = "cancelled", "已取消"

    case = models.ForeignKey(Case, models.CASCADE, related_name="tasks")
    task_id = models.CharField(max_length=40)  # the engine's task; a step returned to is worked again
    step = models.CharField("环节编码", max_length=60)
    name = models.CharField("环节", max_length=100)
    department = models.ForeignKey(Department, models.PROTECT, related_name="tasks", verbose_name="办理部门")
    role = models.CharField("办理角色", max_length=20)
    decides = models.BooleanField(
        "决定环节", default=False
    )  # else a review step: an opinion, never a decision
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.OPEN)
    claimed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    due_on = models.DateField("环节时限", null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    decision = models.CharField("意见类型", max_length=10, blank=True)
    opinion = models.TextField("办理意见", max_length=2000, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批任务"
        indexes = [
            # the task list: a department's live tasks in due order, read from the index and stopped at a page
            models.Index(
                fields=["department", "due_on", "created_at", "id"],
                condition=Q(state__in=["open", "claimed"]),
                name="task_live_by_due",
            )
        ]
        constraints = [
            *text_limits(opinion=2000),
            models.UniqueConstraint(
                fields=["task_id"],
                condition=Q(state__in=["open", "claimed"]),
                name="one_live_row_per_engine_task",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case} {self.name}"

    @property
    def role_label(self) -> str:
        return {"department_head": "部门负责人", "approver": "审批人员"}.get(self.role, self.role)

    @property
    def decision_label(self) -> str:
        return {
            "approve": "同意",
            "object": "有异议",
            "deny": "不予许可",
            "return": "退回上一环节",
            "pass": "核查合格",
            "fail": "核查不合格",
        }.get(self.decision, self.decision)


class CaseDataSnapshot(models.Model):
    """共享数据核验: what a shared-data look-up returned for this case, kept with the case (SM4-encrypted) with
    its SM3 digest; the look-up log entry it came from is ``lookup_id``."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="data_snapshots")
    resource_code = models.CharField("资源代码", max_length=40)
    resource_name = models.CharField("资源名称", max_length=100)
    data_items = models.JSONField("信息项", default=list)
    data_encrypted = models.BinaryField("数据（SM4加密）", editable=False)
    digest = models.CharField("数据摘要（SM3）", max_length=64)
    lookup_id = models.BigIntegerField("查询日志编号")
    by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="查询人")
    at = models.DateTimeField("查询时间")

    class Meta:
        verbose_name = verbose_name_plural = "共享数据核验记录"
        ordering = ["case_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.case} {self.resource_name}"

    @property
    def data(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(crypto.decrypt(bytes(self.data_encrypted)))
        return value

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self.data_encrypted = crypto.encrypt(json.dumps(value, ensure_ascii=False))
