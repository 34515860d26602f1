"""The query helpers other parts use."""

import pytest

from alliances.referentials.lookups import labels, term, terms
from alliances.referentials.models import Term

pytestmark = pytest.mark.django_db


def test_terms_are_live_and_ordered():
    keys = list(terms("maturity_levels").values_list("key", flat=True))
    assert keys == ["1", "2", "3", "4"]
    profiles = list(terms("actor_profiles"))
    assert len(profiles) == 17 and profiles[0].key == "association"
    assert len(terms("actor_profiles", top_level=True)) == 10
    Term.objects.filter(taxonomy__key="domains", key="sport").update(obsolete=True)
    assert "sport" not in set(terms("domains").values_list("key", flat=True))


def test_term_by_key():
    assert term("partnership_types", "mecenat").label_fr == "Mécénat"
    assert term("maturity_levels", 2).label_fr == "Expérimentation"
    assert term("domains", "nope") is None
    assert term("nope", "education") is None


def test_labels_follow_the_language():
    from django.utils import translation

    with translation.override("en"):
        assert labels("impact_axes")["confiance"] == "Trust"
    with translation.override("fr"):
        assert labels("impact_axes")["confiance"] == "Confiance"
