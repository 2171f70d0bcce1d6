"""Known answers from outside the code under test: the standards' published examples and test vectors,
and check characters computed by hand in the comments. None of the expected values below is computed
with govhall's own functions."""

import hashlib
import hmac

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

from govhall.core import crypto
from govhall.core.ids import (
    IdentifierError,
    id_number_check_char,
    org_code_check_char,
    uscc_check_char,
    validate_id_number,
    validate_uscc,
)

# GB 11643-1999 examples. 110105194912310021 → weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
# 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 mod 11 = 2 → "10X98765432"[2] = X.
# 44052418800101001 → 28+36+0+25+16+16+2+8+48+0+0+9+0+5+0+0+2 = 195; 195 mod 11 = 8 → "4".
KNOWN_ID_NUMBERS = ["11010519491231002X", "440524188001010014"]

# GB 32100-2015 example 91350100M000100Y43, and 深圳市腾讯计算机系统有限公司's published code
# 91440300708461136T. Character values 0-9, A=10 … H=17, J=18 … N=22, P=23 Q R T=26 U W X Y=30;
# weights 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28.
# 91350100M000100Y4: 9+3+27+135+0+26+0+0+21*20+0+0+0+8+0+0+30*30+4*28 = 1640; 1640 mod 31 = 28; 31-28 = 3.
# 91440300708461136: 9+3+36+108+0+78+0+0+140+0+200+52+48+24+10+90+168 = 966; 966 mod 31 = 5; 31-5 = 26 = T.
KNOWN_USCCS = ["91350100M000100Y43", "91440300708461136T"]


@pytest.mark.parametrize("number", KNOWN_ID_NUMBERS)
def test_published_id_numbers_have_their_check_character(number):
    assert id_number_check_char(number[:17]) == number[17]


def test_the_standards_1880_example_is_refused_as_an_implausible_birth_date():
    # the platform refuses births before 1900 (no living applicant); the check character itself is right
    with pytest.raises(IdentifierError, match="出生日期不合理"):
        validate_id_number("440524188001010014")
    # 1900-01-01 is accepted: 28+36+0+25+16+16+2+9+0+0+0+9+0+5+0+0+2 = 148; 148 mod 11 = 5 → 7
    assert validate_id_number("440524190001010017") == "440524190001010017"


# 33052319900315001: 21+27+0+25+16+12+2+9+54+0+0+27+10+25+0+0+2 = 230; 230 mod 11 = 10 → 2
@pytest.mark.parametrize("number", ["11010519491231002X", "330523199003150012"])
def test_published_id_numbers_validate_and_every_other_check_character_fails(number):
    assert validate_id_number(number) == number
    for wrong in "0123456789X":
        if wrong != number[17]:
            with pytest.raises(IdentifierError, match="校验码"):
                validate_id_number(number[:17] + wrong)


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        # hand-computed: each sum mod 11 maps through 1 0 X 9 8 7 6 5 4 3 2
        ("11010519491231001", "1"),  # 167 - 2 = 165; 165 mod 11 = 0 → 1
        ("11010519491231000", "3"),  # 167 - 4 = 163; 163 mod 11 = 9 → 3
        ("11010519491231004", "6"),  # 167 + 4 = 171; 171 mod 11 = 6 → 6
    ],
)
def test_id_number_check_characters_by_hand(first17, check):
    assert id_number_check_char(first17) == check


@pytest.mark.parametrize("code", KNOWN_USCCS)
def test_published_usccs_validate_and_every_other_check_character_fails(code):
    assert uscc_check_char(code[:17]) == code[17]
    assert validate_uscc(code) == code
    for wrong in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        if wrong != code[17]:
            with pytest.raises(IdentifierError, match="校验码"):
                validate_uscc(code[:17] + wrong)


@pytest.mark.parametrize(
    ("first17", "check"),
    [
        ("00000000000000000", "0"),  # 0 mod 31 = 0 → (31 - 0) mod 31 = 0, not 31
        ("00000000000000001", "3"),  # 1*28 = 28 → 31 - 28 = 3
        ("10000000000000000", "Y"),  # 1*1 = 1 → 31 - 1 = 30 = Y
        ("Y0000000000000000", "1"),  # 30*1 = 30 → 1
    ],
)
def test_uscc_check_characters_by_hand(first17, check):
    assert uscc_check_char(first17) == check


@pytest.mark.parametrize("letter", "IOZSV")
def test_uscc_letters_not_in_the_code_set_are_refused(letter):
    with pytest.raises(IdentifierError, match="不允许的字符"):
        validate_uscc("91350100M000100" + letter + "43")


@pytest.mark.parametrize(
    ("first8", "check"),
    [
        (
            "70846113",
            "6",
        ),  # 腾讯's organisation code 70846113-6: 21+0+72+40+30+8+4+6 = 181; 11 - 181 mod 11 = 6
        ("M000100Y", "4"),  # GB 32100's example: M=22, Y=34: 66+5+68 = 139; 11 - 139 mod 11 = 4
        ("00000000", "0"),  # 11 - 0 = 11 → 0
        ("00000030", "X"),  # 3*4 = 12; 11 - 12 mod 11 = 10 → X
    ],
)
def test_organisation_code_check_characters_by_hand(first8, check):
    assert org_code_check_char(first8) == check


