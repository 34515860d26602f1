"""Large imports run by the job worker, their progress shown to the curator (ADR 0152).

The queue is the real one (the SQLite file of huey), its worker's loop run in-process by the
test as in tests/jobs: a file is queued, checked (a dry run), confirmed, imported; progress
moves in the cache while the import's transaction is open; a failure in the middle of the
write leaves the base as it was; a run whose worker died is seen as interrupted; only the
curators (and administrators) see the imports."""

import time
import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from alliances.base import tasks
from alliances.base.importing import importer, runs
from alliances.base.models import Alliance, ChangeRecord, ImportRun, Organisation, Partner
from alliances.jobs import queue

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("curatrice", "c@example.org", "pw")
    user.is_staff = True
    user.save()
    user.groups.add(Group.objects.get(name="Curateurs"))
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(user)
    client.user = user
    return client


def _file(word: str, good: int, bad: int) -> bytes:
    lines = ["title;kind;partners"]
    lines += [
        f"{word} alliance {n};alliance;Association {word} {n} (association:leader)"
        for n in range(good)
    ]
    lines += [f"{word} fautive {n};vaisseau;" for n in range(bad)]
    return ("\n".join(lines) + "\n").encode()


def _spy_progress(monkeypatch) -> list[dict]:
    """Every progress the worker writes to the `jobs` cache, in order."""
    written: list[dict] = []
    cache = caches["jobs"]
    original = cache.set

    def spy(key, value, *args, **kwargs):
        if key.startswith("alliances:import-run:"):
            written.append(dict(value))
        return original(key, value, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return written


def test_a_large_file_is_queued_checked_then_imported_with_its_progress(
    real_queue, curator, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.ALLIANCES_IMPORT_BACKGROUND_BYTES = 100  # this file is "large"
    monkeypatch.setattr(importer, "PROGRESS_EVERY", 3)
    word = f"lot{uuid.uuid4().hex[:8]}"
    data = _file(word, good=12, bad=2)
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(
            reverse("admin:base_alliance_import"),
            {"file": SimpleUploadedFile("partenaires.csv", data)},
        )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:base_importrun_change", args=[run.pk])
    assert (run.status, run.mode, run.user) == ("queued", "dry_run", curator.user)
    assert runs.stored_path(run).read_bytes() == data  # the file is kept in the data folder
    assert queue.pending() == 1
    page = curator.get(response["Location"]).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "En attente" in page

    written = _spy_progress(monkeypatch)
    assert queue.run_pending() == 1
    run.refresh_from_db()
    assert (run.status, run.total_rows, run.valid_rows, run.rejected_rows) == ("done", 14, 12, 2)
    assert not run.written and run.started_at <= run.finished_at
    assert not Alliance.objects.filter(title__startswith=word).exists()  # a dry run
    # The rows checked, reported as they went: from 0 to all 14, never backwards.
    checked = [(p["done"], p["total"]) for p in written if p["step"] == "checking"]
    assert checked[0] == (0, 14) and checked[-1] == (14, 14) and len(checked) >= 5
    assert [d for d, _t in checked] == sorted(d for d, _t in checked)

    page = curator.get(response["Location"]).content.decode()
    assert "http-equiv" not in page  # finished: no more refreshing
    assert "nature inconnue" in page and "<td>14</td>" in page  # row and field named
    assert "Importer les 12 lignes valides" in page and "sont écartées" in page
    rejects = curator.get(reverse("admin:base_importrun_rejects", args=[run.pk]))
    text = b"".join(rejects.streaming_content).decode("utf-8-sig")
    assert f"{word} fautive 1" in text and "error" in text and f"{word} alliance" not in text

    # Confirmed: a second run imports the valid rows; the page is read while it writes.
    seen_while_writing: list[str] = []

    def look(value):
        if value["step"] == "writing" and value["done"] == 2 and not seen_while_writing:
            follower = ImportRun.objects.exclude(pk=run.pk).get()
            url = reverse("admin:base_importrun_change", args=[follower.pk])
            seen_while_writing.append(curator.get(url).content.decode())

    cache = caches["jobs"]
    spy = cache.set
    monkeypatch.setattr(cache, "set", lambda k, v, *a, **kw: (spy(k, v, *a, **kw), look(v))[0])
    with django_capture_on_commit_callbacks(execute=True):
        response = curator.post(
            reverse("admin:base_importrun_confirm", args=[run.pk]), {"mode": "keep_valid"}
        )
    follower = ImportRun.objects.exclude(pk=run.pk).get()
    assert response["Location"] == reverse("admin:base_importrun_change", args=[follower.pk])
    assert (follower.mode, follower.checked_by, follower.stored) == ("keep_valid", run, run.stored)
    assert queue.run_pending() == 1
    follower.refresh_from_db()
    assert (follower.status, follower.written, follower.created_count) == ("done", True, 12)
    assert follower.organisations_created == 12
    created = Alliance.objects.filter(title__startswith=f"{word} alliance")
    assert created.count() == 12
    assert ChangeRecord.objects.filter(alliance__in=created, user=curator.user).count() == 12
    assert "Écriture : étape 2 sur 5" in seen_while_writing[0]
    assert '<meta http-equiv="refresh"' in seen_while_writing[0]
    assert follower.rejects and runs.rejects_path(follower).exists()

    listing = curator.get(reverse("admin:base_importrun_changelist")).content.decode()
    assert listing.count("partenaires.csv") >= 2
    upload_page = curator.get(reverse("admin:base_alliance_import")).content.decode()
    assert "Imports récents en tâche de fond" in upload_page and "partenaires.csv" in upload_page


def test_messages_are_in_the_language_of_the_curator(
    real_queue, curator, settings, django_capture_on_commit_callbacks
):
    settings.ALLIANCES_IMPORT_BACKGROUND_BYTES = 0  # every file goes through the worker
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    english.force_login(curator.user)
    with django_capture_on_commit_callbacks(execute=True):
        english.post(
            reverse("admin:base_alliance_import"),
            {"file": SimpleUploadedFile("lot.csv", _file("english", good=1, bad=1))},
        )
    run = ImportRun.objects.get()
    assert run.language == "en"
    queue.run_pending()
    run.refresh_from_db()
    assert run.summary["problems"][0]["row"] == 3
    assert run.summary["problems"][0]["column"] == "kind"
    assert "unknown" in run.summary["problems"][0]["message"]


@pytest.mark.parametrize("mode", ["all_or_nothing", "keep_valid"])
def test_a_failure_in_the_middle_of_the_write_writes_nothing(
    real_queue, curator, monkeypatch, mode
):
    word = f"panne{uuid.uuid4().hex[:8]}"
    run = _run_of(curator.user, _file(word, good=30, bad=0), mode)
    before = (
        Alliance.objects.count(),
        Organisation.objects.count(),
        Partner.objects.count(),
        ChangeRecord.objects.count(),
    )
    reached: list[int] = []

    def broken_index(ids):
        # Every row is inserted by now, in the import's transaction.
        reached.append(Alliance.objects.filter(title__startswith=word).count())
        raise OSError("disque plein")

    monkeypatch.setattr(importer, "refresh_search_index", broken_index)
    tasks.import_file(run.pk)
    assert queue.run_pending() == 1
    run.refresh_from_db()
    assert reached == [30]
    assert run.status == "failed" and not run.written and run.created_count == 0
    assert "rien n'a été écrit" in run.summary["error"]
    after = (
        Alliance.objects.count(),
        Organisation.objects.count(),
        Partner.objects.count(),
        ChangeRecord.objects.count(),
    )
    assert after == before
    page = curator.get(reverse("admin:base_importrun_change", args=[run.pk])).content.decode()
    assert "Échoué" in page and "OSError" in page and "http-equiv" not in page


def test_an_all_or_nothing_run_with_a_bad_row_writes_nothing(real_queue, curator):
    word = f"strict{uuid.uuid4().hex[:8]}"
    run = _run_of(curator.user, _file(word, good=5, bad=1), "all_or_nothing")
    tasks.import_file(run.pk)
    queue.run_pending()
    run.refresh_from_db()
    assert (run.status, run.written, run.valid_rows, run.rejected_rows) == ("done", False, 5, 1)
    assert not Alliance.objects.filter(title__startswith=word).exists()
    page = curator.get(reverse("admin:base_importrun_change", args=[run.pk])).content.decode()
    assert "rien n'a été importé" in page


def test_a_file_that_cannot_be_read_fails_with_its_reason(real_queue, curator):
    run = _run_of(curator.user, b"\x00\x01 pas un classeur", "dry_run", name="lot.xlsx")
    tasks.import_file(run.pk)
    queue.run_pending()
    run.refresh_from_db()
    assert run.status == "failed" and run.summary["error"]


def test_a_run_whose_worker_died_is_seen_as_interrupted(curator, monkeypatch):
    run = _run_of(curator.user, _file("mort", good=2, bad=0), "all_or_nothing")
    ImportRun.objects.filter(pk=run.pk).update(status="running", started_at=timezone.now())
    caches["jobs"].set(
        runs.progress_key(run.pk), {"step": "writing", "done": 2, "total": 5, "beat": time.time()}
    )
    url = reverse("admin:base_importrun_change", args=[run.pk])
    page = curator.get(url).content.decode()
    assert "En cours" in page and "http-equiv" in page  # alive: its heartbeat is recent
    # No heartbeat for longer than STALE_SECONDS: the worker is gone.
    monkeypatch.setattr(runs, "STALE_SECONDS", -1.0)
    page = curator.get(url).content.decode()
    run.refresh_from_db()
    assert run.status == "interrupted" and run.finished_at
    assert "rien n'a été écrit dans la base" in page and "http-equiv" not in page


def test_a_job_delivered_twice_runs_once(real_queue, curator):
    word = f"double{uuid.uuid4().hex[:8]}"
    run = _run_of(curator.user, _file(word, good=3, bad=0), "all_or_nothing")
    tasks.import_file(run.pk)
    tasks.import_file(run.pk)
    assert queue.run_pending() == 2
    assert Alliance.objects.filter(title__startswith=word).count() == 3


def test_only_curators_and_administrators_see_the_imports(curator, django_user_model):
    run = _run_of(curator.user, _file("vue", good=1, bad=1), "dry_run")
    urls = [
        reverse("admin:base_importrun_changelist"),
        reverse("admin:base_importrun_change", args=[run.pk]),
    ]
    staff = django_user_model.objects.create_user("personnel", "p@example.org", "pw")
    staff.is_staff = True
    staff.save()
    contributor = django_user_model.objects.create_user("contrib", "x@example.org", "pw")
    admin = django_user_model.objects.create_superuser("admin", "a@example.org", "pw")
    for user, allowed in ((curator.user, True), (admin, True), (staff, False)):
        client = Client()
        client.force_login(user)
        for url in urls:
            assert (client.get(url).status_code == 200) is allowed, (user, url)
        confirm = client.post(
            reverse("admin:base_importrun_confirm", args=[run.pk]), {"mode": "keep_valid"}
        )
        assert confirm.status_code == 404  # not a finished dry run (or not theirs to see)
    for user in (contributor, None):
        client = Client()
        if user:
            client.force_login(user)
        for url in [*urls, reverse("admin:base_importrun_rejects", args=[run.pk])]:
            response = client.get(url)
            assert response.status_code == 302 and "/admin/login/" in response["Location"]
    staff_client = Client()
    staff_client.force_login(staff)
    rejects = reverse("admin:base_importrun_rejects", args=[run.pk])
    assert staff_client.get(rejects).status_code == 404


def _run_of(user, data: bytes, mode: str, name: str = "lot.csv") -> ImportRun:
    stored = f"{uuid.uuid4().hex}{name[name.rindex('.') :]}"
    runs.IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    (runs.IMPORT_DIR / stored).write_bytes(data)
    return ImportRun.objects.create(
        mode=mode, filename=name, stored=stored, size=len(data), user=user
    )
