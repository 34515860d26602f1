"""/taxonomies/ and /taxonomies/<key>/, their twins, the API and the admin."""

import csv
import io

import pytest
from django.urls import reverse

from alliances.referentials.models import Term

pytestmark = pytest.mark.django_db


def test_url_names():
    assert reverse("referentials:index") == "/taxonomies/"
    assert reverse("referentials:taxonomy", kwargs={"key": "domains"}) == "/taxonomies/domains/"


def test_index_in_french(client_fr):
    html = client_fr.get("/taxonomies/").content.decode()
    assert "Taxonomies du champ" in html
    assert "Profils d&#x27;acteurs" in html or "Profils d'acteurs" in html
    assert "liste provisoire" in html.lower()
    assert "Mécénat de compétences" in html
    assert "horizon : 1,5 ans" in html
    assert html.count("<caption>") == 15


def test_index_in_english(client_en):
    html = client_en.get("/taxonomies/").content.decode()
    assert "Taxonomies of the field" in html
    assert "Corporate philanthropy (mécénat)" in html
    assert "provisional list" in html.lower()
    assert "horizon: 1.5 years" in html


def test_index_twins(client_fr):
    data = client_fr.get("/taxonomies/?format=json").json()
    live = Term.objects.filter(obsolete=False).count()
    assert data["count"] == live
    row = next(r for r in data["results"] if r["key"] == "tpe_pme")
    assert row["parent"] == "entreprise" and row["taxonomy"] == "actor_profiles"
    response = client_fr.get("/taxonomies/?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == live
    assert {"taxonomy", "key", "label_fr", "label_en", "provisional_list"} <= set(rows[0])


def test_one_list_and_its_twins(client_fr, client_en):
    html = client_fr.get("/taxonomies/domains/").content.decode()
    assert "Emploi et insertion" in html and "liste provisoire" in html.lower()
    assert "Employment and return to work" in client_en.get("/taxonomies/domains/").content.decode()
    data = client_fr.get("/taxonomies/evaluation_criteria/?format=json").json()
    assert data["count"] == 7
    assert [r["key"] for r in data["results"]][0] == "performance"
    csv_text = client_fr.get("/taxonomies/impact_axes/?format=csv").content.decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(csv_text)))) == 3


def test_unknown_list_is_a_404_in_the_user_language(client_fr, client_en):
    response = client_fr.get("/taxonomies/nope/")
    assert response.status_code == 404 and "Page introuvable" in response.content.decode()
    response = client_en.get("/taxonomies/nope/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()


def test_api_lists_every_taxonomy(client_fr, client_en):
    data = client_fr.get("/api/v1/taxonomies").json()
    assert data["count"] == 15 and len(data["results"]) == 15
    profiles = data["results"][0]
    assert profiles["key"] == "actor_profiles" and profiles["provisional"] is False
    assert profiles["name"] == profiles["name_fr"]
    assert len([t for t in profiles["terms"] if t["parent"] is None]) == 10
    first = profiles["terms"][0]
    assert set(first) == {
        "key",
        "label",
        "label_fr",
        "label_en",
        "parent",
        "position",
        "provisional",
        "extra",
    }
    english = client_en.get("/api/v1/taxonomies").json()["results"][0]
    assert english["name"] == "Actor profiles"
    assert english["terms"][1]["label"] == "Company"


def test_api_one_taxonomy(client_fr):
    data = client_fr.get("/api/v1/taxonomies/impact_axes").json()
    assert data["key"] == "impact_axes"
    assert [t["extra"]["horizon_years"] for t in data["terms"]] == [7, 1.5, 28]
    assert data["page_url"].endswith("/taxonomies/impact_axes/")
    assert client_fr.get("/api/v1/taxonomies/maturity_levels").json()["provisional"] is True
    response = client_fr.get("/api/v1/taxonomies/nope")
    assert response.status_code == 404 and "nope" in response.json()["detail"]


def test_admin(admin_client):
    response = admin_client.get("/admin/referentials/term/?taxonomy__id__exact=1")
    assert response.status_code == 200
    taxonomy_page = admin_client.get("/admin/referentials/taxonomy/")
    assert taxonomy_page.status_code == 200 and "provisional" in taxonomy_page.content.decode()
    pk = Term.objects.get(taxonomy__key="domains", key="education").taxonomy_id
    change = admin_client.get(f"/admin/referentials/taxonomy/{pk}/change/")
    assert change.status_code == 200 and "Emploi et insertion" in change.content.decode()


def test_label_edited_in_the_admin_survives_a_rerun(admin_client):
    from django.core.management import call_command

    term = Term.objects.get(taxonomy__key="partnership_types", key="competences")
    response = admin_client.post(
        f"/admin/referentials/term/{term.pk}/change/",
        {
            "taxonomy": term.taxonomy_id,
            "key": term.key,
            "label_fr": "Mécénat de compétences (salariés)",
            "label_en": "Employee skills-based volunteering",
            "parent": term.parent_id,
            "position": term.position,
            "extra": "{}",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    call_command("populate_referentials", verbosity=0)
    term.refresh_from_db()
    assert term.label_fr == "Mécénat de compétences (salariés)"
    assert term.label_en == "Employee skills-based volunteering"
