from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions
from .forms import AcceptInvitationForm, InvitationForm, PublishingForm
from .models import Invitation, Membership, Workspace
from .permissions import get_workspace_for


@login_required
def index(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("workspace__alliance", "organisation")
        .order_by("workspace__alliance__title")
    )
    granted = []
    if permissions.is_curator(request.user):
        granted = Workspace.objects.filter(curators_granted=True).select_related("alliance")
    return render(
        request, "workspaces/index.html", {"memberships": memberships, "granted": granted}
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    coordinator = permissions.can_coordinate(request.user, workspace)
    context = {
        "workspace": workspace,
        "membership": permissions.membership(request.user, workspace),
        "coordinator": coordinator,
        "members": workspace.members.select_related("user", "organisation"),
        "invitations": workspace.invitations.filter(accepted_at__isnull=True),
        "campaigns": workspace.campaigns.all(),
        "reports": workspace.reports.all()[:3],
        "invitation_form": InvitationForm(workspace=workspace) if coordinator else None,
        "publishing_form": PublishingForm(instance=workspace) if coordinator else None,
    }
    return render(request, "workspaces/detail.html", context)


@login_required
@require_POST
def invite(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    if not permissions.can_coordinate(request.user, workspace):
        raise PermissionDenied
    form = InvitationForm(request.POST, workspace=workspace)
    if not form.is_valid():
        return render(
            request,
            "workspaces/detail.html",
            {
                "workspace": workspace,
                "coordinator": True,
                "members": workspace.members.select_related("user", "organisation"),
                "invitations": workspace.invitations.filter(accepted_at__isnull=True),
                "campaigns": workspace.campaigns.all(),
                "reports": workspace.reports.all()[:3],
                "invitation_form": form,
                "publishing_form": PublishingForm(instance=workspace),
            },
            status=400,
        )
    invitation = form.save(commit=False)
    invitation.workspace = workspace
    invitation.invited_by = request.user
    invitation.save()
    link = request.build_absolute_uri(reverse("workspaces:accept", args=[invitation.token]))
    send_mail(
        _("Invitation à l'espace partenaires de « %(alliance)s »")
        % {"alliance": workspace.alliance.title},
        _(
            "Bonjour,\n\nVous êtes invité(e) à rejoindre l'espace partenaires de l'alliance "
            "« %(alliance)s » pour %(organisation)s.\n\nPour accepter, ouvrez ce lien "
            "(valable %(days)s jours) :\n%(link)s\n"
        )
        % {
            "alliance": workspace.alliance.title,
            "organisation": invitation.organisation.name,
            "days": Invitation.VALID_DAYS,
            "link": link,
        },
        None,
        [invitation.email],
    )
    messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email})
    return redirect(workspace)


def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("workspace"), token=token)
    if invitation.accepted_at or invitation.expired:
        return render(
            request, "workspaces/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    User = get_user_model()
    existing = User.objects.filter(email__iexact=invitation.email).first()
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(
                request,
                "workspaces/invitation_invalid.html",
                {"invitation": invitation, "wrong_user": True},
                status=403,
            )
        _join(invitation, request.user)
        return redirect(invitation.workspace)
    if existing:
        # An account exists: sign in first, then come back to this link.
        return redirect(f"{reverse('login')}?next={request.path}")
    form = AcceptInvitationForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user = User.objects.create_user(
                username=invitation.email,
                email=invitation.email,
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
            _join(invitation, user)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(invitation.workspace)
    return render(request, "workspaces/accept.html", {"invitation": invitation, "form": form})


def _join(invitation: Invitation, user: object) -> None:
    Membership.objects.get_or_create(
        workspace=invitation.workspace,
        user=user,
        defaults={"organisation": invitation.organisation, "role": invitation.role},
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])


@login_required
@require_POST
def publishing(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    if not permissions.can_coordinate(request.user, workspace):
        raise PermissionDenied
    form = PublishingForm(request.POST, instance=workspace)
    if form.is_valid():
        form.save()
        messages.success(request, _("Choix de publication enregistrés."))
    return redirect(workspace)
