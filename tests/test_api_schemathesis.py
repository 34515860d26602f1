"""Schemathesis generates requests from the OpenAPI document, authenticated (a curator's API
key and a session): no server error, every answer's status documented, every answer
conforming to its documented schema and content type (issue 19, item 10).

Bounded so that it fits the suite: EXAMPLES per operation (23 operations: about 2,100 cases;
operations with few parameters run fewer, hypothesis stopping when it has tried them all).
The number of cases run is printed at the end of the module (pytest -s)."""

from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import checks

from alliances.wsgi import application

EXAMPLES = 60
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
cases: Counter = Counter()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The raw WSGI app fires request signals that close "old" connections (CONN_MAX_AGE);
    inside a test transaction that would close the test's own connection. Django's test
    client disconnects them the same way."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module", autouse=True)
def _count_cases():
    yield
    print(f"\nschemathesis: {sum(cases.values())} cases over {len(cases)} operations")


@pytest.fixture
def credentials(db) -> dict[str, str]:
    """A curator's API key (no rate limit in the way) and a signed-in session."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from alliances.apikit.models import ApiKey

    curator = get_user_model().objects.create_user(
        "schemathesis@example.org", "schemathesis@example.org", "x", is_staff=True
    )
    _key, raw = ApiKey.issue("schemathesis", curator, requests_per_minute=1_000_000)
    client = Client()
    client.force_login(curator)
    return {"X-API-Key": raw, "sessionid": client.cookies["sessionid"].value}


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_answers_as_documented(case, credentials):
    cases[case.operation.label] += 1
    headers = {"X-API-Key": credentials["X-API-Key"]}
    cookies = {"sessionid": credentials["sessionid"]}
    case.call_and_validate(headers=headers, cookies=cookies, checks=CHECKS)
