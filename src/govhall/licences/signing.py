"""SM2 signatures over a licence: key generation, the canonical bytes a signature covers, DER signatures,
verification. No database. Signing and verifying run in GmSSL's C code (``gmssl-pyx``, about 16 times the
pure-Python ``gmssl``); the pure-Python path (``sign_pure`` / ``verify_pure``) stays as the cross-check that
both compute the same Z value and accept each other's signatures.

- The signer ID is the default ``1234567812345678`` (the Z value of GB/T 32918.2 over the ID, the curve and
  the public key), exactly as gmssl's ``sign_with_sm3`` / ``verify_with_sm3`` compute it (a test holds them
  equal), so a signature made here verifies in GmSSL, OpenSSL 3 (``-sm2-id 1234567812345678``) or
  BouncyCastle's ``SM3withSM2``. The two SM3 hashes are OpenSSL's (``core.crypto.sm3``): gmssl's pure-Python SM3
  of a licence's metadata cost more than the point multiplications.
- A signature is DER, a SEQUENCE of two INTEGERs r and s (``encode_dss_signature``), as those tools expect.
- Keys: ``cryptography`` (OpenSSL-backed) exposes no SM2 curve, and gmssl has no key generator, so a private
  key is a random scalar d in [1, n-1] from ``secrets`` and the public key is d·G by gmssl's own point
  multiplication; it is kept as 128 hex characters x‖y (no ``04`` prefix).
- What is signed: the canonical metadata (sorted-key compact UTF-8 JSON of the GB/T 36903 metadata) followed
  by a newline and the face PDF's SM3 digest in hex.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

import gmssl_pyx
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from gmssl import sm2

from govhall.core.crypto import sm3
from govhall.core.crypto import sm3_hex as sm3_hex  # the face digest, re-exported for the services

SIGNER_ID = "1234567812345678"  # the default signer ID (gmssl's Z value hard-codes it too)
_N = int(sm2.default_ecc_table["n"], 16)
_G = sm2.default_ecc_table["g"]
_LEN = len(sm2.default_ecc_table["n"])  # 64 hex characters per coordinate


def _signer(private_hex: str, public_hex: str) -> sm2.CryptSM2:
    signer = sm2.CryptSM2(private_key=private_hex, public_key="", asn1=False)
    # set directly: gmssl's constructor strips a leading "04" with str.lstrip, which also eats a key whose
    # x coordinate starts with 0 or 4
    signer.public_key = public_hex
    return signer


def generate_keypair() -> tuple[str, str]:
    """(private key d as 64 hex, public key x‖y as 128 hex)."""
    d = secrets.randbelow(_N - 1) + 1
    private_hex = f"{d:064x}"
    public_hex = _signer(private_hex, "")._kg(d, _G)
    return private_hex, public_hex


def public_key_of(private_hex: str) -> str:
    return str(_signer(private_hex, "")._kg(int(private_hex, 16), _G))


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
    """A DER-encoded SM2 signature (with SM3 and the default signer ID) of ``message``, by GmSSL (C)."""
    return bytes(gmssl_pyx.sm2_sign(bytes.fromhex(private_hex), bytes.fromhex(public_hex), message))


def sign_pure(private_hex: str, public_hex: str, message: bytes) -> bytes:
    """The same signature by the pure-Python ``gmssl`` (e = SM3(Z ‖ M) computed here): the cross-check that
    the two implementations agree, and a fallback that needs no C library."""
    signer = _signer(private_hex, public_hex)
    raw = signer.sign(message_digest(public_hex, message), secrets.token_hex(32))
    r, s = int(raw[:_LEN], 16), int(raw[_LEN:], 16)
    return encode_dss_signature(r, s)


def verify(public_hex: str, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` (DER) is a valid SM2 signature of ``message`` by ``public_hex`` (GmSSL, C)."""
    if not _well_formed(public_hex, signature):
        return False
    try:
        return bool(gmssl_pyx.sm2_verify(bytes.fromhex(public_hex), message, signature))
    except (ValueError, TypeError, gmssl_pyx.GmsslInnerError, gmssl_pyx.InvalidValueError):
        return False


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
