"""电子证照: licence types, the issuing departments' SM2 keys, licences (GB/T 36903 metadata, GB/T 36904
identifier, signed face document), their timeline, the holders' authorisations (用证授权) and the audited
record of every use."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from govhall.core import crypto
from govhall.core.masking import mask_id_number
from govhall.core.models import text_limits
from govhall.identity.models import Department, Enterprise, User


class LicenceType(models.Model):
    """证照类型: what a licence of this kind says on its face, who issues it, how long it is valid, and the
    items (by implementation code) whose approval issues it."""

    code = models.CharField("证照类型代码", max_length=32, unique=True)
    name = models.CharField("证照名称", max_length=100, unique=True)
    department = models.ForeignKey(
        Department, models.PROTECT, related_name="licence_types", verbose_name="颁发部门"
    )
    holder_kind = models.CharField(
        "持证主体", max_length=10, choices=[("person", "自然人"), ("enterprise", "法人")], default="person"
    )
    face_fields = models.JSONField(
        "照面项", default=list, blank=True, help_text='[{"name": ..., "label": ...}]'
    )
    validity_years = models.PositiveSmallIntegerField(
        "有效期（年）", null=True, blank=True, help_text="空为长期有效"
    )
    item_codes = models.JSONField("颁发事项实施编码", default=list, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "证照类型"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class IssuerKey(models.Model):
    """A department's SM2 signing key; a rotated key is retired, never deleted, so old licences still verify."""

    department = models.ForeignKey(Department, models.PROTECT, related_name="licence_keys")
    public_key = models.CharField("SM2公钥（x‖y，十六进制）", max_length=128, unique=True)
    private_key_enc = models.BinaryField("SM2私钥（SM4加密）", editable=False)
    created_at = models.DateTimeField("生成时间", default=timezone.now)
    retired_at = models.DateTimeField("停用时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "签章密钥"
        constraints = [
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(retired_at__isnull=True),
                name="one_active_key_per_department",
            )
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.public_key[:16]}…"

    @property
    def private_key(self) -> str:
        return crypto.decrypt(bytes(self.private_key_enc))


class LicenceStatus(models.TextChoices):
    VALID = "valid", "有效"
    REVOKED = "revoked", "已注销"
    SUPERSEDED = "superseded", "已换发"
    EXPIRED = "expired", "已过期"


class HolderIdType(models.TextChoices):
    ID_CARD = "id_card", "居民身份证"
    USCC = "uscc", "统一社会信用代码"


class SerialCounter(models.Model):
    """The last serial used per licence type and issuing department (locked when a licence is issued)."""

    type = models.ForeignKey(LicenceType, models.CASCADE, related_name="+")
    department = models.ForeignKey(Department, models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["type", "department"], name="one_serial_per_type_issuer")
        ]

    def __str__(self) -> str:
        return f"{self.type_id}/{self.department_id} {self.last}"


