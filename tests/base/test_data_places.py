"""The stand-in territory resolver of the base (alliances.base.places), same rules as the
territories part's: most specific common territory, homonyms settled by context, no guess."""

import pytest

from alliances.base.places import resolve_place_text, scale_for, split_parts

pytestmark = pytest.mark.django_db


def test_split_parts_drops_remarks():
    assert split_parts("Villeurbanne (quartier Saint-Jean), Rhône") == ["Villeurbanne", "Rhône"]
    assert split_parts("Pipriac et Saint-Ganton, Ille-et-Vilaine") == [
        "Pipriac",
        "Saint-Ganton",
        "Ille-et-Vilaine",
    ]


@pytest.mark.parametrize(
    "text,level,code",
    [
        ("Colombelles, Calvados, Normandie", "commune", "14167"),
        ("Vienne, Nouvelle-Aquitaine", "departement", "86"),
        ("Poitiers et Châtellerault, Vienne, Nouvelle-Aquitaine", "departement", "86"),
        ("Lyon / Vaulx-en-Velin, Rhône, Auvergne-Rhône-Alpes", "epci", "200046977"),
        ("Aube, Grand Est", "departement", "10"),
        ("national", "pays", "FR"),
        ("Lille (Hauts-de-France), Nantes (Pays de la Loire)", "pays", "FR"),
    ],
)
def test_resolutions(text, level, code):
    result = resolve_place_text(text)
    assert (result.territory.level, result.territory.code) == (level, code)


def test_unresolved_part_is_reported():
    result = resolve_place_text("Nord de France, Hauts-de-France")
    assert result.unresolved == ["Nord de France"]
    assert result.territory.level == "region" and not result.complete
    nothing = resolve_place_text("Atlantide")
    assert nothing.territory is None and nothing.unresolved == ["Atlantide"]
    assert scale_for(None) == ""
