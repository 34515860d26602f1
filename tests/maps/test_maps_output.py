"""The map in the two places it is shown: an HTML page (Django template) and a PDF."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.template import Context, Engine

from alliances.maps import choropleth, figure_html

TEMPLATES = Path(__file__).resolve().parents[2] / "alliances" / "maps" / "templates"


@pytest.fixture
def sample():
    return choropleth(
        "region",
        {"53": 12.5, "11": 30.0, "84": 20.0, "76": None},
        title="Alliances par région",
        description="Nombre d'alliances rapporté à la population.",
        unit="%",
        link=lambda code: f"/territoires/region/{code}/",
    )


def test_django_template_shows_figure_and_data_table(sample):
    # The app is not required in INSTALLED_APPS for this test: an engine on its folder.
    engine = Engine(dirs=[str(TEMPLATES)], libraries={"i18n": "django.templatetags.i18n"})
    html = engine.get_template("maps/figure.html").render(Context({"map": sample}))
    assert "<figure" in html and "<svg" in html and "<details" in html
    assert '<th scope="col">Territoire</th>' in html
    assert '<a href="/territoires/region/53/">Bretagne</a>' in html
    assert "12,5\u202f%" in html
    assert html.count("<tr>") == 1 + 18


def test_weasyprint_renders_the_map_into_a_pdf(sample, tmp_path):
    weasyprint = pytest.importorskip("weasyprint")
    zoom = choropleth("departement", {"29": 3.0}, title="Bretagne", subset={"22", "29", "35", "56"})
    page = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Carte</title>'
        "<style>svg{max-width:100%;height:auto}</style></head><body>"
        f"{figure_html(sample)}{figure_html(zoom)}</body></html>"
    )
    target = tmp_path / "map.pdf"
    weasyprint.HTML(string=page).write_pdf(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 5_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
        ).stdout
        # legend and inset labels are real text in the PDF, not outlines
        assert "pas de donnée" in text
        assert "Guadeloupe" in text
