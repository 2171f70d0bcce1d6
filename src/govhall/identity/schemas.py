"""Accounts and organisation API schemas. Personal data (ID numbers, phones) is masked here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from govhall.core.masking import mask_id_number, mask_phone
from govhall.core.schemas import Code

from .models import Department, Enterprise, User


class CitizenIn(Schema):
    name: str = Field(max_length=50)
    id_number: Code
    phone: Code
    password: str = Field(max_length=128)


class PasswordResetCodeIn(Schema):
    phone: Code


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
    name: str = Field(max_length=200)
    uscc: Code
    legal_representative: str = Field(max_length=50)


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
