"""Item 3: the scoring module, tested directly (no database)."""

from alliances.partners import matching
from alliances.partners.matching import Actor

LYON = (4.835, 45.758)
VILLEURBANNE = (4.880, 45.771)
MARSEILLE = (5.380, 43.297)


def actor(key: str, **fields) -> Actor:
    return Actor(key=key, **fields)


NEED = actor(
    "listing:1",
    profile="association",
    commune="69123",
    epci="200046977",
    departement="69",
    region="84",
    point=LYON,
    domains=frozenset({"emploi_insertion", "education"}),
    kind="mecenat_competences",
    reach="departement",
)


def test_complementary_profiles_score_higher():
    company = actor("organisation:2", profile="entreprise")
    other_asso = actor("organisation:3", profile="association")
    assert matching.complementarity(NEED, company) > matching.complementarity(NEED, other_asso)
    # The kind's usual answerers count as fully complementary.
    foundation = actor("organisation:4", profile="fondation")
    kinds = {"mecenat_competences": ("fondation",)}
    assert matching.complementarity(NEED, foundation, kinds) == 1.0


def test_closeness_by_territory_then_distance():
    same_commune = actor("o:1", commune="69123", departement="69", point=LYON)
    same_epci = actor("o:2", commune="69266", epci="200046977", departement="69")
    same_dep = actor("o:3", commune="69999", epci="x", departement="69")
    near = actor("o:4", departement="01", point=VILLEURBANNE)
    far = actor("o:5", departement="13", point=MARSEILLE)
    scores = [matching.closeness(NEED, c)[0] for c in (same_commune, same_epci, same_dep)]
    assert scores == sorted(scores, reverse=True) and scores[0] == 1.0
    near_score, near_why = matching.closeness(NEED, near)
    far_score, far_why = matching.closeness(NEED, far)
    assert near_why == ("distance", {"km": 4})
    assert far_why[1]["km"] > 250 and far_score < near_score < scores[2]
    assert matching.closeness(NEED, actor("o:6")) == (0.0, None)


def test_distance_km():
    assert 275 < matching.distance_km(LYON, MARSEILLE) < 285


def test_shared_domains_and_experience_raise_the_score():
    plain = actor("o:1", profile="entreprise", departement="69")
    domains = actor("o:2", profile="entreprise", departement="69", domains=frozenset({"education"}))
    experienced = actor(
        "o:3",
        profile="entreprise",
        departement="69",
        domains=frozenset({"education"}),
        alliance_count=2,
        alliance_types=frozenset({"mecenat"}),
    )
    s = [matching.score(NEED, c).score for c in (plain, domains, experienced)]
    assert s[0] < s[1] < s[2]


def test_weights_are_data():
    candidate = actor("o:1", profile="entreprise", departement="69")
    only_closeness = {"complementarity": 0, "closeness": 1, "domains": 0, "experience": 0}
    assert matching.score(NEED, candidate, only_closeness).score == matching.SAME_DEPARTEMENT
    assert abs(sum(matching.WEIGHTS.values()) - 1.0) < 1e-9


def test_reasons_are_kept_for_the_words():
    candidate = actor(
        "o:1",
        profile="entreprise",
        point=VILLEURBANNE,
        departement="01",
        domains=frozenset({"emploi_insertion"}),
        alliance_count=2,
        alliance_types=frozenset({"mecenat"}),
    )
    reasons = dict(matching.score(NEED, candidate).reasons)
    assert reasons["profile"]["profile"] == "entreprise"
    assert reasons["distance"] == {"km": 4}
    assert reasons["domains"] == {"domains": ["emploi_insertion"]}
    assert reasons["alliances"] == {"n": 2, "types": ["mecenat"]}


