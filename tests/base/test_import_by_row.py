"""Imports by row, always (issue 19): a broken record is an error of its row, named by line
and field in the user's language; the good rows around it are never lost; the rejects file
imports once fixed; places and results are read as people write them; limits hold."""

import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation
from openpyxl import Workbook

from alliances.base.importing import importer
from alliances.base.importing.readers import ReadError, read_table
from alliances.base.models import Alliance, ChangeRecord, Organisation, Partner, Result, Source
from alliances.common.tables import Limits
from alliances.territories.models import Territory

pytestmark = pytest.mark.django_db


def counts():
    return tuple(
        m.objects.count() for m in (Alliance, Organisation, Partner, Result, Source, ChangeRecord)
    )


def jsonl(*records: object) -> bytes:
    return "".join(
        (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records
    ).encode()


GOOD_A = {"title": "Épicerie solidaire des Tilleuls", "kind": "alliance", "territory": "25056"}
GOOD_B = {"title": "Atelier vélo du Marais", "kind": "alliance", "territory": "Paris 11e"}
BROKEN = '{"title": "Ressourcerie du plateau", "kind": "alli'
NO_TITLE = {"kind": "alliance", "summary": "Sans titre"}


def problems(report):
    return {(p.row, p.column): p.message for p in report.problems}


def test_a_broken_json_line_is_an_error_of_its_line_only():
    table = read_table(jsonl(GOOD_A, BROKEN, NO_TITLE, GOOD_B), "lot.jsonl")
    before = counts()
    report = importer.run(table, dry_run=True)
    found = problems(report)
    assert counts() == before
    assert sorted(row for row, _column in found) == [2, 3]
    assert "JSON invalide à la colonne" in found[(2, "")]
    assert "non refermé" in found[(2, "")]
    assert "Unterminated" not in found[(2, "")]  # never the library's own words
    # A record without the key is refused like an empty title (it was published, empty).
    assert "champ obligatoire absent" in found[(3, "title")]
    assert len(report.valid) == 2


def test_all_or_nothing_writes_nothing_and_keep_valid_writes_every_good_row(tmp_path):
    data = jsonl(GOOD_A, BROKEN, NO_TITLE, GOOD_B)
    before = counts()
    report = importer.run(read_table(data, "lot.jsonl"))
    assert not report.written and counts() == before

    report = importer.run(read_table(data, "lot.jsonl"), keep_valid=True)
    assert report.written and report.created == 2
    assert Alliance.objects.get(title=GOOD_B["title"]).territory.code == "75056"
    assert not Alliance.objects.filter(title="").exists()
    rejects = importer.rejects_bytes(report, "jsonl")
    lines = [json.loads(line) for line in rejects.decode().splitlines()]
    assert [line["error"][:8] for line in lines] == ["ligne 2,", "ligne 3,"]
    assert lines[0]["unreadable"] == BROKEN  # kept whole, to be rewritten
    # Fixed, the rejects file imports (its error and unreadable fields are ignored).
    lines[0].update(title="Ressourcerie du plateau", kind="alliance")
    lines[1].update(title="Jardin sans titre")
    fixed = jsonl(*lines)
    again = importer.run(read_table(fixed, "rejets.jsonl"))
    assert again.ok and again.created == 2, again.problems


def test_command_keep_valid_writes_rejects_for_a_broken_csv(tmp_path):
    path = tmp_path / "lot.csv"
    path.write_text(
        "title;kind;territory\n"
        "Ferme des Possibles;alliance;Besançon\n"
        'Coopérative "du Lac;alliance;25056\n'  # a quote inside a field: read as text
        '"Recyclerie;alliance;25056\n'  # an unterminated quote
        "Cantine partagée;alliance;25056\n"
        "Court;alliance\n"
        "Long;alliance;25056;en trop\n",
        encoding="utf-8",
    )
    rejects = tmp_path / "rejets.csv"
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "import_alliances",
        str(path),
        "--keep-valid",
        "--rejects",
        str(rejects),
        stdout=out,
        stderr=err,
    )
    titles = set(Alliance.objects.values_list("title", flat=True))
    assert {"Ferme des Possibles", 'Coopérative "du Lac', "Cantine partagée"} <= titles
    assert not {"Court", "Long", "Recyclerie"} & titles
    messages = err.getvalue()
    assert "ligne 4, colonne - : ligne illisible : un guillemet ouvert" in messages
    assert "ligne 6, colonne - : ligne trop courte : 2 valeur(s) pour 3 colonnes" in messages
    assert "ligne 7, colonne - : ligne trop longue" in messages and "en trop" in messages
    text = rejects.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "title;kind;territory;unreadable;error"
    assert len(text.splitlines()) == 4


