"""The suggester's lexicon: the shipped files load, and every problem names file and line."""

from pathlib import Path

import pytest

from alliances.common.errors import DataFileError
from alliances.sdg.source import read_sdg
from alliances.sdg_coding.evaluation import ROOT
from alliances.sdg_coding.lexicon import content_forms, load_lexicon, same_word, word_form

PHRASES = ROOT / "alliances" / "data" / "sdg" / "phrases"
OFFICIAL = {t.code for g in read_sdg(ROOT / "alliances" / "data" / "sdg") for t in g.targets}


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_lexicon_loads_against_the_official_targets():
    lexicon = load_lexicon(PHRASES, OFFICIAL)
    assert len(lexicon.wordings) > 1000
    assert lexicon.codes() <= OFFICIAL
    assert "17.17" not in lexicon.codes()
    # Every goal but 17 has wordings, in both languages.
    assert {int(c.split(".")[0]) for c in lexicon.codes()} == set(range(1, 17))
    assert {w.language for w in lexicon.wordings} == {"fr", "en"}
    assert len(lexicon.version) == 16


def test_version_follows_the_files(tmp_path):
    write(tmp_path, "08.yaml", '"8.5":\n  fr: [insertion]\n')
    first = load_lexicon(tmp_path).version
    write(tmp_path, "08.yaml", '"8.5":\n  fr: [insertion, retour à l\'emploi]\n')
    assert load_lexicon(tmp_path).version != first


@pytest.mark.parametrize(
    ("name", "text", "message", "line"),
    [
        ("08.yaml", '"8.5":\n  fr: [insertion]\n"8.5x":\n  fr: [a b]\n', "n'est pas un code", 3),
        ("08.yaml", '"4.4":\n  fr: [formation]\n', "n'est pas de l'ODD 8", 1),
        ("17.yaml", '"17.17":\n  fr: [partenariat]\n', "par définition", 1),
        ("08.yaml", '"8.99":\n  fr: [emploi]\n', "n'existe pas", 1),
        ("08.yaml", '"8.5":\n  fr: [emploi, emplois]\n', "répète « emploi »", 2),
        ("08.yaml", '"8.5":\n  de: [Arbeit]\n', "liste « de » inconnue", 2),
        ("08.yaml", '"8.5":\n  fr: [de la]\n', "formulation vide", 2),
        ("08.yaml", '"8.5":\n  fr: insertion\n', "une liste est attendue", 2),
        ("08.yaml", '"8.5":\n  fr: [insertion\n', "YAML invalide", None),
        ("8.yaml", '"8.5":\n  fr: [insertion]\n', "NN.yaml", None),
        ("08.yaml", '"8.5":\n  fr: [emploi]\n"8.5":\n  fr: [travail]\n', "apparaît deux fois", 3),
    ],
)
def test_a_bad_file_is_named_with_its_line(tmp_path, name, text, message, line):
    path = write(tmp_path, name, text)
    with pytest.raises(DataFileError) as error:
        load_lexicon(tmp_path, OFFICIAL)
    assert message in str(error.value)
    assert error.value.path == str(path)
    if line is not None:
        assert error.value.line == line


def test_missing_folder_or_empty_folder(tmp_path):
    with pytest.raises(DataFileError, match="introuvable"):
        load_lexicon(tmp_path / "nope")
    with pytest.raises(DataFileError, match="aucun fichier"):
        load_lexicon(tmp_path)


def test_words_match_across_accents_plurals_and_families():
    def same(a: str, b: str) -> bool:
        return same_word(word_form(a), word_form(b))

    assert same("précarité", "precarite")
    assert same("emplois", "emploi")  # Snowball leaves "emplois" alone: the plural rule
    assert same("répare", "réparation")
    assert same("isolés", "isolement")
    # A root word is not the stem of a much longer one.
    assert not same("environ", "environnement")
    assert not same("emploi", "logement")


def test_small_words_are_not_content():
    assert [f.folded for f in content_forms("l'accès à l'emploi des jeunes")] == [
        "acces",
        "emploi",
        "jeunes",
    ]
