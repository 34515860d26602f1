"""Precision and recall of the suggester: the measure itself, the hand-coded set, and a guard
against regressions on it (thresholds a little under what the suggester reaches)."""

import pytest

from alliances.sdg.source import read_sdg
from alliances.sdg_coding.evaluation import (
    ROOT,
    SHIPPED_EXAMPLES,
    evaluate,
    read_labelled,
    shipped_texts,
)
from alliances.sdg_coding.lexicon import load_lexicon
from alliances.sdg_coding.suggester import Suggester

OFFICIAL = {t.code for g in read_sdg(ROOT / "alliances" / "data" / "sdg") for t in g.targets}


def test_scores_at_target_goal_and_per_goal_level():
    expected = {"a": {"8.5", "10.2"}, "b": {"2.1"}, "c": set()}
    predicted = {"a": {"8.5", "8.6"}, "b": {"2.1", "1.2"}, "c": {"4.4"}}
    result = evaluate(predicted, expected)
    assert (result.targets.true_positives, result.targets.suggested, result.targets.expected) == (
        2,
        5,
        3,
    )
    assert result.targets.precision == pytest.approx(0.4)
    assert result.targets.recall == pytest.approx(2 / 3)
    assert result.targets.f1 == pytest.approx(0.5)
    # Goals: a -> {8, 10} vs {8}; b -> {2} vs {2, 1}; c -> {} vs {4}.
    assert (result.goals.true_positives, result.goals.suggested, result.goals.expected) == (2, 4, 3)
    assert result.per_goal[8].precision == 1.0 and result.per_goal[10].recall == 0.0
    assert result.per_goal[4].precision == 0.0 and result.examples == 3
    empty = evaluate({}, {"a": set()})
    assert empty.targets.precision == empty.targets.recall == empty.targets.f1 == 0.0


def test_the_labelled_set_codes_every_shipped_example_with_reasons():
    labelled = read_labelled()
    shipped = [line for line in SHIPPED_EXAMPLES.read_text().splitlines() if line.strip()]
    assert len(labelled) >= 60
    assert {e.id for e in labelled} == set(shipped_texts())
    assert len(labelled) == len(shipped) == len({e.id for e in labelled})
    for entry in labelled:
        for code, reason in entry.targets.items():
            assert code in OFFICIAL, (entry.id, code)
            assert code != "17.17", "17.17 applies by definition, it is not coded"
            assert len(reason.split()) >= 3, (entry.id, code)


# What the suggester reached when these thresholds were set (bench/sdg_suggester.py):
# targets P 0.715 R 0.867, goals P 0.750 R 0.894. A change of the lexicon or the rules that
# loses more than a few points fails here; improve the rule, never tune wordings to the set.
THRESHOLDS = {"targets": (0.68, 0.83), "goals": (0.72, 0.86)}


def test_precision_and_recall_on_the_labelled_set_do_not_regress():
    suggester = Suggester(load_lexicon(ROOT / "alliances" / "data" / "sdg" / "phrases", OFFICIAL))
    texts = shipped_texts()
    expected = {e.id: set(e.targets) for e in read_labelled()}
    predicted = {k: {s.code for s in suggester.suggest(texts[k])} for k in expected}
    result = evaluate(predicted, expected)
    for level, (precision, recall) in THRESHOLDS.items():
        scores = getattr(result, level)
        assert scores.precision >= precision, (level, scores)
        assert scores.recall >= recall, (level, scores)
