import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model

from alliances.referentials.models import Term


@pytest.mark.django_db
def test_curators_actions_in_the_admin_are_logged_and_readable(client):
    admin = get_user_model().objects.create_superuser("root@example.org", "root@example.org", "x")
    client.force_login(admin)
    term = Term.objects.filter(taxonomy__key="domains").first()
    url = f"/admin/referentials/term/{term.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update({"label_fr": "Libellé modifié", "taxonomy": term.taxonomy_id, "extra": "{}"})
    data = {k: ("" if v is None else v) for k, v in data.items()}
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    entry = LogEntry.objects.get(object_id=str(term.pk))
    assert entry.user == admin and entry.is_change()
    log = client.get("/admin/admin/logentry/")
    assert log.status_code == 200 and "Libellé modifié" in log.content.decode()
    assert client.post(f"/admin/admin/logentry/{entry.pk}/delete/").status_code == 403


@pytest.mark.django_db
def test_audit_entries_survive_the_deletion_of_the_account(client):
    from django.contrib.admin.models import CHANGE

    from alliances.accounts.audit import pseudonym
    from alliances.base import history
    from alliances.base.models import Alliance, ChangeRecord

    User = get_user_model()
    curator = User.objects.create_user(
        "partie@example.org", "partie@example.org", "mot-de-passe-long-42", is_staff=True
    )
    alliance = Alliance.objects.filter(status="published").first()
    LogEntry.objects.log_actions(curator.pk, [alliance], CHANGE, "titre corrigé")
    history.record(alliance, history.UPDATED, {"summary": ["a", "b"]}, user=curator)
    old_pk = curator.pk
    client.force_login(curator)
    response = client.post("/comptes/supprimer/", {"password": "mot-de-passe-long-42"})
    assert response.status_code == 302
    assert not User.objects.filter(email="partie@example.org").exists()
    entry = LogEntry.objects.get(object_id=str(alliance.pk), change_message="titre corrigé")
    assert entry.user.username == pseudonym(old_pk)
    assert not entry.user.is_active and not entry.user.has_usable_password()
    record = ChangeRecord.objects.filter(alliance=alliance).first()
    assert record.user is None and record.actor == pseudonym(old_pk)
    assert not ChangeRecord.objects.filter(actor="partie@example.org").exists()
