"""The installation's own keys, for an install that does not pass them in the environment.

With DEBUG off GovHall refuses to start with the built-in development SECRET_KEY or without a
FIELD_ENCRYPTION_KEY (core system checks). `govhall demo` (or `python -m govhall.config.keys`) writes random
ones to `<GOVHALL_VAR_DIR>/keys.env` once; settings read that file for any key the environment does not set.
The file is the only copy of the key that decrypts stored ID and phone numbers: back it up. No Django here.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

FILE_NAME = "keys.env"
KEY_NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY")


def load_local_keys(var_dir: Path) -> None:
    """Put the keys file's values into the environment where the environment has none."""
    path = var_dir / FILE_NAME
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        name, sep, value = line.partition("=")
        if sep and name.strip() in KEY_NAMES and value.strip():
            os.environ.setdefault(name.strip(), value.strip())


def ensure_local_keys(var_dir: Path) -> Path:
    """Write random keys to the keys file unless it exists; returns its path."""
    path = var_dir / FILE_NAME
    if path.exists():
        return path
    var_dir.mkdir(parents=True, exist_ok=True)
    text = "".join(f"{name}={secrets.token_hex(32)}\n" for name in KEY_NAMES)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as keys:
        keys.write(
            "# GovHall 本机密钥（自动生成）：FIELD_ENCRYPTION_KEY 解密已存储的身份证号和手机号，请备份，勿泄露\n"
        )
        keys.write(text)
    return path


def default_var_dir() -> Path:
    project = Path(__file__).resolve().parents[3]
    return Path(os.environ.get("GOVHALL_VAR_DIR") or project / "var")


if __name__ == "__main__":
    print(ensure_local_keys(Path(sys.argv[1]) if len(sys.argv) > 1 else default_var_dir()))
