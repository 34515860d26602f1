from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from alliances import __version__
from alliances.base.models import Alliance
from alliances.base.search import index as search_index
from alliances.common.models import LoadedDataset

# The parts of the platform as the home page presents them: (French verb of the field,
# title, what a visitor finds there, URL name when the part is available).
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
            "Une évaluation partenariale en regards croisés et un modèle socio-économique de "
            "l'alliance."
        ),
        "evaluation:index",
    ),
    (
        _("Se repérer"),
        _("Territoires"),
        _("Régions, départements, intercommunalités et communes du code officiel géographique."),
        "territories:index",
    ),
    (
        _("Agir ensemble"),
        _("Objectifs de développement durable"),
        _("Les 17 objectifs et leurs 169 cibles, en français et en anglais."),
        "sdg:index",
    ),
]


def index(request: HttpRequest) -> HttpResponse:
    from django.urls import NoReverseMatch, reverse

    parts = []
    for verb, title, text, url_name in PARTS:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            url = None
        parts.append({"verb": verb, "title": title, "text": text, "url": url})
    return render(request, "home/index.html", {"parts": parts})


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
    """Whether the search index agrees with the base (`manage.py reindex` mends it)."""
    return {
        "ok": not search_index.is_stale(),
        "indexed": search_index.indexed_count(),
        "alliances": Alliance.objects.count(),
    }