def test_rank_orders_hides_and_skips_the_subject():
    candidates = [
        NEED,
        actor("o:1", profile="association", departement="13"),
        actor("o:2", profile="entreprise", departement="69", domains=frozenset({"education"})),
        actor("o:3", profile="entreprise", commune="69123", departement="69"),
    ]
    ranked = [s.actor.key for s in matching.rank(NEED, candidates)]
    assert ranked[0] in {"o:2", "o:3"} and ranked[-1] == "o:1"
    assert NEED.key not in ranked
    hidden = [s.actor.key for s in matching.rank(NEED, candidates, hidden=frozenset({"o:3"}))]
    assert "o:3" not in hidden
    assert len(matching.rank(NEED, candidates, limit=1)) == 1


def test_rank_is_stable_on_ties():
    twins = [actor(f"organisation:{i}", profile="entreprise") for i in (5, 3, 9)]
    keys = [s.actor.key for s in matching.rank(NEED, twins)]
    assert keys == ["organisation:3", "organisation:5", "organisation:9"]


def test_index_narrows_by_place_and_reach():
    actors = [
        actor("o:1", departement="69", region="84"),
        actor("o:2", departement="38", region="84"),
        actor("o:3", departement="13", region="93", domains=frozenset({"education"})),
        actor("o:4", departement="13", region="93"),
    ]
    index = matching.Index(actors)
    keys = lambda subject: {a.key for a in index.candidates(subject)}  # noqa: E731
    assert keys(NEED) == {"o:1"}
    assert keys(actor("s", departement="69", region="84", reach="region")) == {"o:1", "o:2"}
    national = actor(
        "s", departement="69", region="84", reach="national", domains=frozenset({"education"})
    )
    assert keys(national) == {"o:1", "o:2", "o:3"}


def test_the_value_is_the_score_without_its_reasons():
    from alliances.partners import matching as m

    subject = m.Actor(
        key="listing:1",
        profile="association",
        departement="69",
        domains=frozenset({"a", "b"}),
        kind="financement",
        point=(4.8, 45.7),
    )
    others = [
        m.Actor(
            key="organisation:2", profile="fondation", departement="69", domains=frozenset({"a"})
        ),
        m.Actor(
            key="organisation:3",
            profile="entreprise",
            point=(2.3, 48.8),
            alliance_count=3,
            alliance_types=frozenset({"mecenat"}),
        ),
        m.Actor(key="organisation:4"),
    ]
    for other in others:
        assert m.value(subject, other) == m.score(subject, other).score
    ranked = m.rank(subject, others, limit=2)
    assert [s.actor.key for s in ranked] == [
        s.actor.key for s in sorted((m.score(subject, o) for o in others), key=lambda s: -s.score)
    ][:2]
    assert all(s.reasons for s in ranked)


def _random_actor(rng, key: str, **fields) -> Actor:
    """An actor drawn from a few places, profiles, domains and types, so that every branch of
    the scoring (commune, EPCI, département, distance, nothing) and many ties happen."""
    places = [
        ("69123", "200046977", "69", "84", LYON),
        ("69266", "200046977", "69", "84", VILLEURBANNE),
        ("13055", "200054807", "13", "93", MARSEILLE),
        ("", "", "69", "84", None),
        ("", "", "", "", None),
    ]
    commune, epci, departement, region, point = rng.choice(places)
    profiles = ["", "association", "entreprise", "fondation", "collectivite", "etat"]
    domains = ["education", "emploi_insertion", "sante", "culture"]
    types = ["mecenat", "cooperation_economique", "innovation_societale"]
    return Actor(
        key=key,
        profile=rng.choice(profiles),
        commune=commune,
        epci=epci,
        departement=departement,
        region=region,
        point=point,
        domains=frozenset(rng.sample(domains, rng.randint(0, 3))),
        alliance_types=frozenset(rng.sample(types, rng.randint(0, 2))),
        alliance_count=rng.choice([0, 0, 1, 2, 7]),
        **fields,
    )


