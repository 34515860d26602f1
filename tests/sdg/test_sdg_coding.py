"""SDG coding stored and decided: suggestions computed at setup and on save, idempotent,
confirmed or rejected with history; verified codes stay the alliance's own."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from alliances.base.models import Alliance, ChangeRecord, Result
from alliances.referentials.models import Term
from alliances.sdg.models import SdgTarget
from alliances.sdg_coding import services
from alliances.sdg_coding.evaluation import shipped_texts
from alliances.sdg_coding.models import SdgCodingState, SdgSuggestion, SdgSuggestionEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def curator(django_user_model):
    user = django_user_model.objects.create_user("curatrice", "c@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Curateurs"))
    return user


def stored(alliance: Alliance, status: str = "suggested") -> set[str]:
    rows = SdgSuggestion.objects.filter(alliance=alliance, status=status)
    return set(rows.values_list("target__code", flat=True))


def test_setup_stored_what_the_suggester_finds_in_each_shipped_example():
    suggester = services.get_suggester()
    texts = shipped_texts()
    total = 0
    for slug, text in texts.items():
        alliance = Alliance.objects.get(slug=slug)
        expected = {s.code for s in suggester.suggest(text)}
        assert stored(alliance) == expected, slug
        total += len(expected)
    assert total > 100
    assert SdgCodingState.objects.count() >= len(texts)
    # Every suggestion carries the words that triggered it, and its creation in its history.
    row = SdgSuggestion.objects.get(alliance__slug="tzcld-poitiers", target__code="10.2")
    assert row.words() == ["quartiers prioritaires"]
    assert row.triggers[0]["field"] == "title" and row.score == 1.0
    assert list(row.events.values_list("action", "actor")) == [("suggested", "suggester")]


def test_a_second_run_changes_nothing():
    events = SdgSuggestionEvent.objects.count()
    report = services.refresh()
    assert report.alliances >= 66 and report.skipped == report.alliances
    assert (report.created, report.updated, report.withdrawn) == (0, 0, 0)
    assert SdgSuggestionEvent.objects.count() == events
    forced = services.refresh(force=True)
    assert forced.skipped == 0 and forced.created == 0 and forced.updated == 0


def test_suggestions_follow_the_text_when_an_alliance_is_saved(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        alliance = Alliance.objects.create(
            kind="alliance", title="Essai", slug="essai-odd", summary="Une épicerie solidaire."
        )
    assert stored(alliance) == {"2.1"}
    with django_capture_on_commit_callbacks(execute=True):
        alliance.summary = "Un garage solidaire pour réparer les voitures."
        alliance.save()
    assert stored(alliance) == {"11.2"}
    assert stored(alliance, "withdrawn") == {"2.1"}
    with django_capture_on_commit_callbacks(execute=True):
        alliance.summary = "Une épicerie solidaire."
        alliance.save()
    assert stored(alliance) == {"2.1"}
    food = SdgSuggestion.objects.get(alliance=alliance, target__code="2.1")
    assert list(food.events.order_by("at", "id").values_list("action", flat=True)) == [
        "suggested",
        "withdrawn",
        "suggested",
    ]
    # Results with figures and domains are read too.
    with django_capture_on_commit_callbacks(execute=True):
        Result.objects.create(alliance=alliance, label="Emplois créés", value=12)
    assert "8.5" in stored(alliance)
    with django_capture_on_commit_callbacks(execute=True):
        alliance.domains.add(Term.objects.get(taxonomy__key="domains", key="logement"))
        alliance.summary = "Une épicerie solidaire. Un hébergement pour tous."
        alliance.save()
    assert "11.1" in stored(alliance)  # "hébergement" (context) + the domain "Logement"


def test_confirming_adds_the_target_to_the_verified_codes_with_history(
    curator, django_capture_on_commit_callbacks
):
    row = SdgSuggestion.objects.get(alliance__slug="tzcld-poitiers", target__code="8.5")
    alliance = row.alliance
    with django_capture_on_commit_callbacks(execute=True):
        assert services.verify([row], user=curator, note="lu dans la source") == 1
    row.refresh_from_db()
    assert row.status == "verified" and row.decided_by == curator and row.decided_at
    assert set(alliance.sdg_targets.values_list("code", flat=True)) == {"8.5"}
    record = ChangeRecord.objects.filter(alliance=alliance).first()
    assert record.changes == {"sdg_targets": [[], ["8.5"]]} and record.user == curator
    event = row.events.first()
    assert (event.action, event.user, event.note) == ("verified", curator, "lu dans la source")
    assert (event.status_before, event.status_after) == ("suggested", "verified")
    # Confirming again changes nothing; the refresh after the save keeps it verified.
    assert services.verify([row], user=curator) == 0
    assert services.refresh([alliance.pk], force=True).verified == 0
    assert "8.5" not in stored(alliance)


def test_rejecting_and_reopening(curator, django_capture_on_commit_callbacks):
    row = SdgSuggestion.objects.get(alliance__slug="tzcld-poitiers", target__code="10.2")
    with django_capture_on_commit_callbacks(execute=True):
        services.verify([row], user=curator)
        assert services.reject(SdgSuggestion.objects.filter(pk=row.pk), user=curator) == 1
    row.refresh_from_db()
    assert row.status == "rejected"
    assert not row.alliance.sdg_targets.filter(code="10.2").exists()  # left the verified codes
    # A rejected suggestion does not come back when the text is computed again.
    services.refresh([row.alliance_id], force=True)
    row.refresh_from_db()
    assert row.status == "rejected"
    assert services.reopen([row], user=curator) == 1
    row.refresh_from_db()
    assert row.status == "suggested"
    actions = list(row.events.order_by("at", "id").values_list("action", flat=True))
    assert actions[-3:] == ["verified", "rejected", "reopened"]


def test_codes_set_directly_on_the_alliance_decide_its_suggestions(
    django_capture_on_commit_callbacks,
):
    alliance = Alliance.objects.get(slug="tzcld-poitiers")
    target = SdgTarget.objects.get(code="8.5")
    with django_capture_on_commit_callbacks(execute=True):
        alliance.sdg_targets.add(target)
    row = SdgSuggestion.objects.get(alliance=alliance, target=target)
    assert row.status == "verified"
    assert row.events.first().note == "cible présente dans les codes vérifiés de l'alliance"
    with django_capture_on_commit_callbacks(execute=True):
        alliance.sdg_targets.remove(target)
    row.refresh_from_db()
    assert row.status == "rejected"
    # A code verified by hand is never suggested on top.
    other = Alliance.objects.create(kind="alliance", title="Sans", slug="sans-odd")
    other.sdg_targets.add(SdgTarget.objects.get(code="2.1"))
    other.summary = "Une épicerie solidaire."
    other.save()
    services.refresh([other.pk])
    assert not SdgSuggestion.objects.filter(alliance=other).exists()


def test_pairs_and_codes_for_the_search_and_the_exports(curator):
    alliance = Alliance.objects.get(slug="tzcld-poitiers")
    pairs = [p for p in services.suggested_pairs() if p.alliance_id == alliance.pk]
    assert {(p.goal, p.target) for p in pairs} == {(8, "8.5"), (10, "10.2")}
    target = SdgTarget.objects.get(code="10.2")
    assert next(p for p in pairs if p.target == "10.2").target_id == target.pk
    assert next(p for p in pairs if p.target == "10.2").goal_id == target.goal_id
    assert services.suggested_codes([alliance.pk]) == {alliance.pk: ["8.5", "10.2"]}
    services.reject(SdgSuggestion.objects.filter(alliance=alliance, target=target), user=curator)
    assert services.suggested_codes([alliance.pk]) == {alliance.pk: ["8.5"]}
    assert {p.target for p in services.suggested_pairs([alliance.pk])} == {"8.5"}


def test_the_version_read_by_the_sheets_changes_with_a_decision(curator):
    before = services.coding_version()
    assert services.coding_version() == before
    row = SdgSuggestion.objects.filter(status="suggested").first()
    services.reject([row], user=curator)
    assert services.coding_version() != before


def test_the_command_names_what_is_wrong(tmp_path, monkeypatch):
    with pytest.raises(CommandError, match="introuvable.*nulle-part"):
        call_command("suggest_sdg", alliance=["nulle-part"], verbosity=0)
    (tmp_path / "08.yaml").write_text('"8.5":\n  fr: [emploi, emplois]\n', encoding="utf-8")
    monkeypatch.setattr(services, "PHRASES_DIR", tmp_path)
    with pytest.raises(CommandError, match="08.yaml, ligne 2"):
        call_command("suggest_sdg", verbosity=0)
    monkeypatch.undo()
    services.reset_suggester()
    call_command("suggest_sdg", alliance=["tzcld-poitiers"], force=True, verbosity=0)


def test_an_embedder_named_in_the_settings_is_used(settings):
    settings.ALLIANCES_SDG_EMBEDDER = "tests.sdg.test_sdg_suggester.BagOfWords"
    services.reset_suggester()
    try:
        suggester = services.get_suggester()
        assert suggester.semantic is not None
        assert "tests.sdg.test_sdg_suggester.BagOfWords" in suggester.signature
        assert "plein emploi productif" in suggester.semantic.target_texts["8.5"]
    finally:
        settings.ALLIANCES_SDG_EMBEDDER = ""
        services.reset_suggester()


def test_curators_may_view_and_decide_suggestions():
    group = Group.objects.get(name="Curateurs")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"view_sdgsuggestion", "change_sdgsuggestion", "view_sdgsuggestionevent"} <= codenames
    assert "delete_sdgsuggestion" not in codenames
