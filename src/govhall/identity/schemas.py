"""Accounts and organisation API schemas. Personal data (ID numbers, phones) is masked here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from govhall.core.masking import mask_id_number, mask_phone
from govhall.core.schemas import Code

from .models import Department, Enterprise, EnterpriseMember, User


class CitizenIn(Schema):
    name: str = Field(max_length=50)
    id_number: Code
    phone: Code
    password: str = Field(max_length=128)


class PasswordResetCodeIn(Schema):
    phone: Code


class AccountUnlockIn(Schema):
    phone: Code
    code: Code


class PasswordResetIn(Schema):
    phone: Code
    code: Code
    password: str = Field(max_length=128)


class MessageOut(Schema):
    message: str


class AccountOut(Schema):
    id: int
    username: str
    kind: str
    name: str
    id_number: str
    phone: str

    @classmethod
    def of(cls, user: User) -> AccountOut:
        """An account as the API shows it: personal data masked."""
        return cls(
            id=user.pk,
            username=user.username,
            kind=user.kind,
            name=user.display_name,
            id_number=mask_id_number(user.id_number),
            phone=mask_phone(user.phone),
        )


class TokenIn(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=128)


class TokenOut(Schema):
    access_token: str
    token_type: str = "bearer"
    expires_at: dt.datetime


class EnterpriseIn(Schema):
    uscc: Code = Field(description="统一社会信用代码：须在市场主体登记信息中，且申请人是登记的法定代表人")
    name: str = Field("", max_length=200, description="可不填；填写时须与登记名称一致")
    legal_representative: str = Field("", max_length=50, description="可不填；填写时须与登记信息一致")


class EnterpriseMemberIn(Schema):
    name: str = Field(max_length=50, description="被授权人姓名")
    id_number: Code = Field(description="被授权人公民身份号码（须已注册个人账户）")
    role: str = Field("agent", max_length=10, description="agent（经办人）或 admin（管理员）")


class EnterpriseMemberOut(Schema):
    id: int
    name: str
    id_number: str = Field(description="脱敏的公民身份号码")
    role: str
    role_label: str
    created_at: dt.datetime

    @classmethod
    def of(cls, member: EnterpriseMember) -> EnterpriseMemberOut:
        return cls(
            id=member.pk,
            name=member.user.real_name,
            id_number=member.user.id_number_masked,
            role=member.role,
            role_label=member.get_role_display(),
            created_at=member.created_at,
        )


class EnterpriseMemberPage(Schema):
    count: int
    items: list[EnterpriseMemberOut]


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    legal_representative: str

    @classmethod
    def of(cls, enterprise: Enterprise) -> EnterpriseOut:
        return cls(
            id=enterprise.pk,
            name=enterprise.name,
            uscc=enterprise.uscc,
            legal_representative=enterprise.legal_representative,
        )


class DepartmentOut(Schema):
    code: str
    name: str
    short_name: str
    uscc: str
    region: str
    region_name: str
    level: str
    phone: str
    item_count: int

    @classmethod
    def of(cls, d: Department, *, item_count: int) -> DepartmentOut:
        return cls(
            code=d.code,
            name=d.name,
            short_name=d.short_name,
            uscc=d.uscc,
            region=d.region_id,
            region_name=d.region.name,
            level=d.level,
            phone=d.phone,
            item_count=item_count,
        )


class DepartmentRef(Schema):
    """A department named in another answer: its code (简码) and name."""

    code: str
    name: str

    @classmethod
    def of(cls, d: Any) -> DepartmentRef:
        return cls(code=d.code, name=d.name)
