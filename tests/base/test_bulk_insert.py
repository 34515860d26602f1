"""The loaders' bulk insert (`base.bulk.insert`: executemany on SQLite, COPY on PostgreSQL)
writes every value as the ORM would: texts with tabs, newlines and backslashes (COPY's own
separators), JSON, dates, booleans, empty and missing values."""

from datetime import UTC, datetime

import pytest

from alliances.base import bulk
from alliances.base.models import Alliance, ChangeRecord

pytestmark = pytest.mark.django_db

AWKWARD = "tab\there, line\nbreak, back\\slash \\N, « guillemets », 🌱, 'quote' \"double\""


def _alliance(slug: str, title: str, at: datetime) -> dict:
    """Every column without a database default, as the loaders give them."""
    return {
        "kind": "alliance",
        "title": title,
        "slug": slug,
        "summary": "",
        "description": "",
        "territory_id": None,
        "scale": "",
        "start_year": None,
        "end_year": None,
        "stage_id": None,
        "co_construction_id": None,
        "results_text": "",
        "status": "published",
        "published_at": at,
        "synthetic": True,
        "origin": "",
        "source_digest": "",
        "created_at": at,
        "updated_at": at,
    }


def test_rows_come_back_as_they_were_written() -> None:
    at = datetime(2026, 12, 6, 23, 45, 12, tzinfo=UTC)
    bulk.insert(Alliance, [_alliance("bulk-insert-awkward", AWKWARD, at)])
    alliance = Alliance.objects.get(slug="bulk-insert-awkward")
    assert (alliance.title, alliance.summary, alliance.start_year) == (AWKWARD, "", None)
    assert alliance.synthetic is True and alliance.published_at == at
    changes = {"title": [None, AWKWARD], "count": 3, "nested": {"ok": True, "none": None}}
    bulk.insert(
        ChangeRecord,
        [
            {
                "alliance_id": alliance.pk,
                "user_id": None,
                "actor": "import",
                "at": at,
                "action": "created",
                "changes": changes,
            }
        ]
        * 3,
    )
    records = ChangeRecord.objects.filter(alliance=alliance)
    assert records.count() == 3
    assert all(r.changes == changes and r.at == at and r.user_id is None for r in records)


def test_more_rows_than_a_batch_are_all_written(monkeypatch) -> None:
    monkeypatch.setattr(bulk, "BATCH", 7)
    at = datetime(2026, 12, 6, tzinfo=UTC)
    rows = [_alliance(f"bulk-lot-{n}", f"Lot {n}", at) for n in range(30)]
    assert bulk.insert(Alliance, rows) == 30
    titles = set(
        Alliance.objects.filter(slug__startswith="bulk-lot-").values_list("title", flat=True)
    )
    assert titles == {f"Lot {n}" for n in range(30)}
