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
