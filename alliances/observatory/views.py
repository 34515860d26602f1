"""Pages of the observatory: home, indicators, populations, territories, fragilities,
representativeness. Every list answers ?format=json and ?format=csv with the rows it shows;
pages with charts also give each chart's data (?format=csv&graphique=<slug>)."""

from django.db.models import Count, Max, Min, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from alliances.common.twins import list_response, requested_format
from alliances.territories.models import Level, Territory

from . import charts
from .figures import (
    FIGURE_COLUMNS,
    data_version,
    figure_rows,
    figures_in,
    latest_change,
    latest_study,
    published_figures,
)
from .models import Figure, Fragility, Indicator, Population, Programme, Study

CHART_COLUMNS_PARAM = "graphique"


def _chart_twin(
    request: HttpRequest,
    page_charts: list,
    template: str,
    context: dict,
    rows: list[dict],
    columns: list[str],
    filename: str,
) -> HttpResponse:
    """The page, its rows as JSON/CSV, or one chart's data when ?graphique=<slug>."""
    wanted = request.GET.get(CHART_COLUMNS_PARAM)
    if wanted and requested_format(request) != "html":
        for chart in page_charts:
            if chart is not None and chart.slug == wanted:
                return list_response(
                    request,
                    template,
                    context,
                    chart.rows,
                    [k for k, _ in chart.columns],
                    f"{filename}-{chart.slug}",
                )
        raise Http404(_("Graphique inconnu : %(slug)s") % {"slug": wanted})
    context = {
        **context,
        "chart_twins": [
            {
                "chart": c,
                "json": _chart_link(request, c.slug, "json"),
                "csv": _chart_link(request, c.slug, "csv"),
            }
            for c in page_charts
            if c is not None
        ],
    }
    return list_response(request, template, context, rows, columns, filename)


def _chart_link(request: HttpRequest, slug: str, fmt: str) -> str:
    params = request.GET.copy()
    params["format"] = fmt
    params[CHART_COLUMNS_PARAM] = slug
    return f"{request.path}?{params.urlencode()}"


def index(request: HttpRequest) -> HttpResponse:
    study = latest_study()
    key_figures = figure_rows(published_figures().filter(study=study)) if study else []
    programmes = Programme.objects.prefetch_related(
        Prefetch(
            "studies",
            queryset=Study.objects.filter(obsolete=False).annotate(count=Count("figures")),
        )
    ).annotate(first=Min("figures__year"), last=Max("figures__year"), count=Count("figures"))
    rows = [
        {
            "programme": p.name,
            "period": p.period,
            "observatory_wave": p.is_observatory_wave,
            "studies": [s.title for s in p.studies.all()],
            "figures": p.count,
        }
        for p in programmes
    ]
    orphan_studies = Study.objects.filter(obsolete=False, programme__isnull=True)
    timeline = charts.cached_chart("home", "timeline", lambda: _timeline(programmes))
    context = {
        "study": study,
        "key_figures": key_figures,
        "programmes": programmes,
        "orphan_studies": orphan_studies,
        "charts": [timeline] if timeline else [],
        "counts": {
            "figures": Figure.objects.filter(obsolete=False).count(),
            "indicators": Indicator.objects.count(),
            "populations": Population.objects.count(),
            "studies": Study.objects.filter(obsolete=False).count(),
        },
    }
    return list_response(
        request,
        "observatory/index.html",
        context,
        rows,
        ["programme", "period", "observatory_wave", "studies", "figures"],
        "observatoire-programmes",
    )


def _timeline(programmes: object) -> object:
    bars, points = [], []
    for p in programmes:  # type: ignore[attr-defined]
        start = p.start_year or p.first
        end = p.end_year or max(p.last or start or 0, start or 0)
        if not start:
            continue
        bars.append({"programme": p.name, "period": p.period, "start": start, "end": end + 1})
        for study in p.studies.all():
            if study.year:
                # Plotted mid-year, inside the bar of its programme.
                points.append(
                    {
                        "programme": p.name,
                        "study": study.title,
                        "year": study.year,
                        "mid": study.year + 0.5,
                    }
                )
    return charts.timeline_chart(bars, points)


def indicators(request: HttpRequest) -> HttpResponse:
    live = Q(figures__obsolete=False)
    items = Indicator.objects.annotate(
        count=Count("figures", distinct=True, filter=live),
        populations=Count("figures__population", distinct=True, filter=live),
        first=Min("figures__year", filter=live),
        last=Max("figures__year", filter=live),
    ).order_by("theme", "key")
    rows = [
        {
            "key": i.key,
            "label": i.label,
            "statement": i.statement,
            "theme": i.theme,
            "figures": i.count,
            "populations": i.populations,
            "first_year": i.first,
            "last_year": i.last,
            "url": request.build_absolute_uri(i.get_absolute_url()),
        }
        for i in items
    ]
    return list_response(
        request,
        "observatory/indicators.html",
        {},
        rows,
        [
            "key",
            "label",
            "statement",
            "theme",
            "figures",
            "populations",
            "first_year",
            "last_year",
            "url",
        ],
        "observatoire-indicateurs",
    )


