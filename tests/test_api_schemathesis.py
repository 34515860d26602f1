"""Schemathesis generates requests from the OpenAPI document: no endpoint answers 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from alliances.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


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


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_no_server_error(case):
    response = case.call()
    assert response.status_code < 500, (case.path, case.query, response.text[:500])
