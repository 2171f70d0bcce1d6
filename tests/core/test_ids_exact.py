"""The identifiers' exact messages and edges (each line kills a mutant mutmut found alive)."""

import datetime as dt

import pytest

from govhall.core.ids import (
    IdentifierError,
    birth_date_from_id,
    id_number_check_char,
    org_code_check_char,
    uscc_check_char,
    validate_id_number,
    validate_uscc,
)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "公民身份号码应为18位"),
        (None, "公民身份号码应为18位"),
        ("1101051949123100AX", "公民身份号码前17位应为数字，最后一位为数字或X"),
        ("110105194902300021", "公民身份号码中的出生日期不是有效日期"),
        ("110105299901010021", "公民身份号码中的出生日期不合理"),
        ("110105194912310021", "公民身份号码校验码错误，请核对后重新输入"),
    ],
)
def test_id_number_messages(value, message):
    with pytest.raises(IdentifierError) as err:
        validate_id_number(value, today=dt.date(2026, 11, 22))
    assert str(err.value) == message


def test_born_today_is_accepted():
    # 110105 20261122 001: 7+9+0+5+0+20+4+0+12+18+7+9+20+10+0+0+2 = 123; 123 mod 11 = 2 → X
    assert validate_id_number("11010520261122001X", today=dt.date(2026, 11, 22)) == "11010520261122001X"


def test_birth_date():
    assert birth_date_from_id("11010519491231002X") == dt.date(1949, 12, 31)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "统一社会信用代码应为18位"),
        (None, "统一社会信用代码应为18位"),
        ("91350100M000100I43", "统一社会信用代码含有不允许的字符（不使用I、O、Z、S、V）"),
        ("91350100M000100Y44", "统一社会信用代码校验码错误，请核对后重新输入"),
    ],
)
def test_uscc_messages(value, message):
    with pytest.raises(IdentifierError) as err:
        validate_uscc(value)
    assert str(err.value) == message


def test_spaced_uscc_is_normalised():
    assert validate_uscc(" 91350100 M000100Y4 3 ") == "91350100M000100Y43"
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize("check", [id_number_check_char, uscc_check_char])
def test_check_characters_need_exactly_17_characters(check):
    with pytest.raises(ValueError):
        check("1" * 16)
    with pytest.raises(ValueError):
        check("1" * 18)


def test_organisation_code_needs_exactly_8_characters():
    with pytest.raises(ValueError):
        org_code_check_char("7084611")
