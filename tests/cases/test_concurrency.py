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


def test_two_predecessors_completing_at_once_start_their_successor_once(media, department, staff, applicant):
    """一件事: A and B both come before C. Their completions run at once; the bundle case's row lock makes the
    second see the first, so C starts exactly once."""
    from govhall.cases.models import BundleCase
    from govhall.cases.services import BundleApplication, bundle_case_submit, upload_store
    from govhall.catalogue.selectors import bundle_get_published, bundle_guide
    from tests.factories import ServiceItemFactory
    from tests.factories.cases import PDF
    from tests.factories.catalogue import make_bundle

    def instant(name):
        return ServiceItemFactory.published(department=department, name=name, case_kind="instant",
                                            legal_time_limit=0, promised_time_limit=0, materials=["申请书"])  # fmt: skip

    a, b, c = instant("甲事项"), instant("乙事项"), instant("丙事项")
    make_bundle(items=[a, b, c], edges=[(a, c), (b, c)], code="join")
    upload = str(upload_store(owner=applicant, name="scan.pdf", data=PDF).pk)
    guide = bundle_guide(bundle_get_published("join"))
    form = {"applicant_name": applicant.real_name, "id_number": applicant.id_number, "phone": applicant.phone}
    application = BundleApplication("join", form, [(m.id, upload) for m in guide.materials])
    bundle_case, _ = bundle_case_submit(user=applicant, application=application)
    first, second = (Case.objects.get(bundle_case=bundle_case, item=i) for i in (a, b))
    results = run_together(
        [
            lambda n=n: case_act(number=n, user=staff["clerk"], action=Action.ACCEPT)
            for n in (first.number, second.number)
        ]
    )
    assert all(isinstance(r, Case) for r in results), results
    successor = Case.objects.get(bundle_case=bundle_case, item=c)
    assert successor.status == "submitted" and successor.events.filter(action="start").count() == 1
    assert BundleCase.objects.get(pk=bundle_case.pk).state == BundleCase.State.IN_PROGRESS
