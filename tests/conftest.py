"""Shared fixtures. Tests run on SQLite by default and on PostgreSQL when DATABASE_URL points there."""

from __future__ import annotations

import os

# the environment (keys, fast hashing) is set by tests/settings.py, before Django reads its settings

# shared fixtures as plugins: the clock, the organisation (county, department, item, accounts), cases
pytest_plugins = [
    "tests.fixtures.clock",
    "tests.fixtures.organisation",
    "tests.fixtures.cases",
    "tests.fixtures.bundles",
]

_e2e_outcomes: dict[str, int] = {"passed": 0, "skipped": 0}


def pytest_runtest_logreport(report):
    if "e2e" in report.keywords and (report.when == "call" or report.skipped):
        key = "skipped" if report.skipped else "passed" if report.passed else "failed"
        _e2e_outcomes[key] = _e2e_outcomes.get(key, 0) + 1


def pytest_sessionfinish(session, exitstatus):
    """With GOVHALL_REQUIRE_BROWSER=1 (CI), a run whose browser tests were skipped or absent fails."""

    if os.environ.get("GOVHALL_REQUIRE_BROWSER") != "1" or session.config.option.collectonly:
        return
    if "not e2e" in (session.config.option.markexpr or ""):
        return  # a run without the browser tests on purpose (make pytest-unit); make pytest-browser runs them
    selected_e2e = any("e2e" in item.keywords for item in session.items)
    if _e2e_outcomes["skipped"] or (selected_e2e and not _e2e_outcomes["passed"]) or not selected_e2e:
        session.exitstatus = 1
        print(f"\nGOVHALL_REQUIRE_BROWSER=1 but browser tests did not all run: {_e2e_outcomes}")


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say plainly which kinds of tests were skipped, and how to run them."""
    skipped = terminalreporter.stats.get("skipped", [])
    postgres = sum(1 for r in skipped if "postgres" in r.keywords)
    browser = sum(1 for r in skipped if "e2e" in r.keywords)
    if postgres:
        terminalreporter.write_line(
            f"{postgres} 个仅限 PostgreSQL 的测试已跳过 / {postgres} PostgreSQL-only tests skipped: "
            "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/govhall make test",
            yellow=True,
        )
    if browser:
        terminalreporter.write_line(
            f"{browser} 个浏览器测试已跳过 / {browser} browser tests skipped: "
            "install Debian's chromium and fonts-noto-cjk (make browser), then make test",
            yellow=True,
        )
