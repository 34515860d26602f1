"""The back office: every model listed, and the import page (dry run, then import)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from alliances.observatory.models import Figure


@pytest.fixture
def admin_client(loaded):
    user = get_user_model().objects.create_superuser("curateur", "c@example.org", "x-Long-pass-42")
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "model", ["programme", "population", "study", "indicator", "figure", "fragility"]
)
def test_admin_lists(admin_client, model):
    assert admin_client.get(f"/admin/observatory/{model}/").status_code == 200


def test_admin_import_page(admin_client):
    url = "/admin/observatory/figure/importer/"
    assert admin_client.get(url).status_code == 200
    content = (
        b"indicator;population;territory;year;value;source_url\n"
        b"partenariats-source-innovation;maires;FR;2019;80;https://example.org\n"
        b"partenariats-source-innovation;maires;FR;2018;180;https://example.org\n"
    )
    response = admin_client.post(
        url, {"file": SimpleUploadedFile("f.csv", content), "dry_run": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "180" in html and "value" in html
    assert not Figure.objects.filter(key="partenariats-source-innovation-maires-fr-2019").exists()
    good = content.rsplit(b"\n", 2)[0] + b"\n"
    admin_client.post(url, {"file": SimpleUploadedFile("f.csv", good)})
    assert Figure.objects.filter(key="partenariats-source-innovation-maires-fr-2019").exists()
