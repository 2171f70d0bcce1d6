"""National identifiers: citizen ID numbers (GB 11643) and unified social credit codes (GB 32100).

Pure functions, no database. Each validator returns the normalised value or raises
``IdentifierError`` with a Chinese message that says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

__all__ = [
    "IdentifierError",
    "birth_date_from_id",
    "id_number_check_char",
    "org_code_check_char",
    "uscc_check_char",
    "validate_id_number",
    "validate_uscc",
]


class IdentifierError(ValueError):
    """An identifier that fails its format or check-character rule."""


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")


def id_number_check_char(first17: str) -> str:
    """The check character of an 18-character ID number (ISO 7064 MOD 11-2)."""
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def birth_date_from_id(id_number: str) -> dt.date:
    """The birth date encoded in characters 7-14; raises if it is not a real date."""
    try:
        return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError as exc:
        raise IdentifierError("公民身份号码中的出生日期不是有效日期") from exc


def validate_id_number(value: str, *, today: dt.date | None = None) -> str:
    """Validate an 18-character citizen ID number and return it upper-cased."""
    number = unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()
    if len(number) != 18:
        raise IdentifierError("公民身份号码应为18位")
    if not _ID_RE.match(number):
        raise IdentifierError("公民身份号码前17位应为数字，最后一位为数字或X")
    birth = birth_date_from_id(number)
    today = today or dt.date.today()
    if birth > today or birth.year < 1900:
        raise IdentifierError("公民身份号码中的出生日期不合理")
    if id_number_check_char(number[:17]) != number[17]:
        raise IdentifierError("公民身份号码校验码错误，请核对后重新输入")
    return number


_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code (GB 32100, MOD 31)."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARS[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The check character of a 9-character organisation code (GB 11714)."""
    total = sum(int(c, 36) * w for c, w in zip(first8, _ORG_WEIGHTS, strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_uscc(value: str) -> str:
    """Validate an 18-character unified social credit code and return it upper-cased."""
    code = unicodedata.normalize("NFKC", value or "").strip().replace(" ", "").upper()
    if len(code) != 18:
        raise IdentifierError("统一社会信用代码应为18位")
    if not _USCC_RE.match(code):
        raise IdentifierError("统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）")
    if uscc_check_char(code[:17]) != code[17]:
        raise IdentifierError("统一社会信用代码校验码错误，请核对后重新输入")
    return code
