"""The observatory's charts, built with alliances.charts.vega and cached on the data version.

A chart is cached whole (SVG + data table) under (data version, language, subject, name), so a
warm page costs a cache read per chart; any change of a figure, indicator or population
changes the version and the next request draws the charts again.
"""

from collections.abc import Callable

import altair as alt
from django.core.cache import cache
from django.utils.translation import gettext as _

from alliances.charts import vega
from alliances.common.i18n import current_language

from .figures import data_version, trend_series

CACHE_SECONDS = 24 * 3600


def cached_chart(
    subject: str, name: str, build: Callable[[], vega.Chart | None], version: str | None = None
) -> vega.Chart | None:
    key = f"observatory:chart:{version or data_version()}:{current_language()}:{subject}:{name}"
    chart = cache.get(key)
    if chart is None:
        chart = build()
        # An empty chart is cached too (as False): no need to ask again for this version.
        cache.set(key, chart or False, CACHE_SECONDS)
    return chart or None


def _series_label(row: dict) -> str:
    if row["territory_level"] == "pays" or row["territory"] is None:
        return row["population_name"]
    return f"{row['population_name']} ({row['scope']})"


def trend_chart(rows: list[dict], statement: str) -> vega.Chart | None:
    """Values over the years, one line per population (and région), with 95 % error bars
    where the sample size is known."""
    points = trend_series(rows)
    if not points:
        return None
    data = [
        {
            "year": p["year"],
            "year_label": p["year_label"],
            "series": _series_label(p),
            "value": p["value"],
            "n": p["n"],
            "ci_low": p["ci_low"],
            "ci_high": p["ci_high"],
        }
        for p in points
    ]
    title = _("Évolution par population")
    description = _(
        "Part (%%) qui %(statement)s, par année et par population ; barres d'erreur : "
        "intervalle de confiance à 95 %% (Wilson) quand l'effectif est connu."
    ) % {"statement": statement}
    chart = vega.line_chart(
        data,
        x="year",
        y="value",
        series="series",
        title=title,
        description=description,
        x_title=_("Année"),
        y_title=_("Part (%)"),
        interval=("ci_low", "ci_high") if any(p["n"] for p in points) else None,
        columns=[
            ("year_label", _("Année")),
            ("series", _("Population")),
            ("value", _("Valeur (%)")),
            ("n", _("Effectif")),
            ("ci_low", _("IC 95 % bas")),
            ("ci_high", _("IC 95 % haut")),
        ],
    )
    chart.slug = "tendance"
    return chart


def _latest_per(rows: list[dict], key: Callable[[dict], str]) -> list[dict]:
    latest: dict[str, dict] = {}
    for row in sorted(rows, key=lambda r: (r["year"], r["n"] is not None)):
        latest[key(row)] = row
    return sorted(latest.values(), key=lambda r: -r["value"])


def populations_chart(rows: list[dict]) -> vega.Chart | None:
    """The latest national value of each population, as bars."""
    national = [r for r in rows if r["territory_level"] in ("pays", None)]
    latest = _latest_per(national, lambda r: r["population"])
    if not latest:
        return None
    data = [
        {
            "population": f"{r['population_name']} ({r['year_label']})",
            "value": r["value"],
            "n": r["n"],
            "ci_low": r["ci_low"],
            "ci_high": r["ci_high"],
        }
        for r in latest
    ]
    chart = vega.bar_chart(
        data,
        category="population",
        value="value",
        title=_("Comparaison entre populations (France, dernière mesure)"),
        description=_(
            "Dernière valeur nationale connue pour chaque population, en %. Deux valeurs ne "
            "sont dites différentes que si le test de comparaison le confirme."
        ),
        category_title=_("Population (année)"),
        value_title=_("Part (%)"),
        percent=True,
        columns=[
            ("population", _("Population (année)")),
            ("value", _("Valeur (%)")),
            ("n", _("Effectif")),
            ("ci_low", _("IC 95 % bas")),
            ("ci_high", _("IC 95 % haut")),
        ],
    )
    chart.slug = "populations"
    return chart


def territories_chart(rows: list[dict]) -> vega.Chart | None:
    """Regional values beside the national one, grouped by population."""
    latest = _latest_per(rows, lambda r: f"{r['population']}|{r['territory']}")
    if not latest:
        return None
    data = [
        {
            "territory": r["scope"],
            "population": r["population_name"],
            "year": r["year_label"],
            "value": r["value"],
        }
        for r in latest
    ]
    title = _("Régions et France, par population (dernière mesure)")
    description = _("Valeur la plus récente de chaque territoire pour chaque population, en %.")
    base = alt.Chart(alt.Data(values=data)).encode(
        y=alt.Y("territory:N", title=None, axis=alt.Axis(labelLimit=200)),
        x=alt.X("value:Q", title=_("Part (%)"), scale=alt.Scale(domain=[0, 100])),
    )
    bars = base.mark_bar(color=vega.PALETTE[0])
    text = base.mark_text(align="left", dx=3, color="#1b1f24").encode(
        text=alt.Text("value:Q", format=".0f")
    )
    spec = (
        alt.layer(bars, text)
        .properties(width=360, height=alt.Step(20))
        .facet(
            row=alt.Row(
                "population:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")
            )
        )
        .to_dict()
    )
    return vega.Chart(
        title=title,
        description=description,
        svg=vega.render(spec, title, description),
        columns=[
            ("population", _("Population")),
            ("territory", _("Territoire")),
            ("year", _("Année")),
            ("value", _("Valeur (%)")),
        ],
        rows=data,
        slug="territoires",
    )


