"""Cell parsers and readers of the import: French spreadsheet habits (no database)."""

from datetime import date
from decimal import Decimal

import pytest

from alliances.base.importing.cells import (
    CellError,
    parse_date,
    parse_decimal,
    parse_partner,
    parse_result,
    parse_sdg,
    parse_territory,
    parse_year,
    split_list,
)
from alliances.base.importing.readers import ReadError, read_table, sniff_separator
from alliances.base.names import organisation_key, preferred_name

HEADER = "title;kind;summary\n"


def test_decimal_commas_and_spaces():
    assert parse_decimal("12,5") == Decimal("12.5")
    assert parse_decimal("1 350,5") == Decimal("1350.5")
    assert parse_decimal("1\u202f350,5") == Decimal("1350.5")
    assert parse_decimal("1.350,5") == Decimal("1350.5")
    assert parse_decimal("1350.5") == Decimal("1350.5")
    with pytest.raises(CellError, match="nombre invalide"):
        parse_decimal("douze")


def test_french_dates():
    assert parse_date("31/12/2024") == date(2024, 12, 31)
    assert parse_date("1/2/2024") == date(2024, 2, 1)
    assert parse_date("2024-12-31") == date(2024, 12, 31)
    with pytest.raises(CellError, match="31/12/2024"):
        parse_date("31/02/2024")
    assert parse_year("31/12/2024") == 2024
    assert parse_year("2019") == 2019
    assert parse_year("") is None
    with pytest.raises(CellError):
        parse_year("3000")


def test_partner_cells():
    partner = parse_partner("Ville de Lyon (collectivite:funder)")
    assert (partner.name, partner.profile, partner.role) == (
        "Ville de Lyon",
        "collectivite",
        "funder",
    )
    assert parse_partner("Halage (association)").role == "partner"
    assert parse_partner("Restos (association:leader:W751234567)").identifier == "W751234567"
    with pytest.raises(CellError, match="partenaire mal écrit"):
        parse_partner("Sans profil")


def test_sdg_results_territory_lists():
    assert parse_sdg("17") == (17, None)
    assert parse_sdg("17.17") == (17, "17.17")
    assert parse_sdg("4.a") == (4, "4.a")
    with pytest.raises(CellError):
        parse_sdg("18")
    result = parse_result("Emplois créés: 12,5 ETP (2023)")
    assert (result.label, result.value, result.unit, result.year) == (
        "Emplois créés",
        Decimal("12.5"),
        "ETP",
        2023,
    )
    assert parse_territory("commune:25056") == ("commune", "25056")
    assert parse_territory("2a") == (None, "2A")
    assert split_list(" a | b ||c ") == ["a", "b", "c"]


def test_separator_sniffing():
    assert sniff_separator("title;kind;summary") == ";"
    assert sniff_separator("title,kind,summary") == ","
    assert sniff_separator("title\tkind") == "\t"


@pytest.mark.parametrize(
    "encoding,prefix",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")],
    ids=["utf8", "utf8-bom", "windows-1252"],
)
def test_encodings(encoding, prefix):
    text = HEADER + "Écoute solidaire à Besançon;alliance;Cœur et été\n"
    table = read_table(prefix + text.encode(encoding), "fichier.csv")
    assert table.columns == ["title", "kind", "summary"]
    assert table.rows[0][1]["title"] == "Écoute solidaire à Besançon"
    assert table.rows[0][1]["summary"] == "Cœur et été"
    assert table.rows[0][0] == 2  # the spreadsheet line number
    assert table.encoding == ("cp1252" if encoding == "cp1252" else "utf-8")


def test_comma_csv_with_quotes_and_blank_lines():
    text = 'title,kind,summary\n"Un, deux",alliance,"ligne\nsuite"\n\n'
    table = read_table(text.encode(), "f.csv")
    assert table.separator == ","
    assert len(table.rows) == 1
    assert table.rows[0][1]["title"] == "Un, deux"


def test_jsonl_reader_lists_and_partner_objects():
    data = (
        b'{"title": "A", "kind": "alliance", "domains": ["sante", "sport"], '
        b'"partners": [{"name": "X", "profile": "association", "role": "leader"}], '
        b'"start_year": 2020}\n'
    )
    table = read_table(data, "f.jsonl")
    cells = table.rows[0][1]
    assert cells["domains"] == "sante|sport"
    assert cells["partners"] == "X (association:leader)"
    assert cells["start_year"] == "2020"
    # A broken line is a fault of that line; the lines after it are read.
    table = read_table(b'{pas du json\n{"title": "B"}\n', "f.jsonl")
    assert [number for number, _cells in table.rows] == [1, 2]
    assert table.faults[1][0].structural and 2 not in table.faults
    with pytest.raises(ReadError, match="liste"):
        read_table(b'[{"title": "A"}]\n', "f.jsonl")


def test_organisation_keys_fold_real_variants():
    assert organisation_key("SUEZ") == organisation_key("Suez")
    assert organisation_key("Les Restos du Cœur") == organisation_key("Restos du Cœur")
    assert organisation_key("État (expérimentation TZCLD)") == organisation_key("État")
    assert organisation_key("Alsace Active (réseau France Active)") == organisation_key(
        "Alsace Active"
    )
    # Different organisations stay apart.
    assert organisation_key("Banque alimentaire") != organisation_key(
        "Banque alimentaire du Bas-Rhin"
    )
    assert preferred_name(["État (DDETSPP)", "État", "État"]) == "État"
