"""Look-up latency through the API: p50 and p95 of ``POST /api/v1/cases/{number}/lookups`` (grant check, the
demo provider's encrypted record, the chained log entry under the head row's lock, the snapshot, the satisfied
material, the timeline event), on the demo after ``seed_demo``.

    .venv/bin/python bench/lookups.py                      # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_lookups .venv/bin/python bench/lookups.py

Requests go through Django's test client in this process: the whole middleware and ninja stack, no network
and no web server. Target: p95 ≤ 20 ms.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, prepare_database, setup_django  # bench/common.py

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))
FUND_ITEM = (
    "113305230082199392002010600010001"  # 住房公积金提取（购买自住住房）: 不动产登记信息 from 自然资源
)


def _setup() -> None:
    sys.path.insert(0, str(ROOT))  # tests.factories
    setup_django()
    from django.conf import settings

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="govhall-bench-media-"))


def main(profile: bool = False) -> None:
    where = prepare_database("lookups")
    _setup()
    from django.test import Client
    from tests.factories.cases import submit

    from govhall.catalogue.models import ServiceItem
    from govhall.demo.seeding import seed_demo
    from govhall.identity.models import User
    from govhall.identity.services import token_issue
    from govhall.sharing.selectors import chain_verify

    seed_demo()
    citizen = User.objects.get(username="citizen")
    item = ServiceItem.objects.get(implementation_code=FUND_ITEM, status="published")
    case = submit(item, citizen)
    token, _ = token_issue(user=User.objects.get(username="gjj_approver"))
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    url = f"/api/v1/cases/{case.number}/lookups"
    body = {"resource": "ZRZY-BDCDJ-001", "items": ["housing_count", "location", "area"]}
    for _ in range(20):  # warm up
        assert client.post(url, body, content_type="application/json").status_code == 201
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(30):
            client.post(url, body, content_type="application/json")
        profiler.disable()
        pstats.Stats(profiler).sort_stats(sys.argv[2] if len(sys.argv) > 2 else "cumulative").print_stats(40)
        return
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        answer = client.post(url, body, content_type="application/json")
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 201, answer.content
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    report = chain_verify()
    print(
        f"{where}: {ROUNDS} look-ups through the API — p50 {p50:.1f} ms, p95 {p95:.1f} ms (target p95 ≤ 20 ms)"
    )
    print(f"audit chain: {'OK' if report.ok else 'BROKEN'}, {report.count} entries")


if __name__ == "__main__":
    main(profile="--profile" in sys.argv)
