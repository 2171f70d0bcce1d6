"""电子证照 throughput: licences issued per second (serial, face PDF with QR code, SM3 digest, SM2 signature,
the row, its event and notice) and verifications per second (the SM2 signature check of a stored licence,
and the full verify-by-identifier selector), on SQLite or PostgreSQL.

    .venv/bin/python bench/licences.py                       # SQLite, a fresh file under /tmp
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall_bench_licences .venv/bin/python bench/licences.py

BENCH_ISSUE (default 200) licences are issued to the demo citizen; BENCH_VERIFY (default 500) verifications.
Everything runs in this one process, on one core.
"""

from __future__ import annotations

import os
import platform
import time

from common import prepare_database, setup_django  # bench/common.py


def _setup() -> None:
    setup_django()
    from govhall.demo.seeding import seed_demo

    seed_demo()


def main() -> None:
    database = prepare_database("licences")
    _setup()
    from govhall.identity.models import User
    from govhall.licences import selectors, signing
    from govhall.licences.models import Licence, LicenceType
    from govhall.licences.services import licence_issue

    issue_n = int(os.environ.get("BENCH_ISSUE", "100"))
    verify_n = int(os.environ.get("BENCH_VERIFY", "500"))
    citizen = User.objects.get(username="citizen")
    licence_type = LicenceType.objects.get(code="150001")
    face = {"location": "安吉县递铺街道天目路1号", "area": "128.5平方米", "usage": "住宅"}
    print(f"{database}; Python {platform.python_version()}; {platform.machine()}")

    start = time.perf_counter()
    for _ in range(issue_n):
        licence_issue(type=licence_type, holder=citizen, face=face)
    issue_s = time.perf_counter() - start
    print(f"issued {issue_n} licences (serial, PDF, SM3, SM2 sign, rows): {issue_n / issue_s:.1f}/s")

    licences = list(Licence.objects.select_related("type", "issuer", "key")[:verify_n])
    prepared = [
        (
            lc.key.public_key,
            signing.signed_bytes(selectors.licence_metadata(lc), lc.face_digest),
            bytes(lc.signature),
        )
        for lc in licences
    ]
    rounds = max(1, verify_n // len(prepared))
    start = time.perf_counter()
    for _ in range(rounds):
        for public, message, signature in prepared:
            assert signing.verify(public, message, signature)
    count = rounds * len(prepared)
    verify_s = time.perf_counter() - start
    print(f"SM2 signature checks: {count / verify_s:.1f}/s (target 2,000/s on one core)")

    ids = [lc.identifier for lc in licences]
    start = time.perf_counter()
    for identifier in ids:
        assert selectors.licence_verify(identifier).status == "valid"
    print(f"verify by identifier (query + signature): {len(ids) / (time.perf_counter() - start):.1f}/s")


if __name__ == "__main__":
    main()
