"""While the job worker renders the sheets again after a data change, a visitor gets the
previous sheet at once, said so on the page (ADR 0181); for a bounded time only."""

import pytest
from django.core.cache import cache, caches

from alliances.base.models import Alliance
from alliances.sheets import content, rendering, tasks
from alliances.sheets.subjects import get_subject

URL = "/fiches/odd/3/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    caches["sheets"].clear()


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
    client, settings, monkeypatch
):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    before = client.get(URL).content.decode()
    assert "Mise à jour en cours" not in before
    _change_the_data()
    made = _renderings(monkeypatch)
    during = client.get(URL).content.decode()
    assert made == []  # nothing rendered while the visitor waits
    assert "Mise à jour en cours" in during
    # The worker's rebuild renders the new version; the next visitor gets it, without notice.
    monkeypatch.setattr(tasks, "all_subjects", lambda: [get_subject("odd", "3")])
    tasks.rebuild_sheets.call_local()
    assert made
    after = client.get(URL).content.decode()
    assert "Mise à jour en cours" not in after


@pytest.mark.django_db
def test_the_notice_is_in_english_too(client_en, settings):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    client_en.get(URL)
    _change_the_data()
    page = client_en.get(URL).content.decode()
    assert "Update in progress" in page


@pytest.mark.django_db
def test_the_previous_sheet_is_served_for_a_bounded_time_only(client, settings, monkeypatch):
    settings.ALLIANCES_SHEETS_PREBUILD = True
    client.get(URL)
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
