"""Saved searches ("Mes recherches"), their portals and widgets, and unsubscribing."""

from __future__ import annotations

from typing import Any

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_http_methods

from alliances.base.search.executor import notice_message, run_search
from alliances.common.i18n import current_language
from alliances.common.twins import list_response, requested_format
from alliances.partners import search as listing_search

from . import embed, targets
from .forms import NAME_MAX, NewSavedSearchForm, PortalForm, SavedSearchForm, suggested_slug
from .models import Portal, SavedSearch
from .portals import PORTAL_LIMIT, current_results, portal_payload, visible_portal
from .querystrings import canonical_querystring, normalise_querystring, params_of, query_of
from .tokens import saved_search_id

LIST_COLUMNS = (
    "id",
    "name",
    "target",
    "querystring",
    "search_url",
    "frequency",
    "language",
    "count",
    "created_at",
    "last_sent_at",
    "portal_url",
)
PORTAL_COLUMNS = ("slug", "title", "url", "widget_url")
# The widget is framed by other sites: any ancestor may frame it; it runs no script at all.
WIDGET_CSP = {"frame-ancestors": ["*"], "script-src": ["'none'"], "form-action": ["'none'"]}
WIDGET_CACHE_SECONDS = 300


def _owned(request: HttpRequest, pk: int) -> SavedSearch:
    """Someone else's saved search does not exist, as far as this person can tell."""
    return get_object_or_404(SavedSearch, pk=pk, owner=request.user)


def _count(saved: SavedSearch) -> int:
    return saved.searches.count(saved.querystring)


def _suggested_name(querystring: str, target: targets.Target) -> str:
    text = params_of(querystring).get("q", [""])[0].strip()
    if text:
        return text[:NAME_MAX]
    today = formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT")
    if target.key == targets.LISTINGS:
        return _("Besoins et propositions du %(date)s") % {"date": today}
    return _("Recherche du %(date)s") % {"date": today}


