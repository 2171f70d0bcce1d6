"""docs/configuration.md is generated from the settings' declarations and cannot drift from them."""

from __future__ import annotations

import pytest

from govhall.config import docs, env


def test_committed_configuration_page_is_the_generated_one() -> None:
    assert docs.COMMITTED.read_text(encoding="utf-8") == docs.render(), (
        "run `make docs` and commit the result"
    )


def test_every_setting_has_help_and_the_page_lists_it() -> None:
    page = docs.render()
    assert {"DATABASE_URL", "SECRET_KEY", "WEB_BIND", "WEB_WORKERS", "WEB_THREADS"} <= env.REGISTRY.keys()
    for setting in env.REGISTRY.values():
        assert setting.help.strip(), f"{setting.name} has no help text"
        assert f"| `{setting.name}` |" in page


def test_check_mode_fails_on_a_stale_page(tmp_path, monkeypatch, capsys) -> None:
    stale = tmp_path / "configuration.md"
    stale.write_text("# Configuration\n", encoding="utf-8")
    monkeypatch.setattr(docs, "COMMITTED", stale)
    assert docs.main(["--check"]) == 1
    assert "make docs" in capsys.readouterr().err
    stale.write_text(docs.render(), encoding="utf-8")
    assert docs.main(["--check"]) == 0


def test_config_reads_the_environment_with_the_default_type(monkeypatch) -> None:
    monkeypatch.setenv("GOVHALL_T_INT", "12")
    monkeypatch.setenv("GOVHALL_T_BOOL", "off")
    monkeypatch.setenv("GOVHALL_T_EMPTY", "")
    try:
        assert env.config("GOVHALL_T_INT", 3, help="t") == 12
        assert env.config("GOVHALL_T_BOOL", True, help="t") is False
        assert env.config("GOVHALL_T_EMPTY", 7, help="t") == 7
        assert env.config("GOVHALL_T_UNSET", "x", help="t") == "x"
        monkeypatch.setenv("GOVHALL_T_INT", "twelve")
        with pytest.raises(env.ConfigError, match="GOVHALL_T_INT must be an integer"):
            env.config("GOVHALL_T_INT", 3, help="t")
    finally:
        for name in ("GOVHALL_T_INT", "GOVHALL_T_BOOL", "GOVHALL_T_EMPTY", "GOVHALL_T_UNSET"):
            env.REGISTRY.pop(name, None)
