"""Application forms defined as data: each item has a list of fields; this module validates what an
applicant filled in against that list, and prefills it from the account. Pure code, no database."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from govhall.core.errors import ValidationFailed
from govhall.core.ids import IdentifierError, validate_id_number, validate_uscc
from govhall.core.masking import mask_id_number, mask_phone
from govhall.core.schemas import EARLIEST_DATE, LATEST_DATE

FIELD_TYPES = {"text", "textarea", "number", "date", "select", "boolean", "phone", "id_number", "uscc"}
SENSITIVE_TYPES = {"phone", "id_number"}
MAX_TEXT = 2000
_PHONE = re.compile(r"^(1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8})$")


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    type: str = "text"
    required: bool = False
    options: tuple[str, ...] = ()
    help: str = ""
    prefill: str = (
        ""  # applicant.name / applicant.phone / applicant.id_number / enterprise.name / enterprise.uscc ...,
        # or a face field of the applicant's own e-licence: licence.<type code>.<face field>
    )

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> FormField:
        field_type = raw.get("type", "text")
        if field_type not in FIELD_TYPES:
            raise ValueError(f"unknown field type {field_type!r}")
        return cls(
            name=str(raw["name"]),
            label=str(raw.get("label") or raw["name"]),
            type=field_type,
            required=bool(raw.get("required", False)),
            options=tuple(str(o) for o in raw.get("options", ())),
            help=str(raw.get("help", "")),
            prefill=str(raw.get("prefill", "")),
        )


# The address on the applicant's own 居民身份证（电子） or the enterprise's 营业执照 (the licence types' codes in
# the demo's and an imported licence catalogue): a form field can prefill any face field this way.
PERSON_ADDRESS = "licence.110001.address"
ENTERPRISE_ADDRESS = "licence.210001.address"


def default_fields(*, for_enterprise: bool) -> list[FormField]:
    """The general application form, used when an item defines none."""
    if for_enterprise:
        who = [
            FormField("enterprise_name", "单位名称", required=True, prefill="enterprise.name"),
            FormField("uscc", "统一社会信用代码", "uscc", required=True, prefill="enterprise.uscc"),
            FormField(
                "legal_representative", "法定代表人", required=True, prefill="enterprise.legal_representative"
            ),
        ]
    else:
        who = [
            FormField("id_number", "公民身份号码", "id_number", required=True, prefill="applicant.id_number")
        ]
    return [
        FormField("applicant_name", "申请人（经办人）姓名", required=True, prefill="applicant.name"),
        *who,
        FormField("phone", "联系电话", "phone", required=True, prefill="applicant.phone"),
        FormField(
            "address",
            "联系地址",
            help="用于邮寄办理结果，可不填",
            prefill=ENTERPRISE_ADDRESS if for_enterprise else PERSON_ADDRESS,
        ),
        FormField("reason", "申请事由", "textarea", help="简要说明申请的情况"),
    ]


def item_fields(raw_fields: list[Mapping[str, Any]], *, for_enterprise: bool) -> list[FormField]:
    return (
        [FormField.from_dict(f) for f in raw_fields]
        if raw_fields
        else default_fields(for_enterprise=for_enterprise)
    )


def masked_form(fields: list[FormField], form: Mapping[str, Any]) -> dict[str, Any]:
    """The form with its phone and ID-number fields masked: what anyone but the handling staff sees."""
    sensitive = {f.name: f.type for f in fields if f.type in SENSITIVE_TYPES}
    return {
        name: (mask_phone(v) if sensitive[name] == "phone" else mask_id_number(v)) if name in sensitive else v
        for name, v in form.items()
    }


def prefill(fields: list[FormField], account: Mapping[str, str]) -> dict[str, Any]:
    return {f.name: account[f.prefill] for f in fields if f.prefill and account.get(f.prefill)}


def clean_form(fields: list[FormField], data: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validate values against the fields; unknown keys are dropped. ``partial`` (a draft) allows blanks."""
    if not isinstance(data, Mapping):
        raise ValidationFailed("申请表应为对象（字段名: 值）", field="form")
    cleaned: dict[str, Any] = {}
    for f in fields:
        value = data.get(f.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if f.required and not partial:
                raise ValidationFailed(f"请填写申请表中的“{f.label}”", field=f"form.{f.name}")
            continue
        try:
            cleaned[f.name] = _clean_value(f, value)
        except ValidationFailed:
            if not partial:
                raise
            cleaned[f.name] = (
                value if isinstance(value, bool) else str(value)[:MAX_TEXT]
            )  # a draft keeps what was typed
    return cleaned


def _clean_number(f: FormField, value: Any) -> int | float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationFailed(f"“{f.label}”应为数字", field=f"form.{f.name}") from None
    if number != number or abs(number) > 1e12:  # NaN or absurd
        raise ValidationFailed(f"“{f.label}”数值不合理", field=f"form.{f.name}")
    return int(number) if number.is_integer() else number


def _clean_date(f: FormField, text: str) -> str:
    field = f"form.{f.name}"
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValidationFailed(f"“{f.label}”应为 YYYY-MM-DD 格式的日期", field=field)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationFailed(
            f"“{f.label}”应在 {EARLIEST_DATE.isoformat()} 至 {LATEST_DATE.isoformat()} 之间", field=field
        )
    return day.isoformat()


def _clean_value(f: FormField, value: Any) -> Any:
    field = f"form.{f.name}"
    if f.type == "boolean":
        if not isinstance(value, bool):
            raise ValidationFailed(f"“{f.label}”应为是或否", field=field)
        return value
    if f.type == "number":
        return _clean_number(f, value)
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise ValidationFailed(f"“{f.label}”不能超过{MAX_TEXT}个字符", field=field)
    if f.type == "date":
        return _clean_date(f, text)
    if f.type == "select" and text not in f.options:
        raise ValidationFailed(f"“{f.label}”只能选择：{'、'.join(f.options)}", field=field)
    if f.type == "phone" and not _PHONE.match(text.replace(" ", "")):
        raise ValidationFailed(f"“{f.label}”不是有效的电话号码", field=field)
    if f.type in ("id_number", "uscc"):
        try:
            return validate_id_number(text) if f.type == "id_number" else validate_uscc(text)
        except IdentifierError as exc:
            raise ValidationFailed(f"“{f.label}”：{exc}", field=field) from None
    return text
