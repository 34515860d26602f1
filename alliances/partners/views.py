from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliances.base.models import Alliance, Organisation
from alliances.referentials.models import Term
from alliances.workspaces.models import Workspace

from . import (
    conversations,
    drafts,
    facilitation,
    followups,
    inspiration,
    listings,
    search,
    services,
    suggestions,
)
from .forms import (
    AbuseForm,
    ClaimForm,
    DraftAllianceForm,
    IntroductionForm,
    ListingForm,
    MessageForm,
    ProfileForm,
    RegisterForm,
    WorkspaceRequestForm,
)
from .models import AbuseReport, Claim, Conversation, Decision, Listing, WorkspaceRequest


def _posted(request: HttpRequest) -> object:
    # An empty POST is still a submission (its form answers with its errors).
    return request.POST if request.method == "POST" else None


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


# Workspaces on request ------------------------------------------------------------------


@login_required
@require_POST
def request_workspace(request: HttpRequest, slug: str) -> HttpResponse:
    alliance = get_object_or_404(Alliance.objects.published(), slug=slug)
    form = WorkspaceRequestForm(request.POST, alliance=alliance)
    if not form.is_valid():
        messages.error(request, _("Choisissez une organisation partenaire de l'alliance."))
        return redirect(alliance.get_absolute_url())
    try:
        asked = services.request_workspace(
            request.user, alliance, form.cleaned_data["organisation"], _base_url(request)
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(alliance.get_absolute_url())
    if asked.status == Decision.APPROVED:
        messages.success(request, _("L'espace partenaires est ouvert ; vous en êtes coordinateur."))
        return redirect(services.workspace_of(alliance).get_absolute_url())
    messages.success(
        request, _("Demande envoyée : un curateur l'examine ; vous serez prévenu par e-mail.")
    )
    return redirect(alliance.get_absolute_url())


# Organisations --------------------------------------------------------------------------


@login_required
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = ClaimForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            return redirect(organisation.get_absolute_url())
        record = services.claim(request.user, organisation, form.cleaned_data["note"])
        if record.status == Decision.APPROVED:
            messages.success(request, _("Vous représentez désormais cette organisation."))
        else:
            messages.success(request, _("Demande envoyée : un curateur l'examine."))
        return redirect(organisation.get_absolute_url())
    return render(request, "partners/claim.html", {"organisation": organisation, "form": form})


def _profile_initial(organisation: Organisation) -> dict:
    profile = services.profile_of(organisation)
    territory = organisation.territory
    return {
        "name": organisation.name,
        "website": organisation.website,
        "siren": organisation.siren,
        "siret": organisation.siret,
        "rna": organisation.rna,
        "place": f"{territory.level}:{territory.code}" if territory else "",
        "domains": list(profile.domains.values_list("key", flat=True)),
        "description": profile.description,
    }


@login_required
def edit_profile(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    if not services.can_edit(request.user, organisation):
        raise PermissionDenied
    form = ProfileForm(_posted(request), initial=_profile_initial(organisation))
    if request.method == "POST" and form.is_valid():
        before = services.snapshot(organisation)
        data = form.cleaned_data
        for field in ("name", "website", "siren", "siret", "rna"):
            setattr(organisation, field, data[field])
        organisation.territory = data["place"]
        organisation.save()
        profile = services.profile_of(organisation)
        profile.description = data["description"]
        profile.save()
        profile.domains.set(Term.objects.filter(taxonomy__key="domains", key__in=data["domains"]))
        services.save_profile(organisation, profile, request.user, before)
        messages.success(request, _("Profil enregistré."))
        return redirect(organisation.get_absolute_url())
    return render(
        request, "partners/edit_profile.html", {"organisation": organisation, "form": form}
    )


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "partners/mine.html",
        {
            "organisations": services.represented_by(request.user),
            "claims": Claim.objects.filter(user=request.user).select_related("organisation"),
            "listings": Listing.objects.filter(author=request.user).select_related("organisation"),
            "conversations": conversations.of_user(request.user),
        },
    )


def possible_partners(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    found = suggestions.for_organisation(organisation, request.user)
    return render(
        request,
        "partners/suggestions.html",
        {
            "organisation": organisation,
            "suggestions": found,
            "subject_key": f"organisation:{organisation.pk}",
            "inspiration": inspiration.for_organisation(organisation),
        },
    )


@login_required
@require_POST
def hide(request: HttpRequest) -> HttpResponse:
    suggestions.hide(request.user, request.POST.get("subject", ""), request.POST.get("target", ""))
    messages.success(request, _("Cette suggestion ne vous sera plus proposée."))
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else "/")


# Needs and offers -----------------------------------------------------------------------


def _listing_pages(found: search.Found) -> dict:
    query = found.query
    current = min(query.page, found.pages)
    return {
        "current": current,
        "last": found.pages,
        "previous": query.with_page(current - 1).to_querystring() if current > 1 else "",
        "next": query.with_page(current + 1).to_querystring() if current < found.pages else "",
    }


def index(request: HttpRequest) -> HttpResponse:
    """The open needs and offers: text, facets, chips (the same search as the API, the feed
    and the saved searches: `search`)."""
    found = search.search(request.GET)
    query = found.query
    places = query.values("lieu")
    typed = [v for v in places if not v.startswith("region:")]
    qs = query.first_page().to_querystring()
    api = "needs" if query.values("sens") == ("besoins",) else "offers"
    api_qs = query.without("sens").first_page().to_querystring()
    return render(
        request,
        "partners/index.html",
        {
            "found": found,
            "query": query,
            "place_box": search.place_box(typed[0]) if typed else "",
            "other_places": typed[1:],
            "active_count": len(found.chips),
            "filters_open": bool(query.selected),
            "as_typed": query.as_typed().to_querystring(),
            "pages": _listing_pages(found),
            "feed_url": reverse("partners:feed") + (f"?{qs}" if qs else ""),
            "api_url": reverse(f"api-v1:list_{api}") + (f"?{api_qs}" if api_qs else ""),
        },
    )


def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(
        Listing.objects.select_related(
            "organisation__territory__region", "territory__region"
        ).prefetch_related("domains"),
        pk=pk,
    )
    owner = services.can_edit(request.user, listing.organisation)
    if listing.status != Listing.Status.PUBLISHED and not owner:
        raise Http404
    return render(
        request,
        "partners/listing.html",
        {
            "listing": listing,
            "owner": owner,
            "suggestions": suggestions.for_listing(listing, request.user),
            "subject_key": f"listing:{listing.pk}",
            "inspiration": inspiration.for_listing(listing),
            "abuse_form": AbuseForm(),
        },
    )


@login_required
def publish(request: HttpRequest) -> HttpResponse:
    organisations = services.represented_by(request.user)
    form = ListingForm(_posted(request))
    chosen = request.POST.get("organisation") or request.GET.get("organisation")
    if request.method == "POST" and form.is_valid():
        organisation = next((o for o in organisations if str(o.pk) == chosen), None)
        if organisation is None:
            form.add_error(None, _("Choisissez une organisation que vous représentez."))
        elif not form.is_spam:
            listing = listings.create(form.cleaned_data, organisation, request.user)
            if listing.status == Listing.Status.PENDING:
                messages.success(
                    request, _("Votre première publication attend l'accord d'un curateur.")
                )
            else:
                messages.success(request, _("Publié."))
            return redirect(listing.get_absolute_url())
    return render(
        request,
        "partners/publish.html",
        {"form": form, "organisations": organisations, "chosen": chosen},
    )


@login_required
@require_POST
def listing_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    listing = get_object_or_404(Listing, pk=pk)
    if not services.can_edit(request.user, listing.organisation):
        raise PermissionDenied
    if action == "confirmer":
        services.confirm_listing(listing)
        messages.success(request, _("Confirmé pour six mois de plus."))
    elif action != "fermer":
        raise Http404
    else:
        services.close_listing(listing)
        messages.success(request, _("Fermé : il ne paraît plus dans les listes."))
    return redirect(listing.get_absolute_url())


# Contacts -------------------------------------------------------------------------------


@login_required
def contact(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    listing = Listing.objects.open().filter(pk=request.GET.get("sujet") or 0).first()
    form = MessageForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            return redirect(organisation.get_absolute_url())
        try:
            conversation = conversations.start(
                request.user, organisation, form.cleaned_data["body"], listing
            )
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Message transmis ; votre adresse reste cachée."))
            return redirect(conversation.get_absolute_url())
    return render(
        request,
        "partners/contact.html",
        {"organisation": organisation, "listing": listing, "form": form},
    )


@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    talk = get_object_or_404(Conversation, pk=pk)
    if not conversations.can_see(request.user, talk):
        raise Http404
    form = MessageForm(_posted(request))
    if request.method == "POST" and form.is_valid() and not form.is_spam:
        conversations.reply(request.user, talk, form.cleaned_data["body"])
        messages.success(request, _("Réponse envoyée."))
        return redirect(talk.get_absolute_url())
    return render(
        request,
        "partners/conversation.html",
        {
            "conversation": talk,
            "messages_list": talk.messages.select_related("author"),
            "addresses": conversations.addresses(talk),
            "expected_days": followups.EXPECTED_REPLY_DAYS,
            "ask_partnership": talk.followups_sent > 0 and talk.partnership_started is None,
            "form": form,
            "abuse_form": AbuseForm(),
            "draft_form": DraftAllianceForm() if conversations.revealed(talk) else None,
        },
    )


@login_required
@require_POST
def report_abuse(request: HttpRequest, pk: int) -> HttpResponse:
    talk = get_object_or_404(Conversation, pk=pk)
    if not conversations.can_see(request.user, talk):
        raise Http404
    form = AbuseForm(request.POST)
    if form.is_valid():
        conversations.report(request.user, talk, form.cleaned_data["reason"])
        messages.success(request, _("Signalement transmis aux curateurs."))
    else:
        messages.error(request, _("Dites en quelques mots ce qui ne va pas."))
    return redirect(talk.get_absolute_url())


# Curators -------------------------------------------------------------------------------


def _curator(request: HttpRequest) -> None:
    if not services.is_curator(request.user):
        raise PermissionDenied


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    _curator(request)
    return render(
        request,
        "partners/queue.html",
        {
            "claims": Claim.objects.filter(status=Decision.PENDING).select_related(
                "organisation", "user"
            ),
            "workspace_requests": WorkspaceRequest.objects.filter(
                status=Decision.PENDING
            ).select_related("alliance", "organisation", "user"),
            "listings": Listing.objects.filter(status=Listing.Status.PENDING).select_related(
                "organisation"
            ),
            "reports": AbuseReport.objects.filter(handled=False).select_related("listing"),
            "funnel": listings.funnel(),
            "alliances": drafts.to_review(),
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, what: str, pk: int) -> HttpResponse:
    _curator(request)
    approve = request.POST.get("decision") == "approve"
    try:
        if what == "revendication":
            services.decide_claim(get_object_or_404(Claim, pk=pk), request.user, approve)
        elif what == "espace":
            record = get_object_or_404(WorkspaceRequest, pk=pk)
            services.decide_workspace_request(record, request.user, approve, _base_url(request))
        elif what == "publication":
            services.decide_listing(get_object_or_404(Listing, pk=pk), request.user, approve)
        elif what == "alliance":
            alliance = get_object_or_404(Alliance, pk=pk)
            if approve:
                drafts.publish(request.user, alliance)
        elif what == "signalement":
            AbuseReport.objects.filter(pk=pk).update(handled=True)
        else:
            raise Http404
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("Décision enregistrée."))
    return redirect(reverse("partners:queue"))


@login_required
@require_POST
def partnership(request: HttpRequest, pk: int) -> HttpResponse:
    """Either party says whether the contact led to a partnership (asked after 1 and 3 months)."""
    talk = get_object_or_404(Conversation, pk=pk)
    if not conversations.can_see(request.user, talk):
        raise Http404
    followups.answer_followup(request.user, talk, request.POST.get("started") == "yes")
    messages.success(request, _("Merci, c'est noté."))
    return redirect(talk.get_absolute_url())


# Facilitators ---------------------------------------------------------------------------


@login_required
def facilitation_view(request: HttpRequest) -> HttpResponse:
    context = facilitation.overview(request.user)
    form = IntroductionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            facilitation.introduce(
                request.user,
                form.cleaned_data["first"],
                form.cleaned_data["second"],
                form.cleaned_data["note"],
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Mise en relation envoyée aux deux organisations."))
            return redirect(reverse("partners:facilitation"))
    return render(request, "partners/facilitation.html", {**context, "form": form})


@login_required
@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    facilitation.verify(request.user, organisation)
    messages.success(request, _("Profil vérifié."))
    return redirect(reverse("partners:facilitation"))


@login_required
@require_POST
def draft_alliance(request: HttpRequest, pk: int) -> HttpResponse:
    talk = get_object_or_404(Conversation, pk=pk)
    if not conversations.can_see(request.user, talk):
        raise Http404
    form = DraftAllianceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Donnez un titre à l'alliance."))
        return redirect(talk.get_absolute_url())
    try:
        alliance = drafts.make_draft(
            request.user,
            talk,
            form.cleaned_data["title"],
            form.cleaned_data["summary"],
            _base_url(request),
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
        return redirect(talk.get_absolute_url())
    messages.success(
        request,
        _("Alliance en brouillon créée avec son espace ; l'autre organisation est invitée."),
    )
    return redirect(Workspace.objects.get(alliance=alliance).get_absolute_url())


@login_required
@require_POST
def ask_publication(request: HttpRequest, pk: int) -> HttpResponse:
    talk = get_object_or_404(Conversation, pk=pk)
    if not conversations.can_see(request.user, talk):
        raise Http404
    drafts.ask_publication(request.user, talk)
    messages.success(request, _("Demande de publication transmise aux curateurs."))
    return redirect(talk.get_absolute_url())


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """Add an organisation absent from the base (an existing one is claimed instead)."""
    form = RegisterForm(_posted(request))
    if request.method == "POST" and form.is_valid() and not form.is_spam:
        existing = services.same_organisation(form.cleaned_data)
        if existing is not None:
            messages.info(
                request,
                _("Cette organisation est déjà dans la base : revendiquez son profil."),
            )
            return redirect(reverse("partners:claim", args=[existing.pk]))
        organisation, record = services.register_organisation(request.user, form.cleaned_data)
        if record.status == Decision.APPROVED:
            messages.success(request, _("Organisation inscrite ; vous la représentez."))
            return redirect(organisation.get_absolute_url())
        messages.success(
            request,
            _("Organisation inscrite ; un curateur vérifie votre demande de la représenter."),
        )
        return redirect(reverse("partners:mine"))
    return render(request, "partners/register.html", {"form": form})


@login_required
@require_POST
def report_listing(request: HttpRequest, pk: int) -> HttpResponse:
    listing = get_object_or_404(Listing.objects.open(), pk=pk)
    form = AbuseForm(request.POST)
    if form.is_valid():
        listings.report(request.user, listing, form.cleaned_data["reason"])
        messages.success(request, _("Signalement transmis aux curateurs."))
    else:
        messages.error(request, _("Dites en quelques mots ce qui ne va pas."))
    return redirect(listing.get_absolute_url())


@login_required
@require_POST
def confirm_profile(request: HttpRequest, pk: int) -> HttpResponse:
    """A representative says the profile still holds (shown as "Profil confirmé le")."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not services.can_edit(request.user, organisation):
        raise PermissionDenied
    services.confirm_profile(organisation, request.user)
    messages.success(request, _("Profil confirmé."))
    return redirect(organisation.get_absolute_url())
