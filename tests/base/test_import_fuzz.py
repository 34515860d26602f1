"""Import fuzz (issue 19): hostile and broken files — truncated, reordered, wrong types,
wrong encodings, bombs — never crash an import and never write part of a file.

Every variant goes through the alliance import (all or nothing, then "valid rows only") and
the figure import. What may happen: the file is refused (ReadError, or an issue at line 1),
or rows are rejected with their messages, or the valid rows are written — all of them, with
their index entries, in one transaction. Anything else (an exception, a row written while
the report says nothing was, a count that differs from the report) fails. Seeded: the same
variants every run."""

import csv
import io
import json
import random
import zipfile

import pytest
from openpyxl import Workbook

from alliances.base.importing import importer
from alliances.base.importing.readers import ReadError, read_table
from alliances.base.models import Alliance, Organisation, Partner, Result, Source
from alliances.common.tables import Limits
from alliances.observatory.importer import import_figures
from alliances.observatory.models import Figure

pytestmark = pytest.mark.django_db
SEED = 19
VARIANTS = 30
LIMITS = Limits(max_bytes=2_000_000, max_rows=2_000, max_columns=60, max_unzipped_bytes=5_000_000)
HEADER = ["title", "kind", "summary", "partners", "domains", "sdg", "territory", "start_year"]
ROWS = [
    [
        f"Fuzz {n} ressourcerie",
        "alliance",
        f"Résumé n°{n} ; « guillemets », virgules, points-virgules",
        f"Asso {n} (association:leader)|Ville (collectivite:funder)",
        "alimentation_agriculture",
        "17|17.17",
        ["25056", "Besançon", "Paris 11e", "national", "departement:25"][n % 5],
        str(2000 + n),
    ]
    for n in range(12)
]


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Alliance, Organisation, Partner, Result, Source))


def csv_bytes(rows: list[list[str]], sep: str = ";") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=sep)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return text.getvalue().encode()


def jsonl_bytes(rows: list[list[str]]) -> bytes:
    return "".join(
        json.dumps(dict(zip(HEADER, r, strict=True)), ensure_ascii=False) + "\n" for r in rows
    ).encode()


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    workbook.active.append(HEADER)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bombs() -> list[tuple[str, bytes]]:
    zip_bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(ROWS[:1]))) as source:
        with zipfile.ZipFile(zip_bomb, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    data = data.replace(
                        b"</sheetData>", b"<row r='3'/>" * 800_000 + b"</sheetData>"
                    )
                target.writestr(item, data)
    laughs = io.BytesIO()
    entities = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">' + "".join(
        f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8)
    )
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(ROWS[:1]))) as source:
        with zipfile.ZipFile(laughs, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":  # openpyxl writes inline text
                    data = (entities + "]>").encode() + data
                    data = data.replace(b"<t>alliance</t>", b"<t>&i;</t>")
                target.writestr(item, data)
    return [
        ("bomb.xlsx", zip_bomb.getvalue()),
        ("laughs.xlsx", laughs.getvalue()),
        ("nested.jsonl", b'{"title": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"),
        (
            "bigint.jsonl",
            b'{"title": "A", "kind": "alliance", "start_year": ' + b"9" * 5000 + b"}\n",
        ),
        ("longline.csv", b"title;kind\n" + b"x" * 3_000_000 + b";alliance\n"),
        ("columns.csv", (";".join(f"c{i}" for i in range(5000)) + "\n").encode()),
        ("rows.csv", b"title;kind\n" + b"a;alliance\n" * 3000),
        ("nul.csv", csv_bytes(ROWS[:2]).replace(b"Fuzz 1", b"Fu\x00zz")),
        ("quote.csv", b'title;kind\n"' + b"a" * 200_000 + b"\nb;alliance\n"),
    ]


def _variants() -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    good = {"csv": csv_bytes(ROWS), "jsonl": jsonl_bytes(ROWS), "xlsx": xlsx_bytes(ROWS)}
    variants: list[tuple[str, bytes]] = []
    for n in range(VARIANTS):
        fmt = rng.choice(["csv", "jsonl", "xlsx"])
        data = good[fmt]
        kind = rng.choice(["truncate", "flip", "reorder", "types", "encoding", "splice"])
        if kind == "truncate":
            data = data[: rng.randrange(1, len(data))]
        elif kind == "flip":
            data = bytearray(data)
            for _ in range(rng.randrange(1, 20)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data)
        elif kind == "reorder":
            rows = [list(r) for r in ROWS]
            rng.shuffle(rows)
            for row in rows:
                rng.shuffle(row)  # values under the wrong columns
            data = {"csv": csv_bytes, "jsonl": jsonl_bytes, "xlsx": xlsx_bytes}[fmt](rows)
        elif kind == "types" and fmt == "jsonl":
            values = [None, True, 3.5, -1, [], {}, [[1, [2]]], {"a": {"b": []}}, "1e999", 10**30]
            records = [
                {k: rng.choice(values + [v]) for k, v in zip(HEADER, r, strict=True)} for r in ROWS
            ]
            data = "".join(json.dumps(r) + "\n" for r in records).encode()
        elif kind == "types":
            rows = [
                [rng.choice([r[i], 3.5, -7, True, None, "=1+1"]) for i in range(len(r))]
                for r in ROWS
            ]
            data = (
                xlsx_bytes(rows)
                if fmt == "xlsx"
                else csv_bytes([[str(v) for v in r] for r in rows])
            )
        elif kind == "encoding" and fmt != "xlsx":
            text = data.decode()
            codec = rng.choice(["utf-16-le", "utf-32", "shift_jis", "latin-1", "cp1252"])
            data = text.encode(codec, errors="replace")
        else:  # splice: pieces of the file in the wrong order
            cut = sorted(rng.sample(range(1, len(data)), 2))
            data = data[cut[1] :] + data[cut[0] : cut[1]] + data[: cut[0]]
        variants.append((f"{n}-{kind}.{fmt}", data))
    return variants + _bombs()


CORPUS = _variants()


def _check_alliance_import(name: str, data: bytes, keep_valid: bool) -> None:
    before = counts()
    try:
        table = read_table(data, name, limits=LIMITS)
    except ReadError:
        assert counts() == before
        return
    report = importer.run(table, keep_valid=keep_valid)
    created = counts()[0] - before[0]
    if not report.written:
        assert counts() == before, name
        return
    assert created == report.created == len(report.valid), name
    assert keep_valid or not report.rejected, name


@pytest.mark.parametrize(("name", "data"), CORPUS, ids=[name for name, _ in CORPUS])
def test_alliance_import_never_crashes_nor_writes_part_of_a_file(name, data):
    for keep_valid in (False, True):
        _check_alliance_import(name, data, keep_valid)
        Alliance.objects.filter(title__startswith="Fuzz").delete()


@pytest.mark.parametrize(("name", "data"), CORPUS, ids=[name for name, _ in CORPUS])
def test_figure_import_never_crashes_nor_writes_part_of_a_file(name, data, settings):
    settings.ALLIANCES_IMPORT_MAX_BYTES = LIMITS.max_bytes
    settings.ALLIANCES_IMPORT_MAX_ROWS = LIMITS.max_rows
    settings.ALLIANCES_IMPORT_MAX_UNZIPPED_BYTES = LIMITS.max_unzipped_bytes
    figures = Figure.objects.count()
    report = import_figures(data, name.replace(".jsonl", ".csv"), dry_run=False)
    assert report.issues  # none of these is a file of figures
    assert not report.written and Figure.objects.count() == figures
