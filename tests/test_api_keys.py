"""Write endpoints need a curator's API key; every API answer carries rate-limit headers."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from alliances.apikit.models import ApiKey
from alliances.observatory.models import Figure

GOOD = (
    "indicator;population;territory;year;value;n;source_url\n"
    "partenariats-source-innovation;citoyens;FR;2024;55,5;1000;https://example.org/etude\n"
)
BAD = "indicator;population;territory;year;value;source_url\nx;citoyens;FR;2999;140;\n"


@pytest.fixture
def curator_key(db):
    user = get_user_model().objects.create_user("cur", "cur@example.org", "x", is_staff=True)
    return ApiKey.issue("essai", user)


def _post(client, content, key=None, dry_run="true"):
    headers = {"HTTP_X_API_KEY": key} if key else {}
    upload = SimpleUploadedFile("chiffres.csv", content.encode(), content_type="text/csv")
    return client.post(
        "/api/v1/observatory/figures/import", {"file": upload, "dry_run": dry_run}, **headers
    )


@pytest.mark.django_db
def test_write_endpoint_needs_a_valid_curator_key(client, curator_key):
    key, raw = curator_key
    assert _post(client, GOOD).status_code == 401
    assert _post(client, GOOD, key="all_invented").status_code == 401
    layman = get_user_model().objects.create_user("lay", "lay@example.org", "x")
    _, lay_raw = ApiKey.issue("pas curateur", layman)
    assert _post(client, GOOD, key=lay_raw).status_code == 401
    response = _post(client, GOOD, key=raw)
    assert response.status_code == 200, response.content
    assert response.json()["written"] is False  # a dry run by default
    key.revoke()
    assert _post(client, GOOD, key=raw).status_code == 401


@pytest.mark.django_db
def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(client, curator_key):
    _, raw = curator_key
    before = Figure.objects.count()
    response = _post(client, BAD, key=raw, dry_run="false")
    assert response.status_code == 400
    issues = response.json()["issues"]
    assert {i["column"] for i in issues} >= {"year", "value", "source_url"}
    assert all(i["row"] == 2 for i in issues)
    assert Figure.objects.count() == before


@pytest.mark.django_db
def test_only_a_hash_of_the_key_is_stored(curator_key):
    key, raw = curator_key
    assert raw not in (key.key_hash, key.prefix)
    assert ApiKey.find(raw) == key


@pytest.mark.django_db
def test_rate_limit_per_address_with_standard_headers(client, settings, curator_key):
    settings.ALLIANCES_API_RATE_PER_MINUTE = 3
    cache.clear()
    answers = [client.get("/api/v1/sdg/goals") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[0]["RateLimit-Limit"] == "3"
    assert answers[2]["RateLimit-Remaining"] == "0"
    assert int(answers[3]["Retry-After"]) <= 60
    _, raw = curator_key
    keyed = client.get("/api/v1/sdg/goals", HTTP_X_API_KEY=raw)
    assert keyed.status_code == 200  # a key has its own bucket
    assert keyed["RateLimit-Limit"] == "120"
    assert client.get("/").status_code == 200  # pages are not limited here
