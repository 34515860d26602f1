"""Accounts and content for the signed-in browser tests (run with `manage.py shell`).

Test data only: a contributor with a saved search published as a portal and a pending
proposal, and a curator, all with the same throw-away password.
"""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from alliances.alerts.models import Portal, SavedSearch
from alliances.base.models import Alliance
from alliances.contributions.models import Proposal
from alliances.workspaces.models import Membership, Workspace

PASSWORD = "Navigateur-Essai-2026"
User = get_user_model()
call_command("populate_roles", verbosity=0)
contributor, _ = User.objects.get_or_create(
    username="contributrice@example.org", defaults={"email": "contributrice@example.org"}
)
contributor.set_password(PASSWORD)
contributor.save()
curator, _ = User.objects.get_or_create(
    username="curateur@example.org", defaults={"email": "curateur@example.org"}
)
curator.set_password(PASSWORD)
curator.save()
call_command("set_curator", "curateur@example.org", verbosity=0)

search, _ = SavedSearch.objects.get_or_create(
    owner=contributor,
    name="Emploi en Bourgogne-Franche-Comté",
    defaults={"querystring": "domain=emploi_insertion&territory=region%3A27"},
)
Portal.objects.get_or_create(
    saved_search=search,
    defaults={
        "slug": "emploi-bfc",
        "title": "Emploi en Bourgogne-Franche-Comté",
        "intro": "Les alliances pour l'emploi de la région.",
        "is_public": True,
    },
)
Proposal.objects.get_or_create(
    contributor=contributor,
    title="Jardins partagés de Besançon",
    defaults={
        "kind": "new",
        "cells": {
            "title": "Jardins partagés de Besançon",
            "kind": "alliance",
            "territory": "Besançon",
        },
    },
)
# The partner workspace of one alliance, the contributor coordinating it for its first
# partner (the CSR manager's journey reaches it from the alliance).
alliance = Alliance.objects.get(slug="ptce-le-phares")
workspace, _ = Workspace.objects.get_or_create(alliance=alliance)
Membership.objects.get_or_create(
    workspace=workspace,
    user=contributor,
    defaults={
        "organisation": alliance.partners.order_by("position", "id").first().organisation,
        "role": Membership.Role.COORDINATOR,
    },
)
print("seeded")
