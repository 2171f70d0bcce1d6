"""一库共享: the data resource catalogue (政务信息资源目录), requests and grants, the append-only look-up log chained by
SM3, the applicant's consents, and the demo's simulated departmental databases.

Personal identifiers never reach these tables in plain text: a subject is its keyed HMAC-SM3 hash
(``core.crypto.lookup_hash``), the demo records are SM4-encrypted.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.db.models import Q

from govhall.core import crypto
from govhall.core.models import TimestampedModel, text_limits
from govhall.identity.models import Department, Enterprise, User


class SharingType(models.TextChoices):
    UNCONDITIONAL = "unconditional", "无条件共享"
    CONDITIONAL = "conditional", "有条件共享"
    NOT_SHARED = "not_shared", "不予共享"


class SharingWay(models.TextChoices):
    INTERFACE = "interface", "接口"
    FILE = "file", "文件"


class SubjectType(models.TextChoices):
    """Whose records a resource holds, and so which identifier a look-up names."""

    PERSON = "id_number", "自然人（公民身份号码）"
    ENTERPRISE = "uscc", "法人（统一社会信用代码）"


class Resource(TimestampedModel):
    """A data resource of the catalogue: what a department holds and on which terms it shares it."""

    code = models.CharField("资源代码", max_length=40, unique=True)
    name = models.CharField("资源名称", max_length=100)
    class_code = models.CharField(
        "类", max_length=10, help_text="如 1 基础信息资源、2 主题信息资源、3 部门信息资源"
    )
    subclass_code = models.CharField("项", max_length=10, blank=True)
    group_code = models.CharField("目", max_length=10, blank=True)
    detail_code = models.CharField("细目", max_length=10, blank=True)
    provider = models.ForeignKey(
        Department, models.PROTECT, related_name="resources", verbose_name="提供部门"
    )
    summary = models.TextField("资源摘要", max_length=2000, blank=True)
    format = models.CharField("资源格式", max_length=30, default="数据库")
    subject_type = models.CharField(
        "信息主体", max_length=10, choices=SubjectType.choices, default=SubjectType.PERSON
    )
    sharing_type = models.CharField("共享类型", max_length=15, choices=SharingType.choices)
    legal_basis = models.TextField(
        "共享依据", max_length=2000, blank=True, help_text="有条件共享、不予共享时必填"
    )
    sharing_condition = models.TextField("共享条件", max_length=2000, blank=True)
    way = models.CharField(
        "共享方式", max_length=10, choices=SharingWay.choices, default=SharingWay.INTERFACE
    )
    update_cycle = models.CharField("更新周期", max_length=20, default="实时")
    published_on = models.DateField("发布日期", null=True, blank=True)
    provider_system = models.CharField(
        "提供系统", max_length=40, help_text="提供数据的系统标识，对应 SHARING_PROVIDERS 中的配置"
    )
    needs_consent = models.BooleanField(
        "须经本人授权", default=False, help_text="没有法定共享依据的数据：查询前须经信息主体同意"
    )
    aliases = models.JSONField(
        "别名", default=list, blank=True, help_text="事项申请材料中引用本资源时使用的其他名称"
    )

    class Meta:
        verbose_name = verbose_name_plural = "政务信息资源"
        ordering = ["code"]
        constraints = [
            *text_limits(summary=2000, legal_basis=2000, sharing_condition=2000),
            models.CheckConstraint(
                condition=Q(sharing_type="unconditional") | ~Q(legal_basis=""),
                name="conditional_sharing_has_a_basis",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def classification(self) -> str:
        return "-".join(
            c for c in (self.class_code, self.subclass_code, self.group_code, self.detail_code) if c
        )


class DataItem(models.Model):
    """信息项: one field of a resource."""

    resource = models.ForeignKey(Resource, models.CASCADE, related_name="data_items", verbose_name="资源")
    key = models.SlugField("标识", max_length=40)
    name = models.CharField("信息项名称", max_length=100)
    type = models.CharField("数据类型", max_length=20, default="字符串")
    description = models.CharField("说明", max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "信息项"
        ordering = ["resource_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["resource", "key"], name="data_item_key_once")]

    def __str__(self) -> str:
        return self.name


class SharingRequest(models.Model):
    """共享申请: a department asks for a resource, for named items (事项), with a purpose; the provider answers
    within 10 working days."""

    class State(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已同意"
        REFUSED = "refused", "已拒绝"

    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name="申请部门")
    resource = models.ForeignKey(Resource, models.PROTECT, related_name="requests", verbose_name="资源")
    data_items = models.JSONField("信息项", default=list)
    item_codes = models.JSONField("事项实施编码", default=list)
    purpose = models.TextField("用途", max_length=2000)
    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="申请人")
    requested_at = models.DateTimeField("申请时间")
    due_on = models.DateField("答复期限")
    decided_by = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    reason = models.TextField("审核意见", max_length=2000, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "共享申请"
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["state", "due_on"], name="sharing_request_due")]
        constraints = text_limits(purpose=2000, reason=2000)

    def __str__(self) -> str:
        return f"{self.department} → {self.resource}"


class Grant(models.Model):
    """共享授权: a department may look up these data items of a resource, in cases of these items, until expiry."""

    department = models.ForeignKey(Department, models.PROTECT, related_name="+", verbose_name="使用部门")
    resource = models.ForeignKey(Resource, models.PROTECT, related_name="grants", verbose_name="资源")
    data_items = models.JSONField("信息项", default=list)
    item_codes = models.JSONField("事项实施编码", default=list)
    expires_on = models.DateField("有效期至")
    request = models.OneToOneField(
        SharingRequest, models.PROTECT, null=True, blank=True, related_name="grant", verbose_name="共享申请"
    )
    granted_at = models.DateTimeField("授权时间")
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "共享授权"
        indexes = [models.Index(fields=["department", "resource"], name="grant_department_resource")]

    def __str__(self) -> str:
        return f"{self.department} · {self.resource}"


class Outcome(models.TextChoices):
    GRANTED = "granted", "已授权"
    DENIED = "denied", "已拒绝"
    FAILED = "failed", "查询失败"


class LookupLog(models.Model):
    """One look-up, granted or denied: append-only, each entry chained to the one before by
    ``entry_hash = SM3(previous_hash + canonical entry)`` (see ``sharing.chain``)."""

    sequence = models.PositiveBigIntegerField("序号", unique=True)
    at = models.DateTimeField("时间")
    user = models.ForeignKey(User, models.PROTECT, related_name="+", verbose_name="查询人")
    user_label = models.CharField("查询人", max_length=100)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="查询部门"
    )
    department_label = models.CharField("查询部门", max_length=100, blank=True)
    case_number = models.CharField("办件编号", max_length=30, blank=True)
    item_code = models.CharField("事项实施编码", max_length=40, blank=True)
    subject_type = models.CharField("信息主体类型", max_length=10, choices=SubjectType.choices)
    subject_hash = models.CharField("信息主体（散列）", max_length=64, db_index=True)
    resource_code = models.CharField("资源代码", max_length=40)
    resource_name = models.CharField("资源名称", max_length=100, blank=True)
    data_items = models.JSONField("信息项", default=list)
    outcome = models.CharField("结果", max_length=10, choices=Outcome.choices)
    reason = models.CharField("原因", max_length=300, blank=True)
    request_digest = models.CharField("请求摘要（SM3）", max_length=64)
    answer_digest = models.CharField("应答摘要（SM3）", max_length=64, blank=True)
    previous_hash = models.CharField("前一条散列", max_length=64, unique=True)
    entry_hash = models.CharField("本条散列", max_length=64, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据查询日志"
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["subject_hash", "-at"], name="lookup_subject_recent"),
            models.Index(fields=["at"], name="lookup_at"),  # statistics: look-ups by period
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.resource_code} {self.get_outcome_display()}"


class LookupLogHead(models.Model):
    """The chain's end, in one row: a look-up first increments ``sequence`` here (which takes the row's write
    lock on PostgreSQL and the database's write lock on SQLite), so concurrent look-ups queue, never fork."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = verbose_name_plural = "数据查询日志链头"

    def __str__(self) -> str:
        return f"#{self.sequence}"


