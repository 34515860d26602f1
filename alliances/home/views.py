from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from alliances import __version__
from alliances.base.models import Alliance
from alliances.base.search import index as search_index
from alliances.common.models import LoadedDataset

from .figures import key_figures, latest_examples, latest_survey_figure, region_map

# The parts of the platform as the home page presents them: (French verb of the field,
# title, what a visitor finds there, URL name). A part whose URL does not exist yet is left
# out (never a card that leads nowhere).
PARTS = [
    (
        _("Capitaliser"),
        _("La base des alliances"),
        _(
            "Des exemples réels d'alliances et de catalyseurs territoriaux, à chercher par "
            "territoire, domaine, profil d'acteur ou ODD."
        ),
        "base:search",
    ),
    (
        _("Faire alliance"),
        _("Trouver des partenaires"),
        _("Des organisations près de chez vous, leurs besoins et ce qu'elles proposent."),
        "partners:index",
    ),
    (
        _("Observer"),
        _("L'observatoire des partenariats"),
        _("Les chiffres des enquêtes depuis 2008, avec leur marge d'erreur et leurs sources."),
        "observatory:index",
    ),
    (
        _("Se situer"),
        _("Les fiches repères"),
        _("Une fiche par profil d'acteur, domaine, territoire et ODD, en page web et en PDF."),
        "sheets:index",
    ),
    (
        _("S'approprier"),
        _("Méthodes, outils et autodiagnostic"),
        _("La bibliothèque M.E.D.O.C. et un autodiagnostic de maturité qui propose un parcours."),
        "library:index",
    ),
    (
        _("Évaluer et modéliser"),
        _("Les espaces partenaires"),
        _(
            "Pour les partenaires d'une alliance : une évaluation en regards croisés, un modèle "
            "socio-économique et des rapports d'avancement."
        ),
        "workspaces:index",
    ),
    (
        _("Se repérer"),
        _("Territoires"),
        _(
            "Chaque région, département, intercommunalité et commune a sa page : ses alliances, "
            "ses organisations, ses chiffres, sa fiche."
        ),
        "territories:index",
    ),
    (
        _("Faire valoir"),
        _("La charte des alliances"),
        _("Les engagements des signataires de la charte d'alliance."),
        "charter:index",
    ),
]


def _parts() -> list[dict]:
    parts = []
    for verb, title, text, url_name in PARTS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        parts.append({"verb": verb, "title": title, "text": text, "url": url})
    return parts


def index(request: HttpRequest) -> HttpResponse:
    figures = key_figures()
    context = {
        "parts": _parts(),
        "figures": figures,
        "survey": latest_survey_figure(),
        "examples": latest_examples(),
        "region_map": region_map(figures.region_counts),
    }
    return render(request, "home/index.html", context)


def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """Browsers ask for /favicon.ico whatever the page says: send them to the static file."""
    return HttpResponsePermanentRedirect(static("alliances/favicon.ico"))


def sources(request: HttpRequest) -> HttpResponse:
    datasets = list(LoadedDataset.objects.all())
    return render(request, "home/sources.html", {"datasets": datasets})


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and what is loaded: for operators and load balancers."""
    backend = connection.vendor
    try:
        data = {d.name: d.version for d in LoadedDataset.objects.all()}
        database_ok = True
    except DatabaseError:
        data, database_ok = {}, False
    payload = {
        "status": "ok" if database_ok else "error",
        "version": __version__,
        "database": {"backend": backend, "ok": database_ok},
        "data_versions": data,
        "search_index": _index_health() if database_ok else None,
        "debug": settings.DEBUG,
    }
    if payload["search_index"] and not payload["search_index"]["ok"]:
        payload["status"] = "degraded"  # served, but searches may miss alliances
    return JsonResponse(payload, status=200 if database_ok else 503)


def _index_health() -> dict:
    """Whether the search index agrees with the base (`manage.py reindex` mends it), and how
    many alliances wait for their vector (informative: the job worker catches up within
    moments of a change, so it does not make the status degraded)."""
    return {
        "ok": not search_index.is_stale(),
        "indexed": search_index.indexed_count(),
        "alliances": Alliance.objects.count(),
        "vectors_missing": search_index.vectors_missing(),
    }
