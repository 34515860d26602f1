"""Admin: uploading a referential shows validation errors with lines; diagnoses read-only."""

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from maturity_helpers import shipped_text

from alliances.maturity.models import Diagnosis, ReferentialVersion

pytestmark = pytest.mark.django_db

ADD_URL = "/admin/maturity/referentialversion/add/"


@pytest.fixture
def admin_client(client):
    user = User.objects.create_superuser("curator", "c@example.org", "pw-for-tests-only")
    client.force_login(user)
    return client


def test_upload_with_error_shows_line_and_keeps_active_version(admin_client):
    text = shipped_text("territoire").replace("version: 2", "version: 3", 1)
    text = text.replace(
        'points: 3, label: {fr: "Un diagnostic construit',
        'points: 9, label: {fr: "Un diagnostic construit',
    )
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "points: 9" in t)
    response = admin_client.post(ADD_URL, {"source_text": text})
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Ligne {line}, questions.0.options.3.points" in page
    assert "hors des bornes déclarées [0, 3]" in page
    assert ReferentialVersion.objects.get(key="territoire", active=True).version == 2
    assert not ReferentialVersion.objects.filter(key="territoire", version=3).exists()


def test_upload_valid_file_creates_active_version(admin_client):
    text = shipped_text("territoire").replace("version: 2", "version: 3", 1)
    upload = SimpleUploadedFile("territoire.yaml", text.encode(), content_type="application/x-yaml")
    response = admin_client.post(ADD_URL, {"yaml_file": upload, "source_text": ""})
    assert response.status_code == 302
    active = ReferentialVersion.objects.get(key="territoire", active=True)
    assert active.version == 3 and active.source.startswith("admin:")
    assert ReferentialVersion.objects.filter(key="territoire", version=2, active=False).exists()


def test_changed_version_in_use_is_refused_in_admin(admin_client):
    version = ReferentialVersion.objects.get(key="territoire", active=True)
    Diagnosis.objects.create(referential=version, profile="collectivite")
    text = shipped_text("territoire").replace("Maturité coopérative", "Maturité", 1)
    response = admin_client.post(ADD_URL, {"source_text": text})
    assert response.status_code == 200
    assert "augmentez « version »" in response.content.decode()


def test_diagnoses_are_read_only_and_token_hidden(admin_client):
    version = ReferentialVersion.objects.get(key="territoire", active=True)
    diagnosis = Diagnosis.objects.create(referential=version, profile="collectivite")
    listing = admin_client.get("/admin/maturity/diagnosis/").content.decode()
    assert diagnosis.token not in listing
    assert admin_client.get("/admin/maturity/diagnosis/add/").status_code == 403
    change = admin_client.get(f"/admin/maturity/diagnosis/{diagnosis.pk}/change/")
    assert change.status_code == 200 and diagnosis.token not in change.content.decode()