def _preview(querystring: str, target: targets.Target) -> tuple[int, list[dict[str, str]]]:
    """How many results the search has now, and the first five (title and address)."""
    if target.key == targets.LISTINGS:
        found = listing_search.run(
            listing_search.parse(params_of(querystring))[0], with_facets=False, limit=5
        )
        return found.count, [{"title": x.title, "url": x.get_absolute_url()} for x in found.results]
    result = run_search(query_of(querystring), with_facets=False, limit=5)
    return result.count, [{"title": a.title, "url": a.url} for a in result.alliances]


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    searches = list(SavedSearch.objects.filter(owner=request.user).select_related("portal"))
    rows = []
    for saved in searches:
        portal = getattr(saved, "portal", None)
        saved.current_count = _count(saved)  # type: ignore[attr-defined]
        rows.append(
            {
                "id": saved.pk,
                "name": saved.name,
                "target": saved.target,
                "querystring": saved.querystring,
                "search_url": request.build_absolute_uri(saved.search_url),
                "frequency": saved.frequency,
                "language": saved.language,
                "count": saved.current_count,  # type: ignore[attr-defined]
                "created_at": saved.created_at.isoformat(),
                "last_sent_at": saved.last_sent_at.isoformat() if saved.last_sent_at else None,
                "portal_url": (
                    request.build_absolute_uri(portal.get_absolute_url())
                    if portal is not None
                    else None
                ),
            }
        )
    return list_response(
        request,
        "alerts/mine.html",
        {"searches": searches},
        rows,
        LIST_COLUMNS,
        "mes-recherches",
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        target = targets.target_of(request.POST.get("target", ""))
        form = NewSavedSearchForm(request.POST, owner=request.user)
        if form.is_valid():
            with transaction.atomic():
                saved = form.save()
            messages.success(
                request,
                _("La recherche « %(name)s » est enregistrée.") % {"name": saved.name},
            )
            return redirect("alerts:mine")
        querystring, notices = _canonical(request.POST.get("querystring", ""), target)
    else:
        target = targets.requested(request.GET)
        if target.key == targets.ALLIANCES:
            querystring, raw_notices = canonical_querystring(request.GET)
            notices = [_dropped_message(n) for n in raw_notices]
        else:
            querystring, notices = target.canonical(request.GET)
        form = NewSavedSearchForm(
            owner=request.user,
            initial={
                "target": target.key,
                "querystring": querystring,
                "name": _suggested_name(querystring, target),
                "frequency": SavedSearch.Frequency.NONE,
                "language": current_language(),
            },
        )
    count, items = _preview(querystring, target)
    same = SavedSearch.objects.filter(
        owner=request.user, target=target.key, querystring=querystring
    ).first()
    return render(
        request,
        "alerts/save.html",
        {
            "form": form,
            "target": target,
            "count": count,
            "items": items,
            "search_url": target.search_url(querystring),
            "querystring": querystring,
            "notices": notices,
            "same": same,
        },
        status=400 if form.errors else 200,
    )


def _canonical(querystring: str, target: targets.Target) -> tuple[str, list[str]]:
    if target.key == targets.ALLIANCES:
        canonical, raw_notices = normalise_querystring(querystring)
        return canonical, [_dropped_message(n) for n in raw_notices]
    return target.canonical(params_of(querystring))


def _dropped_message(notice: Any) -> str:
    if notice.code == "dropped":
        return {
            "page": _(
                "La page de résultats n'est pas enregistrée : la recherche repart de la "
                "première page."
            ),
            "page_size": _("Le nombre de résultats par page n'est pas enregistré."),
            "drafts": _(
                "Les brouillons ne sont jamais suivis : seules les alliances publiées comptent."
            ),
        }.get(notice.param, notice.param)
    return notice_message(notice)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _owned(request, pk)
    form = SavedSearchForm(request.POST or None, instance=saved, owner=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            saved = form.save()
        messages.success(
            request, _("La recherche « %(name)s » est modifiée.") % {"name": saved.name}
        )
        return redirect("alerts:mine")
    if form.errors:
        saved.refresh_from_db()  # the page title shows the stored name, the field what was typed
    return render(
        request,
        "alerts/edit.html",
        {"form": form, "saved": saved},
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _owned(request, pk)
    if request.method == "POST":
        name = saved.name
        with transaction.atomic():
            saved.delete()
        messages.success(request, _("La recherche « %(name)s » est supprimée.") % {"name": name})
        return redirect("alerts:mine")
    return render(
        request,
        "alerts/delete.html",
        {"saved": saved, "portal": getattr(saved, "portal", None)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def portal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    saved = _owned(request, pk)
    if not saved.searches.portals:
        raise Http404(_("Seules les recherches d'alliances peuvent être publiées en portail."))
    portal = Portal.objects.filter(saved_search=saved).first()
    instance = portal or Portal(saved_search=saved)
    if request.method == "POST":
        form = PortalForm(request.POST, instance=instance)
        if form.is_valid():
            with transaction.atomic():
                portal = form.save()
            if portal.is_public:
                text = _("Le portail « %(title)s » est publié.")
            else:
                text = _("Le portail « %(title)s » est enregistré sans être publié.")
            messages.success(request, text % {"title": portal.title})
            return redirect("alerts:portal", slug=portal.slug)
    else:
        initial = {} if portal else {"slug": suggested_slug(saved.name), "title": saved.name}
        form = PortalForm(instance=instance, initial=initial)
    return render(
        request,
        "alerts/portal_edit.html",
        {"form": form, "saved": saved, "portal": portal},
        status=400 if form.errors else 200,
    )


def portals(request: HttpRequest) -> HttpResponse:
    """Every published portal."""
    found = Portal.objects.filter(is_public=True, blocked=False).order_by("title", "pk")
    rows = [
        {
            "slug": p.slug,
            "title": p.title,
            "url": request.build_absolute_uri(p.get_absolute_url()),
            "widget_url": request.build_absolute_uri(reverse("alerts:widget", args=[p.slug])),
        }
        for p in found
    ]
    return list_response(request, "alerts/portals.html", {}, rows, PORTAL_COLUMNS, "portails")


def _option_message(error: embed.OptionError) -> str:
    if error.code == "limit":
        return _(
            "Paramètre « limit » : « %(value)s » n'est pas un nombre entier de 1 à %(max)d."
        ) % {"value": error.value, "max": embed.MAX_LIMIT}
    return _("Paramètre « lang » : « %(value)s » n'est pas une langue proposée (fr ou en).") % {
        "value": error.value
    }


def portal(request: HttpRequest, slug: str) -> HttpResponse:
    found, preview = visible_portal(request, slug)
    if found is None:
        raise Http404(_("Aucun portail publié ne porte l'adresse « %(slug)s ».") % {"slug": slug})
    results = current_results(found, PORTAL_LIMIT)
    if requested_format(request) == "json":
        return JsonResponse(
            portal_payload(request, found, results), json_dumps_params={"ensure_ascii": False}
        )
    # The snippet builder: a plain GET form on this page choosing the widget's options.
    options, errors = embed.parse_options(request.GET, default_lang=current_language())
    widget_url = request.build_absolute_uri(reverse("alerts:widget", args=[found.slug]))
    is_owner = request.user.is_authenticated and found.saved_search.owner_id == request.user.pk
    return render(
        request,
        "alerts/portal.html",
        {
            "portal": found,
            "preview": preview,
            "is_owner": is_owner,
            "results": results,
            "search_url": found.saved_search.search_url,
            "options": options,
            "option_errors": [_option_message(e) for e in errors],
            "limits": range(1, embed.MAX_LIMIT + 1),
            "languages": embed.LANGUAGES,
            "snippet": embed.iframe_snippet(widget_url, options, found.title),
            "preview_src": f"{reverse('alerts:widget', args=[found.slug])}?{options.querystring()}",
        },
    )


@xframe_options_exempt
@csp_replace(WIDGET_CSP)
def widget(request: HttpRequest, slug: str) -> HttpResponse:
    """The embeddable list: no site chrome, no script, its own small style sheet."""
    options, errors = embed.parse_options(request.GET)
    found, preview = visible_portal(request, slug)
    with translation.override(options.lang):
        if found is None:
            response = render(
                request,
                "alerts/widget_message.html",
                {"message": _("Ce portail n'est pas publié."), "lang": options.lang},
                status=404,
            )
        elif errors:
            response = render(
                request,
                "alerts/widget_message.html",
                {"message_list": [_option_message(e) for e in errors], "lang": options.lang},
                status=400,
            )
        else:
            results = current_results(found, options.limit)
            response = render(
                request,
                "alerts/widget.html",
                {
                    "portal": found,
                    "lang": options.lang,
                    "results": results,
                    "hits": [
                        {"hit": hit, "url": request.build_absolute_uri(hit.url)}
                        for hit in results.hits
                    ],
                    "portal_url": request.build_absolute_uri(found.get_absolute_url()),
                    "search_url": request.build_absolute_uri(found.saved_search.search_url),
                },
            )
    response["Content-Language"] = options.lang
    if response.status_code == 200 and not preview:
        patch_cache_control(response, public=True, max_age=WIDGET_CACHE_SECONDS)
    else:
        patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link of every alert e-mail: stops that alert, no sign-in needed.

    GET only asks for confirmation: mail scanners open links, they do not submit forms.
    """
    pk = saved_search_id(token)
    if pk is None:
        return render(request, "alerts/unsubscribe.html", {"invalid": True}, status=400)
    saved = SavedSearch.objects.filter(pk=pk).first()
    if saved is None:
        return render(request, "alerts/unsubscribe.html", {"gone": True}, status=404)
    done = False
    if request.method == "POST":
        with transaction.atomic():
            saved.frequency = SavedSearch.Frequency.NONE
            saved.save(update_fields=["frequency", "updated_at"])
        done = True
    return render(request, "alerts/unsubscribe.html", {"saved": saved, "done": done})
