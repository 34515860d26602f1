"""Verified codes, 17.17 by definition and suggestions shown apart: alliance page, goal pages,
SDG sheets, IATI export; French and English."""

import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from alliances.base.models import Alliance
from alliances.sdg.models import SdgGoal
from alliances.sdg_coding import services
from alliances.sdg_coding.models import SdgSuggestion

pytestmark = pytest.mark.django_db


def _text(response) -> str:  # noqa: ANN001
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_the_alliance_page_lists_the_three_kinds_apart(client_fr, client_en):
    page = _text(client_fr.get("/alliances/tzcld-poitiers/"))
    verified = page.index("ODD vérifiés")
    definition = page.index("ODD par définition")
    suggested = page.index("ODD suggérés")
    assert verified < definition < suggested
    assert "aucun pour l'instant" in page[verified:definition]
    assert "cible 17.17" in page[definition:suggested]
    block = page[suggested : suggested + 1500]
    assert "cible 8.5" in block and "cible 10.2" in block
    assert block.count("suggérée, non vérifiée") == 2
    assert "« quartiers prioritaires »" in block and "(domaine)" in block
    english = _text(client_en.get("/alliances/tzcld-poitiers/"))
    for words in ("Verified SDGs", "SDGs by definition", "Suggested SDGs"):
        assert words in english
    assert "suggested, not verified" in english and "by definition" in english


def test_a_confirmed_code_moves_to_the_verified_ones(client_fr, admin_user):
    services.verify(
        SdgSuggestion.objects.filter(alliance__slug="tzcld-poitiers", target__code="8.5"),
        user=admin_user,
    )
    page = _text(client_fr.get("/alliances/tzcld-poitiers/"))
    verified = page[page.index("ODD vérifiés") : page.index("ODD par définition")]
    suggested = page[page.index("ODD suggérés") :][:1500]
    assert (
        "cible 8.5" in verified
        and "?sdg=8.5" in client_fr.get("/alliances/tzcld-poitiers/").content.decode()
    )
    assert "cible 8.5" not in suggested and "cible 10.2" in suggested


def test_goal_pages_show_examples_verified_and_suggested_apart(client_fr, admin_user):
    page = _text(client_fr.get("/odd/10/"))
    assert "Codes vérifiés : 0 exemples" in page or "Code vérifié : 0 exemple" in page
    section = page[page.index("Suggérés, non vérifiés") :]
    shown = services.goal_examples(SdgGoal.objects.get(number=10)).suggested
    # One whose title reads the same escaped (no quote or ampersand).
    alliance, suggestions = next(
        (a, found) for a, found in shown if not set(a.title) & set("'\"&<>")
    )
    assert alliance.title in section
    assert 'id="cible-10.2"' in client_fr.get("/odd/10/").content.decode()
    services.verify(suggestions[:1], user=admin_user)
    page = _text(client_fr.get("/odd/10/"))
    verified = page[page.index("Code vérifié : 1 exemple") : page.index("Suggéré")]
    assert alliance.title in verified
    # The JSON twin of the page still lists the targets only.
    assert client_fr.get("/odd/10/?format=json").json()["count"] == 10


def test_goal_17_states_the_rule_by_definition(client_fr, client_en):
    published = Alliance.objects.filter(status="published").count()
    page = _text(client_fr.get("/odd/17/"))
    assert 'id="par-definition"' in client_fr.get("/odd/17/").content.decode()
    assert f"les {published} alliances publiées de la base relèvent de la cible 17.17" in page
    english = _text(client_en.get("/odd/17/"))
    assert "By definition" in english and "target 17.17" in english


def test_sdg_sheets_show_verified_suggested_and_by_definition(client_fr):
    page = _text(client_fr.get("/fiches/odd/8/"))
    section = page[page.index("Exemples de la base pour cet ODD") :]
    coding = services.sheet_coding(SdgGoal.objects.get(number=8))
    assert f"Suggérés, non vérifiés : {coding.suggested_count} exemples" in section
    first, rows = coding.suggested[0]  # the first by title
    assert first.title.replace("'", "&#x27;") in section
    assert f"cible {rows[0].target.code}" in section and "(suggérée, non vérifiée)" in section
    published = Alliance.objects.filter(status="published").count()
    sheet_17 = _text(client_fr.get("/fiches/odd/17/"))
    assert f"les {published} exemples publiés relèvent de la cible 17.17" in sheet_17
    assert "Exemples de la base pour cet ODD" not in _text(client_fr.get("/fiches/domaine/sante/"))


def test_the_iati_export_carries_17_17_and_never_a_suggestion(client_fr):
    root = ET.fromstring(client_fr.get("/donnees/registre/iati.xml").content)
    poitiers = next(
        a
        for a in root.findall("iati-activity")
        if a.findtext("iati-identifier").endswith("-tzcld-poitiers")
    )
    targets = [t.get("code") for t in poitiers.findall("tag") if t.get("vocabulary") == "3"]
    goals = [t.get("code") for t in poitiers.findall("tag") if t.get("vocabulary") == "2"]
    assert targets == ["17.17"] and goals == ["17"]  # 8.5 and 10.2 are only suggested


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_sdg_17_sheet_pdf_states_the_rule(client_fr, tmp_path):
    response = client_fr.get("/fiches/odd/17.pdf")
    assert response.status_code == 200
    pdf = tmp_path / "odd17.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    text = " ".join(text.split())
    assert "Exemples de la base pour cet ODD" in text
    assert "relèvent de la cible 17.17" in text


def test_a_goals_verified_examples_are_one_subquery_not_two_joined_by_or():
    """On PostgreSQL an OR of two IN subqueries cannot become a join: a subquery larger than
    work_mem (a goal of 1,000,000 alliances) was scanned again for every alliance, and a
    worker's warm-up building the goal's sheet ran for minutes. One IN over their union is a
    join (4.7 s for the whole sheet's query at 1,000,000)."""
    goal = SdgGoal.objects.get(number=8)
    sql = str(Alliance.objects.filter(services._verified_ids(goal)).query).upper()
    assert "UNION" in sql
    assert " OR " not in sql
