"""Who may see and do what in a workspace. Every view and API endpoint asks here.

- only members see a workspace (and curators, when the coordinator has granted it);
- a member edits only its own organisation's answers and contributions;
- coordinators manage invitations, campaigns and publishing.
"""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from .models import Membership, Workspace

User = AbstractBaseUser | AnonymousUser


def membership(user: User, workspace: Workspace) -> Membership | None:
    if not user.is_authenticated:
        return None
    return workspace.members.filter(user=user).select_related("organisation").first()


def is_curator(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def can_view(user: User, workspace: Workspace) -> bool:
    if membership(user, workspace) is not None:
        return True
    return is_curator(user) and workspace.curators_granted


def can_coordinate(user: User, workspace: Workspace) -> bool:
    member = membership(user, workspace)
    return member is not None and member.role == Membership.Role.COORDINATOR


def organisation_of(user: User, workspace: Workspace) -> int | None:
    """The organisation a member writes for; None for curators and strangers."""
    member = membership(user, workspace)
    return member.organisation_id if member else None


def get_workspace_for(request: HttpRequest, pk: int) -> Workspace:
    """The workspace if the user may see it; a 404 otherwise, so strangers learn nothing."""
    workspace = get_object_or_404(Workspace.objects.select_related("alliance"), pk=pk)
    if not can_view(request.user, workspace):
        raise Http404(_("Espace introuvable."))
    return workspace
