import pytest

from alliances.common.text import normalize_name


def _territory(level, code, name, **extra):
    from alliances.territories.models import Territory

    territory, _ = Territory.objects.get_or_create(
        level=level,
        code=code,
        defaults={"name": name, "search_name": normalize_name(name), **extra},
    )
    return territory


@pytest.fixture
def places(db):
    """Two régions and a commune in the first (created unless already loaded)."""
    from alliances.referentials.models import Taxonomy, Term

    taxonomy, _ = Taxonomy.objects.get_or_create(
        key="actor_profiles", defaults={"name_fr": "Profils"}
    )
    for position, key in enumerate(["association", "entreprise", "collectivite"]):
        Term.objects.get_or_create(
            taxonomy=taxonomy,
            key=key,
            defaults={"label_fr": key.capitalize(), "position": position},
        )
    occitanie = _territory("region", "76", "Occitanie")
    bretagne = _territory("region", "53", "Bretagne")
    for region in (occitanie, bretagne):
        if region.region_id is None:
            region.region = region
            region.save()
    toulouse = _territory("commune", "31555", "Toulouse", region=occitanie)
    return {"occitanie": occitanie, "bretagne": bretagne, "toulouse": toulouse}
