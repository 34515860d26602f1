"""Gather what a reference sheet shows, from the base, the observatory and the library.

One function builds the context of a sheet; the web page and the PDF render the same context
with the same SVG charts and maps.
"""

import hashlib
from collections import Counter
from collections.abc import Callable

from django.core.cache import cache
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from pyroaring import BitMap

from alliances.base.models import Alliance, Partner, Source
from alliances.base.search import index
from alliances.base.search.filters import facet_of_subject
from alliances.charts.vega import Chart, bar_chart
from alliances.common.i18n import current_language
from alliances.common.models import LoadedDataset
from alliances.library.models import Resource
from alliances.maps.choropleth import Map, choropleth
from alliances.observatory.figures import data_version as observatory_version
from alliances.observatory.figures import figure_row, figures_in, published_figures
from alliances.observatory.stats import compare_proportions
from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal
from alliances.sdg_coding.services import coding_version, sheet_coding
from alliances.territories.models import FRANCE_CODE, Level, Territory

from . import facts
from .selection import Candidate, select_examples
from .subjects import Subject

# The survey populations that speak for each actor profile (observatory population keys).
PROFILE_POPULATIONS = {
    "association": [
        "responsables-associatifs",
        "associations",
        "associations-employeuses",
        "associations-partenaires",
    ],
    "entreprise": [
        "dirigeants-entreprise",
        "entreprises",
        "dirigeants-tpe-pme",
        "entreprises-10-salaries",
    ],
    "collectivite": ["maires", "elus-locaux"],
    "citoyen": ["citoyens"],
    "fondation": ["fonds-fondations"],
}
MAX_FIGURES = 8
MAX_EXAMPLES = 6
MAX_RESOURCES = 6
CANDIDATE_POOL = 300


def data_version() -> str:
    """Changes whenever an alliance, a figure, a resource or a shipped dataset changes.

    Alliances: the search index's version, drawn anew at every write to the index, which
    every save of an alliance, its partners or their organisations makes (a look-up, where
    the latest `updated_at` of 100,000 alliances was a scan)."""
    alliances = index.index_version()
    resources = Resource.objects.aggregate(n=Count("id"), m=Max("updated_at"))
    datasets = list(LoadedDataset.objects.values_list("name", "version"))
    raw = repr((alliances, resources, datasets, observatory_version(), coding_version()))
    return hashlib.sha1(raw.encode()).hexdigest()[:12]


def subject_alliances(subject: Subject):  # noqa: ANN201 - a QuerySet of Alliance
    published = Alliance.objects.published()
    if subject.kind == "profil":
        # Through the partners an alliance would appear once per partner of the profile:
        # a subquery of ids keeps each alliance once without a costly DISTINCT.
        partners = Partner.objects.filter(organisation__profile=subject.obj)
        return published.filter(id__in=partners.values("alliance_id"))
    return published.filter(subject.alliance_filter)


def subject_ids(subject: Subject) -> BitMap:
    """The published alliances of the subject, as a bitmap: a subject that is one value of a
    facet of the search (the search's filter table says which) has that value's set among
    the published ones, the same set as `subject_alliances`."""
    facet = facet_of_subject(subject.kind)
    known = facts.facts()
    if facet is None:  # a département
        return known.departements.get(subject.obj.pk, BitMap()) & known.published
    return index.facet_set(facet.name, subject.obj.pk) & known.published


def _facet_counts(ids: BitMap, facets: tuple[str, ...]) -> dict[str, dict[int, int]]:
    """The alliances of `ids` counted per value of these facets of the search index.

    From the index's facet bitmaps (profiles of partners and goals of targets included), so a
    sheet gives the numbers of the search. Counting the profiles through partners and
    organisations took about 950 ms for 100,000 alliances, the facet table 430 ms, the
    bitmaps about a millisecond."""
    counted = index.facet_counts(ids, facets)
    return {name: {int(v): n for v, n in counted[name].items()} for name in facets}


def _national_counts(facet: str) -> dict[int, int]:
    """Counts over every published alliance: shared by all sheets, cached per data version."""
    key = f"sheet:national:{data_version()}"
    counts = cache.get(key)
    if counts is None:
        counts = _facet_counts(facts.facts().published, ("type", "profile", "domain", "sdg"))
        cache.set(key, counts, 3600)
    return counts[facet]


