"""PostgreSQL builds each document's text vector from four parts, each at its own weight:
each part must reach its weight, and awkward text must go through unchanged."""

from __future__ import annotations

import pytest
from django.db import connection

from alliances.base.search.dialects import Document
from alliances.base.search.dialects.postgresql import CONFIG, SEARCH_TABLE
from alliances.base.search.index import dialect_for

PARTS = {"A": "ornithologue", "B": "apiculteur", "C": "menuisier", "D": "boulanger"}


def _weights(alliance_id: int) -> dict[str, bool]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join('document @@ to_tsquery(%s, %s)' for _ in PARTS)} "
            f"FROM {SEARCH_TABLE} WHERE alliance_id = %s",
            [v for weight, word in PARTS.items() for v in (CONFIG, f"{word}:{weight}")]
            + [alliance_id],
        )
        return dict(zip(PARTS, cursor.fetchone(), strict=True))


@pytest.mark.django_db
def test_each_part_of_a_batch_reaches_its_weight() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's text vectors")
    awkward = "tab\there, 'quote' \"double\" back\\slash {brace} NULL , ; é ü 🌍"
    documents = [
        Document(
            990_001 + n,
            f"{PARTS['A']} {awkward}",
            PARTS["B"],
            f"{PARTS['C']}\nligne",
            PARTS["D"],
            f"cle {n}",
            "",
            labels="",
            places="Gers",
            results="",
        )
        for n in range(3)
    ]
    with connection.cursor() as cursor:
        dialect_for("default").write_documents(cursor, documents)
        dialect_for("default").write_documents(cursor, [])  # nothing to write: no statement
        cursor.execute(
            f"SELECT alliance_id, title_key FROM {SEARCH_TABLE} WHERE alliance_id > 990000 "
            "ORDER BY alliance_id"
        )
        assert cursor.fetchall() == [(990_001 + n, f"cle {n}") for n in range(3)]
    for n in range(3):
        assert _weights(990_001 + n) == dict.fromkeys(PARTS, True)
    with connection.cursor() as cursor:  # each word is found at its own weight only
        cursor.execute(
            f"SELECT count(*) FROM {SEARCH_TABLE} WHERE document @@ to_tsquery(%s, %s)",
            [CONFIG, f"{PARTS['A']}:B"],
        )
        assert cursor.fetchone()[0] == 0