class Consent(models.Model):
    """本人授权: the subject lets departments use a resource not covered by a legal sharing basis; revocable."""

    user = models.ForeignKey(User, models.CASCADE, null=True, blank=True, related_name="data_consents")
    enterprise = models.ForeignKey(
        Enterprise, models.CASCADE, null=True, blank=True, related_name="data_consents"
    )
    subject_hash = models.CharField(max_length=64, db_index=True, editable=False)
    resource = models.ForeignKey(Resource, models.CASCADE, related_name="consents", verbose_name="资源")
    given_at = models.DateTimeField("授权时间")
    revoked_at = models.DateTimeField("撤回时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据使用授权"
        constraints = [
            models.UniqueConstraint(
                fields=["subject_hash", "resource"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_consent_per_resource",
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource} 授权"


class DemoRecord(models.Model):
    """A record of a simulated departmental database (the demo's provider systems): SM4-encrypted JSON."""

    resource_code = models.CharField(max_length=40)
    subject_hash = models.CharField(max_length=64)
    data_enc = models.BinaryField(editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "演示部门数据"
        constraints = [
            models.UniqueConstraint(fields=["resource_code", "subject_hash"], name="demo_record_once")
        ]

    def __str__(self) -> str:
        return self.resource_code

    @property
    def data(self) -> dict[str, Any]:
        value: dict[str, Any] = json.loads(crypto.decrypt(bytes(self.data_enc)))
        return value

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self.data_enc = crypto.encrypt(json.dumps(value, ensure_ascii=False))
