"""Anonymous aggregates: consent only, levels only, small cells suppressed."""

import pytest

from alliances.maturity import aggregates
from alliances.maturity.models import Diagnosis, ReferentialVersion

pytestmark = pytest.mark.django_db


def make(version, profile, level, n, consent=True, completed=True, territory=None):
    for _ in range(n):
        Diagnosis.objects.create(
            referential=version,
            profile=profile,
            overall_level=level if completed else None,
            completed=completed,
            consent_to_aggregate=consent,
            territory=territory,
            answers={"secret": "never shown"},
        )


@pytest.fixture
def version():
    return ReferentialVersion.objects.get(key="organisation", active=True)


def cell(rows, group, level):
    return next(r for r in rows if r["group"] == group and r["level"] == level)


def test_only_consenting_completed_diagnoses_are_counted(version):
    make(version, "association", 2, 6)
    make(version, "association", 2, 9, consent=False)
    make(version, "association", 2, 9, completed=False)
    rows = aggregates.level_distribution("organisation", "profil")
    assert cell(rows, "association", 2)["count"] == 6
    assert cell(rows, "association", 1)["count"] == 0
    assert "secret" not in str(rows) and "never shown" not in str(rows)


def test_small_cells_are_suppressed(version):
    make(version, "entreprise", 3, 5)
    make(version, "entreprise", 4, 4)
    rows = aggregates.level_distribution("organisation", "profil")
    assert cell(rows, "entreprise", 3) == {
        "group": "entreprise",
        "group_label": cell(rows, "entreprise", 3)["group_label"],
        "level": 3,
        "level_label": "Structuration",
        "count": 5,
        "suppressed": False,
    }
    small = cell(rows, "entreprise", 4)
    assert small["count"] is None and small["suppressed"] is True
    assert not any("total" in key for key in small)


def test_by_region_needs_a_territory(version):
    from alliances.territories.models import Territory

    region = Territory.objects.filter(level="region").first()
    if region is None:
        region = Territory.objects.create(level="region", code="99", name="Région test")
        region.region = region
        region.save()
    make(version, "association", 1, 5, territory=region)
    make(version, "association", 1, 7)  # no territory: not in the regional view
    rows = aggregates.level_distribution("organisation", "region")
    assert cell(rows, region.code, 1)["count"] == 5
    assert cell(rows, region.code, 1)["group_label"] == region.name
    assert len({r["group"] for r in rows}) == 1


def test_statistics_page_and_twins(client_fr, client_en, version):
    make(version, "association", 2, 5)
    make(version, "fondation", 1, 2)
    page = client_fr.get("/diagnostic/statistiques/?referentiel=organisation&par=profil")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "moins de 5" in html and "<caption>" in html
    data = client_fr.get("/diagnostic/statistiques/?referentiel=organisation&format=json").json()
    assert data["count"] == 8
    fondation = [r for r in data["results"] if r["group"] == "fondation" and r["level"] == 1]
    assert fondation[0]["count"] is None and fondation[0]["suppressed"] is True
    csv = client_fr.get("/diagnostic/statistiques/?referentiel=organisation&format=csv")
    assert csv["Content-Type"].startswith("text/csv") and "suppressed" in csv.content.decode()
    assert "fewer than 5" in client_en.get("/diagnostic/statistiques/").content.decode()


def test_statistics_unknown_referential(client_fr):
    assert client_fr.get("/diagnostic/statistiques/?referentiel=zz").status_code == 404
