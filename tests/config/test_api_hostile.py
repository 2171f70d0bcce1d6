"""The hostile inputs an outside tester sent, as explicit examples on every operation of /api/v1/openapi.json.

For each operation a valid-looking request is built from its schema (real case numbers, task ids, items,
uploads for the path parameters and the ids in bodies); then, one slot at a time, every string of the request
(path and query parameters, each string property of the body, however deep) gets each hostile string, every
integer the huge and negative numbers, every body property a value of the wrong type, and the body itself
a list, a number, null, JSON nested 10,000 levels deep and a body above JSON_BODY_MAX_KB. Every answer goes
through schemathesis's checks, as in ``test_api_fuzz.py`` (no 5xx, a declared status and content type, a body
that matches the schema declared for that status), and every 4xx must be the one error shape: a Chinese
``message``, and a ``field`` for a 422.

Each operation runs as the first of citizen, department head, supervisor whose plain request gets past the
login and permission checks: a hostile value only reaches validation and the services once those have let the
request in, and running every operation as all three roles would triple the time for the same code.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from schemathesis.core.failures import FailureGroup

from govhall.cases.models import Material
from govhall.identity.models import EnterpriseMember, User
from govhall.identity.services import token_issue
from tests.config.test_api_fuzz import (  # noqa: F401 (fixtures)
    CHECKS,
    OPERATIONS,
    PDF,
    ROLES,
    _keep_the_test_connection,
    _pools,
    demo_county,
    media,
    schema,
)

pytestmark = pytest.mark.django_db

LONG_TEXT = "法" * 500_000  # a legal basis the tester sent: about 1.5 MB as UTF-8, above the body limit
LONG_ASCII = "x" * 500_000  # within the body limit: the text limits must refuse it
JUST_TOO_LONG = "字" * 8001  # past every text limit of the API, within the body limit
DATES = ["9999-12-31", "0001-01-01", "9999-12", "NaN", "1e400", "-0", "2026-02-30"]
FILENAMES = ["a" * 1000 + ".pdf", "id\x01\x1b[31m.pdf", "\u202efdp.exe", "../../../etc/passwd", "a\x00.pdf"]
INJECTIONS = ["' OR 1=1--", "<script>alert(1)</script>", "{{7*7}}", "${7*7}"]
ODD_TEXT = ["１２３４５６７８９０", "张\u200b三", "😀", "11010519491231002😀", "", " "]
HOSTILE_STRINGS = [*DATES, LONG_ASCII, JUST_TOO_LONG, *FILENAMES, *INJECTIONS, *ODD_TEXT]
LONE_SURROGATE = "\ud800"  # only in JSON bodies: a URL cannot carry it
HUGE_INTEGERS = [2**63, 10**30, -1, -(2**63) - 1, 10**9]
WRONG_TYPES: list[Any] = [["x"], {"a": 1}, 12.5, True, None]
DEEP_BODIES = [b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000]


def _oversized_body() -> bytes:
    return b'{"reason": "' + LONG_TEXT.encode() + b'"}'


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema.raw_schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _kinds(node: dict[str, Any]) -> dict[str, Any]:
    """The first non-null alternative of an anyOf, resolved."""
    node = _resolve(node)
    for alternative in node.get("anyOf", []):
        alternative = _resolve(alternative)
        if alternative.get("type") != "null":
            return alternative
    return node


class Values:
    """Plain values for a role: what a request holds when nothing in it is hostile."""

    def __init__(self, user: User, pools: dict[str, list[Any]], upload: str) -> None:
        self.user, self.pools, self.upload = user, pools, upload
        memberships = EnterpriseMember.objects.filter(enterprise__memberships__user=user).order_by("pk")
        pools["uscc"] = [m.enterprise.uscc for m in memberships[:1]] or ["91110000600037341L"]
        pools["member_id"] = [m.user_id for m in memberships.exclude(user=user)[:1]] or [1]
        self.form = {"applicant_name": user.real_name, "id_number": user.id_number, "phone": user.phone}
        of_item = Material.objects.filter(item__implementation_code=pools["implementation_code"][0])
        self.material = of_item.order_by("pk").values_list("pk", flat=True).first() or 1

    def string(self, name: str, node: dict[str, Any]) -> str:
        named = {
            "item": self.pools["implementation_code"][0],
            "upload": self.upload,
            "phone": "13800138000",
            "id_number": self.user.id_number or "110105194912310029",
            "password": "Hostile-input-2026",
            "stage": "accept",
            "decision": "approve",
            "kind": "other",
            "method": "window",
            "level": "yellow",
            "role": "agent",
            "respond_by": "2026-12-31",
            "format": "csv",
            "month": "2026-10",
            "case": self.pools["number"][0],
        }
        if "enum" in node:
            return str(node["enum"][0])
        if node.get("format") == "date":
            return "2026-12-31"
        return named.get(name, "测试")

    def integer(self, name: str, node: dict[str, Any]) -> int:
        if name == "material":
            return int(self.material)
        if name == "level":
            return 3
        return int(node.get("minimum", 1))

    def build(self, node: dict[str, Any], name: str = "") -> Any:
        node = _kinds(node)
        kind = node.get("type")
        if kind == "object" and name == "form":
            return dict(self.form)
        if kind == "object":
            return {key: self.build(sub, key) for key, sub in node.get("properties", {}).items()}
        if kind == "array":
            return [self.build(node["items"], name)] if "items" in node else []
        if kind == "integer":
            return self.integer(name, node)
        if kind == "boolean":
            return False
        return self.string(name, node)


def _body_slots(node: dict[str, Any], keys: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every scalar inside a body, as (keys, "string" | "integer"), and every property as (keys, "any")."""
    node = _kinds(node)
    kind = node.get("type")
    if kind == "object":
        for key, sub in node.get("properties", {}).items():
            yield (*keys, key), "any"
            yield from _body_slots(sub, (*keys, key))
    elif kind == "array" and "items" in node:
        yield from _body_slots(node["items"], (*keys, 0))
    elif kind in ("string", "integer"):
        yield keys, kind


