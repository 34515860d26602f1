"""Articles and elision before place names (pure rules, then the data file and filters)."""

import csv

import pytest
from django.template import Context, Template
from django.utils import translation

from alliances.territories.grammar import (
    ARTICLES_FILE,
    PlaceGrammar,
    grammar_of,
    in_place,
    in_place_fr,
    of_place,
    of_place_fr,
)


@pytest.mark.parametrize(
    ("level", "code", "name", "of", "in_"),
    [
        ("region", "76", "Occitanie", "de l'Occitanie", "en Occitanie"),
        ("region", "32", "Hauts-de-France", "des Hauts-de-France", "dans les Hauts-de-France"),
        ("region", "44", "Grand Est", "du Grand Est", "dans le Grand Est"),
        ("region", "04", "La Réunion", "de La Réunion", "à La Réunion"),
        ("region", "93", "Provence-Alpes-Côte d'Azur", "de Provence-Alpes-Côte d'Azur",
         "en Provence-Alpes-Côte d'Azur"),
        ("departement", "59", "Nord", "du Nord", "dans le Nord"),
        ("departement", "12", "Aveyron", "de l'Aveyron", "dans l'Aveyron"),
        ("departement", "32", "Gers", "du Gers", "dans le Gers"),
        ("departement", "40", "Landes", "des Landes", "dans les Landes"),
        ("departement", "33", "Gironde", "de la Gironde", "dans la Gironde"),
        ("departement", "75", "Paris", "de Paris", "à Paris"),
        ("departement", "976", "Mayotte", "de Mayotte", "à Mayotte"),
        ("commune", "32013", "Auch", "d'Auch", "à Auch"),
        ("commune", "12202", "Rodez", "de Rodez", "à Rodez"),
        ("commune", "76351", "Le Havre", "du Havre", "au Havre"),
        ("commune", "85194", "Les Sables-d'Olonne", "des Sables-d'Olonne", "aux Sables-d'Olonne"),
        ("commune", "17300", "La Rochelle", "de La Rochelle", "à La Rochelle"),
        ("pays", "FR", "France", "de la France", "en France"),
    ],
)  # fmt: skip
def test_french_articles_and_elision(level, code, name, of, in_):
    assert of_place(level, code, name) == of
    assert in_place(level, code, name) == in_


def test_english_needs_no_article():
    assert of_place("region", "76", "Occitanie", "en") == "of Occitanie"
    assert in_place("departement", "59", "Nord", "en") == "in Nord"


def test_an_epci_named_after_its_legal_form_takes_la():
    assert grammar_of("epci", "200000000", "Communauté de communes du Ségala") == PlaceGrammar(
        "la", "dans"
    )
    assert of_place_fr("CC du Pays Rignacois", PlaceGrammar("la", "dans")) == (
        "de la CC du Pays Rignacois"
    )
    assert in_place_fr("Hyères") == "à Hyères"


def test_every_region_and_departement_has_its_article(db):
    from alliances.territories.models import Territory

    with ARTICLES_FILE.open(encoding="utf-8") as handle:
        rows = {(r["level"], r["code"]): r for r in csv.DictReader(handle)}
    assert all(r["article"] in {"", "le", "la", "les", "l'"} for r in rows.values())
    assert all(r["locative"] in {"en", "dans", "à"} for r in rows.values())
    for level in ("region", "departement"):
        codes = Territory.objects.filter(level=level, obsolete=False).values_list("code", flat=True)
        assert {c for c in codes} <= {c for (lv, c) in rows if lv == level}, level


def test_template_filters_follow_the_language():
    template = Template(
        "{% load places %}{% autoescape off %}{{ place|of_place }} / {{ place|in_place }}"
        "{% endautoescape %}"
    )
    place = {"level": "region", "code": "76", "name": "Occitanie"}
    with translation.override("fr"):
        assert template.render(Context({"place": place})) == "de l'Occitanie / en Occitanie"
    with translation.override("en"):
        assert template.render(Context({"place": place})) == "of Occitanie / in Occitanie"
