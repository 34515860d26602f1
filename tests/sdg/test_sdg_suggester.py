"""The suggester in plain Python: matching, scoring, explanations, optional similarity."""

from pathlib import Path

import pytest

from alliances.sdg_coding.lexicon import load_lexicon
from alliances.sdg_coding.semantic import SemanticScorer
from alliances.sdg_coding.suggester import AllianceText, Suggester, combine, guess_language


def lexicon(tmp_path: Path, files: dict[str, str]):  # noqa: ANN201
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return load_lexicon(tmp_path)


@pytest.fixture
def small(tmp_path):
    return lexicon(
        tmp_path,
        {
            "01.yaml": '"1.2":\n  fr: [précarité]\n  fr_context: [ménages modestes]\n',
            "07.yaml": '"7.1":\n  fr: [précarité énergétique]\n',
            "08.yaml": (
                '"8.5":\n  fr: [insertion professionnelle, chômeurs de longue durée]\n'
                "  fr_context: [emploi, embauche]\n  en: [long-term unemployed]\n"
                '"8.6":\n  fr: [emploi des jeunes]\n  fr_context: [jeunes]\n'
            ),
            "02.yaml": '"2.4":\n  fr: [produits bio]\n  fr_context: [produits locaux]\n',
        },
    )


def codes(suggester: Suggester, **text: object) -> dict[str, float]:
    return {s.code: s.score for s in suggester.suggest(AllianceText(**text))}


def test_a_wording_suggests_its_target_with_the_words_as_written(small):
    found = Suggester(small).suggest(
        AllianceText(summary="Une embauche de Chômeurs de longue durée en CDI pour tous.")
    )
    assert [s.code for s in found] == ["8.5"]
    trigger = found[0].triggers[0]
    assert (trigger.kind, trigger.field, trigger.wording) == (
        "wording",
        "summary",
        "chômeurs de longue durée",
    )
    assert trigger.matched == "Chômeurs de longue durée"  # the text's own words, not folded
    assert found[0].words() == ["Chômeurs de longue durée", "embauche"]


def test_one_other_word_may_stand_between_two_words_of_a_wording(small):
    suggester = Suggester(small)
    assert "8.5" in codes(suggester, summary="insertion sociale et professionnelle")
    assert "8.5" not in codes(suggester, summary="insertion très sociale et professionnelle")


def test_a_wording_does_not_run_across_punctuation(small):
    assert codes(Suggester(small), summary="produits, bio") == {}


def test_context_wordings_need_other_evidence(small):
    suggester = Suggester(small)
    assert codes(suggester, summary="Un emploi.") == {}
    assert codes(suggester, summary="Un emploi. Une embauche.") == {"8.5": 0.64}


def test_domains_corroborate_once_whatever_the_number_of_labels(small, tmp_path):
    suggester = Suggester(small)
    # "précarité" in the domain labels: 0.4, not enough alone...
    domain = {"fr": ("Solidarité et précarité",)}
    assert codes(suggester, summary="Pour tous.", domains=domain) == {}
    # ...but corroborates a context wording of the text (0.4): 1 - 0.6 × 0.6.
    assert codes(suggester, summary="Pour les ménages modestes.", domains=domain) == {"1.2": 0.64}
    # The same domain in two languages, or two matching labels, count once.
    two = {"fr": ("Précarité", "Grande précarité")}
    assert codes(suggester, summary="Pour tous.", domains=two) == {}


def test_the_longest_wording_hides_other_targets_inside_it(small):
    assert codes(Suggester(small), summary="lutte contre la précarité énergétique") == {"7.1": 1.0}


def test_a_shorter_wording_of_the_same_target_that_weighs_more_stays(small):
    # "produits bio" (enough alone) lies inside the context wording "produits bio et locaux".
    assert codes(Suggester(small), summary="des produits bio et locaux") == {"2.4": 1.0}


def test_wordings_of_the_text_language_only(small):
    suggester = Suggester(small)
    french = "Le projet aide les long-term unemployed de la ville et du quartier."
    english = "The project helps the long-term unemployed of the town and of the area."
    assert guess_language(french) == "fr" and guess_language(english) == "en"
    assert codes(suggester, summary=french) == {}
    assert codes(suggester, summary=english) == {"8.5": 1.0}
    assert guess_language("Long-term unemployed") == ""  # too short to tell: both languages
    assert codes(suggester, summary="Long-term unemployed") == {"8.5": 1.0}


def test_threshold_and_maximum(small):
    text = AllianceText(summary="Chômeurs de longue durée. Emploi des jeunes. Précarité.")
    assert len(Suggester(small).suggest(text)) == 3
    assert len(Suggester(small, max_suggestions=2).suggest(text)) == 2
    assert Suggester(small, threshold=1.01).suggest(text) == []
    scores = Suggester(small).scores(AllianceText(summary="un emploi"))
    assert [(s.code, s.score) for s in scores] == [("8.5", 0.4)]  # scored, not suggested


def test_the_shipped_lexicon_never_suggests_17_17():
    from alliances.sdg_coding.evaluation import ROOT

    suggester = Suggester(load_lexicon(ROOT / "alliances" / "data" / "sdg" / "phrases"))
    text = AllianceText(summary="Un partenariat public-privé avec la société civile.")
    assert all(s.goal != 17 for s in suggester.scores(text))


def test_combine_is_one_minus_the_product():
    assert combine([]) == 0
    assert combine([1.0, 0.2]) == 1.0
    assert combine([0.4, 0.4]) == pytest.approx(0.64)


class BagOfWords:
    """A stand-in embedder: counts of a few words (no model in the tests)."""

    vocabulary = ("eau", "potable", "emploi", "jeunes", "forêt")

    def embed(self, texts):  # noqa: ANN001, ANN201
        return [[t.lower().count(w) + 0.01 for w in self.vocabulary] for t in texts]


def test_similarity_to_official_texts_adds_evidence_when_an_embedder_is_given(small):
    scorer = SemanticScorer(
        BagOfWords(),
        {"6.1": "Accès à l'eau potable", "8.6": "Emploi des jeunes", "17.17": "Partenariats"},
        floor=0.5,
        ceiling=0.9,
        weight=0.6,
    )
    text = AllianceText(summary="Des fontaines d'eau potable, l'eau pour tous.")
    without = Suggester(small).suggest(text)
    with_similarity = Suggester(small, semantic=scorer, threshold=0.5).suggest(text)
    assert without == []
    assert [s.code for s in with_similarity] == ["6.1"]
    trigger = with_similarity[0].triggers[0]
    assert trigger.kind == "similarity" and trigger.wording == "Accès à l'eau potable"
    assert "potable" in trigger.matched  # the words it shares with the official text
    assert with_similarity[0].score == pytest.approx(0.6)
    assert Suggester(small, semantic=scorer).signature != Suggester(small).signature


def test_similarity_ramp_and_settings():
    scorer = SemanticScorer(BagOfWords(), {}, floor=0.8, ceiling=0.9, weight=0.5)
    assert scorer.contribution(0.79) == 0
    assert scorer.contribution(0.85) == pytest.approx(0.25)
    assert scorer.contribution(0.95) == 0.5
    with pytest.raises(ValueError):
        SemanticScorer(BagOfWords(), {}, floor=0.9, ceiling=0.8)
    with pytest.raises(ValueError):
        SemanticScorer(BagOfWords(), {}, weight=0)
    assert scorer.similarities("   ") == {}
