"""国密 for personal data: SM4-GCM encryption at rest and HMAC-SM3 keyed hashes for look-up.

Ciphertext layout: 1 version byte, 12-byte nonce, then SM4-GCM ciphertext with its 16-byte tag.
"""

from __future__ import annotations

import functools
import hashlib
import hmac as py_hmac
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import hmac as c_hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

_VERSION = b"\x01"


@functools.cache
def _keys(secret: str) -> tuple[bytes, bytes]:
    """Two independent keys (encryption, hashing) derived from the configured secret."""
    material = bytes.fromhex(secret) if _is_hex(secret) else secret.encode()
    enc = py_hmac.new(material, b"govhall-sm4-field-encryption", hashlib.sha256).digest()[:16]
    mac = py_hmac.new(material, b"govhall-sm3-lookup-hash", hashlib.sha256).digest()
    return enc, mac


def _is_hex(value: str) -> bool:
    try:
        bytes.fromhex(value)
    except ValueError:
        return False
    return len(value) >= 32


def _secret() -> str:
    if settings.FIELD_ENCRYPTION_KEY:
        return str(settings.FIELD_ENCRYPTION_KEY)
    if not settings.DEBUG:  # the system check refuses to start like this; never encrypt with SECRET_KEY
        raise ImproperlyConfigured("未设置 FIELD_ENCRYPTION_KEY（个人信息加密密钥）")
    return str(settings.SECRET_KEY)


def encrypt(plaintext: str) -> bytes:
    enc_key, _ = _keys(_secret())
    nonce = os.urandom(12)
    encryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce)).encryptor()
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return _VERSION + nonce + body + encryptor.tag


def decrypt(token: bytes) -> str:
    enc_key, _ = _keys(_secret())
    token = bytes(token)
    if token[:1] != _VERSION:
        raise ValueError("unknown ciphertext version")
    nonce, body, tag = token[1:13], token[13:-16], token[-16:]
    decryptor = Cipher(algorithms.SM4(enc_key), modes.GCM(nonce, tag)).decryptor()
    return (decryptor.update(body) + decryptor.finalize()).decode()


def lookup_hash(value: str) -> str:
    """A keyed HMAC-SM3 of a normalised value: equal inputs give equal hashes, unreadable without the key."""
    _, mac_key = _keys(_secret())
    mac = c_hmac.HMAC(mac_key, hashes.SM3())
    mac.update(value.strip().upper().encode())
    return mac.finalize().hex()


def sm3(data: bytes) -> bytes:
    """The SM3 digest (GB/T 32905), by OpenSSL."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(data)
    return digest.finalize()


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


def token_hash(token: str) -> str:
    """SM3 digest of an API token (tokens are random, so no key is needed)."""
    return sm3_hex(token.encode())