class Licence(models.Model):
    identifier = models.CharField("证照标识", max_length=100, unique=True)
    type = models.ForeignKey(LicenceType, models.PROTECT, related_name="licences", verbose_name="证照类型")
    serial = models.CharField("顺序号", max_length=20)
    version = models.PositiveSmallIntegerField("版本", default=1)
    holder = models.ForeignKey(
        User, models.PROTECT, null=True, blank=True, related_name="licences", verbose_name="持证人"
    )
    holder_enterprise = models.ForeignKey(
        Enterprise, models.PROTECT, null=True, blank=True, related_name="licences", verbose_name="持证单位"
    )
    holder_name = models.CharField("持证主体名称", max_length=200)
    holder_id_type = models.CharField("持证主体代码类型", max_length=10, choices=HolderIdType.choices)
    holder_id_enc = models.BinaryField("持证主体代码（密文）", editable=False)
    holder_id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    issuer = models.ForeignKey(Department, models.PROTECT, related_name="licences", verbose_name="颁发部门")
    issuer_uscc = models.CharField("颁发机构代码", max_length=18)
    issued_on = models.DateField("颁发日期")
    valid_until = models.DateField("有效期至", null=True, blank=True)
    face = models.JSONField("照面信息", default=dict, blank=True)
    face_path = models.CharField("照面文件", max_length=200)
    face_digest = models.CharField("照面文件SM3摘要", max_length=64, db_index=True)
    signature = models.BinaryField("SM2签名（DER）", editable=False)
    key = models.ForeignKey(IssuerKey, models.PROTECT, related_name="licences", verbose_name="签章密钥")
    status = models.CharField(
        "状态", max_length=10, choices=LicenceStatus.choices, default=LicenceStatus.VALID
    )
    revoked_at = models.DateTimeField("注销时间", null=True, blank=True)
    revoked_reason = models.CharField("注销原因", max_length=500, blank=True)
    supersedes = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="superseded_by", verbose_name="换发自"
    )
    source_case = models.CharField("来源办件编号", max_length=30, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "电子证照"
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(holder__isnull=False) | Q(holder_enterprise__isnull=False),
                name="licence_has_a_holder",
            )
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="licence_status_until"),
            models.Index(fields=["holder", "type", "status"], name="licence_holder_type"),
        ]

    def __str__(self) -> str:
        return f"{self.type.name} {self.identifier}"

    def set_holder_code(self, value: str) -> None:
        self.holder_id_enc = crypto.encrypt(value)
        self.holder_id_hash = crypto.lookup_hash(value)

    @property
    def holder_code(self) -> str:
        return crypto.decrypt(bytes(self.holder_id_enc))

    @property
    def holder_code_masked(self) -> str:
        if self.holder_id_type == HolderIdType.USCC:
            return self.holder_code  # a credit code is public
        return mask_id_number(self.holder_code)

    @property
    def holder_name_masked(self) -> str:
        if self.holder_id_type == HolderIdType.USCC or not self.holder_name:
            return self.holder_name
        return self.holder_name[0] + "*" * (len(self.holder_name) - 1)

    def effective_status(self, today: object = None) -> str:
        """The status as of today: a valid licence past its validity reads expired before the sweep marks it."""
        day = today or timezone.localdate()
        if self.status == LicenceStatus.VALID and self.valid_until is not None and self.valid_until < day:  # type: ignore[operator]
            return LicenceStatus.EXPIRED
        return str(self.status)


class LicenceEvent(models.Model):
    class Kind(models.TextChoices):
        ISSUED = "issued", "颁发"
        REVOKED = "revoked", "注销"
        REPLACED = "replaced", "换发"
        EXPIRED = "expired", "过期"
        USED = "used", "用证"
        AUTHORISED = "authorised", "用证授权"

    licence = models.ForeignKey(Licence, models.CASCADE, related_name="events")
    kind = models.CharField("事件", max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    actor_label = models.CharField("操作人", max_length=100, blank=True)
    note = models.TextField("说明", max_length=4000, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "证照事件"
        ordering = ["licence_id", "at", "id"]
        constraints = text_limits(note=4000)

    def __str__(self) -> str:
        return f"{self.licence_id} {self.kind}"


class LicenceAuthorisation(models.Model):
    """用证授权: the holder lets a department use a licence (for one case, or any) until a date."""

    licence = models.ForeignKey(Licence, models.CASCADE, related_name="authorisations")
    department = models.ForeignKey(Department, models.PROTECT, related_name="licence_authorisations")
    case_number = models.CharField("办件编号", max_length=30, blank=True)
    valid_until = models.DateField("授权期限")
    granted_by = models.ForeignKey(User, models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用证授权"

    def __str__(self) -> str:
        return f"{self.licence_id} → {self.department}"


class LicenceUse(models.Model):
    """An audited use of a licence: which department used it, in which case, by whom, when."""

    licence = models.ForeignKey(Licence, models.PROTECT, related_name="uses")
    department = models.ForeignKey(Department, models.PROTECT, related_name="licence_uses")
    case_number = models.CharField("办件编号", max_length=30)
    staff = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+")
    purpose = models.CharField("用途", max_length=200, blank=True)
    at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "用证记录"
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["at"], name="licence_use_at")]  # statistics: uses by period

    def __str__(self) -> str:
        return f"{self.licence_id} {self.case_number}"
