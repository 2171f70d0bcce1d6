"""`govhall demo` serves on --host/--port, and the links it prints in QR codes and SMS follow them."""

import pytest
from django.core.management import call_command

from govhall.demo.management.commands import demo
from govhall.demo.management.commands.demo import served_base_url


def test_the_base_url_follows_the_served_address_unless_set():
    assert served_base_url("127.0.0.1", 8123, {}) == "http://127.0.0.1:8123"
    assert served_base_url("0.0.0.0", 9000, {"PUBLIC_BASE_URL": ""}) == "http://127.0.0.1:9000"
    assert served_base_url("::1", 8001, {}) == "http://[::1]:8001"
    assert served_base_url("0.0.0.0", 9000, {"PUBLIC_BASE_URL": "https://zwfw.example.gov.cn"}) == (
        "https://zwfw.example.gov.cn"
    )


class _Process:
    started: list[dict[str, str]] = []

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.started.append(env)

    def poll(self) -> int:
        return 0

    def wait(self, timeout: float | None = None) -> int:
        return 0


@pytest.mark.parametrize(
    ("explicit", "expected"), [(None, "http://127.0.0.1:8765"), ("https://a.cn", "https://a.cn")]
)
def test_the_demo_hands_its_address_to_the_server_and_worker(monkeypatch, settings, explicit, expected):
    if explicit is None:
        monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    else:
        monkeypatch.setenv("PUBLIC_BASE_URL", explicit)
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"  # through the fixture: restored after the test
    _Process.started = []
    monkeypatch.setattr(demo, "call_command", lambda *a, **k: None)
    monkeypatch.setattr(demo, "accounts_table", lambda: "")
    monkeypatch.setattr(demo.signal, "signal", lambda *a: None)
    monkeypatch.setattr(demo.subprocess, "Popen", _Process)
    call_command("demo", port=8765)
    assert [env["PUBLIC_BASE_URL"] for env in _Process.started] == [expected, expected]
    assert expected == settings.PUBLIC_BASE_URL