def values_chart(rows: list[dict], title: str, description: str, slug: str) -> vega.Chart | None:
    """Bars of the latest value of each indicator (population and territory pages)."""
    latest = _latest_per(rows, lambda r: f"{r['indicator']}|{r['population']}")
    if not latest:
        return None
    data = [
        {
            "label": _short(
                # French sets a space before the colon, English none.
                _("%(population)s : %(statement)s")
                % {"population": r["population_name"], "statement": r["label"]}
            ),
            "statement": r["statement"],
            "population": r["population_name"],
            "scope": r["scope"],
            "year": r["year_label"],
            "value": r["value"],
        }
        for r in latest
    ]
    chart = vega.bar_chart(
        data,
        category="label",
        value="value",
        title=title,
        description=description,
        category_title=_("Indicateur"),
        value_title=_("Part (%)"),
        percent=True,
        columns=[
            ("population", _("Population")),
            ("statement", _("Indicateur")),
            ("scope", _("Périmètre")),
            ("year", _("Année")),
            ("value", _("Valeur (%)")),
        ],
    )
    chart.slug = slug
    return chart


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def fragilities_chart(rows: list[dict]) -> vega.Chart | None:
    """How many fragilities each territory has, objective and perceived, side by side."""
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        counts[(row["territory_name"], row["kind_label"])] = (
            counts.get((row["territory_name"], row["kind_label"]), 0) + 1
        )
    if not counts:
        return None
    data = [{"territory": t, "kind": k, "count": c} for (t, k), c in sorted(counts.items())]
    title = _("Fragilités documentées par territoire")
    description = _("Nombre de fragilités citées par les sources, objectives et perçues.")
    spec = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            y=alt.Y("territory:N", title=None, axis=alt.Axis(labelLimit=240)),
            x=alt.X("count:Q", title=_("Nombre de fragilités"), stack=True),
            color=alt.Color("kind:N", title=None),
        )
        .properties(width=360, height=alt.Step(22))
        .to_dict()
    )
    return vega.Chart(
        title=title,
        description=description,
        svg=vega.render(spec, title, description),
        columns=[
            ("territory", _("Territoire")),
            ("kind", _("Nature")),
            ("count", _("Nombre")),
        ],
        rows=data,
        slug="fragilites",
    )


def representativeness_chart(rows: list[dict]) -> vega.Chart | None:
    """The base's share beside the survey's share, for each compared category."""
    compared = [r for r in rows if r["reference_share"] is not None and r["base_share"] is not None]
    if not compared:
        return None
    base_label, survey_label = _("Base d'exemples"), _("Référence")
    data = []
    for r in compared:
        data.append({"label": r["label"], "series": base_label, "value": r["base_share"]})
        data.append({"label": r["label"], "series": survey_label, "value": r["reference_share"]})
    title = _("La base d'exemples face aux enquêtes")
    description = _(
        "Part des exemples de la base dans chaque catégorie, à côté de la part mesurée par "
        "les enquêtes (ou de la part de la population pour les régions), en %."
    )
    spec = (
        alt.Chart(alt.Data(values=data))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=240)),
            yOffset=alt.YOffset("series:N"),
            x=alt.X("value:Q", title=_("Part (%)"), scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("series:N", title=None),
        )
        .properties(width=360, height=alt.Step(11))
        .to_dict()
    )
    return vega.Chart(
        title=title,
        description=description,
        svg=vega.render(spec, title, description),
        columns=[("label", _("Catégorie")), ("series", _("Série")), ("value", _("Part (%)"))],
        rows=data,
        slug="comparaison",
    )


def timeline_chart(programmes: list[dict], studies: list[dict]) -> vega.Chart | None:
    """The programmes as periods and their studies as points, year by year."""
    if not programmes:
        return None
    title = _("Frise des programmes et des études")
    description = _(
        "Chaque barre est un programme d'études (de son année de début à sa fin, ou à la "
        "dernière année mesurée), chaque point une étude datée."
    )
    order = [p["programme"] for p in programmes]
    bars = (
        alt.Chart(alt.Data(values=programmes))
        .mark_bar(height=14, color=vega.PALETTE[0], opacity=0.35)
        .encode(
            y=alt.Y("programme:N", title=None, sort=order, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "start:Q", title=_("Année"), axis=alt.Axis(format="d"), scale=alt.Scale(zero=False)
            ),
            x2="end:Q",
        )
    )
    points = (
        alt.Chart(alt.Data(values=studies))
        .mark_point(filled=True, size=60, color=vega.PALETTE[1])
        .encode(y=alt.Y("programme:N", sort=order), x=alt.X("mid:Q"))
    )
    spec = alt.layer(bars, points).properties(width=440, height=alt.Step(26)).to_dict()
    rows = [
        {"programme": p["programme"], "period": p["period"], "study": s["study"], "year": s["year"]}
        for p in programmes
        for s in studies
        if s["programme"] == p["programme"]
    ] or [
        {"programme": p["programme"], "period": p["period"], "study": "", "year": None}
        for p in programmes
    ]
    return vega.Chart(
        title=title,
        description=description,
        svg=vega.render(spec, title, description),
        columns=[
            ("programme", _("Programme")),
            ("period", _("Période")),
            ("study", _("Étude")),
            ("year", _("Année")),
        ],
        rows=rows,
        slug="frise",
    )
