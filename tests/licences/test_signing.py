"""SM2 signing: a round trip, and one changed byte in the metadata, the digest or the signature fails."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from govhall.licences import signing

METADATA = {"identifier": "1.2.156.3005.2.310001.11330523001860918N.00000001.001.X", "holder": "张晓明"}


@pytest.fixture(scope="module")
def keys():
    return signing.generate_keypair()


def _message(metadata=METADATA, digest=None):
    return signing.signed_bytes(metadata, digest or signing.sm3_hex(b"%PDF-1.4 face"))


def test_sm3_known_answer():
    # GB/T 32905 example 1: SM3("abc")
    assert signing.sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_keypair_public_key_is_d_times_g(keys):
    private, public = keys
    assert len(private) == 64 and len(public) == 128
    assert signing.public_key_of(private) == public
    assert int(private, 16) >= 1


def test_round_trip_with_der_signature(keys):
    private, public = keys
    signature = signing.sign(private, public, _message())
    assert signature[0] == 0x30  # DER SEQUENCE
    r, s = decode_dss_signature(signature)
    assert r > 0 and s > 0
    assert signing.verify(public, _message(), signature)


def test_canonical_metadata_ignores_key_order():
    assert signing.canonical_metadata({"b": 1, "a": "证"}) == '{"a":"证","b":1}'.encode()


def test_a_changed_metadata_byte_fails(keys):
    private, public = keys
    signature = signing.sign(private, public, _message())
    assert not signing.verify(public, _message({**METADATA, "holder": "张晓朋"}), signature)


def test_a_changed_digest_fails(keys):
    private, public = keys
    signature = signing.sign(private, public, _message())
    assert not signing.verify(public, _message(digest=signing.sm3_hex(b"%PDF-1.4 fac3")), signature)


@pytest.mark.parametrize("position", [0, 5, -1])
def test_a_changed_signature_byte_fails(keys, position):
    private, public = keys
    signature = bytearray(signing.sign(private, public, _message()))
    signature[position] ^= 0x01
    assert not signing.verify(public, _message(), bytes(signature))


def test_another_key_fails(keys):
    private, public = keys
    signature = signing.sign(private, public, _message())
    _, other = signing.generate_keypair()
    assert not signing.verify(other, _message(), signature)


def test_the_same_signatures_as_gmssls_sm3_variant(keys):
    from gmssl import sm2

    private, public = keys
    reference = sm2.CryptSM2(private_key=private, public_key="", asn1=False)
    reference.public_key = public
    message = _message()
    # ours verifies with gmssl's own sign_with_sm3, and gmssl's verify_with_sm3 accepts ours
    raw = reference.sign_with_sm3(message)
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    assert signing.verify(public, message, encode_dss_signature(int(raw[:64], 16), int(raw[64:], 16)))
    r, s = decode_dss_signature(signing.sign(private, public, message))
    assert reference.verify_with_sm3(f"{r:064x}{s:064x}", message)


def test_tongsuo_and_pure_python_accept_each_others_signatures(keys):
    """The fast path (Tongsuo) and the pure-Python gmssl compute the same Z value: each verifies the other's
    signature, and both refuse a tampered message."""
    private, public = keys
    message = _message()
    fast, pure = signing.sign(private, public, message), signing.sign_pure(private, public, message)
    assert signing.verify_pure(public, message, fast) and signing.verify(public, message, pure)
    assert not signing.verify_pure(public, message + b"x", fast)
    assert not signing.verify(public, message + b"x", pure)


def test_a_point_off_the_curve_or_a_foreign_public_key_is_refused(keys):
    private, public = keys
    signature = signing.sign(private, public, _message())
    off_curve = public[:-1] + ("0" if public[-1] != "0" else "1")
    assert not signing.verify(off_curve, _message(), signature)
    assert not signing.verify("zz" * 64, _message(), signature)
    _, other = signing.generate_keypair()
    with pytest.raises(ValueError):
        signing.sign(private, other, _message())