def indicator(request: HttpRequest, key: str) -> HttpResponse:
    item = Indicator.objects.filter(key=key).first()
    if item is None:
        raise Http404(_("Indicateur inconnu : %(key)s") % {"key": key})
    rows = figure_rows(published_figures().filter(indicator=item).order_by("year", "population"))
    version = data_version()
    statement = item.statement
    page_charts = [
        charts.cached_chart(key, "trend", lambda: charts.trend_chart(rows, statement), version),
        charts.cached_chart(key, "populations", lambda: charts.populations_chart(rows), version),
        charts.cached_chart(key, "territories", lambda: charts.territories_chart(rows), version)
        if any(r["territory_level"] == Level.REGION for r in rows)
        else None,
    ]
    region_map = None
    if requested_format(request) == "html":
        region_map = charts.cached_chart(
            key, "map", lambda: _indicator_map(rows, statement), version
        )
    context = {
        "indicator": item,
        "charts": [c for c in page_charts if c is not None],
        "change": latest_change(rows),
        "region_map": region_map,
    }
    return _chart_twin(
        request,
        page_charts,
        "observatory/indicator.html",
        context,
        rows,
        FIGURE_COLUMNS,
        f"indicateur-{key}",
    )


def _indicator_map(rows: list[dict], statement: str) -> object:
    """Map of the régions where the indicator was measured (latest value of each)."""
    values: dict[str, float] = {}
    for row in sorted(rows, key=lambda r: r["year"]):
        if row["territory_level"] == Level.REGION:
            values[row["territory"]] = row["value"]
    if not values:
        return None
    return _region_map(
        values,
        title=_("Régions où l'indicateur a été mesuré"),
        description=_("Dernière valeur régionale (%%) : %(statement)s.") % {"statement": statement},
        unit="%",
        slug="carte",
    )


def _region_map(values: dict[str, float], **kwargs: object) -> object:
    """A choropleth of the régions, or None when the map renderer cannot draw it."""
    try:
        from alliances.common.i18n import current_language
        from alliances.maps.choropleth import choropleth

        return choropleth(
            "region",
            values,
            locale=current_language(),
            link=lambda code: f"/observatoire/territoires/{code}/",
            **kwargs,  # type: ignore[arg-type]
        )
    except (ImportError, ValueError, FileNotFoundError, OSError):
        # Without boundaries (or with a code the maps do not know), the page still gives
        # the same values in its tables.
        return None


def population(request: HttpRequest, key: str) -> HttpResponse:
    item = Population.objects.filter(key=key).first()
    if item is None:
        raise Http404(_("Population inconnue : %(key)s") % {"key": key})
    rows = figure_rows(
        published_figures().filter(population=item).order_by("indicator__key", "year")
    )
    label = item.label
    chart = charts.cached_chart(
        f"population-{key}",
        "values",
        lambda: charts.values_chart(
            rows,
            _("Dernières valeurs connues : %(population)s") % {"population": label},
            _("Dernière valeur de chaque indicateur mesuré pour cette population, en %."),
            "valeurs",
        ),
    )
    context = {"population": item, "charts": [chart] if chart else []}
    return _chart_twin(
        request,
        [chart],
        "observatory/population.html",
        context,
        rows,
        FIGURE_COLUMNS,
        f"population-{key}",
    )


def populations(request: HttpRequest) -> HttpResponse:
    items = Population.objects.annotate(count=Count("figures")).order_by("position", "key")
    rows = [
        {
            "key": p.key,
            "label": p.label,
            "figures": p.count,
            "url": request.build_absolute_uri(p.get_absolute_url()),
        }
        for p in items
    ]
    return list_response(
        request,
        "observatory/populations.html",
        {},
        rows,
        ["key", "label", "figures", "url"],
        "observatoire-populations",
    )