def _rank_one_by_one(subject, candidates, limit, hidden, kind_profiles):
    # The ranking as it was before ADR 0167: every candidate valued alone, then the best.
    import heapq

    valued = (
        (matching.value(subject, c, kind_profiles=kind_profiles), c)
        for c in candidates
        if c.key != subject.key and c.key not in hidden
    )
    best = heapq.nlargest(limit, valued, key=lambda p: (p[0], matching._tie(p[1].key)))
    return [matching.score(subject, c, kind_profiles=kind_profiles) for _v, c in best]


def test_the_one_loop_ranking_gives_the_same_suggestions_and_reasons():
    import random

    from alliances.partners.kinds import KIND_PROFILES

    rng = random.Random(165)
    for run in range(40):
        kind = rng.choice(["", "mecenat_competences", "financement", "locaux"])
        subject = _random_actor(rng, f"listing:{run}", kind=kind)
        candidates = [
            _random_actor(rng, f"{rng.choice(['organisation', 'listing'])}:{i}")
            for i in range(rng.randint(0, 300))
        ]
        hidden = frozenset(c.key for c in candidates[:3])
        for limit in (1, 8, 500):
            expected = _rank_one_by_one(subject, candidates, limit, hidden, KIND_PROFILES)
            found = matching.rank(subject, candidates, limit, hidden, kind_profiles=KIND_PROFILES)
            assert [(s.actor.key, s.score, s.reasons) for s in found] == [
                (s.actor.key, s.score, s.reasons) for s in expected
            ]
        assert matching.values(subject, candidates, kind_profiles=KIND_PROFILES) == [
            matching.value(subject, c, kind_profiles=KIND_PROFILES) for c in candidates
        ]


def test_ranking_from_a_table_gives_the_same_suggestions_and_reasons():
    """ADR 0167: the columns of pool.py rank as `rank` does, rows appended included."""
    import random

    from alliances.partners.kinds import KIND_PROFILES

    rng = random.Random(1650)
    for run in range(40):
        kind = rng.choice(["", "mecenat_competences", "financement", "locaux"])
        subject = _random_actor(rng, f"listing:{run}", kind=kind)
        first = [_random_actor(rng, f"organisation:{i}") for i in range(rng.randint(0, 200))]
        second = [_random_actor(rng, f"listing:{1000 + i}") for i in range(rng.randint(0, 200))]
        table = matching.Table().extended(first)
        table = table.extended(second[:10]).extended(second[10:])
        others = matching.Table().extended(second)
        for limit in (1, 8, 500):
            expected = matching.rank(subject, first + second, limit, kind_profiles=KIND_PROFILES)
            rows = list(range(len(first) + len(second)))
            found = matching.rank_rows(subject, [(table, rows)], limit, kind_profiles=KIND_PROFILES)
            split = matching.rank_rows(
                subject,
                [(table, rows[: len(first)]), (others, list(range(len(second))))],
                limit,
                kind_profiles=KIND_PROFILES,
            )
            want = [(s.actor.key, s.score, s.reasons) for s in expected]
            assert [(s.actor.key, s.score, s.reasons) for s in found] == want
            assert [(s.actor.key, s.score, s.reasons) for s in split] == want


def test_a_table_gives_back_each_actor_it_was_given():
    """ADR 0190: the table keeps columns, not the Actors; each row makes its Actor again,
    equal in every field (keys of another form than "prefix:id" included)."""
    import random

    rng = random.Random(190)
    actors = [
        _random_actor(
            rng,
            rng.choice([f"organisation:{i}", f"listing:{i}", f"odd-{i}", "organisation:x"]),
            kind=rng.choice(["", "mecenat_competences", "locaux"]),
            reach=rng.choice(["", "local", "national"]),
        )
        for i in range(300)
    ]
    table = matching.Table().extended(actors[:120]).extended(actors[120:])
    assert len(table) == len(actors)
    assert [table.actor(row) for row in range(len(table))] == actors
