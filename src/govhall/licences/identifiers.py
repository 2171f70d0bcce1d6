"""The licence identifier of GB/T 36904 (电子证照标识), pure logic without the database:

    1.2.156.3005.2.{type code}.{issuer USCC}.{serial}.{version}.{check}

``1.2.156.3005.2`` is the OID arc of China's electronic licences; the type code names the licence type (证照类型
代码, uppercase letters and digits); the issuer is the issuing department's 18-character 统一社会信用代码; the
serial is the issuer's running number for that type (this platform issues 8 digits, zero-padded); the version
is 3 digits (001 for a first issue, 002 for its replacement, ...); the check character is ISO 7064 MOD 37,36
(python-stdnum's ``mod_37_36``) over type + issuer + serial + version, one of ``0-9A-Z*``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stdnum.iso7064 import mod_37_36

PREFIX = "1.2.156.3005.2"
SERIAL_WIDTH = 8
_ALNUM = re.compile(r"[0-9A-Z]+")
_PATTERN = re.compile(
    r"1\.2\.156\.3005\.2\.(?P<type>[0-9A-Z]{1,32})\.(?P<issuer>[0-9A-Z]{18})\.(?P<serial>[0-9A-Z]{1,20})"
    r"\.(?P<version>[0-9]{3})\.(?P<check>[0-9A-Z*])"
)


class InvalidIdentifier(ValueError):
    """Not a well-formed GB/T 36904 identifier, or its check character does not match."""


@dataclass(frozen=True)
class LicenceIdentifier:
    type_code: str
    issuer_uscc: str
    serial: str
    version: int

    @property
    def check(self) -> str:
        return check_character(self.type_code, self.issuer_uscc, self.serial, self.version)

    def __str__(self) -> str:
        return f"{PREFIX}.{self.type_code}.{self.issuer_uscc}.{self.serial}.{self.version:03d}.{self.check}"

    def next_version(self) -> LicenceIdentifier:
        return LicenceIdentifier(self.type_code, self.issuer_uscc, self.serial, self.version + 1)


def check_character(type_code: str, issuer_uscc: str, serial: str, version: int) -> str:
    """ISO 7064 MOD 37,36 over the concatenation of type code, issuer, serial and 3-digit version."""
    return str(mod_37_36.calc_check_digit(f"{type_code}{issuer_uscc}{serial}{version:03d}"))


def make(type_code: str, issuer_uscc: str, serial: int | str, version: int = 1) -> LicenceIdentifier:
    """The identifier of a new licence; a number serial is zero-padded to 8 digits."""
    serial_text = f"{serial:0{SERIAL_WIDTH}d}" if isinstance(serial, int) else serial
    for value, label in ((type_code, "证照类型代码"), (issuer_uscc, "颁发机构代码"), (serial_text, "顺序号")):
        if not _ALNUM.fullmatch(value):
            raise InvalidIdentifier(f"{label}只能由大写字母和数字组成")
    if len(type_code) > 32 or len(issuer_uscc) != 18 or len(serial_text) > 20:
        raise InvalidIdentifier("证照类型代码、颁发机构代码或顺序号的长度不符合 GB/T 36904")
    if not 1 <= version <= 999:
        raise InvalidIdentifier("版本号应为 001 至 999")
    return LicenceIdentifier(type_code, issuer_uscc, serial_text, version)


def parse(identifier: str) -> LicenceIdentifier:
    """The parts of ``identifier``; raises InvalidIdentifier if malformed or its check character is wrong."""
    match = _PATTERN.fullmatch(identifier or "")
    if match is None:
        raise InvalidIdentifier("证照标识格式不正确（应为 1.2.156.3005.2.类型.颁发机构.顺序号.版本.校验位）")
    version = int(match["version"])
    if version == 0:
        raise InvalidIdentifier("版本号应为 001 至 999")
    parsed = LicenceIdentifier(match["type"], match["issuer"], match["serial"], version)
    if parsed.check != match["check"]:
        raise InvalidIdentifier("证照标识校验位不正确")
    return parsed


def is_valid(identifier: str) -> bool:
    try:
        parse(identifier)
    except InvalidIdentifier:
        return False
    return True
