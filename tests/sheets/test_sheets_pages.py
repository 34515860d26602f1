"""Every kind of reference sheet, in both languages, with the shipped data and on an empty base."""

import subprocess
import zipfile
from html import unescape

import pytest
from django.core.management import call_command

from alliances.base.models import Alliance
from alliances.library.models import Resource
from alliances.observatory.models import Figure
from alliances.sheets import content

SAMPLES = [
    ("profil", "association", "Association"),
    ("domaine", "emploi_insertion", "mploi"),  # Emploi et insertion / Employment...
    ("region", "27", "Bourgogne-Franche-Comté"),
    ("departement", "25", "Doubs"),
    ("odd", "17", "17."),
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache, caches

    cache.clear()
    caches["sheets"].clear()


@pytest.mark.django_db
def test_index_lists_every_sheet_with_twins(client):
    page = client.get("/fiches/")
    assert page.status_code == 200
    payload = client.get("/fiches/?format=json").json()
    kinds = {}
    for row in payload["results"]:
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + 1
    assert kinds == {"profil": 10, "domaine": 16, "region": 18, "departement": 101, "odd": 17}
    api = client.get("/api/v1/sheets?kind=region").json()
    assert api["count"] == 18 and api["data_version"] == content.data_version()
    assert api["results"][0]["pdf_url"].endswith(".pdf")


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "key", "name"), SAMPLES)
@pytest.mark.parametrize(
    ("language", "heading"), [("fr", "Comment lire cette fiche"), ("en", "How to read this sheet")]
)
def test_every_kind_renders_in_both_languages(client, kind, key, name, language, heading):
    response = client.get(f"/fiches/{kind}/{key}/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert name in html and heading in html
    assert html.count("<svg") >= 1  # at least the map


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "key", "name"), SAMPLES)
def test_every_kind_renders_on_an_empty_base(client, kind, key, name):
    Alliance.objects.all().delete()
    Figure.objects.all().delete()
    Resource.objects.all().delete()
    html = unescape(client.get(f"/fiches/{kind}/{key}/").content.decode())
    assert "Pas encore d'exemple publié pour ce sujet." in html
    assert "Pas encore de chiffre d'enquête pour ce sujet." in html
    assert "Pas encore de ressource de la bibliothèque pour ce sujet." in html


@pytest.mark.django_db
def test_the_regional_sheet_shows_figures_examples_and_the_national_comparison(client):
    html = unescape(client.get("/fiches/region/27/").content.decode())
    assert "France entière" in html
    assert "Exemples à découvrir" in html
    assert "Choisi pour" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "missing"), [("fr", "Aucune fiche repères"), ("en", "No reference sheet")]
)
def test_unknown_subject_is_a_404_in_the_users_language(client, language, missing):
    for url in (
        "/fiches/region/00/",
        "/fiches/odd/18/",
        "/fiches/inconnu/x/",
        "/fiches/region/00.pdf",
    ):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 404, url
    assert missing in response.content.decode()


@pytest.mark.django_db
def test_a_sheet_is_rebuilt_when_its_data_change(client):
    before = client.get("/fiches/odd/3/").content.decode()
    version = content.data_version()
    alliance = Alliance.objects.filter(status="published").first()
    alliance.title = "Titre changé pour la fiche"
    alliance.save()
    alliance.sdg_goals.add(
        *__import__("alliances.sdg.models", fromlist=["SdgGoal"]).SdgGoal.objects.filter(number=3)
    )
    assert content.data_version() != version
    after = client.get("/fiches/odd/3/").content.decode()
    assert before != after


@pytest.mark.django_db
def test_pdf_is_valid_with_the_subjects_name(client, tmp_path):
    response = client.get("/fiches/departement/25.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    pdf = tmp_path / "fiche.pdf"
    pdf.write_bytes(response.content)
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        pytest.skip("poppler-utils not installed")
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages >= 2  # the cover, then the sheet
    assert "Doubs" in text and "Sources" in text


@pytest.mark.django_db
def test_batch_builds_a_zip_and_goes_on_after_a_failure(tmp_path, monkeypatch, capsys):
    from alliances.sheets.management.commands import build_sheets

    real = build_sheets.sheet_pdf

    def flaky(subject, *args, **kwargs):
        if subject.key == "2":
            raise RuntimeError("panne simulée")
        return real(subject, *args, **kwargs)

    monkeypatch.setattr(build_sheets, "sheet_pdf", flaky)
    output = tmp_path / "fiches.zip"
    with pytest.raises(SystemExit) as exit_info:
        call_command("build_sheets", kind="odd", limit=3, output=str(output), verbosity=0, jobs=1)
    assert exit_info.value.code == 1
    names = zipfile.ZipFile(output).namelist()
    assert names == ["fiche-odd-1-fr.pdf", "fiche-odd-3-fr.pdf"]
    captured = capsys.readouterr()
    assert "2 fiche(s) construite(s) sur 3" in captured.out
    assert "ÉCHEC odd-2 : RuntimeError: panne simulée" in captured.err


@pytest.mark.django_db
def test_a_batch_worker_renders_one_sheet_or_reports_why_not(monkeypatch):
    """What each worker process of `build_sheets --jobs N` runs (the pool itself is measured
    by bench/sheets.py: its processes cannot see the data of a test's transaction)."""
    from alliances.sheets import rendering
    from alliances.sheets.batch import build_one

    document, error = build_one("odd", "17", "fr")
    assert error == "" and document.startswith(b"%PDF")
    assert build_one("odd", "99", "fr") == (b"", "LookupError: sheet subject not found")

    def broken(subject, *args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(rendering, "sheet_pdf", broken)
    assert build_one("odd", "17", "en") == (b"", "RuntimeError: panne simulée")


@pytest.mark.django_db
def test_a_sheet_counts_what_the_search_counts():
    """The breakdowns of a sheet and the facets of the same search give the same numbers."""
    from django.utils import translation

    from alliances.base.search.executor import run_search
    from alliances.base.search.query import parse_query
    from alliances.sheets.subjects import get_subject

    with translation.override("fr"):
        built = content.build_sheet(get_subject("domaine", "emploi_insertion"))
        result = run_search(parse_query({"domain": "emploi_insertion"})[0])
    assert built["total"] == result.count > 0
    by_title = {chart.title: chart for chart in built["charts"]}
    profiles = {row["label"]: row["count"] for row in by_title["Par profil des partenaires"].rows}
    assert profiles == {v.label: v.count for v in result.facets["profile"] if v.count}
    types = {row["label"]: row["count"] for row in by_title["Par type de partenariat"].rows}
    assert types == {v.label: v.count for v in result.facets["type"] if v.count}
    catalysts = {v.value: v.count for v in result.facets["kind"]}.get("catalyst", 0)
    assert built["catalysts"] == catalysts
