"""Accounts and organisation: regions, departments, halls and windows, users, enterprises, API tokens.

ID numbers and phone numbers are stored SM4-encrypted with a keyed HMAC-SM3 hash for look-up;
the plain value never reaches the database.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from govhall.core import crypto
from govhall.core.masking import mask_id_number, mask_phone
from govhall.core.models import TimestampedModel


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWN = "town", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


class Region(models.Model):
    """行政区划: 6-digit GB/T 2260 codes down to county, 12-digit codes for towns and villages."""

    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children")

    class Meta:
        verbose_name = verbose_name_plural = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(TimestampedModel):
    """部门: an implementing body (实施主体)."""

    code = models.SlugField("部门简码", max_length=30, unique=True)
    name = models.CharField("部门名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name="所属区划", related_name="departments")
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    phone = models.CharField("咨询电话", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "部门"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Hall(models.Model):
    """大厅: a service hall (政务服务中心, 便民服务中心, 便民服务站)."""

    code = models.SlugField("大厅编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name="所属区划", related_name="halls")
    address = models.CharField("地址", max_length=200)
    hours = models.CharField("办公时间", max_length=200)
    phone = models.CharField("电话", max_length=30, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "服务大厅"
        ordering = ["region_id", "code"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """窗口: a counter in a hall; comprehensive windows accept any item (一窗受理)."""

    hall = models.ForeignKey(Hall, models.CASCADE, related_name="windows", verbose_name="大厅")
    number = models.CharField("窗口号", max_length=10)
    name = models.CharField("名称", max_length=100)
    comprehensive = models.BooleanField("综合受理窗口", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        constraints = [
            models.UniqueConstraint(fields=["hall", "number"], name="window_number_unique_in_hall")
        ]
        ordering = ["hall_id", "number"]

    def __str__(self) -> str:
        return f"{self.hall.name} {self.number}号窗口"


class AccountKind(models.TextChoices):
    CITIZEN = "citizen", "自然人"
    STAFF = "staff", "工作人员"


class StaffRole(models.TextChoices):
    WINDOW_CLERK = "window_clerk", "综合窗口人员"
    APPROVER = "approver", "审批人员"
    DEPARTMENT_HEAD = "department_head", "部门负责人"
    SUPERVISOR = "supervisor", "电子监察人员"
    CATALOGUE_ADMIN = "catalogue_admin", "事项管理员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


class AccountManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=username)


class User(AbstractUser):
    """One account model for every person: citizens (who may operate enterprises) and staff."""

    kind = models.CharField(
        "账户类型", max_length=10, choices=AccountKind.choices, default=AccountKind.CITIZEN
    )
    real_name = models.CharField("姓名", max_length=50, blank=True)
    id_number_enc = models.BinaryField("公民身份号码（密文）", null=True, blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    phone_enc = models.BinaryField("手机号码（密文）", null=True, blank=True, editable=False)
    phone_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    department = models.ForeignKey(
        Department, models.PROTECT, null=True, blank=True, related_name="staff", verbose_name="所属部门"
    )
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="管辖区划"
    )
    window = models.ForeignKey(
        Window, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="窗口"
    )
    failed_logins = models.PositiveSmallIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)

    objects = AccountManager()  # type: ignore[misc]

    class Meta:
        verbose_name = verbose_name_plural = "账户"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="staff") | Q(department__isnull=True), name="only_staff_have_a_department"
            )
        ]

    def __str__(self) -> str:
        return self.real_name or self.username

    # Personal data: write through the setters, read through the properties.
    def set_password(self, raw_password: str | None) -> None:
        super().set_password(raw_password)
        self._password_changed = True

    def check_password(self, raw_password: str | None) -> bool:
        def rehash(raw: str | None) -> None:  # a stronger hash of the same password: no new password
            AbstractBaseUser.set_password(self, raw)
            self._password = None
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, rehash)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new password revokes every API token of the account (sessions end by themselves: Django ties
        them to the password hash), whichever way it was set: reset by SMS code, the admin, a command."""
        changed = getattr(self, "_password_changed", False) and self.pk is not None
        super().save(*args, **kwargs)
        if changed:
            self._password_changed = False
            ApiToken.objects.filter(user=self, revoked_at__isnull=True).update(revoked_at=timezone.now())

    def set_id_number(self, value: str | None) -> None:
        self.id_number_enc = crypto.encrypt(value) if value else None
        self.id_number_hash = crypto.lookup_hash(value) if value else None

    def set_phone(self, value: str | None) -> None:
        self.phone_enc = crypto.encrypt(value) if value else None
        self.phone_hash = crypto.lookup_hash(value) if value else None

    @property
    def id_number(self) -> str:
        return crypto.decrypt(bytes(self.id_number_enc)) if self.id_number_enc else ""

    @property
    def phone(self) -> str:
        return crypto.decrypt(bytes(self.phone_enc)) if self.phone_enc else ""

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    def role_codes(self) -> set[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = set(self.roles.values_list("role", flat=True)) if self.pk else set()
            self._role_codes = cached
        return cached

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & set(roles))


