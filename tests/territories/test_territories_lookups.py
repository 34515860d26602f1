"""Lookups by code, name and postcode, and the resolver of free place texts."""

import json
from pathlib import Path

import pytest

from alliances.territories.lookups import (
    by_postcode,
    epci_core,
    get_territory,
    resolve_place_text,
    search,
    search_by_name,
    split_place_text,
)
from alliances.territories.models import Level

pytestmark = pytest.mark.django_db


def test_get_by_level_and_code():
    assert get_territory("departement", "2A").name == "Corse-du-Sud"
    assert get_territory("commune", "nope") is None


@pytest.mark.parametrize("text", ["besancon", "Besançon", "BESANCON", "besançon"])
def test_name_with_or_without_accents(text):
    assert search_by_name(text)[0].code == "25056"


def test_saint_abbreviation_ranks_exact_then_prefix_then_population():
    found = search_by_name("st etienne")
    assert found[0].code == "42218"
    codes = [t.code for t in found]
    assert "76575" in codes  # Saint-Étienne-du-Rouvray, a prefix match after
    assert search_by_name("Saint-Étienne")[0].code == "42218"


def test_delegated_commune_name_leads_to_current_commune():
    found = search_by_name("Loc-Eguiner-Saint-Thégonnec")
    assert found[0].level == Level.COMMUNE and found[0].code == "29266"


def test_postcode():
    assert [t.code for t in by_postcode("25000")] == ["25056"]
    assert by_postcode("abcde") == []
    assert by_postcode("75001")[0].code == "75056"  # a Paris district leads to Paris
    assert search("25000")[0].code == "25056"
    assert search("2A")[0].name == "Corse-du-Sud"


def test_epci_core_and_split():
    assert epci_core("CC de l'Ile de Ré") == "ile de re"
    assert epci_core("CC de l'Est Lyonnais (CCEL)") == "est lyonnais"
    assert split_place_text("Bordeaux (La Bastide), Gironde") == (
        ["Bordeaux", "Gironde"],
        ["La Bastide"],
    )


@pytest.mark.parametrize(
    ("text", "level", "code"),
    [
        ("L'Île-Saint-Denis, Seine-Saint-Denis, Île-de-France", "commune", "93039"),
        ("Lyon, Rhône", "commune", "69123"),
        ("national", "pays", "FR"),
        ("France", "pays", "FR"),
        ("Vienne, Nouvelle-Aquitaine", "departement", "86"),
        ("Pomerol et Bordeaux, Gironde, Nouvelle-Aquitaine", "departement", "33"),
        ("Lyon / Vaulx-en-Velin, Rhône", "epci", "200046977"),
        ("Lyon 9e (La Duchère), Rhône", "commune", "69123"),
        ("Aube, Grand Est", "departement", "10"),
        ("La Réunion", "departement", "974"),
        ("Saint-Denis, Seine-Saint-Denis", "commune", "93066"),
        ("Charenton-le-Pont et Saint-Maurice, Val-de-Marne", "departement", "94"),
        # Cases first written for the stand-in resolver of the base (ADR 0041, amended).
        ("Colombelles, Calvados, Normandie", "commune", "14167"),
        ("Poitiers et Châtellerault, Vienne, Nouvelle-Aquitaine", "departement", "86"),
        ("Lyon / Vaulx-en-Velin, Rhône, Auvergne-Rhône-Alpes", "epci", "200046977"),
        ("Lille (Hauts-de-France), Nantes (Pays de la Loire)", "pays", "FR"),
    ],
)
def test_resolver(text, level, code):
    result = resolve_place_text(text)
    assert result.complete, result.problems()
    assert (result.territory.level, result.territory.code) == (level, code)


def test_remarks_are_set_aside_and_places_joined_by_et_are_read_apart():
    assert split_place_text("Villeurbanne (quartier Saint-Jean), Rhône") == (
        ["Villeurbanne", "Rhône"],
        ["quartier Saint-Jean"],
    )
    result = resolve_place_text("Pipriac et Saint-Ganton, Ille-et-Vilaine, Bretagne")
    assert result.complete and result.territory.code == "35"
    assert [p.text for p in result.parts] == [
        "Pipriac et Saint-Ganton",
        "Ille-et-Vilaine",
        "Bretagne",
    ]
    pair = {t.name for t in result.parts[0].options[0]}
    assert pair == {"Pipriac", "Saint-Ganton"}  # "et" inside a name ("Ille-et-Vilaine") stays


def test_unresolved_part_leaves_the_territory_the_others_give():
    result = resolve_place_text("Nord de France, Hauts-de-France")
    assert result.unresolved == ["Nord de France"]
    assert result.territory.level == "region" and not result.complete


def test_resolver_reports_what_it_cannot_resolve():
    result = resolve_place_text("Alsace, Grand Est")
    assert result.territory.code == "44"
    assert result.unresolved == ["Alsace"] and not result.complete
    assert "Alsace" in result.problems()[0]
    nothing = resolve_place_text("Atlantide")
    assert nothing.territory is None and nothing.unresolved == ["Atlantide"]
    contradiction = resolve_place_text("Vienne, Bretagne")
    assert contradiction.territory.code == "53" and contradiction.unresolved == ["Vienne"]
    assert "ne se trouve pas" in contradiction.problems()[0]


def test_resolver_never_guesses_between_homonyms():
    result = resolve_place_text("Saint-Denis")
    assert result.territory is None
    assert {"93066", "97411"} <= {t.code for t in result.candidates}
    assert "ambigu" in result.problems()[0]


def test_resolver_on_every_shipped_example():
    """All 66 example texts name places of the official code (a former région or a
    historical area is written as its départements, the remark kept in parentheses)."""
    path = Path(__file__).resolve().parents[2] / "alliances/data/alliances/alliances_reelles.jsonl"
    assert path.exists(), f"the shipped examples are missing: {path}"
    texts = [json.loads(line)["territory"] for line in path.read_text().splitlines() if line]
    results = [resolve_place_text(t) for t in texts]
    assert all(r.territory is not None for r in results)
    incomplete = sorted({u for r in results for u in r.unresolved})
    assert incomplete == []
