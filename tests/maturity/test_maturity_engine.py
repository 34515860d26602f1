"""The scoring engine, without a database."""

import ast
from pathlib import Path

import pytest
from maturity_helpers import answer_all

from alliances.maturity import engine


def test_engine_imports_no_django():
    source = Path(engine.__file__).read_text()
    modules = {
        alias.name if isinstance(node, ast.Import) else node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in (node.names if isinstance(node, ast.Import) else [node])
    }
    assert not any(m and m.startswith("django") for m in modules)


@pytest.mark.parametrize("name", ["org_ref", "terr_ref"])
def test_shipped_referentials_are_valid_and_answerable(name, request):
    ref = request.getfixturevalue(name)
    assert len(ref.axes) == 5
    assert [lv.key for lv in ref.levels] == [1, 2, 3, 4]
    assert [lv.label_fr for lv in ref.levels] == [
        "Découverte",
        "Expérimentation",
        "Structuration",
        "Transformation",
    ]
    for axis in ref.axes:
        assert 6 <= len(ref.questions_of(axis.key)) <= 10, axis.key
        assert axis.learning.kinds or axis.learning.resources
    for q in ref.questions:
        assert q.text_en, q.key  # every question is translated
        for option in q.options:
            assert option.label_en and option.label_fr, (q.key, option.key)
    # ~10 minutes: at most 35 questions for any single profile
    for profile in engine.ACTOR_PROFILES:
        assert sum(1 for q in ref.questions if q.applies_to(profile)) <= 35


def test_shipped_resources_named_by_axes_exist_in_library_data(org_ref, terr_ref):
    import json

    library = Path(engine.__file__).resolve().parents[1] / "data" / "library"
    files = list(library.glob("*.jsonl"))
    assert files, f"the library data is missing from {library}"
    slugs = {json.loads(line)["id"] for f in files for line in f.read_text().splitlines() if line}
    for ref in (org_ref, terr_ref):
        for axis in ref.axes:
            missing = set(axis.learning.resources) - slugs
            assert not missing, (ref.key, axis.key, missing)


def test_best_and_worst_answers_give_level_4_and_1(org_ref):
    best = engine.score(org_ref, answer_all(org_ref, "best"), "association")
    assert best.score == 100
    assert best.level == 4
    assert all(a.score == 100 and a.level == 4 for a in best.axes)
    worst = engine.score(org_ref, answer_all(org_ref, "worst"), "association")
    assert worst.score == 0
    assert worst.level == 1


def test_levels_follow_thresholds(minimal_raw):
    ref = engine.build(minimal_raw)
    assert engine.level_for(0, ref.thresholds) == 1
    assert engine.level_for(19.99, ref.thresholds) == 1
    assert engine.level_for(20, ref.thresholds) == 2
    assert engine.level_for(50, ref.thresholds) == 3
    assert engine.level_for(80, ref.thresholds) == 4
    # axis b has its own thresholds
    result = engine.score(ref, {"a1": "y", "a2": 3, "b1": ["n"], "b2": "p"}, "association")
    b = result.axis("b")
    # b1: 2/3 of weight 1, b2: 0 -> 33.33, level 2 with thresholds 10/40/90
    assert b.score == pytest.approx(33.33, abs=0.01)
    assert b.level == 2


def test_not_applicable_weight_is_redistributed_within_axis(minimal_raw):
    ref = engine.build(minimal_raw)
    # a2 (weight 2) does not apply to a company: axis a is a1 alone
    company = engine.score(ref, {"a1": "y", "a2": 0}, "entreprise")
    assert company.axis("a").score == 100
    assert company.axis("a").not_applicable == ("a2",)
    other = engine.score(ref, {"a1": "y", "a2": 0}, "association")
    assert other.axis("a").score == pytest.approx(100 / 3, abs=0.01)


def test_condition_on_earlier_answer(minimal_raw):
    ref = engine.build(minimal_raw)
    # b2 applies only when a1 == y
    off = engine.score(ref, {"a1": "x", "a2": 3, "b1": ["m", "n"], "b2": "p"}, "association")
    assert off.axis("b").not_applicable == ("b2",)
    assert off.axis("b").score == 100
    on = engine.score(ref, {"a1": "y", "a2": 3, "b1": ["m", "n"], "b2": "p"}, "association")
    assert on.axis("b").score == 50


def test_axis_with_no_applicable_question_is_left_out(minimal_raw):
    minimal_raw["questions"][0]["applies_to_profiles"] = ["etat"]
    minimal_raw["questions"][1]["applies_to_profiles"] = ["etat"]
    ref = engine.build(minimal_raw)
    result = engine.score(ref, {"b1": ["m", "n"]}, "association")
    assert result.axis("a").score is None and result.axis("a").level is None
    assert result.score == 100  # only axis b counts


def test_missing_answers_score_zero_and_are_listed(org_ref):
    result = engine.score(org_ref, {}, "association")
    assert result.score == 0
    assert "strat_portefeuille" in result.missing
    assert "strat_objectifs" not in result.missing  # multiple choice: none is an answer


@pytest.mark.parametrize(
    ("answers", "code", "question"),
    [
        ({"strat_portefeuille": "enorme"}, "unknown_option", "strat_portefeuille"),
        ({"strat_gouvernance": 9}, "out_of_range", "strat_gouvernance"),
        ({"strat_gouvernance": -1}, "out_of_range", "strat_gouvernance"),
        ({"strat_gouvernance": "beaucoup"}, "not_a_number", "strat_gouvernance"),
        ({"strat_objectifs": ["innovation", "pirate"]}, "unknown_option", "strat_objectifs"),
        ({"strat_objectifs": ["innovation", "innovation"]}, "duplicate_option", "strat_objectifs"),
        ({"strat_portefeuille": ["un"]}, "not_a_choice", "strat_portefeuille"),
        ({"question_fantome": "x"}, "unknown_question", "question_fantome"),
    ],
)
def test_tampered_answers_are_refused_naming_the_question(org_ref, answers, code, question):
    with pytest.raises(engine.AnswerError) as error:
        engine.score(org_ref, answers, "association")
    assert error.value.code == code
    assert error.value.question == question
    assert question in str(error.value)


def test_form_strings_are_accepted_for_scales(org_ref):
    assert engine.check_answer(org_ref.question("strat_gouvernance"), "2") == 2


def test_to_dict_is_json_ready(org_ref):
    import json

    data = engine.to_dict(org_ref)
    assert json.loads(json.dumps(data))["key"] == "organisation"
