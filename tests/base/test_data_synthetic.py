"""Synthetic alliances: labelled, published, 2-8 partners, real taxonomies."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from alliances.base.models import Alliance

pytestmark = pytest.mark.django_db


def test_generate_synthetic_alliances():
    out = io.StringIO()
    call_command("generate_synthetic_alliances", "60", "--seed", "7", "--no-index", stdout=out)
    assert "60 alliances synthétiques" in out.getvalue()
    made = Alliance.objects.filter(synthetic=True)
    assert made.count() == 60
    assert not made.exclude(status="published").exists()
    assert made.filter(origin__startswith="synthetic:7:").count() == 60
    partners = made.annotate(n=Count("partners")).values_list("n", flat=True)
    assert min(partners) >= 2 and max(partners) <= 8
    assert all(a.domains.exists() and a.territory_id for a in made[:10])
    assert all(2000 <= a.start_year <= 2025 for a in made)
    assert all(o.synthetic for a in made[:5] for o in [p.organisation for p in a.partners.all()])
    # The shipped examples are untouched and never synthetic.
    assert not Alliance.objects.filter(origin__startswith="alliances_reelles:", synthetic=True)
