"""Territory pages: /territoires/ (régions and a search) and /territoires/<level>/<code>/.

Each page runs a fixed, small number of queries (containment is denormalised), and its list
also answers ?format=json and ?format=csv.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from alliances.common.i18n import current_language
from alliances.common.models import LoadedDataset
from alliances.common.twins import list_response
from alliances.maps import choropleth, figure_html, known_codes
from alliances.territories.points import point_of

from .lookups import SUB_COMMUNE_LEVELS, search
from .models import FRANCE_CODE, Level, Territory
from .paths import territory_url

COLUMNS = ["code", "name", "level", "level_label", "population", "siren", "departement", "url"]


def _point(row: dict) -> tuple[float, float] | None:
    return point_of(row["level"], row["code"])


COMMUNES_PER_PAGE = 100
LEVEL_LABELS = dict(Level.choices)


# Lists are read as plain values (no model instances): a département page shows 100
# communes with their EPCI, and building instances was most of its time.
VALUE_FIELDS = (
    "id",
    "level",
    "code",
    "name",
    "population",
    "siren",
    "departement_id",
    "departement__code",
    "departement__name",
    "epci__code",
    "epci__name",
)


def _fetch(queryset: QuerySet) -> list[dict]:
    return list(queryset.values(*VALUE_FIELDS))


def _display(t: dict, with_epci: bool = False) -> dict:
    """One line of an HTML table: the twin row plus what the page shows beside it."""
    row = {
        "code": t["code"],
        "name": t["name"],
        "level": t["level"],
        "level_label": str(LEVEL_LABELS.get(t["level"], t["level"])),
        "population": t["population"],
        "siren": t["siren"],
        "departement": t["departement__code"] or "",
        "url": territory_url(t["level"], t["code"]),
        "population_display": format_population(t["population"]),
    }
    if t["departement_id"] and t["departement_id"] != t["id"]:
        row["departement_name"] = t["departement__name"]
    if with_epci and t["epci__code"]:
        row["epci_name"] = t["epci__name"]
        row["epci_url"] = territory_url(Level.EPCI, t["epci__code"])
    return row


def _as_values(t: Territory) -> dict:
    """A territory (from a lookup, departement loaded) in the shape of `VALUE_FIELDS`."""
    departement = t.departement if t.departement_id else None
    return {
        "id": t.pk,
        "level": t.level,
        "code": t.code,
        "name": t.name,
        "population": t.population,
        "siren": t.siren,
        "departement_id": t.departement_id,
        "departement__code": departement.code if departement else None,
        "departement__name": departement.name if departement else None,
        "epci__code": None,
        "epci__name": None,
    }


def _twin(row: dict) -> dict:
    return {key: row[key] for key in COLUMNS}


def format_population(value: int | None) -> str:
    """Thousands grouped as each language writes them (cheaper than `intcomma` per row)."""
    if value is None:
        return "—"
    separator = "\u202f" if current_language() == "fr" else ","
    return f"{value:,}".replace(",", separator)


def _population_map(
    level: str,
    territories: list[Territory],
    title: str,
    subset: set[str] | None = None,
    highlight: set[str] | None = None,
    cache_key: str = "",
) -> SafeString | None:
    """A choropleth of the population of these régions or départements (None if unknown).

    The SVG depends only on the shipped data and the language: cached (shared cache) with
    the loaded dataset's checksum in the key, so a reload draws it again.
    """
    checksum = (
        LoadedDataset.objects.filter(name="territories").values_list("checksum", flat=True).first()
        or ""
    )
    key = f"territories:map:{cache_key}:{current_language()}:{checksum[:12]}"
    drawn = cache.get(key)
    if drawn is not None:
        return mark_safe(drawn)  # noqa: S308 - HTML built by alliances.maps, which escapes
    known = known_codes(level)
    values = {t["code"]: t["population"] for t in territories if t["code"] in known}
    urls = {t["code"]: territory_url(t["level"], t["code"]) for t in territories}
    if not values:
        return None
    drawn = figure_html(
        choropleth(
            level,
            values,
            title=title,
            description=_("Population municipale (INSEE), somme des communes."),
            unit=_("habitants"),
            subset=(subset & known) if subset else None,
            highlight=(highlight & known) if highlight else None,
            link=urls.get,
            locale=current_language(),
            decimals=0,
            slug=f"carte-{cache_key.replace(':', '-')}",
        )
    )
    cache.set(key, drawn, 3600)
    return mark_safe(drawn)  # noqa: S308


def index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    areas = _fetch(
        Territory.objects.filter(
            level__in=[Level.REGION, Level.OVERSEAS_COLLECTIVITY], obsolete=False
        ).order_by("name")
    )
    regions = [t for t in areas if t["level"] == Level.REGION]
    coms = [t for t in areas if t["level"] == Level.OVERSEAS_COLLECTIVITY]
    results = search(query) if query else None
    context = {
        "query": query,
        "results": [_display(_as_values(t)) for t in results] if results is not None else None,
        "regions": [_display(t) for t in regions],
        "coms": [_display(t) for t in coms],
        "france": Territory.objects.filter(level=Level.COUNTRY, code=FRANCE_CODE).first(),
        "map": None
        if query
        else _population_map("region", regions, _("Population des régions"), cache_key="fr"),
    }
    shown = context["results"] if query else context["regions"] + context["coms"]
    rows = [_twin(row) for row in shown]
    return list_response(
        request, "territories/index.html", context, rows, COLUMNS, "territoires", point=_point
    )


def _breadcrumb(territory: Territory) -> list[Territory]:
    chain = []
    france = Territory.objects.filter(level=Level.COUNTRY, code=FRANCE_CODE).first()
    if france and territory.level != Level.COUNTRY:
        chain.append(france)
    if territory.level in SUB_COMMUNE_LEVELS or territory.zone == "com":
        # Overseas collectivities and former communes: follow the parent links.
        ancestors = []
        current = territory.parent
        while current is not None and current.level != Level.COUNTRY:
            ancestors.append(current)
            current = current.parent
        return chain + ancestors[::-1]
    for ancestor in (territory.region, territory.departement, territory.epci):
        if ancestor is not None and ancestor.pk != territory.pk:
            chain.append(ancestor)
    return chain


def detail(request: HttpRequest, level: str, code: str) -> HttpResponse:
    if level not in Level.values:
        raise Http404(_("Niveau de territoire inconnu : « %s ».") % level)
    territory = (
        Territory.objects.select_related("parent__parent", "region", "departement", "epci")
        .filter(level=level, code=code)
        .first()
    )
    if territory is None:
        raise Http404(
            _("Aucun territoire « %(code)s » au niveau « %(level)s ».")
            % {"code": code, "level": Level(level).label}
        )
    context: dict = {
        "territory": territory,
        "breadcrumb": _breadcrumb(territory),
        "map": None,
        "epcis": [],
        "page_obj": None,
        "list_title": "",
    }
    items: list[dict] = []
    base = Territory.objects.filter(obsolete=False)
    if level == Level.COUNTRY:
        items = _fetch(
            base.filter(level__in=[Level.REGION, Level.OVERSEAS_COLLECTIVITY]).order_by(
                "level", "name"
            )
        )
        context["list_title"] = _("Régions et collectivités d'outre-mer")
        context["map"] = _population_map(
            "region",
            [t for t in items if t["level"] == Level.REGION],
            _("Population des régions"),
            cache_key="fr",
        )
    elif level == Level.REGION:
        items = _fetch(base.filter(level=Level.DEPARTEMENT, region=territory).order_by("code"))
        context["list_title"] = _("Départements")
        context["map"] = _population_map(
            "departement",
            items,
            _("Population des départements de la région %s") % territory.name,
            subset={t["code"] for t in items},
            cache_key=f"region:{territory.code}",
        )
    elif level == Level.DEPARTEMENT:
        context["epcis"] = [
            _display(t)
            for t in _fetch(base.filter(level=Level.EPCI, departement=territory).order_by("name"))
        ]
        communes = (
            base.filter(level=Level.COMMUNE, departement=territory)
            .order_by("search_name", "code")
            .values(*VALUE_FIELDS)
        )
        page_obj = Paginator(communes, COMMUNES_PER_PAGE).get_page(request.GET.get("page"))
        context["page_obj"] = page_obj
        items = list(page_obj.object_list)
        context["list_title"] = _("Communes")
    elif level in (Level.EPCI, Level.OVERSEAS_COLLECTIVITY):
        relation = {"epci": territory} if level == Level.EPCI else {"parent": territory}
        items = _fetch(base.filter(level=Level.COMMUNE, **relation).order_by("search_name"))
        context["list_title"] = _("Communes membres") if level == Level.EPCI else _("Communes")
    elif level == Level.COMMUNE:
        items = _fetch(base.filter(parent=territory, level__in=SUB_COMMUNE_LEVELS).order_by("code"))
        context["postcodes"] = sorted(territory.postcodes.values_list("code", flat=True))
        context["list_title"] = _("Communes déléguées, associées et arrondissements")
    else:
        context["postcodes"] = sorted(territory.postcodes.values_list("code", flat=True))
    context["items"] = [_display(t, with_epci=level == Level.DEPARTEMENT) for t in items]
    rows = [_twin(row) for row in context["items"]]
    context["has_epci_column"] = level == Level.DEPARTEMENT
    filename = f"territoire-{territory.level}-{territory.code}"
    return list_response(
        request, "territories/detail.html", context, rows, COLUMNS, filename, point=_point
    )