def territory(request: HttpRequest, code: str) -> HttpResponse:
    place = (
        Territory.objects.filter(code=code, level__in=[Level.COUNTRY, Level.REGION])
        .order_by("level")
        .first()
    )
    if place is None:
        raise Http404(_("Territoire inconnu : %(code)s") % {"code": code})
    local = figure_rows(figures_in(place.pk).order_by("indicator__key", "year"))
    national: dict[tuple[str, str], list[dict]] = {}
    if place.level != Level.COUNTRY:
        for row in figure_rows(
            published_figures().filter(
                territory__level=Level.COUNTRY,
                indicator__key__in={r["indicator"] for r in local},
            )
        ):
            national.setdefault((row["indicator"], row["population"]), []).append(row)
    rows = []
    for row in local:
        same = national.get((row["indicator"], row["population"])) or national.get(
            (row["indicator"], None), []
        )
        if not same:
            # The same indicator for another population still gives a national bearing.
            same = [r for (ind, _p), rs in national.items() if ind == row["indicator"] for r in rs]
        closest = min(same, key=lambda r: (abs(r["year"] - row["year"]), -r["year"]), default=None)
        rows.append(
            {
                **row,
                "national_value": closest["value"] if closest else None,
                "national_year": closest["year_label"] if closest else None,
                "national_population": closest["population_name"] if closest else None,
                "national_source": closest["source"] if closest else None,
            }
        )
    fragilities = Fragility.objects.filter(territory=place, obsolete=False)
    measured = _measured_regions()
    region_map = None
    if requested_format(request) == "html" and measured:
        region_map = charts.cached_chart(
            f"territory-{code}",
            "map",
            lambda: _region_map(
                measured,
                title=_("Régions où l'observatoire a publié des chiffres régionaux"),
                description=_("Nombre de chiffres régionaux publiés par région."),
                highlight=[code] if place.level == Level.REGION else None,
                decimals=0,
                slug="carte",
            ),
        )
    name = place.name
    # The nation has nearly every figure: its table says it all, a bar per figure would not.
    chart = (
        None
        if place.level == Level.COUNTRY
        else charts.cached_chart(
            f"territory-{code}",
            "values",
            lambda: charts.values_chart(
                local,
                _("Chiffres publiés pour %(territory)s") % {"territory": name},
                _("Dernière valeur de chaque indicateur et population sur ce territoire, en %."),
                "valeurs",
            ),
        )
    )
    try:
        territory_url = place.get_absolute_url()
    except NoReverseMatch:  # the territories part may not publish its pages
        territory_url = None
    context = {
        "place": place,
        "territory_url": territory_url,
        "fragilities": fragilities,
        "charts": [chart] if chart else [],
        "region_map": region_map,
        "measured_regions": Territory.objects.filter(code__in=measured, level=Level.REGION),
    }
    return _chart_twin(
        request,
        [chart],
        "observatory/territory.html",
        context,
        rows,
        [*FIGURE_COLUMNS, "national_value", "national_year", "national_population"],
        f"territoire-{code}",
    )


def _measured_regions() -> dict[str, int]:
    counts: dict[str, int] = {}
    for figure in (
        published_figures()
        .filter(territory__level=Level.REGION)
        .prefetch_related("extra_territories")
    ):
        for place in [figure.territory, *figure.extra_territories.all()]:
            counts[place.code] = counts.get(place.code, 0) + 1
    return counts


def fragilities(request: HttpRequest) -> HttpResponse:
    items = Fragility.objects.filter(obsolete=False).select_related("territory")
    rows = [
        {
            "territory": f.territory.code if f.territory else None,
            "territory_name": f.territory.name if f.territory else f.scope_label,
            "scope_label": f.scope,
            "fragility": f.label,
            "kind": f.kind,
            "kind_label": str(f.get_kind_display()),
            "population": f.population_label,
            "rank": f.rank,
            "source": f.source_url,
            "note": f.note_text,
        }
        for f in items
    ]
    groups: dict[str, dict] = {}
    for row in rows:
        group = groups.setdefault(
            row["scope_label"],
            {
                "name": row["territory_name"],
                "code": row["territory"],
                "label": row["scope_label"],
                "objective": [],
                "perceived": [],
            },
        )
        group[row["kind"]].append(row)
    # Not under the figures' data version: vega.render already caches the SVG by its spec.
    chart = charts.fragilities_chart(rows)
    context = {"groups": list(groups.values()), "charts": [chart] if chart else []}
    return _chart_twin(
        request,
        [chart],
        "observatory/fragilities.html",
        context,
        rows,
        [
            "territory",
            "territory_name",
            "scope_label",
            "fragility",
            "kind",
            "population",
            "rank",
            "source",
            "note",
        ],
        "observatoire-fragilites",
    )


def representativeness(request: HttpRequest) -> HttpResponse:
    from .representation import representativeness_rows

    rows, context = representativeness_rows()
    chart = charts.representativeness_chart(rows)
    context = {**context, "charts": [chart] if chart else []}
    return _chart_twin(
        request,
        [chart],
        "observatory/representativeness.html",
        context,
        rows,
        [
            "dimension",
            "category",
            "label",
            "base_count",
            "base_total",
            "base_share",
            "base_ci_low",
            "base_ci_high",
            "reference_share",
            "reference_n",
            "reference_source",
            "p_value",
            "verdict",
        ],
        "observatoire-representativite",
    )