def breakdowns(ids: BitMap) -> list[Chart]:
    """Counts of the subject's alliances by type, profile, domain, SDG and start year."""
    charts: list[Chart] = []
    number = _("Nombre d'alliances")
    counted = _facet_counts(ids, ("type", "profile", "domain", "sdg"))

    def term_chart(counts: dict[int, int], taxonomy: str, title: str, label: str) -> None:
        if not counts:
            return
        terms = {t.pk: t.label for t in Term.objects.filter(taxonomy__key=taxonomy)}
        rows = [{"label": terms.get(k, "?"), "count": n} for k, n in counts.items()]
        rows.sort(key=lambda r: -r["count"])
        charts.append(
            bar_chart(
                rows[:16],
                category="label",
                value="count",
                title=title,
                description=_("Un exemple peut compter dans plusieurs catégories."),
                category_title=label,
                value_title=number,
            )
        )

    term_chart(
        counted["type"],
        "partnership_types",
        _("Par type de partenariat"),
        _("Type de partenariat"),
    )
    term_chart(
        counted["profile"],
        "actor_profiles",
        _("Par profil des partenaires"),
        _("Profil d'acteur"),
    )
    term_chart(counted["domain"], "domains", _("Par domaine"), _("Domaine"))
    sdg = counted["sdg"]  # goals, with the goal of each target
    if sdg:
        goals = {g.pk: f"{g.number}. {g.short}" for g in SdgGoal.objects.all()}
        rows = sorted(
            ({"label": goals[k], "count": n} for k, n in sdg.items()), key=lambda r: -r["count"]
        )
        charts.append(
            bar_chart(
                rows,
                category="label",
                value="count",
                title=_("Par ODD"),
                description=_("Objectifs de développement durable visés."),
                category_title=_("ODD"),
                value_title=number,
            )
        )
    decades: Counter = Counter()
    for year, n in facts.year_counts(ids).items():
        decades[year // 5 * 5] += n
    if decades:
        rows = [{"label": f"{d}–{d + 4}", "count": n} for d, n in sorted(decades.items())]
        charts.append(
            bar_chart(
                rows,
                category="label",
                value="count",
                title=_("Par année de début"),
                description=_("Alliances par période de cinq ans de création."),
                category_title=_("Période"),
                value_title=number,
                sort_by_value=False,
            )
        )
    return charts


def _region_counts(ids: BitMap) -> dict[str, int]:
    by_id = _facet_counts(ids, ("region",))["region"]
    codes = dict(Territory.objects.filter(pk__in=list(by_id)).values_list("pk", "code"))
    return {codes[pk]: n for pk, n in by_id.items() if pk in codes}


def sheet_map(subject: Subject, ids: BitMap) -> Map:
    lang = current_language()
    if subject.is_territory:
        region = subject.obj if subject.kind == "region" else subject.obj.region
        departements = list(
            Territory.objects.filter(level=Level.DEPARTEMENT, region=region, obsolete=False)
        )
        codes = [d.code for d in departements]
        known = facts.facts()
        counts = {
            d.code: known.published.intersection_cardinality(known.departements[d.pk])
            for d in departements
            if d.pk in known.departements
        }
        return _drawn(
            ("departements", subject.slug, lang, sorted(counts.items())),
            lambda: choropleth(
                "departement",
                {c: counts.get(c, 0) for c in codes},
                title=_("Alliances par département de %(region)s") % {"region": region.name},
                description=_("Nombre d'exemples publiés situés dans chaque département."),
                unit="",
                subset=codes,
                highlight={subject.obj.code} if subject.kind == "departement" else None,
                locale=lang,
                decimals=0,
                link=lambda code: reverse("sheets:sheet", args=["departement", code]),
                slug=f"carte-{subject.slug}",
            ),
        )
    counts = _region_counts(ids)
    codes = list(
        Territory.objects.filter(level=Level.REGION, obsolete=False).values_list("code", flat=True)
    )
    return _drawn(
        ("regions", subject.slug, lang, sorted(counts.items())),
        lambda: choropleth(
            "region",
            {c: counts.get(c, 0) for c in codes},
            title=_("Alliances par région : %(subject)s") % {"subject": subject.title},
            description=_("Nombre d'exemples publiés de ce sujet situés dans chaque région."),
            locale=lang,
            decimals=0,
            link=lambda code: reverse("sheets:sheet", args=["region", code]),
            slug=f"carte-{subject.slug}",
        ),
    )


def _drawn(content: tuple, draw: Callable[[], Map]) -> Map:
    """A sheet's map drawn once for given numbers, kept in the shared cache under a digest
    of them: a sheet rebuilt after a change elsewhere reuses its map (30-80 ms to draw)."""
    key = "sheet:map:" + hashlib.sha256(repr(content).encode()).hexdigest()
    drawn = cache.get(key)
    if drawn is None:
        drawn = draw()
        cache.set(key, drawn, 7 * 24 * 3600)
    return drawn


def key_figures(subject: Subject) -> tuple[list[dict], list[dict]]:
    """(figures of the subject, national figures to compare with) — latest per indicator."""
    figures = published_figures()
    comparison: list[dict] = []
    if subject.is_territory:
        region = subject.obj if subject.kind == "region" else subject.obj.region
        rows = [figure_row(f) for f in figures_in(region.pk)]
        national = figures.filter(territory__level=Level.COUNTRY)
        indicators = {r["indicator"] for r in rows}
        comparison = _latest(
            [figure_row(f) for f in national.filter(indicator__key__in=indicators)]
        )
        by_key = {(r["indicator"], r["population"]): r for r in comparison}
        for row in rows:
            row["national"] = by_key.get((row["indicator"], row["population"]))
            row["significant"] = _significant(row, row["national"])
    elif subject.kind == "profil":
        populations = PROFILE_POPULATIONS.get(subject.key, [])
        rows = [
            figure_row(f)
            for f in figures.filter(population__key__in=populations, territory__level=Level.COUNTRY)
        ]
    elif subject.kind == "odd" and subject.key == "17":
        rows = [figure_row(f) for f in figures.filter(territory__level=Level.COUNTRY)]
    else:
        rows = []
    return _latest(rows)[:MAX_FIGURES], comparison


def _significant(row: dict, national: dict | None) -> bool | None:
    """Whether the regional and national shares differ significantly (both n known)."""
    if not national or not row["n"] or not national["n"]:
        return None
    result = compare_proportions(
        row["value"] / 100, row["n"], national["value"] / 100, national["n"]
    )
    return result.significant


def _latest(rows: list[dict]) -> list[dict]:
    latest: dict[tuple, dict] = {}
    for row in rows:
        key = (row["indicator"], row["population"])
        if key not in latest or row["year"] > latest[key]["year"]:
            latest[key] = row
    return sorted(latest.values(), key=lambda r: (-r["year"], r["statement"]))


def _pool(ids: BitMap) -> list[Alliance]:
    """Up to CANDIDATE_POOL of the subject's alliances: documented ones first, then the
    others, each the most recent first, then by title. Walked year by year down the years'
    bitmaps, so only the alliances of the years needed are read (a sort of every alliance
    of the subject took about 200 ms for 100,000)."""
    known = facts.facts()
    chosen: list[tuple[int, int]] = []  # (id, documented)
    for subset, documented in ((ids & known.documented, 1), (ids - known.documented, 0)):
        need = CANDIDATE_POOL - len(chosen)
        if need <= 0:
            break
        for group in facts.most_recent(subset, need):
            members = list(group)
            titled: list[tuple[str, int]] = []
            for start in range(0, len(members), 5000):
                titled += [
                    (title, pk)
                    for pk, title in Alliance.objects.filter(
                        id__in=members[start : start + 5000]
                    ).values_list("id", "title")
                ]
            titled.sort()
            chosen += [(pk, documented) for _title, pk in titled[: CANDIDATE_POOL - len(chosen)]]
            if len(chosen) >= CANDIDATE_POOL:
                break
    rows = Alliance.objects.filter(id__in=[pk for pk, _d in chosen]).select_related(
        "territory__departement", "territory"
    )
    by_id = {a.pk: a for a in rows}
    pool = []
    for pk, documented in chosen:
        alliance = by_id[pk]
        alliance.documented = documented
        pool.append(alliance)
    return pool


def examples(ids: BitMap) -> list[dict]:
    pool = _pool(ids)
    profiles: dict[int, set[str]] = {}
    for alliance_id, profile in Partner.objects.filter(
        alliance_id__in=[a.pk for a in pool]
    ).values_list("alliance_id", "organisation__profile__key"):
        profiles.setdefault(alliance_id, set()).add(profile)
    by_id = {a.pk: a for a in pool}
    candidates = [
        Candidate(
            id=a.pk,
            title=a.title,
            kind=a.kind,
            has_results=a.documented > 0,
            start_year=a.start_year,
            profiles=frozenset(profiles.get(a.pk, ())),
            place=(
                a.territory.departement.code
                if a.territory and a.territory.departement
                else (a.territory.code if a.territory else None)
            ),
        )
        for a in pool
    ]
    reasons = {
        "results": _("résultats chiffrés documentés"),
        "recent": _("lancée il y a moins de dix ans"),
        "diverse": _("partenaires de profils variés"),
    }
    return [
        {"alliance": by_id[p.candidate.id], "reasons": [reasons[r] for r in p.reasons]}
        for p in select_examples(candidates, timezone.localdate().year, MAX_EXAMPLES)
    ]


def resources(subject: Subject) -> list[Resource]:
    published = Resource.objects.published()
    if subject.kind == "profil":
        found = published.filter(audience=subject.obj)
    elif subject.kind == "domaine":
        found = published.filter(domains=subject.obj)
    elif subject.kind == "odd":
        found = published.filter(sdg_goals=subject.obj)
    else:
        found = published.filter(kind__in=["methode", "outil"])
    return list(found.distinct().order_by("-year", "title")[:MAX_RESOURCES])


def comparison_chart(subject: Subject, ids: BitMap) -> Chart | None:
    """Territories: shares of partnership types here and nationally. Others: the subject
    among its peers (all profiles, all domains or all SDGs)."""
    if subject.is_territory:
        local = _facet_counts(ids, ("type",))["type"]
        national = _national_counts("type")
        if not local:
            return None
        local_total = sum(local.values()) or 1
        national_total = sum(national.values()) or 1
        terms = {t.pk: t.label for t in Term.objects.filter(taxonomy__key="partnership_types")}
        rows = []
        for pk, label in terms.items():
            rows.append(
                {
                    "label": label,
                    "where": subject.title,
                    "share": round(100 * local.get(pk, 0) / local_total),
                }
            )
            rows.append(
                {
                    "label": label,
                    "where": _("France entière"),
                    "share": round(100 * national.get(pk, 0) / national_total),
                }
            )
        import altair as alt

        from alliances.charts.vega import render

        spec = (
            alt.Chart(alt.Data(values=rows))
            .mark_bar()
            .encode(
                y=alt.Y("label:N", title=_("Type de partenariat")),
                x=alt.X(
                    "share:Q", title=_("Part des types cités (%)"), scale=alt.Scale(domain=[0, 100])
                ),
                yOffset="where:N",
                color=alt.Color("where:N", title=None),
            )
            .properties(width=420)
            .to_dict(validate=False)
        )
        title = _("Types de partenariat : %(subject)s et France entière") % {
            "subject": subject.title
        }
        description = _("Part de chaque type parmi les types cités par les exemples.")
        return Chart(
            title=title,
            description=description,
            svg=render(spec, title, description),
            columns=[
                ("label", _("Type de partenariat")),
                ("where", _("Territoire")),
                ("share", _("Part (%)")),
            ],
            rows=rows,
            slug=f"comparaison-{subject.slug}",
        )
    if subject.kind in ("profil", "domaine"):
        taxonomy = "actor_profiles" if subject.kind == "profil" else "domains"
        terms = Term.objects.filter(taxonomy__key=taxonomy, parent__isnull=True, obsolete=False)
        counts = _national_counts("profile" if subject.kind == "profil" else "domain")
        rows = [
            {
                "label": t.label + (" ◆" if t.pk == subject.obj.pk else ""),
                "count": counts.get(t.pk, 0),
            }
            for t in terms
        ]
    else:
        counts = _national_counts("sdg")
        rows = [
            {
                "label": f"{g.number}." + (" ◆" if g.pk == subject.obj.pk else ""),
                "count": counts.get(g.pk, 0),
            }
            for g in SdgGoal.objects.all()
        ]
    if not any(r["count"] for r in rows):
        return None
    return bar_chart(
        rows,
        category="label",
        value="count",
        title=_("%(subject)s parmi les autres") % {"subject": subject.title},
        description=_("Nombre d'exemples publiés ; ◆ marque le sujet de la fiche."),
        category_title=_("Sujet"),
        value_title=_("Nombre d'alliances"),
    )


def _kind_counts(ids: BitMap) -> dict[str, int]:
    return index.facet_counts(ids, ["kind"])["kind"]


def build_sheet(subject: Subject) -> dict:
    ids = subject_ids(subject)
    kinds = _kind_counts(ids)
    totals = {"total": len(ids), "catalysts": kinds.get(Alliance.Kind.CATALYST, 0)}
    organisations = facts.organisation_count(ids)
    figures, national = key_figures(subject)
    chosen = examples(ids)
    sources = sorted({f["source"] for f in figures + national if f["source"]})
    example_sources = list(
        Source.objects.filter(alliance__in=[e["alliance"] for e in chosen])
        .values_list("url", flat=True)
        .distinct()
    )
    return {
        "subject": subject,
        "total": totals["total"],
        "catalysts": totals["catalysts"],
        "organisations": organisations,
        "charts": breakdowns(ids) if totals["total"] else [],
        "map": sheet_map(subject, ids),
        "figures": figures,
        "examples": chosen,
        "resources": resources(subject),
        "comparison": comparison_chart(subject, ids),
        "figure_sources": sources,
        "example_sources": example_sources,
        "data_version": data_version(),
        "generated_at": timezone.now(),
        "france": Territory.objects.filter(level=Level.COUNTRY, code=FRANCE_CODE).first(),
        # SDG sheets: examples verified, suggested and (17) by definition, apart.
        "sdg_coding": sheet_coding(subject.obj) if subject.kind == "odd" else None,
    }
