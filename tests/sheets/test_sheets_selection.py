from alliances.sheets.selection import Candidate, score, select_examples


def c(id, *, results=False, year=None, profiles=(), place=None, kind="alliance"):
    return Candidate(id, f"Exemple {id}", kind, results, year, frozenset(profiles), place)


def test_score_adds_results_recency_and_partner_diversity():
    points, reasons = score(c(1, results=True, year=2020, profiles="abcde"), current_year=2026)
    assert points == 3 + 2 + 2  # diversity capped at four profiles
    assert reasons == ("results", "recent", "diverse")
    assert score(c(2, year=2010, profiles="a"), current_year=2026) == (0.5, ())


def test_recent_means_less_than_ten_years_ago():
    """Issue 15 item 9: started in 2016, an example is ten years old in 2026, not "less"."""
    assert "recent" not in score(c(1, year=2016), current_year=2026)[1]
    assert "recent" in score(c(2, year=2017), current_year=2026)[1]
    assert "recent" in score(c(3, year=2026), current_year=2026)[1]


def test_documented_recent_examples_come_first():
    picks = select_examples(
        [c(1, year=2005), c(2, results=True, year=2022, place="25"), c(3, results=True)], 2026
    )
    assert [p.candidate.id for p in picks] == [2, 3, 1]


def test_places_are_diversified_while_other_places_remain():
    candidates = [
        c(1, results=True, year=2024, place="25"),
        c(2, results=True, year=2023, place="25"),
        c(3, year=2022, place="69"),
    ]
    picks = select_examples(candidates, 2026, limit=2)
    assert [p.candidate.id for p in picks] == [1, 3]


def test_a_catalyst_is_kept_when_the_subject_has_one():
    candidates = [c(i, results=True, year=2024, place=str(i)) for i in range(1, 5)]
    candidates.append(c(9, kind="catalyst", place="9"))
    picks = select_examples(candidates, 2026, limit=3)
    assert len(picks) == 3
    assert picks[-1].candidate.id == 9


def test_empty_subject_selects_nothing():
    assert select_examples([], 2026) == []
