"""The job queue (ADR 0150): a data change enqueues its background work, the worker runs it,
and its effect is seen. The worker's loop runs in-process on the real SQLite queue (the tests
otherwise run jobs at once, in memory)."""

import pytest
from django.core.cache import caches
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import override
from huey.contrib.djhuey import HUEY

from alliances.base.models import Alliance
from alliances.common import vectors
from alliances.jobs import queue
from alliances.sheets import tasks as sheet_tasks
from alliances.sheets.content import data_version
from alliances.sheets.rendering import _key
from alliances.sheets.subjects import all_subjects


def _change_an_alliance(django_capture_on_commit_callbacks, title: str) -> Alliance:
    alliance = Alliance.objects.filter(status="published").first()
    with django_capture_on_commit_callbacks(execute=True):
        alliance.title = title
        alliance.save()
    return alliance


@pytest.mark.django_db
def test_a_data_change_rebuilds_the_sheets_ahead_of_visitors(
    real_queue, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    subjects = [s for s in all_subjects() if s.kind in ("odd", "domaine")][:3]
    monkeypatch.setattr(sheet_tasks, "all_subjects", lambda: subjects)
    monkeypatch.setattr(sheet_tasks, "SLICE_SECONDS", 3600)  # one job, whatever the machine
    _change_an_alliance(django_capture_on_commit_callbacks, "Première modification")
    _change_an_alliance(django_capture_on_commit_callbacks, "Seconde modification")
    # Two changes, one rebuild waiting: it covers both.
    assert queue.pending() == 1
    version = data_version()
    with override("en"):
        key = _key(subjects[0], "body", version)
    assert caches["sheets"].get(key) is None

    assert queue.run_pending() == 1

    assert caches["sheets"].get(sheet_tasks.built_key(version)) == len(subjects) * 2
    assert "<" in caches["sheets"].get(key)
    # The rebuild has started: the next change asks for another one.
    _change_an_alliance(django_capture_on_commit_callbacks, "Troisième modification")
    assert queue.pending() == 1


@pytest.mark.django_db
def test_a_long_rebuild_lets_the_jobs_asked_meanwhile_run_before_its_end(
    real_queue, settings, monkeypatch, django_capture_on_commit_callbacks
):
    """The rebuild renders for a slice of time, then goes to the back of the queue: the vector
    of a changed alliance is made after one slice, not after every sheet (issue 16)."""
    settings.ALLIANCES_SHEETS_PREBUILD = True
    settings.ALLIANCES_SEARCH_SEMANTIC = True
    subjects = [s for s in all_subjects() if s.kind in ("odd", "domaine")][:2]
    monkeypatch.setattr(sheet_tasks, "all_subjects", lambda: subjects)
    monkeypatch.setattr(sheet_tasks, "SLICE_SECONDS", 0)  # one page a slice
    queue.once(sheet_tasks.KEY, sheet_tasks.rebuild_sheets)
    alliance = _change_an_alliance(
        django_capture_on_commit_callbacks, "Potager partagé avec les aînés du quartier"
    )
    before = vectors.digests("alliance", [alliance.pk])
    order = []
    while (task := HUEY.dequeue()) is not None:
        order.append(task.name)
        HUEY.execute(task)
        if task.name.endswith("embed_alliances"):
            break
    # The rebuild's first slice, then the vector, while pages remain to render.
    assert order[0].endswith("rebuild_sheets") and order[-1].endswith("embed_alliances"), order
    assert vectors.digests("alliance", [alliance.pk]) != before
    version = data_version()
    assert caches["sheets"].get(sheet_tasks.built_key(version)) is None
    # The rest of the rebuild comes after, and ends with every page ready.
    queue.run_pending()
    assert caches["sheets"].get(sheet_tasks.built_key(version)) == len(subjects) * 2


@pytest.mark.django_db
def test_no_rebuild_is_asked_for_when_turned_off(
    real_queue, settings, django_capture_on_commit_callbacks
):
    settings.ALLIANCES_SHEETS_PREBUILD = False
    _change_an_alliance(django_capture_on_commit_callbacks, "Sans reconstruction")
    assert queue.pending() == 0


@pytest.mark.django_db
def test_the_vector_of_a_changed_alliance_is_made_by_the_worker(
    real_queue, settings, django_capture_on_commit_callbacks
):
    settings.ALLIANCES_SEARCH_SEMANTIC = True
    alliance = _change_an_alliance(
        django_capture_on_commit_callbacks, "Jardins partagés et cantine solidaire du quartier"
    )
    before = vectors.digests("alliance", [alliance.pk])
    assert queue.pending() >= 1
    assert queue.run_pending() >= 1
    after = vectors.digests("alliance", [alliance.pk])
    assert after.get(alliance.pk) and after != before


def test_the_daily_work_is_scheduled_on_the_queue():
    autodiscover_modules("tasks")  # as the worker (run_huey) does
    names = {task.__name__ for task in HUEY._registry._periodic_tasks}
    expected_jobs = (
        "send_alerts",
        "send_campaign_reminders",
        "refresh_lights",
        "check_sheets",
        "partners_followups",
    )
    for expected in expected_jobs:
        assert any(name.endswith(expected) for name in names), (expected, names)


@pytest.mark.django_db
def test_the_periodic_jobs_run(mailoutbox):
    from alliances.alerts.tasks import send_alerts
    from alliances.evaluation.tasks import send_campaign_reminders
    from alliances.workspaces.tasks import refresh_lights, send_report_reminders

    send_alerts.call_local()
    send_campaign_reminders.call_local()
    send_report_reminders.call_local()
    assert refresh_lights.call_local() >= 0


@pytest.mark.django_db
def test_the_worker_computes_the_visitors_data_version_after_suggestions_change():
    """The web process that saves an alliance refreshes its SDG suggestions, which draws a
    new coding version; the job worker, another process, must rebuild the sheets under the
    data version visitors will ask for. The default cache is each process's own memory in
    `make serve`: clearing it here stands for the worker, which never saw the write."""
    from django.core.cache import cache

    from alliances.sdg_coding import services as coding

    before = data_version()
    coding._bump_version()  # what a write of suggestions does in the saving process
    seen_by_visitors = data_version()
    assert seen_by_visitors != before
    cache.clear()  # the worker's own memory
    assert data_version() == seen_by_visitors
