import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govhall.core.ids import (
    IdentifierError,
    id_number_check_char,
    org_code_check_char,
    uscc_check_char,
    validate_id_number,
    validate_uscc,
)


def test_known_id_number_is_valid():
    # GB 11643 example: 11010519491231002X
    assert validate_id_number("11010519491231002x") == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("11010519491231002", "18位"),
        ("1101051949123100AX", "前17位"),
        ("110105194902300021", "出生日期"),  # 30 February
        ("110105299901010021", "出生日期"),  # born in the future
        ("110105194912310021", "校验码"),
    ],
)
def test_bad_id_numbers_are_refused_with_a_reason(value, message):
    with pytest.raises(IdentifierError, match=message):
        validate_id_number(value, today=dt.date(2026, 11, 22))


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2026, 1, 1)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_every_well_formed_id_number_validates_and_any_wrong_check_char_fails(birth, seq):
    first17 = f"330523{birth:%Y%m%d}{seq:03d}"
    good = first17 + id_number_check_char(first17)
    assert validate_id_number(good) == good
    for wrong in set("0123456789X") - {good[-1]}:
        with pytest.raises(IdentifierError):
            validate_id_number(first17 + wrong)


def test_known_uscc_is_valid():
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"


def test_org_code_check_char_uses_digits_and_letters_as_base_36():
    # 3*1 + 7*2 + 9*3 + 10*4 + 5*5 + 8*6 + 4*7 + 2*8 = 201; 201 % 11 = 3; 11 - 3 = 8
    assert org_code_check_char("12345678") == "8"
    assert org_code_check_char("A0000000") == "3"  # A is 10: 10*3 = 30; 30 % 11 = 8; 11 - 8 = 3


@pytest.mark.parametrize(
    ("value", "message"),
    [("9135010M000100Y43", "18位"), ("91350100M000100I43", "不允许的字符"), ("91350100M000100Y44", "校验码")],
)
def test_bad_uscc_is_refused(value, message):
    with pytest.raises(IdentifierError, match=message):
        validate_uscc(value)


@given(body=st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=10, max_size=10))
def test_generated_uscc_round_trips(body):
    first17 = "9133052" + "3" + body[:9]
    code = first17 + uscc_check_char(first17)
    assert validate_uscc(code) == code


def test_full_width_and_spaced_input_is_normalised():
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"
    assert validate_id_number(" 110105 19491231 002X ") == "11010519491231002X"
    assert validate_uscc("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"
