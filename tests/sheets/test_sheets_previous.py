"""While the job worker renders the sheets again after a data change, a visitor gets the
previous sheet at once, said so on the page (ADR 0181); a sheet never rendered yet is said
to be in preparation rather than rendered by the web process (ADR 0191); for a bounded time
only, and only when a worker is expected."""

import pytest
from django.core.cache import cache, caches
from django.utils.translation import get_language

from alliances.base.models import Alliance
from alliances.jobs import queue
from alliances.sheets import content, rendering, tasks
from alliances.sheets.subjects import get_subject

URL = "/fiches/odd/3/"
SUBJECT = ("odd", "3")


@pytest.fixture(autouse=True)
def _fresh_cache(monkeypatch):
    cache.clear()
    caches["sheets"].clear()
    # The worker's rebuild renders this test's sheet only (all 324 pages would take minutes).
    monkeypatch.setattr(tasks, "all_subjects", lambda: [get_subject(*SUBJECT)])


def _rendered_by_the_worker() -> None:
    tasks.rebuild_sheets.call_local()


def _change_the_data() -> None:
    version = content.data_version()
    alliance = Alliance.objects.filter(status="published").first()
    alliance.title = "Titre changé pour la fiche"
    alliance.save()
    assert content.data_version() != version


def _renderings(monkeypatch) -> list[str]:
    made: list[str] = []
    original = rendering.build_sheet

    def counted(subject):  # noqa: ANN202
        made.append(subject.slug)
        return original(subject)

    monkeypatch.setattr(rendering, "build_sheet", counted)
    return made


@pytest.mark.django_db
def test_a_visitor_during_the_rebuild_gets_the_previous_sheet_said_so(
    client, settings, monkeypatch, real_queue
):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    _rendered_by_the_worker()
    before = client.get(URL).content.decode()
    assert "Mise à jour en cours" not in before
    _change_the_data()
    made = _renderings(monkeypatch)
    during = client.get(URL).content.decode()
    assert made == []  # nothing rendered while the visitor waits
    assert "Mise à jour en cours" in during
    # The worker's rebuild renders the new version; the next visitor gets it, without notice.
    _rendered_by_the_worker()
    assert made
    after = client.get(URL).content.decode()
    assert "Mise à jour en cours" not in after


@pytest.mark.django_db
def test_the_notice_is_in_english_too(client_en, settings, real_queue):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    _rendered_by_the_worker()  # both languages
    _change_the_data()
    page = client_en.get(URL).content.decode()
    assert "Update in progress" in page


@pytest.mark.django_db
def test_the_previous_sheet_is_served_for_a_bounded_time_only(
    client, settings, monkeypatch, real_queue
):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    _rendered_by_the_worker()
    _change_the_data()
    monkeypatch.setattr(rendering, "PREVIOUS_SECONDS", -1)  # as if the worker never came
    made = _renderings(monkeypatch)
    page = client.get(URL).content.decode()
    assert made and "Mise à jour en cours" not in page


@pytest.mark.django_db
def test_without_a_worker_the_sheet_is_rendered_for_the_visitor(client, settings, monkeypatch):
    settings.ALLIANCES_SHEETS_PREBUILD = False
    client.get(URL)
    _change_the_data()
    made = _renderings(monkeypatch)
    page = client.get(URL).content.decode()
    assert made and "Mise à jour en cours" not in page


@pytest.mark.django_db
def test_a_sheet_never_rendered_is_prepared_by_the_worker_not_by_the_web_process(
    client, settings, monkeypatch, real_queue
):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    made = _renderings(monkeypatch)
    response = client.get(URL)
    page = response.content.decode()
    assert made == []  # a new base's sheet reads the whole base: not in a web worker
    assert response.status_code == 503 and response["Retry-After"] == "60"
    assert "Cette fiche est en préparation" in page
    assert 'role="status"' in page and f'href="{URL}"' in page
    assert queue.pending() == 1  # the worker is asked now, not at its next periodic check
    client.get(URL)
    assert queue.pending() == 1  # a second visitor asks for nothing more

    queue.run_pending()
    assert made == ["odd-3", "odd-3"]  # French and English, by the worker
    ready = client.get(URL)
    assert ready.status_code == 200
    assert "en préparation" not in ready.content.decode()


@pytest.mark.django_db
def test_the_sheet_in_preparation_is_said_in_english_too(client_en, settings, real_queue):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    page = client_en.get(URL).content.decode()
    assert "This sheet is being prepared" in page


@pytest.mark.django_db
def test_a_sheet_never_rendered_is_rendered_for_the_visitor_when_no_worker_came(
    client, settings, monkeypatch, real_queue
):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    monkeypatch.setattr(rendering, "PREVIOUS_SECONDS", -1)
    made = _renderings(monkeypatch)
    response = client.get(URL)
    assert response.status_code == 200 and made == ["odd-3"]


@pytest.mark.django_db
def test_when_jobs_run_in_the_asking_process_the_visitor_renders(client, settings, monkeypatch):
    # ALLIANCES_JOBS_IMMEDIATE (scripts, the tests' default): no worker to wait for.
    settings.ALLIANCES_SHEETS_PREBUILD = True
    assert queue.immediate()
    made = _renderings(monkeypatch)
    response = client.get(URL)
    assert response.status_code == 200 and made == ["odd-3"]


@pytest.mark.django_db
def test_the_rebuild_renders_first_the_sheets_visitors_wait_for(
    client_en, settings, monkeypatch, real_queue
):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    subjects = [get_subject("odd", key) for key in ("3", "4", "5")]
    monkeypatch.setattr(tasks, "all_subjects", lambda: subjects)
    order: list[str] = []
    original = rendering.build_sheet

    def counted(subject):  # noqa: ANN202
        order.append(f"{get_language()}:{subject.slug}")
        return original(subject)

    monkeypatch.setattr(rendering, "build_sheet", counted)
    assert client_en.get("/fiches/odd/5/").status_code == 503
    queue.run_pending()
    assert order[0] == "en:odd-5"  # the visitor's page, before the French ones
    assert sorted(order) == sorted(f"{lang}:{s.slug}" for lang in ("fr", "en") for s in subjects)
    assert client_en.get("/fiches/odd/5/").status_code == 200
