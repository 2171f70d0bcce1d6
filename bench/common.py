"""What every benchmark does first: a fresh database (a new SQLite file, or the PostgreSQL database named by
DATABASE_URL dropped and created again) and Django set up like production, with keys of its own for the run
(production refuses the development keys)."""

from __future__ import annotations

import os
import secrets
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def prepare_database(name: str) -> str:
    """A fresh database for the benchmark ``name``; returns what it is, for the figures."""
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        path = Path(tempfile.gettempdir()) / f"govhall-bench-{name}.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
        return f"SQLite {sqlite3.sqlite_version} {path}"
    import psycopg

    database = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
        conn.execute(f'CREATE DATABASE "{database}"')
        version = conn.execute("SHOW server_version").fetchone()[0]
    return f"PostgreSQL {version} {url.split('@')[-1]}"


def setup_django(*, migrate: bool = True) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.config.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
    os.environ.setdefault("FIELD_ENCRYPTION_KEY", secrets.token_hex(32))
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("GOVHALL_FAST_PASSWORD_HASHING", "1")  # the demo accounts: not what is measured
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost")
    os.environ["GOVHALL_VAR_DIR"] = tempfile.mkdtemp(prefix="govhall-bench-")
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
