"""The back office of territories: search by folded name or code, filter by level, read-only."""

import pytest

from alliances.territories.models import Territory

pytestmark = pytest.mark.django_db


def test_changelist_search_and_filter(admin_client):
    response = admin_client.get("/admin/territories/territory/", {"q": "besancon"})
    assert response.status_code == 200
    assert "Besançon" in response.content.decode()
    response = admin_client.get("/admin/territories/territory/", {"level__exact": "region"})
    assert "Occitanie" in response.content.decode()
    assert admin_client.get("/admin/territories/territory/", {"q": "25056"}).status_code == 200


def test_change_page_keeps_containment_read_only(admin_client):
    besancon = Territory.objects.get(level="commune", code="25056")
    html = admin_client.get(f"/admin/territories/territory/{besancon.pk}/change/").content.decode()
    assert 'name="name"' in html  # a curator may fix a name
    assert 'name="departement"' not in html and 'name="code"' not in html
    assert admin_client.get("/admin/territories/territory/add/").status_code == 403
