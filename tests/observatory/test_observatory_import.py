"""Import of figures: dry run, row-level report, all or nothing, French spreadsheet habits."""

import io

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from alliances.observatory.importer import import_figures
from alliances.observatory.models import Figure

HEADER = "indicator;population;territory;year;value;n;source_url;note"
GOOD = "partenariats-source-innovation;maires;FR;2023;88,5;500;https://example.org/etude;test"


def _csv(*lines, encoding="utf-8"):
    return "\n".join([HEADER, *lines]).encode(encoding)


def test_dry_run_writes_nothing(loaded):
    report = import_figures(_csv(GOOD), "f.csv", dry_run=True)
    assert report.ok and report.created == ["partenariats-source-innovation-maires-fr-2023"]
    assert not report.written
    assert not Figure.objects.filter(
        key__startswith="partenariats-source-innovation-maires"
    ).exists()


def test_import_writes_with_decimal_comma(loaded):
    report = import_figures(_csv(GOOD), "f.csv", dry_run=False)
    assert report.written
    figure = Figure.objects.get(key="partenariats-source-innovation-maires-fr-2023")
    assert float(figure.value) == 88.5 and figure.n == 500
    again = import_figures(_csv(GOOD), "f.csv", dry_run=False)
    assert again.unchanged == ["partenariats-source-innovation-maires-fr-2023"]


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("partenariats-source-innovation;maires;FR;2021;120;500;https://example.org;", "value"),
        ("partenariats-source-innovation;maires;FR;2999;50;500;https://example.org;", "year"),
        ("partenariats-source-innovation;maires;FR;2021;50;0;https://example.org;", "n"),
        (
            "partenariats-source-innovation;martiens;FR;2021;50;10;https://example.org;",
            "population",
        ),
        ("partenariats-source-innovation;maires;ZZ;2021;50;10;https://example.org;", "territory"),
        ("partenariats-source-innovation;maires;FR;2021;50;10;;", "source_url"),
        ("inconnu;maires;FR;2021;50;10;https://example.org;", "indicator"),
    ],
)
def test_bad_rows_are_refused_naming_row_and_field(loaded, line, column):
    report = import_figures(_csv(GOOD, line), "f.csv", dry_run=False)
    assert not report.ok and not report.written
    assert [(i.row, i.column) for i in report.issues] == [(3, column)]
    assert "ligne 3" in str(report.issues[0])
    # All or nothing: the good first row is not written either.
    assert not Figure.objects.filter(key="partenariats-source-innovation-maires-fr-2023").exists()


def test_windows_1252_and_bom(loaded):
    note_line = GOOD.replace(";test", ";étude régionale")
    report = import_figures(_csv(note_line, encoding="cp1252"), "f.csv", dry_run=False)
    assert report.ok
    figure = Figure.objects.get(key="partenariats-source-innovation-maires-fr-2023")
    assert figure.note == "étude régionale"
    bom = "\ufeff".encode() + _csv(GOOD.replace("2023", "2022"))
    assert import_figures(bom, "f.csv", dry_run=True).ok


def test_comma_separated_file(loaded):
    data = (
        b"indicator,population,territory,year,value,source_url\n"
        b'partenariats-source-innovation,maires,27,2021,"61,5",https://example.org\n'
    )
    report = import_figures(data, "f.csv", dry_run=True)
    assert report.ok, report.issues


def test_missing_column_is_reported(loaded):
    report = import_figures(b"indicator;population\nx;y\n", "f.csv")
    assert report.issues and report.issues[0].row == 1 and "source_url" in report.issues[0].message


