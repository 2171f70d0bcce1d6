"""The licences API's schemas. Holders' ID numbers and names are masked here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from govhall.core.schemas import Code, Text500

from .models import IssuerKey, Licence, LicenceEvent
from .selectors import Verification


class LicenceOut(Schema):
    identifier: str
    type_code: str
    type: str = Field(description="证照名称")
    holder: str = Field(description="持证主体（自然人姓名脱敏）")
    holder_id_type: str
    holder_id: str = Field(description="持证主体代码（身份证号脱敏，统一社会信用代码原样）")
    issuer: str
    issuer_uscc: str
    issued_on: dt.date
    valid_until: dt.date | None = Field(description="有效期至；null 为长期")
    status: str = Field(description="valid / revoked / expired / superseded")
    face_url: str

    @classmethod
    def of(cls, licence: Licence) -> LicenceOut:
        return cls(
            identifier=licence.identifier, type_code=licence.type.code, type=licence.type.name,
            holder=licence.holder_name_masked, holder_id_type=licence.holder_id_type,
            holder_id=licence.holder_code_masked, issuer=licence.issuer.name, issuer_uscc=licence.issuer_uscc,
            issued_on=licence.issued_on, valid_until=licence.valid_until, status=licence.effective_status(),
            face_url=reverse("api:licence_face", args=[licence.identifier]),
        )  # fmt: skip


class LicenceEventOut(Schema):
    kind: str
    note: str
    actor: str
    at: dt.datetime

    @classmethod
    def of(cls, event: LicenceEvent) -> LicenceEventOut:
        return cls(kind=event.kind, note=event.note, actor=event.actor_label, at=event.at)


class LicenceDetailOut(LicenceOut):
    face: dict[str, Any]
    source_case: str
    revoked_reason: str
    events: list[LicenceEventOut]

    @classmethod
    def detail(cls, licence: Licence) -> LicenceDetailOut:
        base = LicenceOut.of(licence).model_dump()
        return cls(
            **base, face=licence.face, source_case=licence.source_case, revoked_reason=licence.revoked_reason,
            events=[LicenceEventOut.of(e) for e in licence.events.all()],
        )  # fmt: skip


class LicencePage(Schema):
    count: int
    items: list[LicenceOut]


class RevokeIn(Schema):
    reason: Text500


class AuthoriseIn(Schema):
    department: Code = Field(description="部门简码")
    until: dt.date = Field(description="授权期限（含当日）")
    case_number: str = Field("", max_length=30)


class AuthorisationOut(Schema):
    identifier: str
    department: str
    case_number: str
    valid_until: dt.date


class VerificationOut(Schema):
    status: str = Field(description="valid / revoked / expired / superseded / invalid / not_found")
    message: str
    identifier: str | None = None
    type: str | None = None
    holder: str | None = Field(default=None, description="持证主体（脱敏）")
    issuer: str | None = None
    issued_on: dt.date | None = None
    valid_until: dt.date | None = None

    @classmethod
    def of(cls, result: Verification) -> VerificationOut:
        out = cls(status=result.status, message=result.message)
        if result.licence is not None:
            lc = result.licence
            out = cls(
                status=result.status, message=result.message, identifier=lc.identifier, type=lc.type.name,
                holder=lc.holder_name_masked, issuer=lc.issuer.name, issued_on=lc.issued_on,
                valid_until=lc.valid_until,
            )  # fmt: skip
        return out


class KeyOut(Schema):
    department: str
    department_name: str
    issuer_uscc: str
    algorithm: str = "SM2 (GB/T 32918), SM3, signer ID 1234567812345678, DER signature"
    public_key: str = Field(description="未压缩公钥 04‖x‖y（十六进制）")
    created_at: dt.datetime
    retired_at: dt.datetime | None

    @classmethod
    def of(cls, key: IssuerKey) -> KeyOut:
        return cls(
            department=key.department.code, department_name=key.department.name, issuer_uscc=key.department.uscc,
            public_key="04" + key.public_key, created_at=key.created_at, retired_at=key.retired_at,
        )  # fmt: skip


class KeyPage(Schema):
    count: int
    items: list[KeyOut]
