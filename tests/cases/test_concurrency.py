"""Concurrency is the database's job: row locks decide who wins, the counter upsert numbers cases.
Run with threads against PostgreSQL (SQLite's test database is one in-memory connection)."""

import threading

import pytest
from django.db import connection, connections

from govhall.cases.models import Case
from govhall.cases.services import case_act
from govhall.cases.transitions import Action
from govhall.core.errors import Conflict
from tests.factories.cases import submit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency tests need PostgreSQL (DATABASE_URL)")


def run_together(functions):
    barrier = threading.Barrier(len(functions))
    results: list = [None] * len(functions)

    def run(index, function):
        try:
            barrier.wait()
            results[index] = function()
        except Exception as exc:  # collected and asserted on by the test
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate(functions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_clerks_accept_at_once_one_wins(media, items, staff, applicant):
    from tests.factories import make_staff

    second = make_staff(username="clerk2", department=staff["clerk"].department, roles=["window_clerk"])
    case = submit(items["promised"], applicant)
    results = run_together(
        [
            lambda u=u: case_act(number=case.number, user=u, action=Action.ACCEPT)
            for u in (staff["clerk"], second)
        ]
    )
    wins = [r for r in results if isinstance(r, Case)]
    losses = [r for r in results if isinstance(r, Conflict)]
    assert len(wins) == 1 and len(losses) == 1, results
    assert "已受理" in losses[0].message
    assert Case.objects.get(pk=case.pk).events.filter(action="accept").count() == 1


def test_concurrent_submissions_get_distinct_numbers(media, items, applicant):
    from tests.factories import make_citizen

    people = [make_citizen(name=f"申请人{i}", phone=f"1370572{i:04d}") for i in range(12)]
    results = run_together([lambda p=p: submit(items["promised"], p) for p in people])
    assert all(isinstance(r, Case) for r in results), results
    numbers = sorted(r.number for r in results)
    assert len(set(numbers)) == 12
    assert [int(n.rsplit("-", 1)[1]) for n in numbers] == list(range(1, 13))