def test_xlsx(loaded):
    book = Workbook()
    sheet = book.active
    sheet.append(["indicator", "population", "territory", "year", "value", "n", "source_url"])
    sheet.append(
        ["partenariats-source-innovation", "maires", "FR", 2021, 77.5, 300, "https://example.org"]
    )
    sheet.append(
        ["partenariats-source-innovation", "maires", "FR", 2020, 177, 300, "https://example.org"]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    report = import_figures(buffer.getvalue(), "chiffres.xlsx", dry_run=False)
    assert [(i.row, i.column) for i in report.issues] == [(3, "value")]
    assert not Figure.objects.filter(key="partenariats-source-innovation-maires-fr-2021").exists()


def test_command(loaded, tmp_path):
    path = tmp_path / "chiffres.csv"
    path.write_bytes(_csv(GOOD))
    call_command("import_figures", str(path), "--dry-run", verbosity=0)
    assert not Figure.objects.filter(key="partenariats-source-innovation-maires-fr-2023").exists()
    call_command("import_figures", str(path), verbosity=0)
    assert Figure.objects.filter(key="partenariats-source-innovation-maires-fr-2023").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv(GOOD.replace(";500;", ";-3;")))
    with pytest.raises(CommandError):
        call_command("import_figures", str(bad), verbosity=0)


# --- Issue 19: any encoding and line ending, broken records, limits ---------------------------


def test_bare_carriage_returns_and_utf16(loaded):
    text = "\r".join([HEADER, GOOD]) + "\r"
    assert import_figures(text.encode("cp1252"), "f.csv", dry_run=True).ok
    assert import_figures(text.encode("utf-16"), "f.csv", dry_run=True).ok


def test_bytes_no_encoding_explains_are_an_issue_of_their_row(loaded):
    second = GOOD.replace("2023", "2022").encode().replace(b";test", b";\x81\x8d")
    data = _csv(GOOD, encoding="cp1252") + b"\n" + second
    report = import_figures(data, "f.csv", dry_run=True)
    assert [(i.row, i.column) for i in report.issues] == [(3, "note")]
    assert "illisibles" in report.issues[0].message


def test_a_row_cut_short_is_an_issue(loaded):
    report = import_figures(_csv(GOOD, "partenariats-source-innovation;maires;FR"), "f.csv")
    assert [(i.row, i.column) for i in report.issues] == [(3, "")]
    assert "trop courte" in report.issues[0].message


def test_issues_are_capped_with_the_count_of_the_rest(loaded, settings):
    settings.ALLIANCES_IMPORT_MAX_PROBLEMS = 5
    lines = [f"inconnu-{i};maires;FR;2021;50;10;https://example.org;" for i in range(12)]
    report = import_figures(_csv(*lines), "f.csv")
    assert len(report.issues) == 5 and report.more_issues == 7


def test_a_file_beyond_the_size_limit_is_refused_before_reading(loaded, settings):
    settings.ALLIANCES_IMPORT_MAX_BYTES = 100
    report = import_figures(_csv(GOOD, GOOD), "f.csv")
    assert "trop volumineux" in report.issues[0].message


@pytest.mark.parametrize(
    "data",
    [
        "\r".join([HEADER, GOOD]).encode(),
        _csv(GOOD).replace(b"test", b"\x81\x8d\x8f"),
        b'indicator;population;territory;year;value;source_url\n"x;y\n',
        b"\xff\xfe\x00\x00garbage",
    ],
    ids=["bare-cr", "undecodable", "unterminated-quote", "broken-utf16"],
)
def test_api_and_back_office_never_answer_500(loaded, client, admin_client, data):
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from alliances.apikit.models import ApiKey

    user = get_user_model().objects.create_user("c", "c@example.org", "x", is_staff=True)
    _, raw = ApiKey.issue("essai", user)
    response = client.post(
        "/api/v1/observatory/figures/import",
        {"file": SimpleUploadedFile("f.csv", data), "dry_run": "true"},
        HTTP_X_API_KEY=raw,
    )
    assert response.status_code in (200, 400, 422), response.content[:300]
    page = admin_client.post(
        "/admin/observatory/figure/importer/",
        {"file": SimpleUploadedFile("f.csv", data), "dry_run": "on"},
    )
    assert page.status_code == 200
