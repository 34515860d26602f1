"""Fixtures of the library tests.

The taxonomies come from the referentials loader (`populate_referentials`); when it is not
installed, the few terms the shipped resources use are created here, then the library is
reloaded so the resources point to them.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

DATA = Path(__file__).resolve().parents[2] / "alliances" / "data" / "library" / "ressources.jsonl"


def ensure_terms() -> None:
    from alliances.referentials.models import Taxonomy, Term

    rows = [json.loads(line) for line in DATA.read_text().splitlines() if line.strip()]
    wanted = {
        "actor_profiles": sorted({k for r in rows for k in r["audience"]} | {"media"}),
        "domains": sorted({k for r in rows for k in r["domains"]} | {"sante"}),
        "maturity_levels": ["1", "2", "3", "4"],
    }
    for key, terms in wanted.items():
        taxonomy, _ = Taxonomy.objects.get_or_create(key=key, defaults={"name_fr": key})
        for position, term in enumerate(terms):
            Term.objects.get_or_create(
                taxonomy=taxonomy,
                key=term,
                defaults={"label_fr": term.replace("_", " ").capitalize(), "position": position},
            )


@pytest.fixture(scope="session")
def library_terms(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_terms()
        call_command("load_library", verbosity=0)


@pytest.fixture
def library(db, library_terms):
    """The database with the shipped resources linked to their taxonomy terms."""
    return None
