"""Field validation for account data, with Chinese messages naming the field."""

from __future__ import annotations

import re
import unicodedata

from govhall.core.errors import ValidationFailed

_PHONE = re.compile(r"^1[3-9][0-9]{9}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f<>]")


def validate_phone(value: str | None) -> str:
    phone = unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        raise ValidationFailed("手机号码格式不正确，应为11位数字且以1开头", field="phone")
    return phone


def validate_name(value: str | None, *, field: str, label: str, max_length: int = 50) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationFailed(f"请填写{label}", field=field)
    if len(name) > max_length:
        raise ValidationFailed(f"{label}不能超过{max_length}个字符", field=field)
    if _CONTROL.search(name):
        raise ValidationFailed(f"{label}含有不允许的字符", field=field)
    return name