def _put(body: Any, keys: tuple[Any, ...], value: Any) -> Any:
    if not keys:
        return value
    copy = list(body) if isinstance(body, list) else dict(body)
    copy[keys[0]] = _put(copy[keys[0]], keys[1:], value)
    return copy


def _json_schema(operation: Any) -> dict[str, Any] | None:
    content = operation.definition.raw.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


def _parameter_kind(parameter: Any) -> str:
    return str(_kinds(parameter.definition.get("schema", {})).get("type", "string"))


def _examples(operation: Any, values: Values) -> Iterator[tuple[str, dict[str, Any]]]:
    """(what, Case arguments) for every hostile example of an operation."""
    path_values = {p.name: (values.pools.get(p.name) or ["1"])[0] for p in operation.path_parameters}
    query = {"month": "2026-10"} if any(p.name == "month" for p in operation.query) else {}
    body_schema = _json_schema(operation)
    base: dict[str, Any] = {"path_parameters": path_values, "query": query}
    if body_schema is not None:
        base.update(body=values.build(body_schema), media_type="application/json")
    yield "plain", base
    yield from _parameter_examples(operation, base)
    if body_schema is not None:
        yield from _body_examples(operation, base, body_schema, values)


def _parameter_examples(operation: Any, base: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for where, key, parameters in (
        ("path", "path_parameters", operation.path_parameters),
        ("query", "query", operation.query),
    ):
        for parameter in parameters:
            integer = _parameter_kind(parameter) == "integer"
            # an integer parameter also gets the date-like strings: a wrong type
            for value in [*HUGE_INTEGERS, *DATES] if integer else HOSTILE_STRINGS:
                if where == "path" and (value == "" or "/" in str(value)):
                    continue  # another URL, not this operation: WSGI decodes %2F and clients resolve ../
                changed = {**base[key], parameter.name: value}
                yield f"{where}:{parameter.name}={value!r:.40}", {**base, key: changed}


def _body_examples(
    operation: Any, base: dict[str, Any], body_schema: dict[str, Any], values: Values
) -> Iterator[tuple[str, dict[str, Any]]]:
    body = base["body"]
    hostile = {"string": [*HOSTILE_STRINGS, LONE_SURROGATE], "integer": HUGE_INTEGERS, "any": WRONG_TYPES}
    slots = list(_body_slots(body_schema))
    if isinstance(body, dict) and isinstance(body.get("form"), dict):  # the application form's own fields
        slots += [(("form", key), kind) for key in body["form"] for kind in ("string", "any")]
    for keys, kind in slots:
        label = ".".join(map(str, keys))
        for value in hostile[kind]:
            yield f"body:{label}={value!r:.40}", {**base, "body": _put(body, keys, value)}
    for value in ([], "x", 7, None):
        yield f"body={value!r}", {**base, "body": value}
    if operation.path.endswith(("/cases", "/drafts")) and operation.method.lower() == "post":
        pair = {"material": values.material, "upload": values.upload}
        duplicate = {"item": body["item"], "form": values.form, "materials": [pair, pair]}
        yield DUPLICATE, {**base, "body": duplicate}


DUPLICATE = "body:materials=the same (material, upload) pair twice"
RAW_BODIES = [
    ("body=10,000 levels of [", DEEP_BODIES[0], 400),
    ('body=10,000 levels of {"a":', DEEP_BODIES[1], 400),
]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _error_shape(response: Any, what: str) -> str | None:
    """What is wrong with a 4xx answer's body, or None when it is the one error shape."""
    if not 400 <= response.status_code < 500:
        return None
    try:
        data = response.json()
    except ValueError:
        return f"{what}: {response.status_code} is not JSON"
    if not isinstance(data, dict) or not isinstance(data.get("code"), str) or "field" not in data:
        return f"{what}: {response.status_code} {str(data)[:200]} is not {{code, message, field}}"
    if not CJK.search(str(data.get("message", ""))):
        return f"{what}: {response.status_code} message {data.get('message')!r:.200} is not Chinese"
    if response.status_code == 422 and not data.get("field"):
        return f"{what}: 422 names no field: {data.get('message')!r:.200}"
    if re.match(r"[A-Za-z_]", str(data["message"])):  # "legal_basis过长": a field without its Chinese name
        return f"{what}: {response.status_code} message {data['message']!r:.200} does not name the field in Chinese"
    return None


def _send(operation: Any, what: str, arguments: dict[str, Any], headers: dict[str, str], **raw: Any) -> Any:
    case = operation.Case(**arguments)
    response = case.call(headers=headers, **raw)
    problems = []
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except (AssertionError, FailureGroup) as exc:
        problems.append(f"{what}: {str(exc).split('Reproduce with')[0][:1500]}")
    shape = _error_shape(response, what)
    if shape:
        problems.append(shape)
    return response, problems


def _role_for(operation: Any, tokens: dict[str, dict[str, str]], values: dict[str, Values]) -> str:
    """The first role whose plain request succeeds, else the first one let in (neither 401 nor 403)."""
    let_in = []
    for role in ("citizen", "staff", "supervisor"):
        _, arguments = next(_examples(operation, values[role]))
        response = operation.Case(**arguments).call(headers=tokens[role])
        if response.status_code < 300:
            return role
        if response.status_code not in (401, 403):
            let_in.append(role)
    return (let_in or ["citizen"])[0]


@pytest.fixture
def upload_for():
    from govhall.cases.services import upload_store

    return lambda user: str(upload_store(owner=user, name="id.pdf", data=PDF).pk)


@pytest.mark.usefixtures("demo_county")
def test_hostile_inputs_answer_as_declared(upload_for):
    started = time.perf_counter()
    users = {role: User.objects.get(username=username) for role, username in ROLES.items()}
    tokens = {
        role: {"Authorization": f"Bearer {token_issue(user=user, label='hostile')[0]}"}
        for role, user in users.items()
    }
    values = {role: Values(user, _pools(user), upload_for(user)) for role, user in users.items()}
    problems: dict[str, list[str]] = {}
    statuses: Counter[int] = Counter()
    roles: Counter[str] = Counter()
    for operation in OPERATIONS:
        role = _role_for(operation, tokens, values)
        roles[role] += 1
        found: list[str] = []
        examples = list(_examples(operation, values[role]))
        if operation.body and any(b.media_type == "multipart/form-data" for b in operation.body):
            examples = []
            for name in FILENAMES:
                upload = {"data": {"file": (io.BytesIO(PDF), name)}}
                response, seen = _send(
                    operation,
                    f"filename={name!r:.40}",
                    {"body": {}, "media_type": "multipart/form-data"},
                    tokens[role],
                    **upload,
                )
                statuses[response.status_code] += 1
                found += seen
        for what, arguments in examples:
            response, seen = _send(operation, what, arguments, tokens[role])
            statuses[response.status_code] += 1
            if what == DUPLICATE and "两次" not in response.json().get("message", ""):
                seen.append(f"{what}: answered {response.status_code} {response.content[:200]!r}")
            found += seen
        if _json_schema(operation) is not None:
            plain = examples[0][1]
            for what, data, expected in [
                *RAW_BODIES,
                ("body above JSON_BODY_MAX_KB", _oversized_body(), 413),
            ]:
                response, seen = _send(operation, what, plain, tokens[role], data=data)
                statuses[response.status_code] += 1
                if response.status_code != expected:
                    seen.append(f"{what}: answered {response.status_code}, not {expected}")
                found += seen
        if found:
            problems[f"{operation.label} as {role}"] = found
    seconds = time.perf_counter() - started
    print(f"\nhostile inputs: {sum(statuses.values())} requests in {seconds:.1f} s; roles {dict(roles)}")
    print(f"statuses: {dict(sorted(statuses.items()))}")
    report = "\n\n".join(f"{label}:\n" + "\n".join(texts[:12]) for label, texts in problems.items())
    assert not problems, f"{len(problems)} operations answered outside their schemas:\n{report}"
