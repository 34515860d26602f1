"""Make an account a curator (staff status + the curators' group), or take it back."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from .populate_roles import load_roles


class Command(BaseCommand):
    help = "Give an account the curator role (or take it back with --remove)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--remove", action="store_true")

    def handle(self, *args: object, **options: object) -> None:
        users = get_user_model().objects.filter(email__iexact=str(options["email"]).strip())
        if users.count() != 1:
            raise CommandError(f"Aucun compte unique pour l'adresse « {options['email']} ».")
        user = users.get()
        call_command("populate_roles", verbosity=0)
        group = Group.objects.get(name=load_roles()["curators"]["group"])
        if options["remove"]:
            user.groups.remove(group)
            user.is_staff = user.is_superuser  # an administrator keeps the back office
        else:
            user.groups.add(group)
            user.is_staff = True
        user.save(update_fields=["is_staff"])
        role = "curateur" if user.is_staff else "contributeur"
        self.stdout.write(f"{user.email} : {role}")
