"""Create or update the curators' group from alliances/accounts/roles.yaml (idempotent)."""

from pathlib import Path

import yaml
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand, CommandError

ROLES = Path(__file__).resolve().parents[2] / "roles.yaml"


def load_roles() -> dict:
    return yaml.safe_load(ROLES.read_text(encoding="utf-8"))


def curator_permissions(spec: dict[str, list[str]]) -> list[Permission]:
    """The permissions named in the file; an unknown model or action is an error."""
    wanted = []
    for model_label, actions in spec.items():
        app_label, _dot, model = model_label.partition(".")
        for action in actions:
            codename = f"{action}_{model}"
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                raise CommandError(f"{ROLES.name}: no permission « {codename} » in « {app_label} »")
            wanted.append(permission)
    return wanted


class Command(BaseCommand):
    help = "Create or update the curators' group and its permissions."

    def handle(self, *args: object, **options: object) -> None:
        roles = load_roles()
        curators = roles["curators"]
        group, created = Group.objects.get_or_create(name=curators["group"])
        wanted = curator_permissions(curators["permissions"])
        current = set(group.permissions.values_list("pk", flat=True))
        if current != {p.pk for p in wanted}:
            group.permissions.set(wanted)
            state = "created" if created else "updated"
        else:
            state = "unchanged"
        if int(options["verbosity"]):
            self.stdout.write(f"group {group.name}: {len(wanted)} permissions, {state}")
