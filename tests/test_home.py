import json

import pytest


@pytest.mark.django_db
def test_healthz_reports_backend_and_data_versions(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    payload = json.loads(response.content)
    assert payload["status"] == "ok"
    assert payload["database"]["backend"] in {"sqlite", "postgresql"}
    assert isinstance(payload["data_versions"], dict)
    assert payload["search_index"]["ok"] is True
    assert payload["search_index"]["indexed"] == payload["search_index"]["alliances"]


@pytest.mark.django_db
def test_healthz_counts_the_alliances_waiting_for_their_vector(client, settings):
    from alliances.base.models import Alliance
    from alliances.common import vectors

    assert json.loads(client.get("/healthz").content)["search_index"]["vectors_missing"] is None
    settings.ALLIANCES_SEARCH_SEMANTIC = True
    waiting = Alliance.objects.count() - vectors.count("alliance", "default")
    payload = json.loads(client.get("/healthz").content)
    assert waiting > 0 and payload["search_index"]["vectors_missing"] == waiting
    assert payload["status"] == "ok"  # informative: the worker catches up after a change


@pytest.mark.django_db
def test_healthz_reports_a_search_index_that_disagrees_with_the_base(client):
    from alliances.base.models import Alliance
    from alliances.base.search import index

    index.remove_from_index([Alliance.objects.order_by("pk").values_list("pk", flat=True)[0]])
    payload = json.loads(client.get("/healthz").content)
    assert payload["status"] == "degraded"
    assert payload["search_index"]["ok"] is False
    assert payload["search_index"]["indexed"] == payload["search_index"]["alliances"] - 1


@pytest.mark.django_db
def test_home_in_french_presents_the_parts(client_fr):
    response = client_fr.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="fr"' in html
    assert "Aller au contenu" in html
    assert 'id="contenu"' in html
    assert "Territoires" in html


@pytest.mark.django_db
def test_unknown_page_is_a_404_in_the_users_language(client_fr, client_en):
    fr = client_fr.get("/nulle-part/")
    assert fr.status_code == 404
    assert "Page introuvable" in fr.content.decode()
    en = client_en.get("/nulle-part/")
    assert en.status_code == 404
    assert "Page not found" in en.content.decode()


@pytest.mark.django_db
def test_unknown_address_shows_no_technical_name(client_fr):
    html = client_fr.get("/nulle-part/").content.decode()
    assert "Resolver404" not in html


@pytest.mark.django_db
def test_the_latest_examples_are_read_in_order_from_an_index_however_many_share_a_date():
    """A bulk load publishes thousands of alliances at one instant: ordered by the date alone,
    PostgreSQL read and sorted all of them to show six on the home page (20 ms at 10,000,
    the whole base at 1,000,000). The date and id index gives them in order."""
    from django.db import connection
    from django.utils import timezone

    from alliances.base.models import Alliance
    from alliances.home.figures import latest_published

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's plan")
    Alliance.objects.update(published_at=timezone.now())
    with connection.cursor() as cursor:
        # The test tables are small: a sort costs nothing there, as it does on a large base.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    plan = latest_published(6).explain()
    assert "alliance_published_order" in plan
    assert "Sort" not in plan
