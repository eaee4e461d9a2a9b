"""Property-based API tests: schemathesis generates requests from the OpenAPI document and
checks every response (no server error, documented status codes, content type and body
schema).

The operations are driven with Hypothesis directly (``operation.as_strategy()``) instead of
schemathesis' pytest plugin, whose fixture integration does not work with the pytest in use.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings

AUTH_USER = "ana"


@pytest.fixture(scope="module")
def api_schema(app: FastAPI, tokens: dict[str, str]) -> Any:
    """The app's own OpenAPI document, loaded through the app (it needs a token)."""
    headers = {"Authorization": f"Bearer {tokens[AUTH_USER]}"}
    return schemathesis.openapi.from_asgi("/api/openapi.json", app, headers=headers)


@pytest.mark.slow  # schemathesis generates requests for every operation
def test_api_conforms_to_its_schema(api_schema: Any, tokens: dict[str, str]) -> None:
    headers = {"Authorization": f"Bearer {tokens[AUTH_USER]}"}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {op.path for op in operations} == {
        "/api/match/{dataset}",
        "/api/clients/{ref}/assessment",
        "/api/clients/{ref}/signals",
        "/api/alerts",
    }
    calls: dict[str, int] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=60,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            response = case.call_and_validate(headers=headers)
            calls[operation.path] = calls.get(operation.path, 0) + 1
            assert response.status_code < 500

        check()
    assert all(calls.get(op.path, 0) >= 10 for op in operations), calls
