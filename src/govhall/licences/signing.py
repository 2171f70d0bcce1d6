"""SM2 signatures over a licence: key generation, the canonical bytes a signature covers, DER signatures,
verification. No database. Keys, signing and verifying run in Tongsuo (``tongsuopy``, the OpenAtom
Foundation's cryptography library with an optimised SM2: about 2.2 times GmSSL's C code for a verification,
8 times for a signature); the pure-Python ``gmssl`` path (``sign_pure`` / ``verify_pure``) stays as the
cross-check that both compute the same Z value and accept each other's signatures (decision 0017).

- The signer ID is the default ``1234567812345678`` (the Z value of GB/T 32918.2 over the ID, the curve and
  the public key), Tongsuo's default, exactly as gmssl's ``sign_with_sm3`` / ``verify_with_sm3`` compute it
  (a test holds them equal), so a signature made here verifies in GmSSL, OpenSSL 3
  (``-sm2-id 1234567812345678``) or BouncyCastle's ``SM3withSM2``.
- A signature is DER, a SEQUENCE of two INTEGERs r and s, as those tools expect.
- Keys: a private key is the scalar d as 64 hex characters; a public key is 128 hex characters x‖y (no
  ``04`` prefix). Parsed public keys are cached: loading one costs about a third of a verification.
- What is signed: the canonical metadata (sorted-key compact UTF-8 JSON of the GB/T 36903 metadata) followed
  by a newline and the face PDF's SM3 digest in hex.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from gmssl import sm2
from tongsuopy.crypto import hashes
from tongsuopy.crypto.asymciphers import ec
from tongsuopy.crypto.exceptions import InvalidSignature

from govhall.core.crypto import sm3
from govhall.core.crypto import sm3_hex as sm3_hex  # the face digest, re-exported for the services

SIGNER_ID = "1234567812345678"  # the default signer ID (gmssl's Z value hard-codes it too)
_N = int(sm2.default_ecc_table["n"], 16)
_LEN = len(sm2.default_ecc_table["n"])  # 64 hex characters per coordinate
_SM3 = ec.ECDSA(hashes.SM3())  # with an SM2 key: SM3(Z ‖ M), the default signer ID


def _signer(private_hex: str, public_hex: str) -> sm2.CryptSM2:
    signer = sm2.CryptSM2(private_key=private_hex, public_key="", asn1=False)
    # set directly: gmssl's constructor strips a leading "04" with str.lstrip, which also eats a key whose
    # x coordinate starts with 0 or 4
    signer.public_key = public_hex
    return signer


def generate_keypair() -> tuple[str, str]:
    """(private key d as 64 hex, public key x‖y as 128 hex)."""
    key = ec.generate_private_key(ec.SM2())
    return f"{key.private_numbers().private_value:064x}", _public_hex(key)


def public_key_of(private_hex: str) -> str:
    return _public_hex(ec.derive_private_key(int(private_hex, 16), ec.SM2()))


def _public_hex(key: ec.EllipticCurvePrivateKey) -> str:
    numbers = key.public_key().public_numbers()
    return f"{numbers.x:064x}{numbers.y:064x}"


@lru_cache(maxsize=256)
def _private_key(private_hex: str) -> ec.EllipticCurvePrivateKey:
    return ec.derive_private_key(int(private_hex, 16), ec.SM2())


@lru_cache(maxsize=1024)
def _public_key(public_hex: str) -> ec.EllipticCurvePublicKey:
    """Raises ValueError for a point not on the curve."""
    x, y = int(public_hex[:_LEN], 16), int(public_hex[_LEN:], 16)
    return ec.EllipticCurvePublicNumbers(x, y, ec.SM2()).public_key()


def canonical_metadata(metadata: dict[str, Any]) -> bytes:
    return json.dumps(metadata, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signed_bytes(metadata: dict[str, Any], face_digest: str) -> bytes:
    return canonical_metadata(metadata) + b"\n" + face_digest.encode()


_CURVE = "".join(sm2.default_ecc_table[k] for k in ("a", "b", "g"))
_ID = SIGNER_ID.encode()


def message_digest(public_hex: str, message: bytes) -> bytes:
    """e = SM3(Z ‖ M) with Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA) (GB/T 32918.2): what gmssl's
    ``sign_with_sm3`` computes, here with OpenSSL's SM3 (``cryptography``) instead of gmssl's pure-Python one."""
    z = sm3(len(_ID * 8).to_bytes(2, "big") + _ID + bytes.fromhex(_CURVE + public_hex))
    return sm3(z + message)


def sign(private_hex: str, public_hex: str, message: bytes) -> bytes:
    """A DER-encoded SM2 signature (with SM3 and the default signer ID) of ``message``, by Tongsuo.
    ``public_hex`` must be the private key's own (it enters Z); it is checked against the derived one."""
    key = _private_key(private_hex)
    if _public_hex(key) != public_hex.lower():
        raise ValueError("the public key is not the private key's")
    return bytes(key.sign(message, _SM3))


def sign_pure(private_hex: str, public_hex: str, message: bytes) -> bytes:
    """The same signature by the pure-Python ``gmssl`` (e = SM3(Z ‖ M) computed here): the cross-check that
    the two implementations agree, and a fallback that needs no C library."""
    signer = _signer(private_hex, public_hex)
    raw = signer.sign(message_digest(public_hex, message), secrets.token_hex(32))
    r, s = int(raw[:_LEN], 16), int(raw[_LEN:], 16)
    return encode_dss_signature(r, s)


def verify(public_hex: str, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (DER) is a valid SM2 signature of ``message`` by ``public_hex`` (Tongsuo)."""
    if not _well_formed(public_hex, signature):
        return False
    try:
        _public_key(public_hex.lower()).verify(signature, message, _SM3)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def verify_pure(public_hex: str, message: bytes, signature: bytes) -> bool:
    """``verify`` by the pure-Python ``gmssl``."""
    if not _well_formed(public_hex, signature):
        return False
    r, s = decode_dss_signature(signature)
    try:
        return bool(_signer("", public_hex).verify(f"{r:064x}{s:064x}", message_digest(public_hex, message)))
    except (ValueError, TypeError):
        return False


def _well_formed(public_hex: str, signature: bytes) -> bool:
    try:
        r, s = decode_dss_signature(signature)
        bytes.fromhex(public_hex)
    except ValueError:
        return False
    return 0 < r < _N and 0 < s < _N and len(public_hex) == 2 * _LEN


def key_fingerprint(public_hex: str) -> str:
    """A short name for a public key (first 16 hex of its SHA-256), for listings."""
    return hashlib.sha256(bytes.fromhex(public_hex)).hexdigest()[:16]
