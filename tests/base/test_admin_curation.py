"""Curation back office: list with filters, history of admin saves, bulk actions, merge of
duplicate organisations, import page (upload, dry-run table, confirm)."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from alliances.base.merging import merge_organisations
from alliances.base.models import Alliance, Organisation, Partner
from alliances.referentials.models import Term

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(django_user_model):
    user = django_user_model.objects.create_superuser("curatrice", "c@example.org", "pw")
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(user)
    client.user = user
    return client


def test_changelist_with_search_and_filters(admin_client):
    url = reverse("admin:base_alliance_changelist")
    response = admin_client.get(url, {"q": "Colombelles", "kind__exact": "catalyst"})
    assert response.status_code == 200
    assert "Territoire zéro chômeur de longue durée de Colombelles" in response.content.decode()
    response = admin_client.get(url, {"region": "28"})  # Normandie
    assert response.status_code == 200
    assert "Colombelles" in response.content.decode()
    assert "Importer des alliances" in response.content.decode()
    change = admin_client.get(
        reverse("admin:base_alliance_change", args=[Alliance.objects.first().pk])
    )
    assert change.status_code == 200


def test_bulk_publish_and_archive_are_in_the_history(admin_client):
    draft = Alliance.objects.create(kind="alliance", title="Brouillon", slug="brouillon-adm")
    url = reverse("admin:base_alliance_changelist")
    admin_client.post(url, {"action": "publish", ACTION_CHECKBOX_NAME: [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "published"
    record = draft.history.get()
    assert (record.action, record.user) == ("published", admin_client.user)
    admin_client.post(url, {"action": "archive", ACTION_CHECKBOX_NAME: [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "archived"
    assert draft.history.first().action == "archived"


def test_admin_add_and_change_record_history(admin_client):
    url = reverse("admin:base_alliance_add")
    data = {
        "kind": "alliance",
        "title": "Créée au bureau",
        "slug": "creee-au-bureau",
        "status": "draft",
        "summary": "Premier jet",
        "partners-TOTAL_FORMS": "0",
        "partners-INITIAL_FORMS": "0",
        "results-TOTAL_FORMS": "0",
        "results-INITIAL_FORMS": "0",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "history-TOTAL_FORMS": "0",
        "history-INITIAL_FORMS": "0",
    }
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    alliance = Alliance.objects.get(slug="creee-au-bureau")
    assert alliance.history.get().action == "created"
    data["summary"] = "Deuxième jet"
    admin_client.post(reverse("admin:base_alliance_change", args=[alliance.pk]), data)
    record = alliance.history.first()
    assert record.action == "updated" and record.user == admin_client.user
    assert record.changes == {"summary": ["Premier jet", "Deuxième jet"]}


def organisation(name):
    profile = Term.objects.get(taxonomy__key="actor_profiles", key="association")
    return Organisation.objects.create(name=name, profile=profile)


def test_merge_moves_partners_and_resolves_conflicts(admin_client):
    keep, duplicate = organisation("Secours Solidaire"), organisation("Secours solidaire 25")
    duplicate.rna = "W251000123"
    duplicate.save()
    a1 = Alliance.objects.create(kind="alliance", title="A1", slug="merge-a1")
    a2 = Alliance.objects.create(kind="alliance", title="A2", slug="merge-a2")
    Partner.objects.create(alliance=a1, organisation=duplicate, role="leader")
    Partner.objects.create(alliance=a2, organisation=keep, role="partner")
    Partner.objects.create(alliance=a2, organisation=duplicate, role="funder")
    url = reverse("admin:base_organisation_changelist")
    selection = {"action": "merge_duplicates", ACTION_CHECKBOX_NAME: [keep.pk, duplicate.pk]}
    page = admin_client.post(url, selection)
    assert page.status_code == 200 and "Organisation à conserver" in page.content.decode()
    admin_client.post(url, {**selection, "keep": keep.pk})
    assert not Organisation.objects.filter(pk=duplicate.pk).exists()
    keep.refresh_from_db()
    assert keep.rna == "W251000123"
    assert a1.partners.get().organisation == keep and a1.partners.get().role == "leader"
    assert a2.partners.count() == 1 and a2.partners.get().role == "funder"
    assert a1.history.get().action == "merged"
    assert a2.history.get().changes["partners"][1] == "Secours Solidaire (funder)"


def test_merge_function_ignores_the_kept_one():
    keep = organisation("Seule")
    assert merge_organisations(keep, [keep]) == {"moved": 0, "conflicts": 0, "merged": 0}


def test_organisation_identifiers_are_validated(admin_client):
    profile = Term.objects.get(taxonomy__key="actor_profiles", key="entreprise")
    response = admin_client.post(
        reverse("admin:base_organisation_add"),
        {
            "name": "Entreprise fautive",
            "profile": profile.pk,
            "siren": "123456789",
            "rna": "X1",
            "partnerships-TOTAL_FORMS": "0",
            "partnerships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "SIREN invalide" in body and "RNA invalide" in body


def test_import_page_dry_run_then_confirm(admin_client):
    url = reverse("admin:base_alliance_import")
    assert admin_client.get(url).status_code == 200
    text = "title;kind;territory\nImport bureau;alliance;commune:25056\nFautive;vaisseau;\n"
    upload = SimpleUploadedFile("lot.csv", text.encode("cp1252"))
    response = admin_client.post(url, {"file": upload, "keep_valid": "on"})
    body = response.content.decode()
    assert "<caption>" in body and "nature inconnue" in body
    assert not Alliance.objects.filter(title="Import bureau").exists()
    token = response.context["token"]
    response = admin_client.post(
        url, {"token": token, "suffix": ".csv", "filename": "lot.csv", "keep_valid": "1"}
    )
    assert response.status_code == 200
    alliance = Alliance.objects.get(title="Import bureau")
    assert alliance.history.get().user == admin_client.user
    assert response.context["rejects_url"]
    rejects = admin_client.get(response.context["rejects_url"])
    assert b"Fautive" in b"".join(rejects.streaming_content)


def test_import_page_all_or_nothing(admin_client):
    url = reverse("admin:base_alliance_import")
    text = "title;kind\nBonne;alliance\nFautive;vaisseau\n"
    response = admin_client.post(url, {"file": SimpleUploadedFile("lot.csv", text.encode())})
    assert "Confirmer" not in response.content.decode()
    token = response.context["token"]
    admin_client.post(url, {"token": token, "suffix": ".csv", "keep_valid": "0"})
    assert not Alliance.objects.filter(title="Bonne").exists()
