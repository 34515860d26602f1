"""The curators' group comes from roles.yaml; set_curator gives and takes the role."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command


@pytest.mark.django_db
def test_populate_roles_is_idempotent_and_exact():
    call_command("populate_roles", verbosity=0)
    group = Group.objects.get(name="Curateurs")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"change_alliance", "delete_alliance", "change_proposal", "view_changerecord"} <= (
        codenames
    )
    assert not codenames & {"change_user", "add_apikey", "view_logentry", "view_workspace"}
    extra = group.permissions.model.objects.get(codename="add_apikey")
    group.permissions.add(extra)  # a hand-made change is undone by the next run
    call_command("populate_roles", verbosity=0)
    assert set(group.permissions.values_list("codename", flat=True)) == codenames


@pytest.mark.django_db
def test_set_curator_gives_and_takes_the_role(client):
    user = get_user_model().objects.create_user("marie", "marie@example.org", "pw-Curatrice-26")
    call_command("set_curator", "MARIE@example.org", verbosity=0)
    user.refresh_from_db()
    assert user.is_staff and user.groups.filter(name="Curateurs").exists()
    client.force_login(user)
    assert client.get("/admin/base/alliance/").status_code == 200
    assert client.get("/admin/auth/user/").status_code == 403
    call_command("set_curator", "marie@example.org", "--remove", verbosity=0)
    user.refresh_from_db()
    assert not user.is_staff and not user.groups.exists()
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("set_curator", "personne@example.org")
