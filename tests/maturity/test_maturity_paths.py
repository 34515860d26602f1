"""Learning paths: weakest axes first, next level, profile, and why each was chosen."""

import pytest
from maturity_helpers import answer_all

from alliances.library.models import Resource
from alliances.maturity import engine, paths
from alliances.maturity.models import ReferentialVersion
from alliances.maturity.results import build_result
from alliances.referentials.models import Taxonomy, Term


def info(slug, kind, levels, audience=(), domains=()):
    return paths.ResourceInfo(
        slug, slug.title(), kind, frozenset(levels), frozenset(audience), frozenset(domains)
    )


def weak_on(ref, weak_axis, profile="association"):
    """Best answers everywhere except the worst on one axis, and middle on another."""
    answers = answer_all(ref, "best")
    answers.update(answer_all(ref, "worst", weak_axis))
    return engine.score(ref, answers, profile)


def test_path_aims_weakest_axis_at_next_level(org_ref):
    result = weak_on(org_ref, "competences")
    assert result.axis("competences").level == 1
    pool = [
        info("mooc-partenariats-qui-changent-le-monde", "competence", [1, 2], ["association"]),
        info("pba-partnership-brokers-training", "competence", [3, 4], ["association"]),
        info("formation-x", "competence", [2], []),
        info("guide-y", "methode", [2], ["association"]),
    ]
    steps = paths.learning_path(org_ref, result, "association", pool)
    # level 1 -> 2: only level-2 resources of the competences axis; named first
    assert [s.slug for s in steps] == ["mooc-partenariats-qui-changent-le-monde", "formation-x"]
    assert all(s.axis == "competences" and s.target_level == 2 for s in steps)
    assert steps[0].named and not steps[1].named


def test_path_respects_audience(org_ref):
    result = weak_on(org_ref, "competences", "entreprise")
    pool = [
        info("mooc-nouveaux-modeles-economiques-associations", "competence", [2], ["association"])
    ]
    assert paths.learning_path(org_ref, result, "entreprise", pool) == []
    assert paths.learning_path(org_ref, result, "association", pool)


def test_weakest_first_no_repeats_and_top_axes_skipped(org_ref):
    answers = answer_all(org_ref, "best")
    answers.update(answer_all(org_ref, "worst", "culture"))  # level 1
    answers.update(answer_all(org_ref, "middle", "territoire"))  # level 2 or 3
    result = engine.score(org_ref, answers, "association")
    assert result.axis("culture").score < result.axis("territoire").score < 100
    shared = info("shared", "exemple", [1, 2, 3, 4], [])
    pool = [shared, info("data-z", "donnee", [1, 2, 3, 4], [])]
    steps = paths.learning_path(org_ref, result, "association", pool)
    assert steps[0].axis == "culture" and steps[0].slug == "shared"
    assert [s.slug for s in steps].count("shared") == 1
    assert {s.axis for s in steps} <= {"culture", "territoire"}  # level-4 axes have no step
    territory_step = next(s for s in steps if s.axis == "territoire")
    assert territory_step.target_level == result.axis("territoire").level + 1


def test_all_level_4_gives_empty_path(org_ref):
    result = engine.score(org_ref, answer_all(org_ref, "best"), "association")
    pool = [info("x", "methode", [1, 2, 3, 4], [])]
    assert paths.learning_path(org_ref, result, "association", pool) == []


@pytest.mark.django_db
def test_path_from_library_with_why():
    taxonomy, _ = Taxonomy.objects.get_or_create(
        key="actor_profiles", defaults={"name_fr": "Profils"}
    )
    association, _ = Term.objects.get_or_create(
        taxonomy=taxonomy, key="association", defaults={"label_fr": "Association"}
    )
    Resource.objects.update_or_create(
        slug="mooc-partenariats-qui-changent-le-monde",
        defaults={
            "kind": "competence",
            "title": "MOOC « Les partenariats qui changent le monde »",
            "summary_fr": "Formation en ligne.",
            "publisher": "Le RAMEAU",
            "format": "training",
            "url": "https://example.org/mooc",
            "level_1": True,
            "level_2": True,
            "level_3": False,
            "level_4": False,
            "status": "published",
            "obsolete": False,
        },
    )
    resource = Resource.objects.get(slug="mooc-partenariats-qui-changent-le-monde")
    resource.audience.set([association])
    version = ReferentialVersion.objects.get(key="organisation", active=True)
    ref = version.referential
    answers = answer_all(ref, "best")
    answers.update(answer_all(ref, "worst", "competences"))
    view = build_result(version, answers, "association")
    first = view.path[0]
    assert first.resource == resource
    assert first.axis == "competences" and first.target_level == 2
    assert "Compétences" in first.why and "niveau 1 (Découverte)" in first.why
    assert "niveau 2 (Expérimentation)" in first.why
