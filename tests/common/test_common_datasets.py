"""The one reader of shipped datasets: every faulty row named by file, line and field."""

from pathlib import Path

import pytest

from alliances.common.datasets import (
    DatasetError,
    Field,
    Schema,
    examine_csv,
    examine_jsonl,
    http_url,
    integer_between,
    iso_date,
    list_of,
    objects_with,
    one_of,
    read_csv,
    read_jsonl,
)
from alliances.common.sources import is_copy_site

SCHEMA = Schema(
    (
        Field("id", required=True),
        Field("kind", required=True, checks=(one_of({"a", "b"}, "nature"),)),
        Field("year", checks=(integer_between(1900, 2100),)),
        Field("url", checks=(http_url(),)),
        Field("read_on", checks=(iso_date(),)),
        Field("items", checks=(list_of(objects_with(("name",), {"role": one_of({"x"}, "rôle")})),)),
    )
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_good_rows_are_read_with_their_line(tmp_path):
    path = write(tmp_path, "ok.jsonl", '{"id": "1", "kind": "a"}\n\n{"id": "2", "kind": "b"}\n')
    rows = read_jsonl(path, SCHEMA)
    assert [(r.line, r["id"]) for r in rows] == [(1, "1"), (3, "2")]


def test_every_problem_is_listed_not_only_the_first(tmp_path):
    path = write(
        tmp_path,
        "bad.jsonl",
        "\n".join(
            [
                '{"id": "1", "kind": "c"}',
                '{"id": "2", "kind": "a", "year": "2016"}',
                "{cassé",
                '["pas un objet"]',
                '{"kind": "a", "url": "ftp://x"}',
                '{"id": "1", "kind": "a", "read_on": "06/12/2026"}',
                '{"id": "3", "kind": "a", "items": [{"name": "n", "role": "chef"}]}',
                '{"id": "4", "kind": "", "items": [{"role": "x"}]}',
            ]
        ),
    )
    rows, problems = examine_jsonl([path], SCHEMA)
    where = [(p.line, p.field) for p in problems]
    assert where == [
        (1, "kind"),
        (2, "year"),
        (3, None),
        (4, None),
        (5, "id"),
        (5, "url"),
        (6, "read_on"),
        (6, "id"),
        (7, "items"),
        (8, "kind"),
        (8, "items"),
    ]
    text = "\n".join(str(p) for p in problems)
    assert "ligne 1, champ « kind » : nature inconnu(e) : « c » (attendu : a, b)" in text
    assert "nombre entier entre 1900 et 2100 attendu, pas « 2016 »" in text
    assert "JSON invalide (colonne 2)" in text  # never the parser's English message
    assert "identifiant en double : « 1 » (déjà en ligne 1)" in text
    assert "élément 1 : « role » : rôle inconnu(e) : « chef »" in text
    assert "élément 1 : clé(s) manquante(s) : name" in text
    assert "ligne 8, champ « kind » : valeur obligatoire vide" in text
    assert len(rows) == 6  # the two unreadable lines are not rows


def test_read_refuses_the_file_with_all_its_problems(tmp_path):
    path = write(tmp_path, "bad.jsonl", '{"id": "1"}\n{"id": "2", "kind": "z"}\n')
    with pytest.raises(DatasetError) as error:
        read_jsonl(path, SCHEMA)
    assert error.value.line == 1  # the first one, for callers that show one place
    assert str(error.value).startswith("2 problèmes :")


def test_a_missing_file_and_a_wrong_encoding_are_named(tmp_path):
    with pytest.raises(DatasetError, match="fichier introuvable"):
        read_jsonl(tmp_path / "absent.jsonl", SCHEMA)
    path = tmp_path / "latin1.jsonl"
    path.write_bytes('{"id": "1", "kind": "a"}\n{"id": "é"}\n'.encode("latin-1"))
    with pytest.raises(DatasetError, match="ligne 2 : encodage invalide"):
        read_jsonl(path, SCHEMA)


def test_csv_rows_columns_and_lines(tmp_path):
    schema = Schema(
        (
            Field("id", required=True),
            Field("value", required=True, checks=(integer_between(0, 100, digits_ok=True),)),
            Field("note"),
        )
    )
    path = write(
        tmp_path,
        "data.csv",
        '\ufeffid,value,note\na,12,"sur\ndeux lignes"\nb,101,\nc,5\na,7,\n',
    )
    rows, problems = examine_csv(path, schema)
    assert [(r.line, r["id"], r["value"]) for r in rows] == [
        (2, "a", "12"),
        (4, "b", "101"),
        (6, "a", "7"),
    ]
    assert [(p.line, p.field) for p in problems] == [(4, "value"), (5, None), (6, "id")]
    assert "2 colonnes au lieu de 3" in str(problems[1])
    missing = write(tmp_path, "header.csv", "id,note\nx,\n")
    with pytest.raises(DatasetError, match="ligne 1 : colonne\\(s\\) manquante\\(s\\) : value"):
        read_csv(missing, schema)


@pytest.mark.parametrize(
    ("url", "copy"),
    [
        ("https://docplayer.fr/9425152", True),
        ("http://docplayer.fr/9425152-Etude.html", True),
        ("https://dokumen.tips/documents/x.html", True),
        ("https://pdfslide.fr/documents/x.html", True),
        ("https://docslib.org/doc/211563/x", True),
        ("https://fr.readkong.com/page/x", True),
        ("https://fr.slideshare.net/x", True),
        ("https://www.lerameau.fr/le-programme-impact/", False),
        ("https://associations.gouv.fr/x.html", False),
        ("https://notdocplayer.fr/x", False),
    ],
)
def test_copy_sites_are_recognised(url, copy):
    assert is_copy_site(url) is copy
