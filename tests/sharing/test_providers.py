"""Providers: the demo's databases, the enterprise registry, and the HTTP provider against a local fake server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from govhall.sharing.providers import (
    DemoProvider,
    HttpProvider,
    MarketEntityProvider,
    ProviderFailed,
    provider_for,
)
from tests.factories.sharing import put_record


class FakeProvider(BaseHTTPRequestHandler):
    seen: list[dict] = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeProvider.seen.append({"body": body, "auth": self.headers.get("Authorization")})
        if self.path == "/slow":
            threading.Event().wait(1.0)
        if self.path == "/broken":
            self._answer(500, b"oops")
        elif self.path == "/garbage":
            self._answer(200, b"<html>")
        elif body["subject_id"] == "330523199003150012":
            self._answer(
                200, json.dumps({"data": {"name": "张晓明", "address": "递铺", "secret": "x"}}).encode()
            )
        else:
            self._answer(404, b"{}")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = HTTPServer(("127.0.0.1", 0), FakeProvider)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    FakeProvider.seen = []
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_the_http_provider_posts_the_query_and_keeps_only_the_asked_items(server):
    provider = HttpProvider(f"{server}/query", token="t0ken", timeout=2)
    data = provider.fetch("GA-HJRK-001", "id_number", "330523199003150012", ["name", "address"])
    assert data == {"name": "张晓明", "address": "递铺"}
    seen = FakeProvider.seen[0]
    assert seen["body"] == {
        "resource": "GA-HJRK-001", "subject_id_type": "id_number", "subject_id": "330523199003150012",
        "items": ["name", "address"],
    }  # fmt: skip
    assert seen["auth"] == "Bearer t0ken"


def test_a_404_is_no_record(server):
    assert HttpProvider(f"{server}/query").fetch("GA-HJRK-001", "id_number", "X", ["name"]) is None


@pytest.mark.parametrize(
    ("path", "message"), [("/broken", "HTTP 500"), ("/garbage", "格式"), ("/slow", "超时")]
)
def test_failures_are_a_clear_domain_error(server, path, message):
    with pytest.raises(ProviderFailed, match=message) as caught:
        HttpProvider(f"{server}{path}", timeout=0.3).fetch(
            "GA-HJRK-001", "id_number", "330523199003150012", ["name"]
        )
    assert caught.value.status == 424


def test_an_unreachable_provider_is_a_domain_error():
    with pytest.raises(ProviderFailed, match="无法连接"):
        HttpProvider("http://127.0.0.1:9/query", timeout=0.5).fetch("R", "id_number", "X", ["name"])


def test_the_registry_uses_http_for_configured_systems(settings, server):
    settings.SHARING_PROVIDERS = {"gaj-hukou": {"url": f"{server}/query", "timeout": 2}}
    assert isinstance(provider_for("gaj-hukou"), HttpProvider)
    assert isinstance(provider_for("mzj-marriage"), DemoProvider)
    assert isinstance(provider_for("scjg-registry"), MarketEntityProvider)


def test_the_demo_provider_reads_its_encrypted_records(resource, citizen):
    put_record(resource, citizen.id_number, name="张晓明", address="递铺")
    assert DemoProvider().fetch(resource.code, "id_number", citizen.id_number, ["address"]) == {
        "address": "递铺"
    }
    assert DemoProvider().fetch(resource.code, "id_number", "330523198511200026", ["address"]) is None


def test_the_registry_provider_reads_market_entities(db):
    from govhall.identity.enterprises import market_entity_record

    market_entity_record(
        uscc="91330523MA2B3C4D5M", name="安吉竹乡茶业有限公司", legal_representative="李慧",
        legal_representative_id="330523198511200026",
    )  # fmt: skip
    data = MarketEntityProvider().fetch("SCJG", "uscc", "91330523MA2B3C4D5M", ["name", "status"])
    assert data == {"name": "安吉竹乡茶业有限公司", "status": "存续"}
