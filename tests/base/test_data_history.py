"""History of alliances and the visibility flag."""

import pytest

from alliances.base import history
from alliances.base.models import Alliance, ChangeRecord

pytestmark = pytest.mark.django_db


def make(**kwargs):
    return Alliance.objects.create(kind="alliance", title="Essai", slug="essai-hist", **kwargs)


def test_set_status_records_who_and_what(django_user_model):
    user = django_user_model.objects.create_user("curatrice")
    alliance = make()
    assert history.set_status([alliance], Alliance.Status.PUBLISHED, user=user) == 1
    alliance.refresh_from_db()
    assert alliance.published_at is not None
    record = alliance.history.get()
    assert (record.action, record.user, record.actor) == ("published", user, "curatrice")
    assert record.changes == {"status": ["draft", "published"]}
    # Publishing again changes nothing and records nothing.
    assert history.set_status([alliance], Alliance.Status.PUBLISHED, user=user) == 0
    assert alliance.history.count() == 1
    history.set_status([alliance], Alliance.Status.ARCHIVED, actor="import")
    assert alliance.history.first().action == "archived"


def test_snapshot_diff_and_empty_update():
    alliance = make(summary="avant")
    before = history.snapshot(alliance)
    alliance.summary = "après"
    alliance.save()
    changes = history.diff(before, history.snapshot(alliance))
    assert changes == {"summary": ["avant", "après"]}
    assert history.record(alliance, history.UPDATED, {}) is None
    assert history.record(alliance, history.UPDATED, changes, actor="loader") is not None
    assert ChangeRecord.objects.filter(alliance=alliance).count() == 1


def test_drafts_are_not_published():
    draft = make()
    assert draft.status == Alliance.Status.DRAFT
    assert not Alliance.objects.filter(pk=draft.pk, status="published").exists()
    assert draft.published_at is None
