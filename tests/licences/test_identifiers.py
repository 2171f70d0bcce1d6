"""GB/T 36904 identifiers: format, the ISO 7064 MOD 37,36 check character, and any changed character caught."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govhall.licences.identifiers import InvalidIdentifier, check_character, is_valid, make, parse

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
ISSUER = "11330523001860918N"  # 安吉县市场监督管理局


def _mod_37_36(text: str) -> str:
    """ISO 7064 MOD 37,36 written out from the standard (a hybrid system, M = 36), independent of stdnum."""
    m, p = 36, 36
    for ch in text:
        p = (p + ALPHABET.index(ch)) % m or m
        p = (2 * p) % (m + 1)
    return (ALPHABET + "*")[(m + 1 - p) % m]


def test_known_identifier():
    ident = make("310001", ISSUER, 1)
    assert str(ident).startswith("1.2.156.3005.2.310001.11330523001860918N.00000001.001.")
    assert ident.check == _mod_37_36("31000111330523001860918N00000001001")
    assert parse(str(ident)) == ident


def test_version_is_three_digits_and_next_version_changes_check():
    ident = make("310001", ISSUER, 42, version=1)
    second = ident.next_version()
    assert str(second).split(".")[-2] == "002"
    assert second.serial == ident.serial
    assert parse(str(second)).version == 2


@pytest.mark.parametrize(
    "text",
    [
        "",
        "1.2.156.3005.1.310001.11330523001860918N.00000001.001.X",
        "1.2.156.3005.2.310001.1133052300186091.00000001.001.X",  # issuer not 18 characters
        "1.2.156.3005.2.310001.11330523001860918N.00000001.01.X",
        "1.2.156.3005.2.310001.11330523001860918N.00000001.000.X",
        "1.2.156.3005.2.31ab01.11330523001860918N.00000001.001.X",
    ],
)
def test_malformed_identifiers_are_refused(text):
    with pytest.raises(InvalidIdentifier):
        parse(text)


def test_make_refuses_bad_parts():
    with pytest.raises(InvalidIdentifier):
        make("31-001", ISSUER, 1)
    with pytest.raises(InvalidIdentifier):
        make("310001", "SHORT", 1)
    with pytest.raises(InvalidIdentifier):
        make("310001", ISSUER, 1, version=1000)


codes = st.text(alphabet=ALPHABET, min_size=1, max_size=12)
issuers = st.text(alphabet=ALPHABET, min_size=18, max_size=18)


@given(
    codes, issuers, st.integers(min_value=0, max_value=99_999_999), st.integers(min_value=1, max_value=999)
)
def test_check_character_matches_the_standard(type_code, issuer, serial, version):
    ident = make(type_code, issuer, serial, version)
    assert ident.check == _mod_37_36(f"{type_code}{issuer}{ident.serial}{version:03d}")
    assert check_character(type_code, issuer, ident.serial, version) == ident.check
    assert is_valid(str(ident))


@given(
    codes,
    issuers,
    st.integers(min_value=0, max_value=99_999_999),
    st.integers(min_value=1, max_value=999),
    st.data(),
)
def test_any_single_changed_character_is_caught(type_code, issuer, serial, version, data):
    text = str(make(type_code, issuer, serial, version))
    start = len("1.2.156.3005.2.")
    # a position in type, issuer, serial, version or check (not a separating dot)
    positions = [i for i in range(start, len(text)) if text[i] != "."]
    i = data.draw(st.sampled_from(positions))
    replacement = data.draw(st.sampled_from([c for c in ALPHABET + "*" if c != text[i]]))
    changed = text[:i] + replacement + text[i + 1 :]
    assert not is_valid(changed)
