"""Curators decide on suggestions in the back office, one by one or in bulk, with history."""

import html
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from alliances.sdg_coding.models import SdgSuggestion, SdgSuggestionEvent

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:sdg_coding_sdgsuggestion_changelist"


@pytest.fixture
def curator_client(django_user_model):
    user = django_user_model.objects.create_user("cura", "cura@example.org", "pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Curateurs"))
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(user)
    client.user = user
    return client


def form_data(page: str, **values: str) -> dict[str, str]:
    """The hidden fields of the admin form as a browser would send them (inline management)."""
    data = {
        html.unescape(name): html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    }
    data.pop("csrfmiddlewaretoken", None)
    return {**data, **values}


def test_the_list_shows_status_score_and_trigger_words(curator_client):
    response = curator_client.get(
        reverse(CHANGELIST), {"status__exact": "suggested", "q": "Poitiers"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "quartiers prioritaires" in page and "suggérée, non vérifiée" in page
    assert "Confirmer les suggestions choisies" in page


def test_bulk_confirm_and_reject(curator_client):
    rows = list(SdgSuggestion.objects.filter(alliance__slug="tzcld-poitiers"))
    response = curator_client.post(
        reverse(CHANGELIST),
        {"action": "verify_selected", ACTION_CHECKBOX_NAME: [r.pk for r in rows]},
        follow=True,
    )
    assert "2 suggestions confirmées" in response.content.decode()
    alliance = rows[0].alliance
    assert set(alliance.sdg_targets.values_list("code", flat=True)) == {"8.5", "10.2"}
    assert alliance.history.first().user == curator_client.user
    curator_client.post(
        reverse(CHANGELIST), {"action": "reject_selected", ACTION_CHECKBOX_NAME: [rows[0].pk]}
    )
    rows[0].refresh_from_db()
    assert rows[0].status == "rejected"
    assert alliance.sdg_targets.count() == 1


def test_one_by_one_with_a_note_and_the_history_below(curator_client):
    row = SdgSuggestion.objects.get(alliance__slug="tzcld-poitiers", target__code="10.2")
    url = reverse("admin:sdg_coding_sdgsuggestion_change", args=[row.pk])
    page = curator_client.get(url).content.decode()
    assert "Ce qui l&#x27;a déclenchée" in page
    assert "« quartiers prioritaires » (quartiers prioritaires ; titre, poids 1.0)" in page
    assert "autonomiser toutes les personnes" in page  # the official text of 10.2
    response = curator_client.post(url, form_data(page, decision="reject", note="hors sujet"))
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == "rejected" and row.decided_by == curator_client.user
    assert row.events.first().note == "hors sujet"
    page = curator_client.get(url).content.decode()
    assert "hors sujet" in page  # the history inline
    # No decision: nothing changes.
    assert curator_client.post(url, form_data(page, decision="", note="")).status_code == 302
    row.refresh_from_db()
    assert row.status == "rejected"


def test_history_is_read_only_and_suggestions_are_never_deleted(curator_client):
    event = SdgSuggestionEvent.objects.first()
    change = curator_client.get(
        reverse("admin:sdg_coding_sdgsuggestionevent_change", args=[event.pk])
    )
    assert change.status_code == 200  # viewable...
    assert b'name="_save"' not in change.content  # ...not editable
    row = SdgSuggestion.objects.first()
    delete = curator_client.get(reverse("admin:sdg_coding_sdgsuggestion_delete", args=[row.pk]))
    assert delete.status_code == 403


def test_staff_without_the_curators_role_cannot_decide(django_user_model):
    user = django_user_model.objects.create_user("staff", "s@example.org", "pw", is_staff=True)
    client = Client()
    client.force_login(user)
    assert client.get(reverse(CHANGELIST)).status_code == 403
