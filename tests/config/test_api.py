"""The API root: the OpenAPI document declares every answer the request middleware can give."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def document():
    return Client().get("/api/v1/openapi.json").json()


def test_every_operation_that_may_carry_a_body_declares_413(document):
    operations = [(m, op) for ops in document["paths"].values() for m, op in ops.items()]
    assert len(operations) >= 50
    for method, operation in operations:
        declared = "413" in operation["responses"]
        assert declared == (method in ("post", "put", "patch", "delete")), (method, operation["operationId"])
    too_large = document["paths"]["/api/v1/cases"]["post"]["responses"]["413"]
    assert too_large["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorOut"}


def test_a_body_over_the_limit_answers_the_declared_413(settings):
    settings.JSON_BODY_MAX_KB = 1
    response = Client().post(
        "/api/v1/auth/token", {"username": "x" * 2000, "password": "p"}, "application/json"
    )
    assert response.status_code == 413
    assert set(response.json()) == {"code", "message", "field"} and "1 KB" in response.json()["message"]
