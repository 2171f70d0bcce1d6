"""Production never runs on the development keys: with DEBUG off the system checks fail (so migrate, the
worker and the demo refuse), and loading the WSGI application raises (so gunicorn refuses)."""

import os
import subprocess
import sys
from pathlib import Path

from django.core import checks

from govhall.config.keys import FILE_NAME, ensure_local_keys, load_local_keys

ROOT = Path(__file__).resolve().parents[2]


def _ids() -> set[str]:
    return {e.id for e in checks.run_checks(tags=[checks.Tags.security]) if e.id.startswith("govhall.")}


def test_the_development_secret_key_is_refused_without_debug(settings):
    settings.SECRET_KEY = settings.DEVELOPMENT_SECRET_KEY
    assert "govhall.E001" in _ids()
    settings.DEBUG = True
    assert _ids() == set()


def test_a_missing_field_encryption_key_is_refused_without_debug(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    assert "govhall.E002" in _ids()


def test_the_suites_own_keys_pass(settings):
    assert _ids() == set()


def _python(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "DEBUG")}
    clean.update(PYTHONPATH=str(ROOT / "src"), GOVHALL_VAR_DIR=str(tmp_path), **env)
    clean["DJANGO_SETTINGS_MODULE"] = "govhall.config.settings"
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code], env=clean, capture_output=True, text=True, timeout=120
    )


WSGI = "import govhall.config.wsgi; print('started')"


def test_the_web_application_refuses_to_start_on_development_keys(tmp_path):
    refused = _python(WSGI, tmp_path)
    assert refused.returncode != 0 and "SECRET_KEY 仍是内置的开发密钥" in refused.stderr
    assert "FIELD_ENCRYPTION_KEY" in refused.stderr
    assert _python(WSGI, tmp_path, DEBUG="1").stdout.strip() == "started"


def test_commands_refuse_too(tmp_path):
    code = "from govhall.cli import main; import sys; sys.argv=['govhall','check','--deploy']; main()"
    refused = _python(code, tmp_path)
    assert refused.returncode != 0 and "govhall.E001" in refused.stderr


def test_generated_local_keys_let_it_start(tmp_path):
    path = ensure_local_keys(tmp_path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert ensure_local_keys(tmp_path).read_text() == path.read_text()  # written once, never replaced
    assert _python(WSGI, tmp_path).stdout.strip() == "started"


def test_the_environment_wins_over_the_keys_file(tmp_path, monkeypatch):
    (tmp_path / FILE_NAME).write_text("SECRET_KEY=from-file\nFIELD_ENCRYPTION_KEY=file-key\nOTHER=x\n")
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.delenv("FIELD_ENCRYPTION_KEY", raising=False)
    monkeypatch.delenv("OTHER", raising=False)
    load_local_keys(tmp_path)
    assert os.environ["SECRET_KEY"] == "from-env" and os.environ["FIELD_ENCRYPTION_KEY"] == "file-key"
    assert "OTHER" not in os.environ
