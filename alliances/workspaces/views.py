from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import permissions, services
from .forms import AcceptInvitationForm, CuratorsForm, InvitationForm, LanguageForm
from .models import PUBLISH_FLAGS, Invitation, Membership, Part, PublicationRequest, Workspace
from .permissions import get_workspace_for
from .status import last_report_date, workspace_status


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


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


def _detail_context(request: HttpRequest, workspace: Workspace, **forms: object) -> dict:
    coordinator = permissions.can_coordinate(request.user, workspace)
    membership = permissions.membership(request.user, workspace)
    pending = workspace.publication_requests.filter(status=PublicationRequest.Status.PENDING)
    return {
        "workspace": workspace,
        "membership": membership,
        "coordinator": coordinator,
        "status": workspace_status(workspace),
        "last_report": last_report_date(workspace),
        "members": workspace.members.select_related("user", "organisation"),
        "invitations": workspace.invitations.filter(accepted_at__isnull=True),
        "campaigns": workspace.campaigns.all(),
        "reports": workspace.reports.all()[:3],
        "pending_publications": pending.count(),
        "published": [
            label for part, label in Part.choices if getattr(workspace, PUBLISH_FLAGS[part])
        ],
        "invitation_form": forms.get("invitation_form")
        or (
            InvitationForm(workspace=workspace, initial={"language": services.current_language()})
            if coordinator
            else None
        ),
        "curators_form": CuratorsForm(instance=workspace) if coordinator else None,
        "language_form": LanguageForm(instance=membership) if membership else None,
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    return render(request, "workspaces/detail.html", _detail_context(request, workspace))


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
            _detail_context(request, workspace, invitation_form=form),
            status=400,
        )
    invitation = services.invite(
        form.save(commit=False), workspace, request.user, _base_url(request)
    )
    messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email})
    return redirect(workspace)


def accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(Invitation.objects.select_related("workspace"), token=token)
    workspace = invitation.workspace
    if invitation.accepted_at:
        # A link used already: a member goes to the workspace, anyone else is told plainly.
        if request.user.is_authenticated and permissions.membership(request.user, workspace):
            messages.info(request, _("Vous êtes déjà membre de cet espace."))
            return redirect(workspace)
        if not request.user.is_authenticated:
            messages.info(
                request,
                _("Cette invitation a déjà été acceptée : connectez-vous pour ouvrir l'espace."),
            )
            return redirect(f"{reverse('login')}?next={workspace.get_absolute_url()}")
        return render(
            request, "workspaces/invitation_invalid.html", {"invitation": invitation, "used": True}
        )
    if invitation.expired:
        return render(
            request, "workspaces/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    User = get_user_model()
    language = services.current_language()
    if request.user.is_authenticated:
        if request.user.email.lower() != invitation.email.lower():
            return render(
                request,
                "workspaces/invitation_invalid.html",
                {"invitation": invitation, "wrong_user": True},
                status=403,
            )
        services.join(invitation, request.user, language)
        return redirect(workspace)
    if User.objects.filter(email__iexact=invitation.email).exists():
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
            services.join(invitation, user, language)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(workspace)
    return render(request, "workspaces/accept.html", {"invitation": invitation, "form": form})


@login_required
@require_POST
def curators(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    if not permissions.can_coordinate(request.user, workspace):
        raise PermissionDenied
    form = CuratorsForm(request.POST, instance=workspace)
    if form.is_valid():
        form.save()
        messages.success(request, _("Accès des curateurs enregistré."))
    return redirect(workspace)


@login_required
@require_POST
def language(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    membership = permissions.membership(request.user, workspace)
    if membership is None:
        raise PermissionDenied
    form = LanguageForm(request.POST, instance=membership)
    if form.is_valid():
        form.save()
        messages.success(request, _("Langue de vos e-mails enregistrée."))
    return redirect(workspace)


def _publication_context(request: HttpRequest, workspace: Workspace) -> dict:
    own = permissions.organisation_of(request.user, workspace)
    parts = []
    for part, label in Part.choices:
        pending = services.pending_request(workspace, part)
        consents = (
            list(pending.consents.select_related("organisation", "decided_by")) if pending else []
        )
        parts.append(
            {
                "key": part,
                "label": label,
                "published": getattr(workspace, PUBLISH_FLAGS[part]),
                "pending": pending,
                "consents": consents,
                "own_consent": next((c for c in consents if c.organisation_id == own), None),
            }
        )
    return {
        "workspace": workspace,
        "parts": parts,
        "coordinator": permissions.can_coordinate(request.user, workspace),
        "member": own is not None,
        "represented": services.represented_organisations(workspace),
        "unrepresented": services.unrepresented_partners(workspace),
        "past": workspace.publication_requests.exclude(
            status=PublicationRequest.Status.PENDING
        ).select_related("requested_by")[:20],
    }


@login_required
def publication(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing a part needs every partner organisation's agreement; any may withdraw."""
    workspace = get_workspace_for(request, pk)
    if request.method == "POST":
        return _publication_action(request, workspace)
    return render(request, "workspaces/publication.html", _publication_context(request, workspace))


def _publication_action(request: HttpRequest, workspace: Workspace) -> HttpResponse:
    own = permissions.organisation_of(request.user, workspace)
    if own is None:
        raise PermissionDenied
    action = request.POST.get("action")
    part = request.POST.get("part")
    if part not in Part.values:
        raise Http404(_("Partie inconnue."))
    try:
        if action == "request":
            if not permissions.can_coordinate(request.user, workspace):
                raise PermissionDenied
            services.request_publication(workspace, part, request.user, _base_url(request))
            messages.success(
                request, _("Demande envoyée : chaque partenaire est consulté par e-mail.")
            )
        elif action in ("agree", "refuse"):
            pending = services.pending_request(workspace, part)
            if pending is None:
                raise services.PublicationRefused(_("Aucune demande en cours pour cette partie."))
            services.decide(pending, own, request.user, action == "agree", _base_url(request))
            messages.success(
                request,
                _("Votre réponse est enregistrée ; tous les partenaires en seront informés."),
            )
        elif action == "withdraw":
            services.withdraw(workspace, part, request.user, _base_url(request))
            messages.success(
                request, _("Publication retirée : la page publique ne la montre plus.")
            )
        else:
            raise Http404(_("Action inconnue."))
    except services.PublicationRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("workspaces:publication", pk=workspace.pk)