# --- SM3 (GB/T 32905-2016, appendix A) and SM4 (GB/T 32907-2016, appendix A) ---

SM3_ABC = "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
SM3_ABCD16 = "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"


def test_token_hash_is_sm3_by_the_standards_examples():
    assert crypto.token_hash("abc") == SM3_ABC
    assert crypto.token_hash("abcd" * 16) == SM3_ABCD16


def test_the_sm4_we_call_is_the_standards_sm4():
    key = bytes.fromhex("0123456789abcdeffedcba9876543210")
    encryptor = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    assert (encryptor.update(key) + encryptor.finalize()).hex() == "681edf34d206965e86b3e94f536e4246"


def _sm3(data: bytes) -> bytes:
    from gmssl import func, sm3  # an independent (pure-Python) SM3

    return bytes.fromhex(sm3.sm3_hash(func.bytes_to_list(data)))


def _hmac_sm3(key: bytes, message: bytes) -> bytes:
    """RFC 2104 HMAC written out, over gmssl's SM3 (block size 64)."""
    key = key.ljust(64, b"\0")
    inner = _sm3(bytes(b ^ 0x36 for b in key) + message)
    return _sm3(bytes(b ^ 0x5C for b in key) + inner)


def _derived_keys(secret: str) -> tuple[bytes, bytes]:
    """The documented derivation (HMAC-SHA256 of the secret with two labels), written out here."""
    enc = hmac.new(secret.encode(), b"govhall-sm4-field-encryption", hashlib.sha256).digest()[:16]
    mac = hmac.new(secret.encode(), b"govhall-sm3-lookup-hash", hashlib.sha256).digest()
    return enc, mac


SECRET = "a-field-key-for-the-known-answer-tests"


@pytest.fixture(autouse=True)
def _derive_keys_afresh():
    """crypto caches derived keys per secret; derive them again so each test sees the derivation run."""
    crypto._keys.cache_clear()
    yield
    crypto._keys.cache_clear()


def test_gmssl_sm3_agrees_with_the_standard():
    assert _sm3(b"abc").hex() == SM3_ABC


def test_stored_personal_data_is_sm4_gcm_readable_by_an_independent_decryption(settings):
    settings.FIELD_ENCRYPTION_KEY = SECRET
    enc_key, _ = _derived_keys(SECRET)
    token = crypto.encrypt("11010519491231002X")
    assert token[:1] == b"\x01" and len(token) == 1 + 12 + 18 + 16
    nonce, body, tag = token[1:13], token[13:-16], token[-16:]
    decryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce, tag)).decryptor()
    assert decryptor.update(body) + decryptor.finalize() == b"11010519491231002X"
    # and what the platform decrypts is SM4: an AES-GCM token under the same key and layout is refused
    aes_nonce = b"\0" * 12
    aes = AESGCM(enc_key).encrypt(aes_nonce, b"11010519491231002X", None)
    with pytest.raises(Exception):  # noqa: B017 — the GCM tag does not verify
        crypto.decrypt(b"\x01" + aes_nonce + aes)
    # a token written independently with SM4-GCM decrypts
    encryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(aes_nonce)).encryptor()
    ours = encryptor.update(b"440524188001010014") + encryptor.finalize() + encryptor.tag
    assert crypto.decrypt(b"\x01" + aes_nonce + ours) == "440524188001010014"


def test_lookup_hash_is_hmac_sm3_of_the_normalised_value(settings):
    settings.FIELD_ENCRYPTION_KEY = SECRET
    _, mac_key = _derived_keys(SECRET)
    expected = _hmac_sm3(mac_key, b"11010519491231002X").hex()
    assert crypto.lookup_hash(" 11010519491231002x ") == expected
    assert expected != hmac.new(mac_key, b"11010519491231002X", hashlib.sha256).hexdigest()


def test_a_hex_secret_is_used_as_raw_key_bytes(settings):
    secret = "00112233445566778899aabbccddeeff"
    settings.FIELD_ENCRYPTION_KEY = secret
    mac_key = hmac.new(bytes.fromhex(secret), b"govhall-sm3-lookup-hash", hashlib.sha256).digest()
    assert crypto.lookup_hash("X") == _hmac_sm3(mac_key, b"X").hex()
    # 31 hex characters are too short to be a key: the text itself is the key material
    settings.FIELD_ENCRYPTION_KEY = secret[:31]
    mac_key = hmac.new(secret[:31].encode(), b"govhall-sm3-lookup-hash", hashlib.sha256).digest()
    assert crypto.lookup_hash("X") == _hmac_sm3(mac_key, b"X").hex()


def test_secret_key_is_the_fallback_only_in_debug(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    with pytest.raises(ImproperlyConfigured):
        crypto.lookup_hash("X")
    settings.DEBUG = True
    settings.SECRET_KEY = SECRET
    _, mac_key = _derived_keys(SECRET)
    assert crypto.lookup_hash("X") == _hmac_sm3(mac_key, b"X").hex()


def test_unknown_version_is_refused(settings):
    token = crypto.encrypt("x")
    with pytest.raises(ValueError, match=r"^unknown ciphertext version$"):
        crypto.decrypt(b"\x02" + token[1:])


def test_hashes_sm3_is_what_cryptography_calls_sm3():
    digest = hashes.Hash(hashes.SM3())
    digest.update(b"abc")
    assert digest.finalize().hex() == SM3_ABC