class StaffRoleGrant(models.Model):
    """A role held by a staff member; its scope is the member's department and region."""

    user = models.ForeignKey(User, models.CASCADE, related_name="roles")
    role = models.CharField("角色", max_length=20, choices=StaffRole.choices)

    class Meta:
        verbose_name = verbose_name_plural = "工作人员角色"
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_granted_once")]

    def __str__(self) -> str:
        return self.get_role_display()


class EntityStatus(models.TextChoices):
    ACTIVE = "active", "存续"
    CANCELLED = "cancelled", "注销"
    REVOKED = "revoked", "吊销"


class MarketEntity(TimestampedModel):
    """市场主体登记信息: the enterprise registry the platform holds — in a county a copy kept in step with 市场监管's
    registration system, in the demo the demo's records. An enterprise account is opened only for a credit code
    found here, by the legal representative registered here (matched by the keyed hash of the ID number)."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=200)
    kind = models.CharField("类型", max_length=50, blank=True)
    legal_representative = models.CharField("法定代表人（负责人、经营者）", max_length=50)
    legal_representative_id_enc = models.BinaryField("法定代表人身份号码（密文）", editable=False)
    legal_representative_id_hash = models.CharField(max_length=64, db_index=True, editable=False)
    address = models.CharField("住所（经营场所）", max_length=200, blank=True)
    authority = models.CharField("登记机关", max_length=100, blank=True)
    established = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField(
        "登记状态", max_length=10, choices=EntityStatus.choices, default=EntityStatus.ACTIVE
    )

    class Meta:
        verbose_name = verbose_name_plural = "市场主体登记信息"
        ordering = ["uscc"]

    def __str__(self) -> str:
        return self.name

    def set_legal_representative_id(self, value: str) -> None:
        self.legal_representative_id_enc = crypto.encrypt(value)
        self.legal_representative_id_hash = crypto.lookup_hash(value)


class Enterprise(TimestampedModel):
    """法人: an enterprise or organisation, operated by authorised citizen accounts."""

    name = models.CharField("单位名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    legal_representative = models.CharField("法定代表人", max_length=50)
    members = models.ManyToManyField(User, through="EnterpriseMember", related_name="enterprises")

    class Meta:
        verbose_name = verbose_name_plural = "法人单位"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EnterpriseMember(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", "管理员"
        AGENT = "agent", "经办人"

    enterprise = models.ForeignKey(Enterprise, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, models.CASCADE, related_name="enterprise_memberships")
    role = models.CharField("授权角色", max_length=10, choices=Role.choices, default=Role.AGENT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "法人授权经办人"
        constraints = [models.UniqueConstraint(fields=["enterprise", "user"], name="member_once")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.enterprise}"


class ApiToken(models.Model):
    """A bearer token for API clients; only its SM3 digest is stored."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField("前缀", max_length=8)
    label = models.CharField("用途", max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField("过期时间")
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "接口令牌"

    def __str__(self) -> str:
        return f"{self.prefix}…"


class PasswordResetCode(models.Model):
    """找回密码的短信验证码. Only a keyed hash of the code is kept; a row is written for every request, also for a
    number with no account (then nothing is sent and ``user`` is empty), so that limits count every request."""

    phone_hash = models.CharField(max_length=64, db_index=True, editable=False)
    user = models.ForeignKey(User, models.CASCADE, null=True, blank=True, related_name="+")
    client_hash = models.CharField(
        "客户端地址（散列）", max_length=64, blank=True, db_index=True, editable=False
    )
    code_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField("发送时间", db_index=True)
    expires_at = models.DateTimeField("失效时间")
    attempts = models.PositiveSmallIntegerField("校验次数", default=0)
    used_at = models.DateTimeField("使用或作废时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "找回密码验证码"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"