def test_short_and_long_rows_are_errors_not_truncated_drafts():
    text = "title;kind;summary;territory\nCoupée;alliance\nTrop;alliance;;25056;x;y\n"
    report = importer.run(read_table(text.encode(), "f.csv"), keep_valid=True)
    assert not report.written and len(report.rejected) == 2
    assert not Alliance.objects.filter(title__in=["Coupée", "Trop"]).exists()


def test_trailing_empty_separators_are_no_long_row():
    text = "title;kind\nSéparateurs en fin;alliance;;\n"
    assert importer.validate(read_table(text.encode(), "f.csv")).ok


def test_required_fields_whatever_the_way_they_are_missing():
    found = problems(importer.validate(read_table(b"title;summary\nA;x\n", "f.csv")))
    assert found[(2, "kind")] == "colonne obligatoire absente"
    found = problems(importer.validate(read_table(b"title;kind\n  ;alliance\n", "f.csv")))
    assert found[(2, "title")] == "valeur obligatoire manquante"


def test_free_text_results_stay_text():
    data = jsonl(
        {
            "title": "Repair café de Belleville",
            "kind": "alliance",
            "results": [
                "Bilan : 2 000 objets réparés en 2023 grâce aux bénévoles",
                "Objets réparés: 2 000 objets (2023)",
                "Rien de chiffré",
            ],
        }
    )
    report = importer.run(read_table(data, "f.jsonl"))
    assert report.ok, report.problems
    alliance = Alliance.objects.get(title="Repair café de Belleville")
    structured = list(alliance.results.values_list("label", "unit", "year"))
    assert structured == [("Objets réparés", "objets", 2023)]
    assert "grâce aux bénévoles" in alliance.results_text
    assert "Rien de chiffré" in alliance.results_text


@pytest.mark.parametrize(
    ("text", "level", "code"),
    [
        ("Besançon", "commune", "25056"),
        ("Lyon 3e arrondissement", "commune", "69123"),
        ("Paris 11e", "commune", "75056"),
        ("75111", "commune", "75056"),  # an arrondissement's code leads to its commune
        ("Lyon, Rhône", "commune", "69123"),
        ("Métropole de Lyon", "epci", "200046977"),
        ("national", "pays", "FR"),
        ("departement:25", "departement", "25"),
    ],
)
def test_places_as_people_write_them(text, level, code):
    data = jsonl({"title": f"Lieu {text}", "kind": "alliance", "territory": text})
    report = importer.run(read_table(data, "f.jsonl"))
    assert report.ok, report.problems
    territory = Alliance.objects.get(title=f"Lieu {text}").territory
    assert (territory.level, territory.code) == (level, code)


def test_ambiguous_places_are_row_errors_with_candidates():
    data = jsonl(
        {"title": "Homonyme", "kind": "alliance", "territory": "Saint-Denis"},
        {"title": "Deux villes", "kind": "alliance", "territory": "Paris et Marseille"},
        {"title": "Inconnu", "kind": "alliance", "territory": "Nulle-Part-sur-Mer"},
        {"title": "Précisé", "kind": "alliance", "territory": "Saint-Denis, Seine-Saint-Denis"},
    )
    report = importer.validate(read_table(data, "f.jsonl"))
    found = problems(report)
    assert "93066" in found[(1, "territory")] and "97411" in found[(1, "territory")]
    assert "aucun territoire connu" in found[(3, "territory")]
    # Several places are no error: the first is the main one (see test_multi_territory.py).
    assert [r.title for r in report.valid] == ["Deux villes", "Précisé"]
    saint_denis = Territory.objects.get(level="commune", code="93066")
    assert report.valid[1].territory_id == saint_denis.pk


def test_a_part_that_matches_nothing_beside_one_that_does_is_a_warning():
    data = jsonl({"title": "Réseau alsacien", "kind": "alliance", "territory": "Alsace, Bas-Rhin"})
    report = importer.run(read_table(data, "f.jsonl"))
    assert report.ok and report.created == 1
    assert "Alsace" in report.warnings[0].message
    assert Alliance.objects.get(title="Réseau alsacien").territory.code == "67"


