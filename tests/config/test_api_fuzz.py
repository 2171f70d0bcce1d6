"""Schema-driven fuzzing of the whole JSON API: schemathesis generates requests for every operation of
/api/v1/openapi.json as a citizen, a department head and a supervisor (bearer tokens), over the demo county
with 150 synthetic cases. Every answer must be no 5xx, carry a declared status and content type,
and match the schema declared for that status.

About 50 examples per operation (fewer for the operations in ``EXAMPLES_FOR``; ``FUZZ_EXAMPLES`` overrides it), derandomized so that CI
sees the same requests every run. Path parameters are drawn half of the time from real objects (case numbers,
task ids ...), so the fuzzer gets past the 404s.
"""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from govhall.cases.models import Case, CaseMaterial, CaseTask
from govhall.catalogue.models import ServiceItem
from govhall.config.wsgi import application
from govhall.evaluation.models import Rectification
from govhall.identity.models import User
from govhall.identity.services import token_issue
from govhall.supervision.models import Order, Rule

pytestmark = pytest.mark.django_db

EXAMPLES = int(__import__("os").environ.get("FUZZ_EXAMPLES", "50"))
# Operations that do real work per request (a whole supervision scan, a PDF, a spreadsheet): fewer examples.
EXAMPLES_FOR = {
    "POST /api/v1/supervision/scan": 10,
    "GET /api/v1/ratings/export": 15,
    "GET /api/v1/cases/{number}/documents/{kind}": 20,
    "GET /api/v1/stats/departments": 25,
}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MONTH = "2026-10"
# head_scjg: 市场监管局's department head and approver; supervisor: 电子监察 of the county (scan, rules, orders).
ROLES = {"citizen": "citizen", "staff": "head_scjg", "supervisor": "supervisor"}

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go to the WSGI application itself, which closes the database connection when a request ends
    with autocommit off (as inside the test's transaction): on PostgreSQL the test would lose its connection
    after the first request. Django's test client disconnects the same receiver."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def demo_county(db, media, settings):
    """The demo county with synthetic cases (tasks, ratings, rectifications), the citizen's cases, a scan."""
    from govhall.demo.generate import generate_cases
    from govhall.demo.seeding import seed_demo
    from govhall.supervision.scan import supervision_scan

    settings.ALLOWED_HOSTS = ["*"]
    seed_demo()
    generate_cases(150, seed=7, years=0.3)
    _citizen_cases(User.objects.get(username="citizen"))
    supervision_scan(trigger="test")


def _citizen_cases(citizen: User, wanted: int = 8) -> None:
    """A few cases (and drafts) of the demo citizen with the general form, 市场监管局's items first; the window
    clerk accepts half of them, so the staff's runs find open tasks of their department."""
    from govhall.cases.services import case_act, case_draft_save, case_submit, upload_store
    from govhall.cases.transitions import Action
    from govhall.core.errors import DomainError

    upload = upload_store(owner=citizen, name="id.pdf", data=PDF)
    form = {"applicant_name": citizen.real_name, "id_number": citizen.id_number, "phone": citizen.phone}
    clerk = User.objects.get(username="clerk")
    published = ServiceItem.objects.filter(status="published", for_person=True)
    items = [*published.filter(department__code="scjgj"), *published.exclude(department__code="scjgj")]
    made = 0
    for item in items:
        if made >= wanted:
            return
        try:
            case, _ = case_submit(
                user=citizen, item_code=item.implementation_code, form=form, channel="web",
                materials=[(m.pk, str(upload.pk)) for m in item.materials.all()],
            )  # fmt: skip
            if made % 2 == 0:
                case_act(number=case.number or "", user=clerk, action=Action.ACCEPT, channel="window")
        except DomainError:
            continue
        made += 1
        case_draft_save(
            user=citizen, item_code=item.implementation_code, form={"reason": "草稿"}, materials=None
        )


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _pools(user: User) -> dict[str, list[Any]]:
    """Real values for path parameters, by parameter name: the caller's own cases and its department's first."""
    submitted = Case.objects.exclude(number=None)
    mine = (
        submitted.filter(Q(applicant=user) | Q(department_id=user.department_id))
        if user.department_id
        else submitted.filter(applicant=user)
    )
    cases = list(mine.order_by("pk").values_list("number", flat=True)[:30])
    cases += list(submitted.order_by("-pk").values_list("number", flat=True)[:10])
    return {
        "number": cases,
        "implementation_code": list(
            ServiceItem.objects.order_by("pk").values_list("implementation_code", flat=True)[:40]
        ),
        "task_id": list(
            CaseTask.objects.filter(department_id=user.department_id)
            .order_by("state", "pk")
            .values_list("pk", flat=True)[:30]
        )
        + list(CaseTask.objects.order_by("-pk").values_list("pk", flat=True)[:10]),
        "material_id": list(CaseMaterial.objects.order_by("pk").values_list("pk", flat=True)[:40]),
        "rectification_id": list(Rectification.objects.order_by("pk").values_list("pk", flat=True)[:40]),
        "order_id": list(Order.objects.order_by("pk").values_list("pk", flat=True)[:40]),
        "draft_id": list(Case.objects.filter(number=None).order_by("pk").values_list("pk", flat=True)[:40])
        or [1],
        "code": list(Rule.objects.values_list("code", flat=True)) or ["overdue"],
        "kind": ["acceptance", "decision"],
    }


def _strategy(operation: Any, pools: dict[str, list[Any]]) -> st.SearchStrategy[Any]:
    names = [p.name for p in operation.path_parameters]
    query = {"month": MONTH} if any(p.name == "month" for p in operation.query) else None
    generated = operation.as_strategy()
    if not all(pools.get(n) for n in names) or not (names or query):
        return generated
    real = st.fixed_dictionaries({n: st.sampled_from(pools[n]) for n in names}).flatmap(
        lambda values: operation.as_strategy(path_parameters=values or None, query=query)
    )
    return st.one_of(real, generated)


def _fuzz(
    operation: Any, headers: dict[str, str], pools: dict[str, list[Any]], statuses: Counter[int]
) -> list[str]:
    """Run one operation, counting the statuses answered; the distinct failures found (empty when it holds)."""
    failures: list[str] = []

    @settings(
        max_examples=EXAMPLES_FOR.get(operation.label, EXAMPLES),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation, pools))
    def run(case: Any) -> None:
        response = case.call(headers=headers)
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except (AssertionError, FailureGroup) as exc:  # every failure is collected, then reported together
            text = str(exc)
            if not any(seen.startswith(text.split("Reproduce with")[0]) for seen in failures):
                failures.append(text[:3000])  # the first of each kind of failure, with its curl command

    run()
    return failures


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_operation_answers_as_declared(demo_county, role):
    user = User.objects.get(username=ROLES[role])
    plain, _ = token_issue(user=user, label="fuzz")
    headers = {"Authorization": f"Bearer {plain}"}
    pools = _pools(user)
    assert len(OPERATIONS) >= 50 and all(pools[n] for n in ("number", "task_id", "implementation_code"))
    found: dict[str, list[str]] = {}
    timings: dict[str, float] = {}
    answered: dict[str, Counter[int]] = {}
    for operation in OPERATIONS:
        started = time.perf_counter()
        answered[operation.label] = Counter()
        failures = _fuzz(operation, headers, pools, answered[operation.label])
        timings[operation.label] = time.perf_counter() - started
        if failures:
            found[operation.label] = failures
    slowest = sorted(timings.items(), key=lambda kv: -kv[1])[:5]
    print(f"\n{role}: slowest operations", [(label, round(s, 1)) for label, s in slowest])
    for label, counts in answered.items():
        print(f"{role} {label}: {dict(sorted(counts.items()))}")
    report = "\n\n".join(f"{label}:\n" + "\n---\n".join(texts) for label, texts in found.items())
    assert not found, f"{len(found)} operations failed as {role}:\n{report}"
