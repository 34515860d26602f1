"""Schemathesis generates requests from the OpenAPI document: no endpoint answers 5xx."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from alliances.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_no_server_error(case):
    response = case.call()
    assert response.status_code < 500, (case.path, case.query, response.text[:500])