def test_encodings_and_line_endings():
    text = "title;kind;summary\rCœur de ville;alliance;été\rDeuxième;alliance;x\r"
    for data in (text.encode("cp1252"), text.encode("utf-16"), text.encode("utf-8-sig")):
        table = read_table(data, "f.csv")
        assert [cells["title"] for _n, cells in table.rows] == ["Cœur de ville", "Deuxième"]
        assert not table.faults
    # 0x81 means nothing in Windows-1252: that cell's row is refused, the other row is not.
    data = b"title;kind;summary\nBon;alliance;ok\nMauvais;alliance;\x81\x8d\n"
    report = importer.validate(read_table(data, "f.csv"))
    assert [r.title for r in report.valid] == ["Bon"]
    assert "caractères illisibles" in problems(report)[(3, "summary")]


def test_control_characters_are_refused_by_row():
    kind = "alliance"
    data = jsonl({"title": "Nul\u0000part", "kind": kind}, {"title": "Ok", "kind": kind})
    report = importer.validate(read_table(data, "f.jsonl"))
    assert "caractère de contrôle" in problems(report)[(1, "title")]
    assert [r.title for r in report.valid] == ["Ok"]


def test_messages_in_english():
    with translation.override("en"):
        report = importer.validate(read_table(jsonl(BROKEN, NO_TITLE), "f.jsonl"))
        found = problems(report)
    assert "invalid JSON at column" in found[(1, "")]
    assert found[(2, "title")] == "required field missing"


# --- Limits ---------------------------------------------------------------------------------


def test_limits_on_rows_columns_and_cells():
    limits = Limits(max_rows=2, max_columns=3, max_cell_chars=10)
    with pytest.raises(ReadError, match="trop de lignes"):
        read_table(b"title;kind\na;alliance\nb;alliance\nc;alliance\n", "f.csv", limits=limits)
    with pytest.raises(ReadError, match="trop de colonnes"):
        read_table(b"a;b;c;d\n1;2;3;4\n", "f.csv", limits=limits)
    table = read_table(b"title;kind\n" + b"x" * 11 + b";alliance\n", "f.csv", limits=limits)
    report = importer.validate(table)
    assert "texte trop long : 11 caractères, au plus 10" in problems(report)[(2, "title")]


def test_size_is_checked_before_reading(tmp_path):
    path = tmp_path / "gros.csv"
    path.write_bytes(b"title;kind\n" + b"a;alliance\n" * 100)
    with override_settings(ALLIANCES_IMPORT_MAX_BYTES=500):
        with pytest.raises(CommandError, match="fichier trop volumineux"):
            call_command("import_alliances", str(path), "--dry-run", stdout=io.StringIO())


def _xlsx(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_workbook_that_expands_beyond_the_limit_is_refused_before_decompressing():
    # 5 MB of one repeated cell compresses to a few kilobytes.
    bomb = io.BytesIO()
    with zipfile.ZipFile(_bytes_io(_xlsx([["title", "kind"]])), "r") as source:
        with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    rows = b"<row r='2'/>" * 400_000
                    data = data.replace(b"</sheetData>", rows + b"</sheetData>")
                target.writestr(item, data)
    assert len(bomb.getvalue()) < 100_000
    with pytest.raises(ReadError, match="décompressé"):
        read_table(bomb.getvalue(), "f.xlsx", limits=Limits(max_unzipped_bytes=1_000_000))


def _bytes_io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def test_xlsx_values_beyond_the_header_are_a_row_error():
    data = _xlsx([["title", "kind"], ["Bon", "alliance"], ["Débord", "alliance", "perdu"]])
    report = importer.validate(read_table(data, "f.xlsx"))
    assert [r.title for r in report.valid] == ["Bon"]
    assert "en trop : « perdu »" in problems(report)[(3, "")]


def test_the_problem_list_is_capped_with_the_count_of_the_rest():
    lines = "".join(f"Titre {i};vaisseau\n" for i in range(30))
    report = importer.validate(read_table(("title;kind\n" + lines).encode(), "f.csv"))
    shown, more = report.first_problems(10)
    assert len(shown) == 10 and more == 20


def test_admin_check_lists_faulty_rows_and_offers_them_as_a_file(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("lot.jsonl", jsonl(GOOD_A, BROKEN, NO_TITLE))
    response = admin_client.post("/admin/base/alliance/importer/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "JSON invalide à la colonne" in page and "champ obligatoire absent" in page
    rejects = response.context["rejects_url"]
    download = admin_client.get(rejects)
    content = b"".join(download.streaming_content).decode()
    assert content.count("\n") == 2 and "unreadable" in content
