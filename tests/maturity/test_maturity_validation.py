"""Referential validation says exactly what is wrong, and where (YAML line)."""

import copy

import pytest
import yaml
from maturity_helpers import shipped_text

from alliances.maturity import engine


def problems_of(raw):
    return [p.message for p in engine.validate(raw)]


def test_minimal_is_valid(minimal_raw):
    assert engine.validate(minimal_raw) == []


def test_question_on_missing_axis(minimal_raw):
    minimal_raw["questions"][0]["axis"] = "zz"
    (problem,) = engine.validate(minimal_raw)
    assert problem.path == ("questions", 0, "axis")
    assert "axe inexistant « zz »" in problem.message


def test_thresholds_must_increase(minimal_raw):
    minimal_raw["thresholds"] = [20, 60, 50]
    (problem,) = engine.validate(minimal_raw)
    assert problem.path == ("thresholds",)
    assert "croître strictement" in problem.message


@pytest.mark.parametrize("bad", [[0, 50, 80], [20, 50, 101], [20, 50], "haut"])
def test_thresholds_within_bounds(minimal_raw, bad):
    minimal_raw["axes"][1]["thresholds"] = bad
    problems = engine.validate(minimal_raw)
    assert problems and problems[0].path[:3] == ("axes", 1, "thresholds")


def test_points_within_declared_bounds(minimal_raw):
    minimal_raw["questions"][0]["options"][1]["points"] = 7
    (problem,) = engine.validate(minimal_raw)
    assert problem.path == ("questions", 0, "options", 1, "points")
    assert "hors des bornes" in problem.message


def test_duplicate_options(minimal_raw):
    minimal_raw["questions"][0]["options"][1]["key"] = "x"
    messages = problems_of(minimal_raw)
    assert any("apparaît deux fois" in m for m in messages)


def test_duplicate_question_and_axis(minimal_raw):
    minimal_raw["questions"][1]["key"] = "a1"
    minimal_raw["axes"].append(copy.deepcopy(minimal_raw["axes"][0]))
    messages = problems_of(minimal_raw)
    assert any("question « a1 » est déclarée deux fois" in m for m in messages)
    assert any("axe « a » est déclaré deux fois" in m for m in messages)


def test_rules_name_existing_profiles_and_earlier_questions(minimal_raw):
    minimal_raw["questions"][1]["not_for_profiles"] = ["martien"]
    minimal_raw["questions"][3]["when"] = {"question": "zz", "any_of": ["y"]}
    messages = problems_of(minimal_raw)
    assert any("profil d'acteur inconnu « martien »" in m for m in messages)
    assert any("nomme « zz »" in m for m in messages)


def test_condition_must_name_an_earlier_question_and_existing_options(minimal_raw):
    minimal_raw["questions"][0]["when"] = {"question": "b2", "any_of": ["q"]}
    minimal_raw["questions"][3]["when"] = {"question": "a1", "any_of": ["nope"]}
    messages = problems_of(minimal_raw)
    assert any("nomme « b2 », qui n'est pas une question posée avant elle" in m for m in messages)
    assert any("options inconnues de « a1 » : nope" in m for m in messages)


def test_axis_without_question_and_unknown_type(minimal_raw):
    minimal_raw["axes"].append({"key": "c", "label": {"fr": "C"}})
    minimal_raw["questions"][0]["type"] = "texte"
    messages = problems_of(minimal_raw)
    assert any("l'axe « c » n'a aucune question" in m for m in messages)
    assert any("type de question inconnu 'texte'" in m for m in messages)


def test_levels_must_be_one_to_four(minimal_raw):
    minimal_raw["levels"] = minimal_raw["levels"][:3]
    assert any("exactement 1, 2, 3 et 4" in m for m in problems_of(minimal_raw))


def test_unknown_key_hints_at_unquoted_comma():
    text = shipped_text("organisation").replace(
        'label: {fr: "Un ou deux, au cas par cas"', "label: {fr: Un ou deux, au cas par cas"
    )
    with pytest.raises(engine.ReferentialError) as error:
        engine.load_text(text)
    problem = error.value.problems[0]
    assert "clé inconnue « au cas par cas »" in problem.message
    assert problem.line == _line_of(text, "fr: Un ou deux, au cas par cas")


def _line_of(text, fragment):
    return next(i for i, line in enumerate(text.splitlines(), start=1) if fragment in line)


def test_errors_carry_yaml_line_numbers():
    text = shipped_text("territoire")
    broken = text.replace(
        "axis: gouvernance\n    type: single", "axis: gouvernanse\n    type: single", 1
    )
    with pytest.raises(engine.ReferentialError) as error:
        engine.load_text(broken)
    (problem,) = error.value.problems
    assert problem.line == _line_of(broken, "axis: gouvernanse")
    assert str(problem).startswith(f"ligne {problem.line}, questions.")


def test_threshold_error_line():
    text = shipped_text("organisation").replace(
        "thresholds: [20, 50, 80]", "thresholds: [20, 80, 50]"
    )
    with pytest.raises(engine.ReferentialError) as error:
        engine.load_text(text)
    assert error.value.problems[0].line == _line_of(text, "thresholds: [20, 80, 50]")


def test_yaml_syntax_error_line():
    text = "key: x\nversion: 1\naxes: [a, b\nquestions: []\n"
    with pytest.raises(engine.ReferentialError) as error:
        engine.load_text(text)
    problem = error.value.problems[0]
    assert "YAML illisible" in problem.message
    assert problem.line is not None and problem.line >= 3


def test_json_roundtrip_keeps_integer_keys(minimal_raw):
    import json

    minimal_raw["questions"][1]["scale"]["points"] = {0: 0, 1: 1, 2: 1, 3: 3}
    minimal_raw["thresholds"] = {2: 20, 3: 50, 4: 80}
    stored = json.loads(json.dumps(minimal_raw))
    ref = engine.build(stored)
    assert ref.question("a2").points_for_scale(2) == 1
    assert ref.thresholds == (20, 50, 80)


def test_not_a_mapping():
    assert engine.validate(yaml.safe_load("- a\n- b"))[0].message.startswith("le référentiel")
